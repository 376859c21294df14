"""``python -m experiments``: which experiments a command line runs, and what it refuses before running any."""
import importlib.util
import sys
from pathlib import Path

import pytest

import experiments.__main__ as experiments_main
from experiments import EXPERIMENTS, NEEDS_DATA, NOT_IN_ALL
from nnfunc.idx import FILES


@pytest.fixture
def ran(monkeypatch):
    """The names ``main`` runs, in order (``run_one`` records them instead of running), with $NNFUNC_DATA unset."""
    names = []
    monkeypatch.delenv("NNFUNC_DATA", raising=False)
    monkeypatch.setattr(experiments_main, "run_one", lambda name, out, quick: names.append(name) or {
        "experiment": name, "key_result": "", "expected": "", "passed": True, "wall_s": 0.0,
        "compilation": {"total_s": 0.0, "cache_hits": 0, "compiles": 0}})
    return names


def refused(argv, capsys) -> str:
    """The one line ``main(argv)`` prints to stderr when it refuses to start (exit status 2)."""
    with pytest.raises(SystemExit) as exit_:
        experiments_main.main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1, err
    assert err.startswith("python -m experiments: error: ")
    return err


def test_all_skips_the_cnn(ran, tmp_path):
    assert experiments_main.main(["all", "--out", str(tmp_path)]) == 0
    assert NOT_IN_ALL == {"cnn"} and "cnn" in EXPERIMENTS
    assert ran == [name for name in EXPERIMENTS if name not in NOT_IN_ALL] and "mnist" in ran


def test_names_after_all_add_to_it_and_each_runs_once(ran, tmp_path):
    assert experiments_main.main(["costs", "all", "cnn", "neuron", "--out", str(tmp_path)]) == 0
    assert ran == ["costs", *(name for name in EXPERIMENTS if name not in NOT_IN_ALL | {"costs"}), "cnn"]
    assert sorted(ran) == sorted(EXPERIMENTS)


@pytest.mark.parametrize("argv, unknown", [(["neuron", "nosuch"], "experiment 'nosuch'"),
                                           (["all", "cnn", "x", "y"], "experiments 'x', 'y'"),
                                           (["bench"], "experiment 'bench'")])
def test_every_name_is_checked_before_any_runs(argv, unknown, ran, tmp_path, capsys):
    err = refused([*argv, "--out", str(tmp_path / "out")], capsys)
    assert f"unknown {unknown}; the names are neuron, costs," in err and "'all'" not in err
    assert ran == [] and not (tmp_path / "out").exists()


def test_an_out_that_cannot_be_a_directory_is_refused(ran, tmp_path, capsys):
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "x"
    err = refused(["neuron", "--out", str(out)], capsys)
    assert f"--out {out}: cannot create that directory (Not a directory)" in err and ran == []


def test_without_matplotlib_says_what_to_install(ran, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)   # import matplotlib fails; find_spec finds none
    err = refused(["neuron", "--out", str(tmp_path)], capsys)
    assert "matplotlib is missing" in err and "pip install -e '.[experiments]'" in err and ran == []


@pytest.mark.parametrize("name", sorted(NEEDS_DATA))
@pytest.mark.parametrize("present, found", [(None, "no such directory"), ((), "that directory holds none of the files"),
                                            (FILES[:3], f"that directory lacks {FILES[3]};")])
def test_a_data_directory_named_without_the_files_is_refused(name, present, found, ran, tmp_path, monkeypatch,
                                                             capsys):
    named = tmp_path / "data"
    if present is not None:
        named.mkdir()
        for stem in present:
            (named / f"{stem}.gz").write_bytes(b"")
    monkeypatch.setenv("NNFUNC_DATA", str(named))
    err = refused(["neuron", name, "--out", str(tmp_path)], capsys)
    assert f"NNFUNC_DATA={named}: {found}" in err and ", ".join(FILES) in err and ran == []
    assert experiments_main.main(["neuron", "--out", str(tmp_path)]) == 0 and ran == ["neuron"]


def test_the_data_experiments_are_those_that_read_the_files():
    reads = {name for name, module in EXPERIMENTS.items()
             if "from experiments.mnist_like import" in Path(importlib.util.find_spec(module).origin).read_text()}
    assert reads == NEEDS_DATA


def test_the_article_cli_has_no_xla_threads_option(capsys):
    with pytest.raises(SystemExit):
        experiments_main.main(["neuron", "--xla-threads", "1"])
    assert "unrecognized arguments: --xla-threads" in capsys.readouterr().err
