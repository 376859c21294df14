"""``python -m experiments.bench``: one entry point, a subcommand per benchmark, ``all`` by default.

The subcommands run here on tiny sizes (``training``, ``cnn``, ``wide``; ``all`` in
test_bench_comparison.py): the record is written and holds every figure; timings are
never asserted.
"""
import doctest
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import experiments
import experiments.bench.__main__ as bench_main
from experiments.bench import wide_mlp, xla_threads

ROOT = Path(experiments.__file__).parents[1]   # where this run imports the experiments from


def test_help_lists_every_subcommand():
    run = subprocess.run([sys.executable, "-m", "experiments.bench", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    assert "python -m experiments.bench" in run.stdout
    for name in ("all", "training", "cnn", "wide"):
        assert f"\n    {name} " in run.stdout


def test_no_subcommand_means_all():
    args = bench_main.parser().parse_args(bench_main.with_default_benchmark(["--quick", "--xla-threads", "1"]))
    assert args.benchmark == "all" and args.quick and args.xla_threads == 1
    assert bench_main.parser().parse_args(bench_main.with_default_benchmark([])).benchmark == "all"


def test_an_option_of_another_subcommand_is_refused(capsys):
    with pytest.raises(SystemExit):
        bench_main.parser().parse_args(["training", "--batches", "1"])
    assert "unrecognized arguments: --batches" in capsys.readouterr().err


def test_training_reports_both_epochs_and_the_ratio_on_a_tiny_run(tmp_path, capsys):
    record = bench_main.main(["training", "--repeats", "2", "--samples", "40", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "bench_training.json").read_text()) == json.loads(json.dumps(record))
    assert record["benchmark"] == "training" and record["samples"] == 40 and record["repeats"] == 2
    assert set(record["median_s"]) == {"numpy", "per_sample", "batch32"}
    assert all(len(record["times_s"][name]) == 2 for name in record["median_s"])
    assert record["speedup_per_sample"] > 0 and record["compile_s"]["batch1"] > 0
    assert record["xla_threads"] == xla_threads.xla_pool_threads() >= 1
    assert "speed-up per-sample SGD" in capsys.readouterr().out


def test_cnn_quick_times_both_steps_at_each_batch(tmp_path, capsys):
    record = bench_main.main(["cnn", "--quick", "--repeats", "2", "--batches", "1", "2", "--out", str(tmp_path)])
    assert (tmp_path / "bench_cnn.json").is_file() and record["quick"] and record["repeats"] == 2
    assert [step["batch"] for step in record["steps"]] == [1, 2]
    assert all(step["hand_s"] > 0 and step["jax_s"] > 0 and step["ratio"] > 0 for step in record["steps"])
    assert "jax.grad ms" in capsys.readouterr().out


def test_wide_times_every_size_in_every_dtype(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(wide_mlp, "sizes", lambda platform, quick: ((16, 8),))
    record = bench_main.main(["wide", "--quick", "--repeats", "1", "--out", str(tmp_path)])
    assert (tmp_path / "bench_wide.json").is_file() and record["repeats"] == 1
    assert [(run["width"], run["dtype"]) for run in record["wide_mlp"]] == [(16, d) for d in wide_mlp.DTYPES]
    assert "| 16-16-16-10, batch 8 | bfloat16 | nf.backprop |" in capsys.readouterr().out


def test_docstring_examples():
    result = doctest.testmod(bench_main)
    assert result.attempted > 0 and result.failed == 0
