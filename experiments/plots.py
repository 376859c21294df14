"""Small, generic PNG plots for the experiments (matplotlib's Agg canvas, no pyplot state).

Every function writes one PNG to ``path`` and returns ``path``, so an experiment can
list its plots in ``Result.data["plots"]``.  Every axis is labelled; an axis of whole
numbers (epochs, counts) gets whole-number ticks.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P")
PLAIN_LOG_SPAN = 30  # a log axis spanning less than this factor is labelled 0.2, 0.3 rather than 2×10⁻¹
MARKED_POINTS = 40  # a line with more points than this has no markers (they would merge into a thick band)
REGION_COLOURS = ("#dde6f5", "#f7dcd2")  # decision regions: output < 0.5, output >= 0.5
POINT_COLOURS = "coolwarm"               # points labelled 0 (blue) and 1 (red)


def _figure(width: float, height: float) -> Figure:
    """A figure whose layout keeps titles, labels, legends and colour bars clear of each other."""
    return Figure(figsize=(width, height), layout="constrained")


def _save(fig: Figure, path: Path) -> Path:
    path = Path(path)
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=110)
    return path


def _whole_number_ticks(axis) -> None:
    """Ticks only at whole numbers on ``axis`` (e.g. ``ax.xaxis``): no 2.5 epochs."""
    axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def _plain_log_labels(axis, limits: tuple[float, float]) -> None:
    """Plain numbers (1.7, 0.03) at the ticks of a log ``axis`` that spans less than ``PLAIN_LOG_SPAN``."""
    if limits[1] / limits[0] < PLAIN_LOG_SPAN:
        axis.set_major_formatter(StrMethodFormatter("{x:g}"))
        axis.set_minor_formatter(StrMethodFormatter("{x:g}"))


def _same_as(x, y, drawn: Mapping[str, tuple]) -> str | None:
    """The label of the first of ``drawn`` (label -> (x, y)) with exactly these points, if any."""
    return next((label for label, (x0, y0) in drawn.items()
                 if np.array_equal(x0, x) and np.array_equal(y0, y)), None)


def _draw_lines(ax, series: Mapping[str, tuple[Sequence, Sequence]], *, xlabel: str, ylabel: str, title: str = "",
                logx: bool = False, logy: bool = False, integer_x: bool = False, integer_y: bool = False) -> None:
    """One line per entry of ``series`` on ``ax``, each in its own colour, line style and (hollow) marker.

    Earlier lines are drawn wider, with bigger markers, so that a later line lying on
    an earlier one shows inside it; a line equal to an earlier one says so in the legend.
    """
    drawn = {}
    for i, (label, (x, y)) in enumerate(series.items()):
        x, y = np.asarray(x), np.asarray(y)
        same = _same_as(x, y, drawn)
        drawn[label] = (x, y)
        rank = (len(series) - 1 - i) / max(len(series) - 1, 1)   # 1 for the first line, 0 for the last
        ax.plot(x, y, linestyle=LINE_STYLES[i % len(LINE_STYLES)], linewidth=1.3 + 1.2 * rank,
                marker=MARKERS[i % len(MARKERS)] if len(x) <= MARKED_POINTS else None,
                markersize=4 + 4 * rank, markerfacecolor="none",
                label=label if same is None else f"{label} (same as {same})")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title,
           xscale="log" if logx else "linear", yscale="log" if logy else "linear")
    if logy:
        _plain_log_labels(ax.yaxis, ax.get_ylim())
    if integer_x:
        _whole_number_ticks(ax.xaxis)
    if integer_y:
        _whole_number_ticks(ax.yaxis)
    ax.grid(True, which="both", alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize="small")


def line_plot(series: Mapping[str, tuple[Sequence, Sequence]], path: Path, *, xlabel: str, ylabel: str,
              title: str = "", logx: bool = False, logy: bool = False, integer_x: bool = False,
              integer_y: bool = False) -> Path:
    """One line per entry of ``series`` (label -> (x, y)); markers on the points of short lines.

    Lines differ in colour, line style (solid, dashed, dotted, dash-dot), marker and
    width, so that coinciding lines stay visible; ``integer_x``/``integer_y`` put the
    ticks of that axis at whole numbers only.
    """
    fig = _figure(6.4, 4.4)
    _draw_lines(fig.add_subplot(), series, xlabel=xlabel, ylabel=ylabel, title=title, logx=logx, logy=logy,
                integer_x=integer_x, integer_y=integer_y)
    return _save(fig, path)


def epoch_panels(panels: Mapping[str, tuple[str, Mapping[str, Sequence]]], path: Path, *, title: str = "",
                 logy: bool = False, integer_y: bool = False, sharey: bool = False) -> Path:
    """Side by side, one panel per entry (panel title -> (y label, {line label: one number per epoch})).

    Each line is drawn against epoch 1, 2, ... (whole-number ticks); panels suit
    quantities that must not share a y axis (an MSE beside a cross-entropy), or, with
    ``sharey``, runs to compare on one scale.
    """
    fig = _figure(6.4 if len(panels) == 1 else 5.0 * len(panels), 4.4)
    axes = fig.subplots(1, len(panels), sharey=sharey, squeeze=False)[0]
    for ax, (panel_title, (ylabel, runs)) in zip(axes, panels.items()):
        series = {label: (np.arange(1, len(h) + 1), h) for label, h in runs.items()}
        _draw_lines(ax, series, xlabel="epoch", ylabel=ylabel, title=panel_title, logy=logy, integer_x=True,
                    integer_y=integer_y)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def loss_curve(history: Sequence | Mapping[str, Sequence], path: Path, *, ylabel: str = "loss",
               title: str = "", logy: bool = False, integer_y: bool = False) -> Path:
    """Loss (or any per-epoch number) against epoch 1, 2, ...; a mapping gives one line per label."""
    runs = history if isinstance(history, Mapping) else {ylabel: history}
    return epoch_panels({title: (ylabel, runs)}, path, logy=logy, integer_y=integer_y)


def _class_legend(fig: Figure, classes: Sequence[str], columns: int) -> None:
    """One legend below the panels of :func:`decision_boundaries`: what the colours of points and regions mean."""
    colours = matplotlib.colormaps[POINT_COLOURS]
    points = [Line2D([], [], linestyle="", marker="o", markersize=8, markerfacecolor=colours(float(k)),
                     markeredgecolor="k", label=f"labelled {classes[k]}") for k in (1, 0)]
    regions = [Patch(facecolor=REGION_COLOURS[k], edgecolor="0.6", label=f"output {sign} 0.5: {classes[k]}")
               for k, sign in ((1, "≥"), (0, "<"))]
    line = Line2D([], [], color="k", linewidth=1.2, label="output = 0.5")
    fig.legend(handles=[*points, line, *regions], loc="outside lower center", ncols=min(5, 2 * columns),
               fontsize="small")


def decision_boundaries(panels: Mapping[str, tuple[Callable, Sequence, Sequence]], path: Path, *,
                        resolution: int = 200, margin: float = 0.5, equal_aspect: bool = True,
                        columns: int | None = None, xlabel: str = "x1", ylabel: str = "x2",
                        classes: Sequence[str] = ("0", "1"), panel_size: tuple[float, float] = (3.2, 3.1)) -> Path:
    """One panel per entry (title -> (predict_fn, x, y[, names])) for 2-D inputs ``x`` of shape (n, 2).

    ``predict_fn`` maps an (m, 2) array to m numbers (shape (m,) or (m, 1)); the
    panel shades where it is ≥ 0.5, draws the 0.5 contour (the decision line), and
    marks the points ``x`` coloured by their labels ``y`` (and named, if ``names`` is
    given).  A legend below says which colour is which of ``classes`` (the names of
    labels 0 and 1).  Panels of ``panel_size`` inches fill rows of ``columns``
    (default: all in one row); the grid extends ``margin`` past the points.
    """
    columns = len(panels) if columns is None else columns
    rows = -(-len(panels) // columns)
    fig = _figure(panel_size[0] * columns, panel_size[1] * rows + 0.6)
    for i, (title, (predict_fn, x, y, *names)) in enumerate(panels.items()):
        ax = fig.add_subplot(rows, columns, i + 1)
        x, y = np.asarray(x), np.asarray(y).reshape(-1)
        lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
        g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
        z = np.asarray(predict_fn(np.stack([g0.ravel(), g1.ravel()], axis=1))).reshape(g0.shape)
        ax.contourf(g0, g1, z, levels=[-np.inf, 0.5, np.inf], colors=list(REGION_COLOURS))
        if z.min() < 0.5 <= z.max():
            ax.contour(g0, g1, z, levels=[0.5], colors="k", linewidths=1.2)
        ax.scatter(x[:, 0], x[:, 1], c=y, cmap=POINT_COLOURS, vmin=0, vmax=1, edgecolors="k", s=60, zorder=3)
        for name, point in zip(names[0] if names else (), x):
            ax.annotate(name, point, xytext=(5, 4), textcoords="offset points", fontsize="small")
        ax.set(title=title, xlabel=xlabel, ylabel=ylabel, aspect="equal" if equal_aspect else "auto")
    _class_legend(fig, classes, columns)
    return _save(fig, path)


def decision_boundary(predict_fn: Callable, x, y, path: Path, title: str = "", names: Sequence[str] = (),
                      **options) -> Path:
    """:func:`decision_boundaries` with a single, larger panel (``options`` passed on)."""
    return decision_boundaries({title: (predict_fn, x, y, names)}, path, **{"panel_size": (6.0, 5.4), **options})


def bar_chart(panels: Mapping[str, Mapping[str, float]], path: Path, *,
              labels: Sequence[tuple[str, str]] = ()) -> Path:
    """One bar panel per entry (title -> {bar label: value}), each bar annotated with its value.

    ``labels`` gives each panel's (x label, y label); a panel of whole numbers gets
    whole-number ticks, and room above and below the bars for their values.
    """
    fig = _figure(4.0 * len(panels), 3.8)
    for i, (title, bars) in enumerate(panels.items()):
        ax = fig.add_subplot(1, len(panels), i + 1)
        values = [float(v) for v in bars.values()]
        ax.bar_label(ax.bar(list(bars), values, color="#6c8ebf"), fmt="%g", padding=2)
        ax.axhline(0, color="k", linewidth=0.8)
        ax.margins(y=0.15)
        xlabel, ylabel = labels[i] if labels else ("", "")
        ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
        if all(v.is_integer() for v in values):
            _whole_number_ticks(ax.yaxis)
    return _save(fig, path)


def confusion_matrix(counts, labels: Sequence[str], path: Path, *, title: str = "") -> Path:
    """A heat map of ``counts[true, predicted]`` with every cell's count written in it."""
    counts = np.asarray(counts)
    fig = _figure(7.0, 6.2)
    ax = fig.add_subplot()
    image = ax.imshow(counts, cmap="Blues", aspect="auto")   # a fixed aspect would push the y label off the figure
    fig.colorbar(image, ax=ax, fraction=0.046, label="images")
    for (i, j), n in np.ndenumerate(counts):
        ax.text(j, i, str(n), ha="center", va="center", fontsize="x-small",
                color="white" if n > counts.max() / 2 else "black")
    ticks = np.arange(len(labels))
    ax.set_xticks(ticks, labels, rotation=45, ha="right", fontsize="small")
    ax.set_yticks(ticks, labels, fontsize="small")
    ax.set(xlabel="predicted", ylabel="true", title=title)
    return _save(fig, path)


def image_grid(images, path: Path, *, columns: int = 8, titles: Sequence[str] | None = None, title: str = "",
               symmetric: bool = True, scale_label: str = "weight") -> Path:
    """Each of ``images`` (shape (n, height, width)) as a small picture, in rows of ``columns``.

    All images share one colour scale, shown by a colour bar labelled ``scale_label``:
    with ``symmetric`` (for weights) centred on 0 (red positive, blue negative, white
    0); otherwise grey from the smallest value to the largest.
    """
    images = np.asarray(images)
    rows = -(-len(images) // columns)
    fig = _figure(1.1 * columns + 1.0, 1.1 * rows + (0.4 if title else 0))
    bound = np.abs(images).max() or 1.0
    scale = ({"cmap": "RdBu_r", "vmin": -bound, "vmax": bound} if symmetric else
             {"cmap": "gray", "vmin": images.min(), "vmax": images.max()})
    for i, image in enumerate(images):
        ax = fig.add_subplot(rows, columns, i + 1)
        shown = ax.imshow(image, interpolation="nearest", **scale)
        ax.set_axis_off()
        if titles is not None:
            ax.set_title(titles[i], fontsize="x-small")
    fig.colorbar(shown, ax=fig.axes, shrink=0.9, label=scale_label)
    if title:
        fig.suptitle(title)
    return _save(fig, path)
