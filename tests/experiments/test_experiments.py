"""Each experiment, reduced (quick=True), run through the runner into a temporary directory.

Asserts the verdict, the key numbers (against the articles or closed forms), and
that the JSON record and every listed PNG were written.
"""
import json
import re
import sys
import types

import numpy as np
import pytest

import nnfunc as nf
from experiments import EXPERIMENTS, NEEDS_DATA, plots
from experiments.mnist_like import DataDirError
from experiments.runner import TABLE_WIDTH, Result, run_one, summary_table, verdict
from nnfunc.idx import FILES
from tests.helpers import mnist_like_present

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("experiments")


@pytest.fixture(scope="module")
def record(out_dir):
    """``record(name)``: experiment ``name``'s JSON record as written, run at most once per module."""
    cache = {}

    def get(name):
        if name not in cache:
            returned = run_one(name, out_dir, quick=True)
            cache[name] = json.loads((out_dir / f"{name}.json").read_text())
            assert cache[name]["key_result"] == returned["key_result"]
        return cache[name]

    return get


def assert_outputs(record, out_dir, n_plots):
    assert record["quick"] is True and record["x64"] is True
    assert "seed" in record and record["wall_s"] > 0
    assert len(record["data"].get("plots", [])) == n_plots
    for plot in record["data"].get("plots", []):
        assert (out_dir / plot).read_bytes()[:8] == PNG_MAGIC, plot


def test_perceptron(record, out_dir):
    r = record("perceptron")
    assert r["passed"] is True and r["seed"] == 0
    gates = r["data"]["gates"]
    for gate in ("AND", "OR", "NAND"):
        assert gates[gate]["converged"] and 0 < gates[gate]["epochs"] < r["data"]["max_epochs"]
        assert gates[gate]["starts_converged"] == r["data"]["starts"]
    assert gates["AND"]["outputs"] == [0, 0, 0, 1] and gates["NAND"]["outputs"] == [1, 1, 1, 0]
    assert not gates["XOR"]["converged"] and gates["XOR"]["epochs"] == r["data"]["max_epochs"]
    assert gates["XOR"]["starts_converged"] == 0 and gates["XOR"]["outputs"] != [0, 1, 1, 0]
    assert_outputs(r, out_dir, 2)


def test_hebbian(record, out_dir):
    r = record("hebbian")
    assert r["passed"] is True and r["seed"] == 0
    flipped = np.array(r["data"]["bits_flipped"])
    light = np.array(r["data"]["patterns"]["5"]["mean_bits_correct"])
    heavy = np.array(r["data"]["patterns"]["20"]["mean_bits_correct"])
    assert (light[flipped <= 25] >= 99).all()              # P/N = 0.05, well under capacity
    assert (light[flipped <= 25] >= 100 - flipped[flipped <= 25]).all()
    assert heavy[0] < 100                                  # P/N = 0.2, over capacity 0.138
    assert_outputs(r, out_dir, 1)


def test_multiplication(record, out_dir):
    r = record("multiplication")
    assert r["passed"] is True
    fits = r["data"]["fits"]
    softplus = fits["softplus, a = 0"]
    # softplus''(0) = 1/4, softplus''''(0) = −1/8: largest error λ²·(1/2)/3 at λ = 1e-2
    assert softplus["error_at_1e-2"] == pytest.approx(1e-4 / 6, rel=0.02)
    assert fits["elu(1), a = 0 (kink)"]["error_at_1e-2"] == pytest.approx(2e-2 / 3, rel=0.02)
    for label in ("softplus, a = 0", "sigmoid, a = 1", "tanh, a = 0.5"):
        assert fits[label]["slope"] == pytest.approx(2, abs=0.1)
    assert fits["elu(1), a = 0 (kink)"]["slope"] == pytest.approx(1, abs=0.1)
    assert softplus["min_error"] < 1e-7 and 1e-5 < softplus["argmin_scale"] < 1e-3
    assert r["data"]["errors"]["softplus, a = 0"][0] > 1e3 * softplus["min_error"]  # rounding at λ = 1e-7
    assert set(r["data"]["refused"]) == {"tanh, a = 0", "sigmoid, a = 0"}
    assert max(r["data"]["four_neuron_sums"]["tanh, a = 0"]) < 1e-15
    assert r["data"]["three_bit"]["20.0"]["rounded_is_xyz"]
    assert_outputs(r, out_dir, 2)


def test_costs(record, out_dir):
    r = record("costs")
    assert r["passed"] is True and r["data"]["costs"] == {"sum_errors": 4.0, "sum_abs_errors": 8.0, "sse": 18.0}
    assert_outputs(r, out_dir, 1)


def test_neuron(record, out_dir):
    r = record("neuron")
    assert r["passed"] is True
    numbers = r["data"]["numbers"]
    assert numbers["neuron w=[0,1], b=4, x=[2,3]"]["got"] == pytest.approx(0.9990889488055994, rel=1e-14)
    assert numbers["Alice: dL/dw1 by nf.backprop"]["got"] == pytest.approx(0.02146953526581111, rel=1e-14)
    assert "PASS" in r["data"]["alice_gradient_check"]
    assert_outputs(r, out_dir, 0)


def test_runner_refuses_a_listed_plot_that_was_not_written(tmp_path, monkeypatch):
    fake = types.ModuleType("fake_experiment")
    fake.run = lambda out_dir, quick: Result("x", "x", True, {"plots": ["missing.png"]})
    monkeypatch.setitem(sys.modules, "fake_experiment", fake)
    monkeypatch.setitem(EXPERIMENTS, "fake", "fake_experiment")
    with pytest.raises(FileNotFoundError, match=r"experiment 'fake' lists plots it did not write: .*missing.png"):
        run_one("fake", tmp_path)


def test_generic_plots_write_pngs(tmp_path):
    written = [
        plots.loss_curve([1.0, 0.5, 0.25], tmp_path / "loss.png", logy=True),
        plots.decision_boundary(lambda g: g[:, 0] + g[:, 1] >= 1, [[0, 0], [1, 1]], [0, 1], tmp_path / "line.png"),
        plots.bar_chart({"a": {"x": 1.0, "y": -2.0}}, tmp_path / "bars.png"),
        plots.image_grid(np.arange(18.0).reshape(2, 3, 3) - 9, tmp_path / "grid.png", columns=1, titles=["a", "b"]),
    ]
    for path in written:
        assert path.read_bytes()[:8] == PNG_MAGIC


def test_gender(record, out_dir):
    r = record("gender")
    assert r["passed"] is True and r["seed"] == 0 and r["data"]["epochs"] == 1000
    assert r["data"]["emily"] > 0.5 > r["data"]["frank"]           # article E: 0.951 (F) and 0.039 (M)
    assert r["data"]["seeds_right"] == len(r["data"]["seeds"]) == 3
    loss = np.array(r["data"]["loss_history"])
    assert len(loss) == 1000 and loss[-1] < 0.01 < loss[0]
    assert r["compile_s"] > 0 and r["cpu_s"] > 0
    assert_outputs(r, out_dir, 2)


def test_boolean(record, out_dir):
    r = record("boolean")
    assert r["passed"] is True
    untrained = r["data"]["untrained"]
    assert untrained["hidden_weights"][0][0] == 0.9 and untrained["hidden_weights"][1][0] == 0.8
    assert untrained["hidden_z"][0] == pytest.approx(1.0, abs=1e-15)    # 0.9·1 + 0.8·0 + 0.1·1
    assert round(untrained["error"], 2) == 0.77                           # article A: off by about +0.77
    assert r["data"]["truth_table"] == [1, 0, 1, 0, 1, 0, 1, 1]           # F = xy + ¬z
    assert [int(o >= 0.5) for o in r["data"]["outputs"]] == r["data"]["truth_table"]
    assert r["data"]["final_mse"] < 1 / 32 and r["data"]["all_right_after_updates"] < r["data"]["epochs"]
    assert_outputs(r, out_dir, 1)


def test_gates(record, out_dir):
    r = record("gates")
    assert r["passed"] is True
    for gate, result in r["data"]["gates"].items():
        assert result["seeds_learned"] == len(r["data"]["seeds"]), gate
        assert [int(o >= 0.5) for o in result["outputs_seed0"]] == result["table"], gate
    assert r["data"]["gates"]["XOR"]["table"] == [0, 1, 1, 0]
    assert_outputs(r, out_dir, 2)


@pytest.mark.skipif(not mnist_like_present(), reason="no MNIST-format files (apt install dataset-fashion-mnist)")
def test_mnist_reduced(record, out_dir):
    r = record("mnist")
    assert r["passed"] is True and r["skipped"] is False
    assert r["data"]["a"]["samples"] == 300 and r["data"]["test_images"] == 1000
    assert r["data"]["a"]["test_accuracy"] >= 0.6 and r["data"]["b"]["test_accuracy"] >= 0.6   # chance: 0.1
    confusion = np.array(r["data"]["b"]["confusion"])
    assert confusion.shape == (10, 10) and confusion.sum() == 1000
    assert np.trace(confusion) / 1000 == pytest.approx(r["data"]["b"]["test_accuracy"])
    assert_outputs(r, out_dir, 3)


@pytest.mark.skipif(not mnist_like_present(), reason="no MNIST-format files (apt install dataset-fashion-mnist)")
def test_cnn_reduced(record, out_dir):
    r = record("cnn")
    assert r["passed"] is True and r["skipped"] is False and r["data"]["gradients"] == "backprop"
    assert r["data"]["train_images"] == 2000 and r["data"]["test_images"] == 500 and r["data"]["epochs"] == 2
    assert r["data"]["test_accuracy"] >= 0.5                                      # chance: 0.1
    assert r["data"]["test_accuracy"] == r["data"]["test_accuracy_per_epoch"][-1]
    assert r["data"]["train_loss"][1] < r["data"]["train_loss"][0]
    confusion = np.array(r["data"]["confusion"])
    assert confusion.shape == (10, 10) and confusion.sum() == 500
    assert np.trace(confusion) / 500 == pytest.approx(r["data"]["test_accuracy"])
    assert np.array(r["data"]["first_kernels"]).shape == (32, 3, 3)
    seconds, with_compile = r["data"]["epoch_seconds"], r["data"]["epoch_seconds_with_compile"]
    assert with_compile[0] == pytest.approx(seconds[0] + r["compile_s"]) and with_compile[1] == seconds[1]
    assert_outputs(r, out_dir, 3)


@pytest.fixture
def no_data(tmp_path, monkeypatch):
    """Nothing named in $NNFUNC_DATA and the default location empty: the data experiments are skipped."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.delenv("NNFUNC_DATA", raising=False)
    monkeypatch.setattr(nf.idx, "DEFAULT_DIR", empty)
    return empty


@pytest.mark.parametrize("name", sorted(NEEDS_DATA))
def test_without_data_is_skipped_and_says_how_to_get_it(name, no_data, tmp_path, capsys):
    r = run_one(name, tmp_path / "out", quick=True)
    assert r["skipped"] is True and r["passed"] is False and verdict(r) == "skipped"
    assert str(no_data) in r["key_result"]
    printed = capsys.readouterr().out
    assert "apt-get install dataset-fashion-mnist" in printed and "NNFUNC_DATA" in printed
    rows = summary_table([r, {**r, "experiment": "other", "skipped": False, "passed": True}]).splitlines()
    assert [row.split()[1] for row in rows if row.startswith((name, "other"))] == ["skipped", "pass"]


@pytest.mark.parametrize("name", sorted(NEEDS_DATA))
@pytest.mark.parametrize("present", [None, FILES[1:]])
def test_a_named_data_directory_without_the_files_is_an_error(name, present, tmp_path, monkeypatch):
    named = tmp_path / "data"
    if present is not None:
        named.mkdir()
        for stem in present:
            (named / stem).write_bytes(b"")
    monkeypatch.setenv("NNFUNC_DATA", str(named))
    found = "no such directory" if present is None else f"that directory lacks {FILES[0]}"
    with pytest.raises(DataDirError, match=re.escape(f"NNFUNC_DATA={named}: {found}; it should hold the four "
                                                     f"MNIST-format files {', '.join(FILES)}")):
        run_one(name, tmp_path / "out", quick=True)


def test_main_counts_a_skipped_experiment_as_no_failure(tmp_path, monkeypatch, no_data):
    from experiments.__main__ import main
    assert main(["mnist", "costs", "--out", str(tmp_path / "out")]) == 0
    fake = types.ModuleType("failing_experiment")
    fake.run = lambda out_dir, quick: Result("x", "y", False)
    monkeypatch.setitem(sys.modules, "failing_experiment", fake)
    monkeypatch.setitem(EXPERIMENTS, "failing", "failing_experiment")
    assert main(["mnist", "failing", "--out", str(tmp_path / "out")]) == 1


def test_the_summary_fits_its_width_and_keeps_every_word(record, no_data, tmp_path):
    records = [record(name) for name in EXPERIMENTS if name not in NEEDS_DATA]
    records.append(run_one("mnist", tmp_path, quick=True))        # skipped: a long path in its key result
    lines = summary_table(records).splitlines()
    assert max(map(len, lines)) <= TABLE_WIDTH == 100
    words = "".join("".join(lines).split())
    for r in records:
        assert "".join(r["key_result"].split()) in words and "".join(r["expected"].split()) in words
    rows = [line.split() for line in lines if line.startswith(tuple(r["experiment"] for r in records))]
    assert [(row[0], row[1]) for row in rows] == [(r["experiment"], verdict(r)) for r in records]
