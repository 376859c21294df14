"""Article A's cost examples: targets (2, 3, 5, 9), outputs (1, 5, 3, 6).

Sum of errors 4 (the +2 and −2 cancel), sum of absolute errors 8, sum of squared
errors 18.
"""
from __future__ import annotations

from pathlib import Path

import jax.numpy as jnp

import nnfunc as nf
from experiments import plots
from experiments.runner import Result

TARGETS = jnp.array([2.0, 3.0, 5.0, 9.0])
OUTPUTS = jnp.array([1.0, 5.0, 3.0, 6.0])
ARTICLE = {"sum_errors": 4.0, "sum_abs_errors": 8.0, "sse": 18.0}


def run(out_dir: Path, quick: bool = False) -> Result:
    errors = TARGETS - OUTPUTS
    print("errors t - y:", errors.tolist(), "<- the +2 and -2 cancel in the plain sum")
    got = {name: float(nf.loss(name).value(OUTPUTS, TARGETS)) for name in ARTICLE}
    for name, value in got.items():
        print(f"{name:16s} {value:6.1f}   article {ARTICLE[name]:.0f}")
    chart = plots.bar_chart({"errors t − y per example": {str(i + 1): e for i, e in enumerate(errors.tolist())},
                             "costs (article A)": {"Σ e": got["sum_errors"], "Σ |e|": got["sum_abs_errors"],
                                                   "Σ e²": got["sse"]}},
                            out_dir / "costs.png", labels=[("example", "error t − y"), ("cost", "value")])
    return Result(
        key_result=", ".join(f"{v:g}" for v in got.values()),
        expected="4, 8, 18",
        passed=got == ARTICLE,
        data={"errors": errors.tolist(), "costs": got, "article": ARTICLE, "plots": [chart.name]},
    )
