"""The comparison (``python -m experiments.bench all``) on a tiny configuration: its JSON record and Markdown.

Timings are never asserted (the machine is shared); only that every figure is there,
positive, and consistent with the others (median within min–max, ratios from the rounds).
"""
import doctest
import json

import pytest

import experiments.bench.__main__ as bench_main
from experiments.bench import comparison, comparison_report, wide_mlp

TINY = comparison.Config(
    workloads=(
        comparison.Workload("e_221", "E tiny", "mlp", (2, 2, 1), "sigmoid", "mse", 0.1, 4, 1, 2),
        comparison.Workload("c_b32", "C tiny batch 32", "mlp", (784, 100, 50, 10), "tanh", "mse", 0.1, 64, 32, 1),
        comparison.Workload("cnn_b1", "CNN tiny", "cnn", (), "relu", "categorical_cross_entropy", 0.01, 2, 1, 1),
    ),
    repeats=2, warmup=0, wide=((16, 8),), wide_dtypes=("bfloat16",))


def assert_timing(summary, n):
    assert len(summary["times_s"]) == n and len(summary["cpu_s"]) == n
    assert 0 < summary["min_s"] <= summary["median_s"] <= summary["max_s"]


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("bench")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(comparison, "config", lambda quick, repeats: TINY)
        bench_main.main(["all", "--quick", "--out", str(out_dir)])
    return json.loads((out_dir / "bench.json").read_text()), (out_dir / "bench.md").read_text()


def test_record_holds_machine_versions_and_settings(record):
    r, _ = record
    env = r["environment"]
    assert r["benchmark"] == "all" and r["quick"] is True
    assert {"python", "jax", "jaxlib", "numpy"} <= set(env["versions"])
    assert len(env["machine"]["load_average"]) == 3 and len(env["load_average_end"]) == 3
    assert env["machine"]["cpu_count"] >= 1 and env["machine"]["device"].startswith(env["machine"]["platform"])
    assert r["repeats"] == 2 and r["warmup"] == 0 and r["dtype"] == "float32"
    assert r["markdown"] == "bench.md" and r["seed"] == comparison.SEED
    assert r["compilation"]["compiles"] > 0 and r["compilation"]["total_s"] > 0


def test_every_workload_has_its_rows_ratios_and_compile_times(record):
    r, _ = record
    assert list(r["workloads"]) == [w.key for w in TINY.workloads]
    for key, w in r["workloads"].items():
        expected = {comparison.HAND, comparison.JAX, comparison.NUMPY, comparison.TORCH}
        assert set(w["rows"]) | set(w["skipped"]) == expected and not set(w["rows"]) & set(w["skipped"])
        for name, row in w["rows"].items():
            assert_timing(row, 2)
            assert row["first_result_s"] > 0
            assert (row["compile_s"] is None) == (name not in (comparison.HAND, comparison.JAX))
        hand, auto = w["rows"][comparison.HAND], w["rows"][comparison.JAX]
        assert hand["compile_s"] < hand["first_result_s"]
        per_round = [a / b for a, b in zip(hand["times_s"], auto["times_s"])]
        assert w["ratios"]["nf.backprop / jax.grad"]["times_s"] == pytest.approx(per_round)
        assert (comparison.NUMPY in w["rows"]) == (key == "e_221")
        assert w["hand_vs_jax_params_max_rel_diff"] < 1e-3  # the two rows train the same params


def test_targets_are_judged_on_the_median_ratio(record):
    r, _ = record
    targets = r["targets"]
    assert {t["workload"] for t in targets if t["ratio"] == "nf.backprop / jax.grad"} == {w.key for w in TINY.workloads}
    for t in targets:
        ratio = r["workloads"][t["workload"]]["ratios"][t["ratio"]]
        assert t["median"] == ratio["median_s"] and t["min"] <= t["median"] <= t["max"]
        for value, met in ((t["median"], t["met"]), (t["cpu_median"], t["met_cpu"])):
            assert met == (value <= 1 if t["bound"] == "<= 1" else value >= float(t["bound"][3:]))


def test_wide_mlp_reports_tflops_from_the_stated_formula(record):
    r, _ = record
    runs = r["wide_mlp"]
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
        for name in (comparison.HAND, comparison.JAX, comparison.NUMPY, comparison.TORCH):
            assert f"| {w.title} | {name} |" in markdown
    assert "6·B·P" in markdown and "load average" in markdown
    if r["environment"]["machine"]["platform"] == "cpu":
        assert "GPU figures have not been measured here" in markdown


def test_missing_torch_skips_its_rows_with_a_note(monkeypatch):
    monkeypatch.setattr(comparison, "torch_availability", lambda: (None, "torch not installed"))
    cfg = TINY._replace(workloads=TINY.workloads[:1], repeats=1, wide=())
    r = comparison.bench(cfg)
    assert r["workloads"]["e_221"]["skipped"] == {comparison.TORCH: "torch not installed"}
    assert "skipped: torch not installed" in comparison_report.markdown(r)
    assert r["environment"]["torch"] is None and r["wide_mlp"] == []


@pytest.mark.parametrize("module", [wide_mlp, comparison_report])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
