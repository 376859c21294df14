"""Article E trained: the 2-2-1 sigmoid network tells F from M by weight and height.

Four people (weight − 135 lb, height − 66 in; 1 = F), MSE, per-sample SGD with
learning rate 0.1 for 1000 epochs from weights drawn from a standard normal
(``dense(..., w_scale=1.0)``), biases 0.  The article then predicts Emily (−7, −3):
0.951 (F) and Frank (20, 2): 0.039 (M).  Seed 0 is shown in full (the loss every
10 epochs, as the article prints it); the same training from 20 seeds says how
often it works.  Every seed's fit has the same shapes, so the epoch is compiled once.
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
SEEDS = 20
EPOCHS = 1000
LEARNING_RATE = 0.1
EMILY, FRANK = (-7.0, -3.0), (20.0, 2.0)
ARTICLE = {"Emily": 0.951, "Frank": 0.039}
PRINT_EVERY = 10
PER_LINE = 10


def network():
    """Article E's 2-2-1 sigmoid network, weights drawn from N(0, 1)."""
    return nf.serial(nf.dense(2, w_scale=1.0), nf.sigmoid(), nf.dense(1, w_scale=1.0), nf.sigmoid())


def train(net, optimizer, seed: int, epochs: int) -> nf.FitResult:
    """Initialise from ``seed`` and fit on the four people, one sample at a time."""
    init_key, shuffle_key = jax.random.split(jax.random.key(seed))
    params, _ = net.init(init_key, (2,))
    return nf.fit(net, params, nf.people(), nf.mse, key=shuffle_key, epochs=epochs, batch_size=1,
                  optimizer=optimizer)


def print_losses(loss: np.ndarray) -> None:
    """The loss every ``PRINT_EVERY`` epochs, ``PER_LINE`` to a line."""
    shown = loss[PRINT_EVERY - 1::PRINT_EVERY]
    span = PRINT_EVERY * PER_LINE
    print(f"loss (mean over the epoch's 4 per-sample steps) every {PRINT_EVERY} epochs, {PER_LINE} to a line:")
    for row in range(0, len(shown), PER_LINE):
        first = (row + 1) * PRINT_EVERY
        cells = " ".join(f"{v:.4f}" for v in shown[row:row + PER_LINE])
        print(f"epochs {first:4d}-{min(first + span - PRINT_EVERY, len(loss)):4d}: {cells}")


def run(out_dir: Path, quick: bool = False) -> Result:
    n_seeds = 3 if quick else SEEDS
    net, optimizer = network(), optax.sgd(LEARNING_RATE)
    fits = [train(net, optimizer, seed, EPOCHS) for seed in range(SEED, SEED + n_seeds)]
    main = fits[0]
    print_losses(main.history.loss)

    x, t = nf.people()
    newcomers = np.array([EMILY, FRANK])
    outputs = predict_each(net, [fit.params for fit in fits], newcomers)[:, :, 0]
    emily, frank = (float(v) for v in outputs[0])
    right = (outputs[:, 0] > 0.5) & (outputs[:, 1] < 0.5)
    print(f"seed {SEED}: Emily {EMILY} -> {emily:.3f} ({'F' if emily > 0.5 else 'M'}; article {ARTICLE['Emily']}), "
          f"Frank {FRANK} -> {frank:.3f} ({'F' if frank > 0.5 else 'M'}; article {ARTICLE['Frank']})")
    print(f"over seeds {SEED}..{SEED + n_seeds - 1}: Emily F and Frank M in {int(right.sum())}/{n_seeds}; "
          f"Emily {outputs[:, 0].min():.3f}..{outputs[:, 0].max():.3f}, "
          f"Frank {outputs[:, 1].min():.3f}..{outputs[:, 1].max():.3f}; final loss "
          f"{min(f.history.loss[-1] for f in fits):.4f}..{max(f.history.loss[-1] for f in fits):.4f}")

    curve = plots.loss_curve(main.history.loss, out_dir / "gender_loss.png", ylabel="MSE", logy=True,
                             title=f"Article E, seed {SEED}: per-sample SGD, learning rate {LEARNING_RATE}")
    everyone = np.concatenate([x, newcomers])
    labels = np.concatenate([t[:, 0], [1.0, 0.0]])  # Emily F, Frank M, as the article classifies them
    boundary = plots.decision_boundary(lambda grid: nf.predict(net, main.params, grid), everyone, labels,
                                       out_dir / "gender_boundary.png",
                                       title=f"Seed {SEED}: the 4 people, and Emily and Frank\nas the article classifies them",
                                       names=[*nf.PEOPLE, "Emily", "Frank"], classes=("M", "F"),
                                       margin=4.0, equal_aspect=False, xlabel="weight − 135 (lb)",
                                       ylabel="height − 66 (in)")
    needed = int(np.ceil(0.9 * n_seeds))
    return Result(
        key_result=f"Emily {emily:.3f}, Frank {frank:.3f}; {int(right.sum())}/{n_seeds} seeds right",
        expected=f"Emily > 0.5 (article {ARTICLE['Emily']}), Frank < 0.5 (article {ARTICLE['Frank']}); "
                 f">= {needed}/{n_seeds} seeds",
        passed=bool(right[0]) and int(right.sum()) >= needed,
        data={"epochs": EPOCHS, "learning_rate": LEARNING_RATE, "seeds": list(range(SEED, SEED + n_seeds)),
              "emily": emily, "frank": frank, "article": ARTICLE, "seeds_right": int(right.sum()),
              "per_seed": {"emily": outputs[:, 0].tolist(), "frank": outputs[:, 1].tolist(),
                           "final_loss": [float(f.history.loss[-1]) for f in fits]},
              "loss_history": main.history.loss.tolist(), "plots": [curve.name, boundary.name]},
        seed=SEED,
        compile_s=sum(f.compile_s for f in fits),
    )
