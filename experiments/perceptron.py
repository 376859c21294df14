"""Article C: Rosenblatt's perceptron rule on the two-input logic gates.

AND, OR and NAND are linearly separable, so the rule reaches a unit with all four
outputs right after finitely many epochs, from every random start; XOR is not, so
it never does.  One random start (the seed) is shown in detail and plotted; the
same fit from many starts (vmap over keys, one compiled program) gives the spread
of epochs.
"""
from __future__ import annotations

import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import nnfunc as nf
from experiments import plots
from experiments.runner import Result

SEED = 0
INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "XOR": [0, 1, 1, 0]}
SEPARABLE = ("AND", "OR", "NAND")


def fit_all(keys, targets, max_epochs: int):
    """``perceptron_fit`` for every gate (rows of ``targets``) from every key: leaves (gates, keys, ...)."""
    x = jnp.asarray(INPUTS)
    fit_keys = jax.vmap(lambda k, t: nf.classic.perceptron_fit(k, x, t, max_epochs), (0, None))
    return jax.vmap(fit_keys, (None, 0))(keys, targets)


def run(out_dir: Path, quick: bool = False) -> Result:
    max_epochs, n_starts = (100, 32) if quick else (1000, 1000)
    keys = jax.random.split(jax.random.key(SEED), n_starts)
    targets = jnp.asarray(list(GATES.values()), float)
    start = time.perf_counter()
    compiled = jax.jit(fit_all, static_argnums=2).lower(keys, targets, max_epochs).compile()
    compile_s = time.perf_counter() - start
    fits = compiled(keys, targets)
    unit = nf.classic.threshold_net()

    print(f"Rosenblatt's rule, learning rate 1, weights and bias from U[-1, 1), at most {max_epochs} epochs")
    print(f"{'gate':5s} {'epochs':>6s} {'all right':>9s}  {'w1':>6s} {'w2':>6s} {'b':>6s}  outputs   "
          f"| over {n_starts} starts: converged, epochs min/median/max")
    rows, panels = {}, {}
    for g, gate in enumerate(GATES):
        params = jax.tree.map(lambda leaf: leaf[g, 0], fits.params)
        epochs, converged = int(fits.epochs[g, 0]), bool(fits.converged[g, 0])
        outputs = unit.forward(params, INPUTS)[0][:, 0].astype(int).tolist()
        w, b = params[0]["w"][:, 0].tolist(), float(params[0]["b"][0])
        spread = np.asarray(fits.epochs[g])
        n_converged = int(fits.converged[g].sum())
        print(f"{gate:5s} {epochs:6d} {str(converged):>9s}  {w[0]:6.2f} {w[1]:6.2f} {b:6.2f}  {outputs}  "
              f"| {n_converged:4d}/{n_starts}, {spread.min()}/{np.median(spread):g}/{spread.max()}")
        rows[gate] = {"epochs": epochs, "converged": converged, "w": w, "b": b, "outputs": outputs,
                      "starts_converged": n_converged, "epochs_min": int(spread.min()),
                      "epochs_median": float(np.median(spread)), "epochs_max": int(spread.max())}
        title = f"{gate}: {epochs} epochs" if converged else f"{gate}: not after {epochs}"
        panels[title] = (lambda grid, p=params: unit.forward(p, grid)[0], INPUTS, GATES[gate])

    lines = plots.decision_boundaries(panels, out_dir / "perceptron_lines.png")
    shown = 20
    curve = plots.loss_curve({gate: np.asarray(fits.mistakes[g, 0, :shown]) for g, gate in enumerate(GATES)},
                             out_dir / "perceptron_mistakes.png", ylabel="corrections in the epoch",
                             integer_y=True, title=f"Perceptron rule, seed {SEED}: first {shown} epochs")

    separable_ok = all(rows[g]["starts_converged"] == n_starts for g in SEPARABLE)
    xor_ok = rows["XOR"]["starts_converged"] == 0 and rows["XOR"]["epochs_min"] == max_epochs
    return Result(
        key_result=", ".join(f"{g} {rows[g]['epochs']}" for g in SEPARABLE) + " epochs; XOR "
                   + ("not converged" if not rows["XOR"]["converged"] else "CONVERGED")
                   + f" in {max_epochs} ({rows['XOR']['starts_converged']}/{n_starts} starts)",
        expected=f"AND/OR/NAND converge from all {n_starts} starts; XOR from none",
        passed=separable_ok and xor_ok,
        data={"max_epochs": max_epochs, "starts": n_starts, "learning_rate": 1.0, "gates": rows,
              "plots": [lines.name, curve.name]},
        seed=SEED,
        compile_s=compile_s,
    )
