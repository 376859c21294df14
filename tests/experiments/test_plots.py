"""What a reader of the experiments' PNGs relies on: labelled axes, whole-number ticks, visible lines, legends.

Each plot function's figure is caught just before it is saved (``plots._save``), so
the tests look at the matplotlib objects rather than at pixels.
"""
from pathlib import Path

import numpy as np
import pytest

from experiments import plots
from experiments.runner import run_one
from tests.helpers import mnist_like_present


def catch_figures(patch: pytest.MonkeyPatch) -> dict:
    """From now on (while ``patch`` lasts), ``caught[png name]`` is the figure each plot function saved."""
    caught, save = {}, plots._save

    def catching(fig, path):
        caught[Path(path).name] = fig
        return save(fig, path)

    patch.setattr(plots, "_save", catching)
    return caught


@pytest.fixture
def figures(monkeypatch):
    """``figures[png name]``: the figure each plot function saved during the test."""
    return catch_figures(monkeypatch)


def data_axes(fig) -> list:
    """The axes of ``fig`` that show data: not colour bars, not pictures drawn without axes."""
    return [ax for ax in fig.axes if ax.axison and not hasattr(ax, "_colorbar")]


def visible_ticks(axis, limits) -> np.ndarray:
    """The major tick positions of ``axis`` inside the view ``limits``."""
    ticks = np.asarray(axis.get_majorticklocs())
    return ticks[(ticks >= min(limits)) & (ticks <= max(limits))]


def assert_labelled(name: str, fig) -> None:
    for ax in data_axes(fig):
        assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: an axis without a label ({ax.get_title()!r})"


def assert_whole_ticks(axis, limits) -> None:
    ticks = visible_ticks(axis, limits)
    assert len(ticks) >= 2 and np.all(ticks == np.round(ticks)), ticks


@pytest.fixture(scope="module")
def cheap_runs(tmp_path_factory):
    """The figures of the reduced costs, perceptron, hebbian, gender and boolean experiments."""
    with pytest.MonkeyPatch.context() as patch:
        caught = catch_figures(patch)
        out = tmp_path_factory.mktemp("plots")
        for name in ("costs", "perceptron", "hebbian", "gender", "boolean"):
            run_one(name, out, quick=True)
    return caught


def test_every_axis_of_the_experiments_plots_is_labelled(cheap_runs):
    assert {"costs.png", "perceptron_mistakes.png", "perceptron_lines.png", "gender_boundary.png",
            "gender_loss.png", "boolean_loss.png", "hebbian_recall.png"} <= set(cheap_runs)
    for name, fig in cheap_runs.items():
        assert_labelled(name, fig)


def test_epochs_and_counts_get_whole_number_ticks(cheap_runs):
    for name, fig in cheap_runs.items():
        for ax in data_axes(fig):
            if ax.get_xlabel() == "epoch":
                assert_whole_ticks(ax.xaxis, ax.get_xlim())
    mistakes = data_axes(cheap_runs["perceptron_mistakes.png"])[0]
    assert_whole_ticks(mistakes.yaxis, mistakes.get_ylim())          # corrections per epoch: 0, 1, 2, ...
    for ax in data_axes(cheap_runs["costs.png"]):
        assert_whole_ticks(ax.yaxis, ax.get_ylim())


def test_perceptron_mistakes_show_all_four_gates(cheap_runs):
    ax = data_axes(cheap_runs["perceptron_mistakes.png"])[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["AND", "OR", "NAND", "XOR"]
    assert len({line.get_marker() for line in lines}) == 4 and len({line.get_linestyle() for line in lines}) == 4
    widths = [line.get_linewidth() for line in lines]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]   # a later line shows inside an earlier


def test_gender_boundary_is_large_and_says_which_colour_is_which(cheap_runs):
    fig = cheap_runs["gender_boundary.png"]
    assert min(fig.get_size_inches()) >= 5
    legend = " ".join(text.get_text() for text in fig.legends[0].get_texts())
    assert "labelled F" in legend and "labelled M" in legend and "output ≥ 0.5: F" in legend


def test_bar_values_stay_inside_their_panels(cheap_runs):
    fig = cheap_runs["costs.png"]
    fig.canvas.draw()
    for ax in data_axes(fig):
        box = ax.get_window_extent()
        for text in ax.texts:
            extent = text.get_window_extent()
            assert box.y0 < extent.y0 and extent.y1 < box.y1, text.get_text()


def test_coinciding_lines_stay_visible_and_are_named(figures, tmp_path):
    x = np.arange(5)
    plots.line_plot({"a": (x, x ** 2), "b": (x, x), "c": (x, x ** 2)}, tmp_path / "lines.png", xlabel="x",
                    ylabel="y", integer_x=True)
    a, b, c = data_axes(figures["lines.png"])[0].get_lines()
    assert c.get_label() == "c (same as a)" and b.get_label() == "b"
    assert a.get_linewidth() > c.get_linewidth() and a.get_markersize() > c.get_markersize()


def test_long_curves_have_no_markers(figures, tmp_path):
    plots.loss_curve({"long": np.linspace(1, 0, 1000), "short": np.linspace(1, 0, 20)}, tmp_path / "loss.png")
    long, short = data_axes(figures["loss.png"])[0].get_lines()
    assert long.get_marker() == "None" and short.get_marker() != "None"


def test_losses_on_different_scales_get_panels_of_their_own(figures, tmp_path):
    plots.epoch_panels({"mse": ("MSE", {"train": [0.1, 0.05]}), "ce": ("cross-entropy", {"train": [2.0, 1.0]})},
                       tmp_path / "panels.png", logy=True, title="two losses")
    axes = data_axes(figures["panels.png"])
    assert [ax.get_ylabel() for ax in axes] == ["MSE", "cross-entropy"]
    assert figures["panels.png"].get_suptitle() == "two losses"


def test_kernels_get_a_colour_scale(figures, tmp_path):
    plots.image_grid(np.arange(18.0).reshape(2, 3, 3) - 9, tmp_path / "grid.png", columns=2)
    fig = figures["grid.png"]
    bars = [ax for ax in fig.axes if hasattr(ax, "_colorbar")]
    assert len(bars) == 1 and bars[0].get_ylabel() == "weight"
    assert bars[0]._colorbar.vmin == -9 and bars[0]._colorbar.vmax == 9


@pytest.mark.skipif(not mnist_like_present(), reason="no MNIST-format files (apt install dataset-fashion-mnist)")
def test_mnist_reports_the_last_epochs_test_accuracy_and_plots_both_runs_test_curves(figures, tmp_path):
    record = run_one("mnist", tmp_path, quick=True)
    a, b = record["data"]["a"], record["data"]["b"]
    assert "last-epoch test accuracy" in record["key_result"]
    assert "held-out" not in record["key_result"] and "best" not in record["key_result"]
    for run, epochs in ((a, 5), (b, 3)):
        assert len(run["test_accuracy_per_epoch"]) == epochs
        assert run["test_accuracy"] == run["test_accuracy_per_epoch"][-1]
        assert f"{run['test_accuracy']:.4f}" in record["key_result"]
    loss_axes = data_axes(figures["mnist_loss.png"])
    assert [ax.get_ylabel() for ax in loss_axes] == ["training MSE (epoch mean)",
                                                     "training cross-entropy (epoch mean)"]
    accuracy_axes = data_axes(figures["mnist_accuracy.png"])
    assert len(accuracy_axes) == 2
    for ax in accuracy_axes:
        assert any(line.get_label().startswith("test") for line in ax.get_lines())
    assert "MNIST" in figures["mnist_accuracy.png"].get_suptitle()
    for name, fig in figures.items():
        assert_labelled(name, fig)
