"""Article D's logic gates, XOR among them, learned by one 2-h-1 network.

AND, OR, NAND, NOR, XOR and XNOR, each from several seeds.  XOR and XNOR are not
linearly separable (the perceptron experiment shows a single unit never learns
them), so the hidden layer is what makes them learnable.  With h = 2 sigmoid or
tanh units, gradient descent on XOR often stalls in a local minimum; h = 8 tanh
units, a sigmoid output, binary cross-entropy and Adam (learning rate 0.1, full
batch, 300 epochs) learn every gate from every seed tried.  The same network,
loss and optimizer serve every fit, so the epoch is compiled once.
"""
from __future__ import annotations

from pathlib import Path

import jax
import numpy as np
import optax

import nnfunc as nf
from experiments import plots
from experiments.ensemble import predict_each
from experiments.runner import Result

SEED = 0
SEEDS = 5
HIDDEN = 8
EPOCHS = 300
LEARNING_RATE = 0.1


def network():
    """2-h-1: tanh hidden units, one sigmoid output (the probability of a 1)."""
    return nf.serial(nf.dense(HIDDEN), nf.tanh(), nf.dense(1), nf.sigmoid())


def run(out_dir: Path, quick: bool = False) -> Result:
    n_seeds = 2 if quick else SEEDS
    net, optimizer = network(), optax.adam(LEARNING_RATE)
    fits = {}
    for gate in nf.GATES:
        data = nf.logic_gate(gate)
        for seed in range(SEED, SEED + n_seeds):
            params, _ = net.init(jax.random.key(seed), (2,))
            fits[gate, seed] = nf.fit(net, params, data, nf.binary_cross_entropy, epochs=EPOCHS, batch_size=None,
                                      shuffle=False, optimizer=optimizer)
    x = nf.logic_gate("AND")[0]  # every gate's table has the same rows, in the same order
    outputs = predict_each(net, [fit.params for fit in fits.values()], x)[:, :, 0].reshape(len(nf.GATES), n_seeds, 4)
    targets = np.array([nf.logic_gate(gate)[1][:, 0] for gate in nf.GATES])
    right = ((outputs >= 0.5) == (targets[:, None, :] >= 0.5)).all(axis=2)

    print(f"2-{HIDDEN}-1 (tanh, sigmoid out), binary cross-entropy, Adam({LEARNING_RATE}), full batch, {EPOCHS} epochs")
    print(f"{'gate':5s} table    seed {SEED} outputs for 00 01 10 11      learned  final loss (seed {SEED})")
    results = {}
    for g, gate in enumerate(nf.GATES):
        shown = " ".join(f"{v:.3f}" for v in outputs[g, 0])
        loss = float(fits[gate, SEED].history.loss[-1])
        print(f"{gate:5s} {''.join(str(int(v)) for v in targets[g])}     {shown}   {int(right[g].sum())}/{n_seeds}"
              f"      {loss:.4f}")
        results[gate] = {"table": targets[g].tolist(), "outputs_seed0": outputs[g, 0].tolist(),
                         "seeds_learned": int(right[g].sum()), "final_loss_per_seed":
                         [float(fits[gate, s].history.loss[-1]) for s in range(SEED, SEED + n_seeds)]}

    panels = {f"{gate} (seed {SEED})": (lambda grid, p=fits[gate, SEED].params: nf.predict(net, p, grid),
                                        x, targets[g]) for g, gate in enumerate(nf.GATES)}
    boundaries = plots.decision_boundaries(panels, out_dir / "gates_boundaries.png", columns=3)
    curves = plots.loss_curve({gate: fits[gate, SEED].history.loss for gate in nf.GATES},
                              out_dir / "gates_loss.png", ylabel="binary cross-entropy", logy=True,
                              title=f"2-{HIDDEN}-1 on the six gates, seed {SEED}")
    learned = int(right.sum())
    return Result(
        key_result=f"{learned}/{right.size} fits learned their gate "
                   f"(XOR {results['XOR']['seeds_learned']}/{n_seeds}, XNOR {results['XNOR']['seeds_learned']}/{n_seeds})",
        expected=f"all 6 gates from all {n_seeds} seeds ({right.size}/{right.size})",
        passed=bool(right.all()),
        data={"hidden": HIDDEN, "epochs": EPOCHS, "learning_rate": LEARNING_RATE, "optimizer": "adam",
              "seeds": list(range(SEED, SEED + n_seeds)), "gates": results,
              "plots": [boundaries.name, curves.name]},
        seed=SEED,
        compile_s=sum(fit.compile_s for fit in fits.values()),
    )
