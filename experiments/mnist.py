"""Article C's digit network, 784-100 tanh-50 tanh-10, on MNIST or Fashion-MNIST.

Data as in :mod:`experiments.mnist_like` (skipped, with instructions, without the files);
pixels in [0, 1], labels one-hot (article C), float32.

(a) Article C: a tanh output layer, MSE, per-sample SGD with learning rate 0.1 for
    35 epochs on the first 1000 training images only; softmax is then added as the
    final layer and the accuracy measured on the 10 000 test images after every epoch.
(b) The same layers on all 60 000 training images, in mini-batches of 128 with
    Adam (step size 1e-3 decaying to 0 along a half cosine over the 20 epochs):
    the last dense layer's output is the logits, trained with softmax
    cross-entropy; softmax is added as the final layer for prediction, as in (a).
    The published Fashion-MNIST baselines for MLPs are 0.871 (scikit-learn's
    MLPClassifier) and 0.8833 (256-128-100); (b) is expected to reach 0.885.

Both runs are judged by the test accuracy after their last epoch: no epoch is chosen,
so the test set is never used to select anything.  The per-epoch test accuracies are
recorded and plotted, beside the training accuracy, to show how far each run overfits.
"""
from __future__ import annotations

from pathlib import Path

import jax
import optax

import nnfunc as nf
from experiments import plots
from experiments.mnist_like import adam_with_test_curve, float32, load, skipped, with_softmax
from experiments.runner import Result

SEED = 0
ARTICLE_SAMPLES, ARTICLE_EPOCHS, ARTICLE_LEARNING_RATE = 1000, 35, 0.1
BATCH, EPOCHS, ADAM_LEARNING_RATE = 128, 20, 1e-3
EXPECTED = {"fashion": {"a": 0.70, "b": 0.885}, "mnist": {"a": 0.80, "b": 0.97}}
EXPECTED_QUICK = {"a": 0.6, "b": 0.6}  # --quick: 300 images for (a), 2000 for 3 epochs for (b); chance is 0.1
DATA_NAMES = {"fashion": "Fashion-MNIST", "mnist": "MNIST"}


def body() -> tuple:
    """784 -> 100 tanh -> 50 tanh -> 10 (the last dense layer's output, before any output activation)."""
    return nf.dense(100), nf.tanh(), nf.dense(50), nf.tanh(), nf.dense(10)


def test_accuracy_per_epoch(layers: tuple, test, curve: list):
    """A callback for :func:`nnfunc.fit` that appends the test accuracy (softmax added last) to ``curve``.

    It only evaluates: the training run is the same with or without it.
    """
    return lambda epoch, params, history: curve.append(nf.evaluate(*with_softmax(layers, params), test).accuracy)


def article_c(train, test, samples: int, epochs: int, key) -> dict:
    """(a): tanh output, MSE, per-sample SGD(0.1) on the first ``samples`` images; test accuracy after every epoch."""
    layers = (*body(), nf.tanh())
    net = nf.serial(*layers)
    init_key, shuffle_key = jax.random.split(key)
    params = float32(net.init(init_key, train[0].shape[1:])[0])
    curve = []
    fit = nf.fit(net, params, (train[0][:samples], train[1][:samples]), nf.mse, key=shuffle_key, epochs=epochs,
                 batch_size=1, optimizer=optax.sgd(ARTICLE_LEARNING_RATE), accuracy=True,
                 callback=test_accuracy_per_epoch(layers, test, curve))
    print(f"(a) article C: {samples} images, per-sample SGD({ARTICLE_LEARNING_RATE}), MSE, {epochs} epochs: "
          f"after the last epoch train accuracy {fit.history.accuracy[-1]:.3f}, test accuracy {curve[-1]:.4f} "
          f"(compile {fit.compile_s:.1f} s, training {fit.history.seconds.sum():.1f} s)")
    print("    test accuracy per epoch: " + " ".join(f"{a:.4f}" for a in curve))
    return {"fit": fit, "test_accuracy": curve[-1], "test_curve": curve}


def mini_batches(train, test, epochs: int, key) -> dict:
    """(b): softmax cross-entropy on logits, Adam, mini-batches; test accuracy after every epoch."""
    b = adam_with_test_curve(body(), train, test, epochs=epochs, batch=BATCH, learning_rate=ADAM_LEARNING_RATE,
                             key=key)
    fit, curve = b["fit"], b["test_curve"]
    print(f"(b) {len(train[0])} images, batches of {BATCH}, Adam({ADAM_LEARNING_RATE}, cosine decay), "
          "softmax cross-entropy, "
          f"{epochs} epochs: test accuracy after the last epoch {b['test_accuracy']:.4f} "
          f"(compile {fit.compile_s:.1f} s, training {fit.history.seconds.sum():.1f} s)")
    print("    test accuracy per epoch: " + " ".join(f"{a:.4f}" for a in curve))
    return b


def learning_curves(a: dict, b: dict, out_dir: Path, data_name: str, images: tuple[int, int, int]) -> tuple:
    """``mnist_loss.png`` (MSE and cross-entropy in panels of their own) and ``mnist_accuracy.png``.

    The accuracy plot has one panel per run, on one scale, each with its training
    and its test accuracy after every epoch, so that (a)'s gap between them shows.
    ``images``: how many training images (a) and (b) used, and how many test images.
    """
    samples, n_train, n_test = images
    titles = {"a": f"(a) article C: {samples} images, per-sample SGD",
              "b": f"(b) {n_train} images, batches of {BATCH}, Adam"}
    network = f"784-100 tanh-50 tanh-10 on {data_name}"
    loss = plots.epoch_panels({titles["a"]: ("training MSE (epoch mean)", {"train": a["fit"].history.loss}),
                               titles["b"]: ("training cross-entropy (epoch mean)", {"train": b["fit"].history.loss})},
                              out_dir / "mnist_loss.png", logy=True, title=f"{network}: training loss")
    accuracy = plots.epoch_panels(
        {titles[name]: ("accuracy", {"train (running, before each update)": run["fit"].history.accuracy,
                                     f"test ({n_test} images)": run["test_curve"]})
         for name, run in (("a", a), ("b", b))},
        out_dir / "mnist_accuracy.png", sharey=True, title=f"{network}: accuracy after every epoch")
    return loss, accuracy


def run(out_dir: Path, quick: bool = False) -> Result:
    n_train, n_test, samples, epochs_a, epochs_b = ((2000, 1000, 300, 5, 3) if quick else
                                                    (None, None, ARTICLE_SAMPLES, ARTICLE_EPOCHS, EPOCHS))
    try:
        data = load(n_train, n_test, (28 * 28,))
    except FileNotFoundError as err:
        return skipped("mnist", err)
    train, test, kind, classes = data.train, data.test, data.kind, data.classes
    n_train, n_test = len(train[0]), len(test[0])
    print(f"data: {data.source} ({kind}), {n_train} training and {n_test} test images, float32")
    key_a, key_b = jax.random.split(jax.random.key(SEED))
    a = article_c(train, test, samples, epochs_a, key_a)
    b = mini_batches(train, test, epochs_b, key_b)

    learning, accuracy = learning_curves(a, b, out_dir, DATA_NAMES[kind], (samples, n_train, n_test))
    confusion = plots.confusion_matrix(b["confusion"], classes, out_dir / "mnist_confusion.png",
                                       title=f"(b) after the last epoch, on the {n_test} test images: "
                                             f"accuracy {b['test_accuracy']:.4f}")
    expected = EXPECTED_QUICK if quick else EXPECTED[kind]
    return Result(
        key_result=f"{kind}: last-epoch test accuracy (a) {a['test_accuracy']:.4f}, "
                   f"(b) {b['test_accuracy']:.4f}",
        expected=f"(a) >= {expected['a']}; (b) >= {expected['b']}" + (" (MLP baselines 0.871, 0.8833)"
                                                                     if kind == "fashion" and not quick else ""),
        passed=a["test_accuracy"] >= expected["a"] and b["test_accuracy"] >= expected["b"],
        data={"source": data.source, "kind": kind, "train_images": n_train, "test_images": n_test,
              "dtype": "float32", "classes": list(classes),
              "a": {"samples": samples, "epochs": epochs_a, "learning_rate": ARTICLE_LEARNING_RATE, "loss": "mse",
                    "output": "tanh, softmax added for prediction", "test_accuracy": a["test_accuracy"],
                    "test_accuracy_per_epoch": a["test_curve"],
                    "train_loss": a["fit"].history.loss.tolist(), "train_accuracy": a["fit"].history.accuracy.tolist(),
                    "train_seconds": float(a["fit"].history.seconds.sum())},
              "b": {"batch": BATCH, "epochs": epochs_b, "optimizer": f"adam({ADAM_LEARNING_RATE}, cosine decay to 0)",
                    "loss": "softmax_cross_entropy", "test_accuracy": b["test_accuracy"],
                    "test_accuracy_per_epoch": b["test_curve"], "train_loss": b["fit"].history.loss.tolist(),
                    "train_accuracy": b["fit"].history.accuracy.tolist(), "confusion": b["confusion"].tolist(),
                    "train_seconds": float(b["fit"].history.seconds.sum())},
              "plots": [learning.name, accuracy.name, confusion.name]},
        seed=SEED,
        compile_s=a["fit"].compile_s + b["fit"].compile_s,
    )
