"""Choose the CNN's training recipe on a validation split, never on the test set.

``python -m experiments.studies.cnn_selection [--out DIR] [--only N ...] [--quick]``

The 60 000 training images of Fashion-MNIST are split once, with a fixed key,
into 55 000 for training and 5 000 for validation (``nf.train_test_split``); the
test set is not loaded into any decision.  Each candidate
:class:`experiments.cnn.Recipe` is trained on the 55 000 from the same initial
params and shuffling key, and its validation accuracy is taken after every
epoch.  The recipe with the best final validation accuracy is the one
:mod:`experiments.cnn` trains on all 60 000 images before measuring the test
accuracy once.

Writes ``cnn_selection.json`` after each candidate, so an interrupted run keeps
what it finished; records there of candidates not run again (and still in
``CANDIDATES`` unchanged) are kept, so ``--only`` adds to an earlier run.  Also
``cnn_selection.png``: validation accuracy per epoch.  A full run of the five
candidates took 45 minutes on an idle 2-core CPU; ``--quick`` runs every candidate
on 2 000 images for 1 epoch to check the script.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import jax
import numpy as np

import nnfunc as nf
from experiments import plots
from experiments.cnn import SEED, Recipe, train
from experiments.cnn_model import INPUT_SHAPE
from experiments.help_text import plain
from experiments.mnist_like import HOW_TO_GET_DATA, named_data_dir_error, prepared
from experiments.output_dir import output_dir_problem

VALIDATION_IMAGES = 5000
SPLIT_KEY = jax.random.key(2024)
CANDIDATES = (
    Recipe(epochs=8, mirror_copies=True),                     # the recipe before this selection: 0.9189 on test
    Recipe(epochs=15, max_shift=2),
    Recipe(epochs=25, max_shift=2),
    Recipe(epochs=40, max_shift=2),
    Recipe(epochs=12, mirror_copies=True, max_shift=1),
)


def validation_split(train_set: tuple, n_validation: int) -> tuple[tuple, tuple]:
    """``(training part, validation part)`` of ``train_set``, drawn with the fixed ``SPLIT_KEY``."""
    x, t = train_set
    x_fit, t_fit, x_val, t_val = nf.train_test_split(x, t, SPLIT_KEY, n_validation / len(x))
    return (x_fit, t_fit), (x_val, t_val)


def still_a_candidate(record: dict) -> bool:
    """Whether an earlier run's ``record`` is of a recipe that is still in ``CANDIDATES`` under its index."""
    i = record["candidate"]
    return 0 <= i < len(CANDIDATES) and record["recipe"] == CANDIDATES[i]._asdict()


def refusal(only: list[int] | None, out: Path) -> str | None:
    """Why the study cannot start, in one line, or None: bad ``--only`` indices, ``--out``, or no data."""
    bad = [i for i in only or () if not 0 <= i < len(CANDIDATES)]
    if bad:
        return f"--only {' '.join(map(str, bad))}: the candidates are numbered 0 to {len(CANDIDATES) - 1}"
    problem = output_dir_problem(out) or named_data_dir_error()
    if problem:
        return problem
    missing = nf.idx.missing_files(nf.idx.data_dir())
    return f"no MNIST-format files in {nf.idx.data_dir()} (missing {', '.join(missing)}): {HOW_TO_GET_DATA}" \
        if missing else None


def main(argv=None) -> list[dict]:
    """Train the candidates named in ``argv`` (default all), write the JSON and the plot; return the records.

    Exits with status 2 and one line, before any training, when ``--only`` names no
    candidate, ``--out`` cannot be written or the data files are missing.
    """
    parser = argparse.ArgumentParser(prog="python -m experiments.studies.cnn_selection", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("results"), help="directory for the JSON and the plot")
    parser.add_argument("--only", type=int, nargs="*", help="indices into CANDIDATES to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="2000 images, 1 epoch each: checks the script")
    args = parser.parse_args(argv)
    problem = refusal(args.only, args.out)
    if problem:
        parser.exit(2, f"{parser.prog}: error: {problem}\n")
    x_train, y_train = nf.load_mnist_like()[:2]   # the training files only
    n = 2000 if args.quick else len(x_train)
    fit_set, val_set = validation_split(prepared(x_train[:n], y_train[:n], INPUT_SHAPE),
                                        200 if args.quick else VALIDATION_IMAGES)
    print(f"data: {nf.idx.data_dir()}, {len(fit_set[0])} images to train on, {len(val_set[0])} to validate on "
          "(the test set is not used)")
    indices = range(len(CANDIDATES)) if args.only is None else args.only
    path = args.out / "cnn_selection.json"
    earlier = json.loads(path.read_text()) if path.exists() and not args.quick else []
    records = [r for r in earlier if r["candidate"] not in indices and still_a_candidate(r)]
    for i in indices:
        recipe = CANDIDATES[i]._replace(epochs=1) if args.quick else CANDIDATES[i]
        print(f"candidate {i}: {recipe.describe()}")
        tic = time.perf_counter()
        result = train(recipe, fit_set, val_set, jax.random.key(SEED))
        curve = result["test_curve"]
        records.append({"candidate": i, "recipe": recipe._asdict(), "description": recipe.describe(),
                        "validation_accuracy": result["test_accuracy"], "validation_curve": curve,
                        "train_accuracy": result["fit"].history.accuracy.tolist(),
                        "seconds": time.perf_counter() - tic})
        print(f"candidate {i}: validation accuracy {result['test_accuracy']:.4f} "
              f"(per epoch: {' '.join(f'{a:.4f}' for a in curve)}), {records[-1]['seconds']:.0f} s")
        path.write_text(json.dumps(sorted(records, key=lambda r: r["candidate"]), indent=1))
    best = max(records, key=lambda r: r["validation_accuracy"])
    print(f"best on validation: candidate {best['candidate']} ({best['description']}), "
          f"{best['validation_accuracy']:.4f}")
    plots.loss_curve({r["description"]: r["validation_curve"] for r in records}, args.out / "cnn_selection.png",
                     ylabel="validation accuracy", title=f"CNN recipes, {len(val_set[0])} held-out training images")
    return records


if __name__ == "__main__":
    main()
