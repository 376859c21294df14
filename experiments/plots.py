"""Small, generic PNG plots for the experiments (matplotlib's Agg canvas, no pyplot state).

Every function writes one PNG to ``path`` and returns ``path``, so an experiment can
list its plots in ``Result.data["plots"]``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

LINE_STYLES = ("-", "--", ":", "-.")


def _save(fig: Figure, path: Path) -> Path:
    path = Path(path)
    FigureCanvasAgg(fig)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def line_plot(series: Mapping[str, tuple[Sequence, Sequence]], path: Path, *, xlabel: str, ylabel: str,
              title: str = "", logx: bool = False, logy: bool = False) -> Path:
    """One line per entry of ``series`` (label -> (x, y)), markers on the points.

    Line styles cycle (solid, dashed, dotted, dash-dot) so that coinciding lines stay visible.
    """
    fig = Figure(figsize=(6.4, 4.4))
    ax = fig.add_subplot()
    for i, (label, (x, y)) in enumerate(series.items()):
        ax.plot(np.asarray(x), np.asarray(y), marker=".", linestyle=LINE_STYLES[i % 4], label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title,
           xscale="log" if logx else "linear", yscale="log" if logy else "linear")
    ax.grid(True, which="both", alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize="small")
    return _save(fig, path)


def loss_curve(history: Sequence | Mapping[str, Sequence], path: Path, *, ylabel: str = "loss",
               title: str = "", logy: bool = False) -> Path:
    """Loss (or any per-epoch number) against epoch 1, 2, ...; a mapping gives one line per label."""
    runs = history if isinstance(history, Mapping) else {ylabel: history}
    series = {label: (np.arange(1, len(h) + 1), h) for label, h in runs.items()}
    return line_plot(series, path, xlabel="epoch", ylabel=ylabel, title=title, logy=logy)


def decision_boundaries(panels: Mapping[str, tuple[Callable, Sequence, Sequence]], path: Path, *,
                        resolution: int = 200, margin: float = 0.5, equal_aspect: bool = True,
                        columns: int | None = None, xlabel: str = "x1", ylabel: str = "x2") -> Path:
    """One panel per entry (title -> (predict_fn, x, y[, names])) for 2-D inputs ``x`` of shape (n, 2).

    ``predict_fn`` maps an (m, 2) array to m numbers (shape (m,) or (m, 1)); the
    panel shades where it is ≥ 0.5, draws the 0.5 contour (the decision line), and
    marks the points ``x`` coloured by their labels ``y`` (and named, if ``names`` is
    given).  Panels fill rows of
    ``columns`` (default: all in one row); the grid extends ``margin`` past the points.
    """
    columns = len(panels) if columns is None else columns
    rows = -(-len(panels) // columns)
    fig = Figure(figsize=(3.2 * columns, 3.4 * rows))
    for i, (title, (predict_fn, x, y, *names)) in enumerate(panels.items()):
        ax = fig.add_subplot(rows, columns, i + 1)
        x, y = np.asarray(x), np.asarray(y).reshape(-1)
        lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
        g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
        z = np.asarray(predict_fn(np.stack([g0.ravel(), g1.ravel()], axis=1))).reshape(g0.shape)
        ax.contourf(g0, g1, z, levels=[-np.inf, 0.5, np.inf], colors=["#dde6f5", "#f7dcd2"])
        if z.min() < 0.5 <= z.max():
            ax.contour(g0, g1, z, levels=[0.5], colors="k", linewidths=1.2)
        ax.scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", vmin=0, vmax=1, edgecolors="k", s=60, zorder=3)
        for name, point in zip(names[0] if names else (), x):
            ax.annotate(name, point, xytext=(5, 4), textcoords="offset points", fontsize="small")
        ax.set(title=title, xlabel=xlabel, ylabel=ylabel, aspect="equal" if equal_aspect else "auto")
    return _save(fig, path)


def decision_boundary(predict_fn: Callable, x, y, path: Path, title: str = "", names: Sequence[str] = (),
                      **options) -> Path:
    """:func:`decision_boundaries` with a single panel (``options`` passed on)."""
    return decision_boundaries({title: (predict_fn, x, y, names)}, path, **options)


def bar_chart(panels: Mapping[str, Mapping[str, float]], path: Path, *, ylabel: str = "") -> Path:
    """One bar panel per entry (title -> {bar label: value}), each bar annotated with its value."""
    fig = Figure(figsize=(3.6 * len(panels), 3.6))
    for i, (title, bars) in enumerate(panels.items()):
        ax = fig.add_subplot(1, len(panels), i + 1)
        drawn = ax.bar(list(bars), list(bars.values()), color="#6c8ebf")
        ax.bar_label(drawn, fmt="%g")
        ax.axhline(0, color="k", linewidth=0.8)
        ax.set(title=title, ylabel=ylabel if i == 0 else "")
        ax.tick_params(axis="x", labelsize="small")
    return _save(fig, path)


def confusion_matrix(counts, labels: Sequence[str], path: Path, *, title: str = "") -> Path:
    """A heat map of ``counts[true, predicted]`` with every cell's count written in it."""
    counts = np.asarray(counts)
    fig = Figure(figsize=(7.0, 6.2))
    ax = fig.add_subplot()
    image = ax.imshow(counts, cmap="Blues")
    fig.colorbar(image, ax=ax, fraction=0.046)
    for (i, j), n in np.ndenumerate(counts):
        ax.text(j, i, str(n), ha="center", va="center", fontsize="x-small",
                color="white" if n > counts.max() / 2 else "black")
    ticks = np.arange(len(labels))
    ax.set_xticks(ticks, labels, rotation=45, ha="right", fontsize="small")
    ax.set_yticks(ticks, labels, fontsize="small")
    ax.set(xlabel="predicted", ylabel="true", title=title)
    return _save(fig, path)


def image_grid(images, path: Path, *, columns: int = 8, titles: Sequence[str] | None = None, title: str = "",
               symmetric: bool = True) -> Path:
    """Each of ``images`` (shape (n, height, width)) as a small grey picture, in rows of ``columns``.

    With ``symmetric`` (for weights) one colour scale centred on 0 is shared by all
    images (red positive, blue negative, white 0); otherwise grey from min to max.
    """
    images = np.asarray(images)
    rows = -(-len(images) // columns)
    fig = Figure(figsize=(1.1 * columns, 1.1 * rows + (0.4 if title else 0)))
    bound = np.abs(images).max() or 1.0
    scale = {"cmap": "RdBu_r", "vmin": -bound, "vmax": bound} if symmetric else {"cmap": "gray"}
    for i, image in enumerate(images):
        ax = fig.add_subplot(rows, columns, i + 1)
        ax.imshow(image, interpolation="nearest", **scale)
        ax.set_axis_off()
        if titles is not None:
            ax.set_title(titles[i], fontsize="x-small")
    if title:
        fig.suptitle(title)
    return _save(fig, path)
