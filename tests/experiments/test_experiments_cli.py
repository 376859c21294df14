"""``python -m experiments``: the article experiments only; the benchmarks have their own command."""
import pytest

import experiments.__main__ as experiments_main
from experiments import EXPERIMENTS, NOT_IN_ALL


def test_all_skips_the_cnn(monkeypatch, tmp_path):
    ran = []
    monkeypatch.setattr(experiments_main, "run_one", lambda name, out, quick: ran.append(name) or {
        "experiment": name, "key_result": "", "expected": "", "passed": True, "wall_s": 0.0,
        "compilation": {"total_s": 0.0, "cache_hits": 0, "compiles": 0}})
    assert experiments_main.main(["all", "--out", str(tmp_path)]) == 0
    assert NOT_IN_ALL == {"cnn"} and "cnn" in EXPERIMENTS
    assert ran == [name for name in EXPERIMENTS if name not in NOT_IN_ALL] and "mnist" in ran


def test_the_benchmark_is_no_experiment(tmp_path):
    assert "bench" not in EXPERIMENTS
    with pytest.raises(SystemExit, match="unknown experiment 'bench'"):
        experiments_main.main(["bench", "--out", str(tmp_path)])


def test_the_article_cli_has_no_xla_threads_option(capsys):
    with pytest.raises(SystemExit):
        experiments_main.main(["neuron", "--xla-threads", "1"])
    assert "unrecognized arguments: --xla-threads" in capsys.readouterr().err
