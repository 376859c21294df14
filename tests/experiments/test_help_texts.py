"""``--help`` of the experiments' three commands: plain text, no reStructuredText markup, in 80 columns."""
import doctest
import re

import pytest

import experiments.__main__ as experiments_main
import experiments.bench.__main__ as bench_main
from experiments import help_text, runner
from experiments.bench.__main__ import BENCHMARKS
from experiments.studies import cnn_selection

MARKUP = re.compile(r"``|:[a-z]+:`")
COMMANDS = [(experiments_main.main, []), (bench_main.main, []), (cnn_selection.main, [])]


def help_of(main, argv, capsys) -> str:
    """What ``main([*argv, "--help"])`` prints, after checking that it exits with status 0."""
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("main, argv", COMMANDS + [(bench_main.main, [name]) for name in BENCHMARKS])
def test_help_has_no_markup(main, argv, capsys):
    text = help_of(main, argv, capsys)
    assert "python -m experiments" in text and not MARKUP.search(text), MARKUP.findall(text)


@pytest.mark.parametrize("main, argv", COMMANDS)
def test_help_fits_80_columns(main, argv, monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")    # argparse wraps its own parts to the terminal's width
    lines = help_of(main, argv, capsys).splitlines()
    assert max(map(len, lines)) <= 80, [line for line in lines if len(line) > 80]


@pytest.mark.parametrize("module", [help_text, runner, experiments_main])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
