"""The benchmark harness on a tiny configuration: structure of the JSON record and the Markdown.

Timings are never asserted (the machine is shared); only that every figure is there,
positive, and consistent with the others (median within min–max, ratios from the rounds).
"""
import doctest
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import jax
import pytest

import experiments.__main__ as experiments_main
from experiments import EXPERIMENTS, NOT_IN_ALL, bench, compilation, timing, xla_threads
from experiments.runner import run_one

ROOT = Path(__file__).resolve().parents[3]

TINY = bench.Config(
    workloads=(
        bench.Workload("e_221", "E tiny", "mlp", (2, 2, 1), "sigmoid", "mse", 0.1, 4, 1, 2),
        bench.Workload("c_b32", "C tiny batch 32", "mlp", (784, 100, 50, 10), "tanh", "mse", 0.1, 64, 32, 1),
        bench.Workload("cnn_b1", "CNN tiny", "cnn", (), "relu", "categorical_cross_entropy", 0.01, 2, 1, 1),
    ),
    repeats=2, warmup=0, wide=((16, 8),), wide_dtypes=("bfloat16",))


def assert_timing(summary, n):
    assert len(summary["times_s"]) == n and len(summary["cpu_s"]) == n
    assert 0 < summary["min_s"] <= summary["median_s"] <= summary["max_s"]


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("bench")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "config", lambda quick: TINY)
        run_one("bench", out_dir, quick=True)
    return json.loads((out_dir / "bench.json").read_text()), (out_dir / "bench.md").read_text()


def test_record_holds_machine_versions_and_settings(record):
    r, _ = record
    env = r["data"]["environment"]
    assert {"python", "jax", "jaxlib", "numpy"} <= set(env["versions"])
    assert len(env["machine"]["load_average"]) == 3 and len(env["load_average_end"]) == 3
    assert env["machine"]["cpu_count"] >= 1 and env["machine"]["device"].startswith(env["machine"]["platform"])
    assert r["data"]["repeats"] == 2 and r["data"]["warmup"] == 0 and r["data"]["dtype"] == "float32"
    assert r["data"]["markdown"] == "bench.md" and r["seed"] == bench.SEED
    assert r["data"]["compilation"]["compiles"] > 0 and r["compile_s"] == r["data"]["compilation"]["total_s"]
    assert r["compilation"]["compiles"] >= r["data"]["compilation"]["compiles"]  # the runner's clock


def test_every_workload_has_its_rows_ratios_and_compile_times(record):
    r, _ = record
    assert list(r["data"]["workloads"]) == [w.key for w in TINY.workloads]
    for key, w in r["data"]["workloads"].items():
        expected = {bench.HAND, bench.JAX, bench.NUMPY, bench.TORCH}
        assert set(w["rows"]) | set(w["skipped"]) == expected and not set(w["rows"]) & set(w["skipped"])
        for name, row in w["rows"].items():
            assert_timing(row, 2)
            assert row["first_result_s"] > 0
            assert (row["compile_s"] is None) == (name not in (bench.HAND, bench.JAX))
        hand, auto = w["rows"][bench.HAND], w["rows"][bench.JAX]
        assert hand["compile_s"] < hand["first_result_s"]
        per_round = [a / b for a, b in zip(hand["times_s"], auto["times_s"])]
        assert w["ratios"]["nf.backprop / jax.grad"]["times_s"] == pytest.approx(per_round)
        assert (bench.NUMPY in w["rows"]) == (key == "e_221")
        assert w["hand_vs_jax_params_max_rel_diff"] < 1e-3  # the two rows train the same params


def test_targets_are_judged_on_the_median_ratio(record):
    r, _ = record
    targets = r["data"]["targets"]
    assert {t["workload"] for t in targets if t["ratio"] == "nf.backprop / jax.grad"} == {w.key for w in TINY.workloads}
    for t in targets:
        ratio = r["data"]["workloads"][t["workload"]]["ratios"][t["ratio"]]
        assert t["median"] == ratio["median_s"] and t["min"] <= t["median"] <= t["max"]
        for value, met in ((t["median"], t["met"]), (t["cpu_median"], t["met_cpu"])):
            assert met == (value <= 1 if t["bound"] == "<= 1" else value >= float(t["bound"][3:]))
    assert r["key_result"] == f"{sum(t['met'] for t in targets)}/{len(targets)} targets met"


def test_wide_mlp_reports_tflops_from_the_stated_formula(record):
    r, _ = record
    runs = r["data"]["wide_mlp"]
    assert [(run["width"], run["dtype"]) for run in runs] == [(16, "bfloat16")]
    for run in runs:
        assert run["flops_per_step"] == 6 * 8 * (2 * (16 * 16 + 16) + 10 * 16 + 10)
        for row in run["rows"].values():
            assert_timing(row, 2)
            assert row["tflops"] == pytest.approx(run["flops_per_step"] / row["median_s"] / 1e12)
            assert (row["fraction_of_peak"] is None) == (run["peak_tflops"] is None)


def test_markdown_has_every_table_and_the_gpu_note(record):
    r, markdown = record
    for heading in ("### Training time per workload", "### Targets", "### Wide MLP training step"):
        assert heading in markdown
    for w in TINY.workloads:
        for name in (bench.HAND, bench.JAX, bench.NUMPY, bench.TORCH):
            assert f"| {w.title} | {name} |" in markdown
    assert "6·B·P" in markdown and "load average" in markdown
    if r["data"]["environment"]["machine"]["platform"] == "cpu":
        assert "GPU figures have not been measured here" in markdown


def test_missing_torch_skips_its_rows_with_a_note(monkeypatch):
    monkeypatch.setattr(bench, "torch_availability", lambda: (None, "torch not installed"))
    cfg = TINY._replace(workloads=TINY.workloads[:1], repeats=1, wide=())
    r = bench.bench(cfg)
    assert r["workloads"]["e_221"]["skipped"] == {bench.TORCH: "torch not installed"}
    assert "skipped: torch not installed" in bench.bench_report.markdown(r)
    assert r["environment"]["torch"] is None and r["wide_mlp"] == []


def test_measure_rotates_the_order_of_each_round():
    calls = []
    fns = {name: (lambda name=name: calls.append(name)) for name in "abc"}
    result = timing.measure(fns, repeats=2, warmup=1, min_sample_s=0, rewarm_s=0)
    assert calls == list("abc") + list("abcbcacab")  # calibration, then rounds
    assert all(len(t.times_s) == 2 and t.calls == 1 for t in result.values())
    with pytest.raises(ValueError, match="repeats >= 1"):
        timing.measure(fns, repeats=0)


def test_a_short_function_is_sampled_in_several_calls_after_one_untimed_call():
    calls = []
    result = timing.measure({"short": lambda: calls.append(1)}, repeats=3, warmup=0, min_sample_s=0.01)
    assert result["short"].calls > 1 and len(calls) == 1 + 3 * (1 + result["short"].calls)
    assert result["short"].summary()["calls_per_sample"] == result["short"].calls


def test_a_function_slower_than_rewarm_s_gets_no_untimed_call():
    calls = []
    timing.measure({"slow": lambda: (calls.append(1), time.sleep(0.005))}, repeats=2, warmup=0,
                   min_sample_s=0, rewarm_s=0.001)
    assert len(calls) == 1 + 2


def test_ratio_is_per_round_and_needs_the_same_rounds():
    r = timing.ratio(timing.Timing((1.0, 6.0)), timing.Timing((2.0, 2.0)))
    assert r.times_s == (0.5, 3.0) and r.median_s == 1.75 and not math.isnan(r.max_s)
    with pytest.raises(ValueError):
        timing.ratio(timing.Timing((1.0,)), timing.Timing((1.0, 2.0)))


def test_cache_dir_from_the_environment(tmp_path):
    assert compilation.cache_dir({}) == compilation.Path(compilation.DEFAULT_CACHE_DIR).expanduser()
    assert compilation.cache_dir({"NNFUNC_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert compilation.cache_dir({"NNFUNC_CACHE_DIR": "OFF"}) is None
    assert compilation.enable_cache(None) is None


def test_all_skips_the_benchmark_and_the_cnn(monkeypatch, tmp_path):
    ran = []
    monkeypatch.setattr(experiments_main, "run_one", lambda name, out, quick: ran.append(name) or {
        "experiment": name, "key_result": "", "expected": "", "passed": True, "wall_s": 0.0,
        "compilation": {"total_s": 0.0, "cache_hits": 0, "compiles": 0}})
    assert experiments_main.main(["all", "--out", str(tmp_path)]) == 0
    assert {"bench", "cnn"} <= NOT_IN_ALL and {"bench", "cnn"} <= set(EXPERIMENTS)
    assert ran == [name for name in EXPERIMENTS if name not in NOT_IN_ALL] and "mnist" in ran


@pytest.mark.parametrize("module", [timing, compilation, xla_threads, bench.bench_wide, bench.bench_report])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_bench_training_reports_both_epochs_and_the_ratio_on_a_tiny_run(capsys):
    from experiments import bench_training
    result = bench_training.main(["--repeats", "2", "--samples", "40"])
    assert set(result["median_s"]) == {"numpy", "per_sample", "batch32"}
    assert all(len(result["times_s"][name]) == 2 for name in result["median_s"])
    assert result["speedup_per_sample"] > 0 and result["compile_s"]["batch1"] > 0
    assert result["xla_threads"] == xla_threads.xla_pool_threads() >= 1
    assert "speed-up per-sample SGD" in capsys.readouterr().out


@pytest.mark.parametrize("threads", [0, 10_000])
def test_bench_training_refuses_an_impossible_thread_count(threads):
    with pytest.raises(SystemExit, match="--xla-threads must be between 1 and"):
        xla_threads.size_xla_pool(threads)


def test_bench_training_refuses_to_resize_a_pool_that_exists():
    jax.devices()
    with pytest.raises(SystemExit, match="already exists"):
        xla_threads.size_xla_pool(1)


SIZE_ONE_THREAD_POOL = """
import os
from experiments.xla_threads import size_xla_pool
allowed = os.sched_getaffinity(0)
threads = size_xla_pool(1)
tasks = os.listdir("/proc/self/task")
print(threads, all(os.sched_getaffinity(int(tid)) == allowed for tid in tasks), len(tasks) > 1)
"""


def test_a_one_thread_xla_pool_leaves_every_thread_all_its_cpus():
    """A fresh process: one XLAEigen thread, and no thread (that one included) kept on fewer CPUs."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", SIZE_ONE_THREAD_POOL], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1", "True", "True"]
