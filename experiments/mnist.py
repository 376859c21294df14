"""Article C's digit network, 784-100 tanh-50 tanh-10, on MNIST or Fashion-MNIST.

The four IDX files come from ``$NNFUNC_DATA`` (a directory of MNIST-format files)
or else from Debian's ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``);
without them the experiment is skipped and says how to get them.  Pixels are
scaled to [0, 1] and labels one-hot encoded (article C), all in float32.

(a) Article C: a tanh output layer, MSE, per-sample SGD with learning rate 0.1 for
    35 epochs on the first 1000 training images only; softmax is then added as the
    final layer and the accuracy measured on the 10 000 test images.
(b) The same layers on all 60 000 training images, in mini-batches of 128 with
    Adam (step size 1e-3 decaying to 0 along a half cosine over the 20 epochs):
    the last dense layer's output is the logits, trained with softmax
    cross-entropy; softmax is added as the final layer for prediction, as in (a).
    The published Fashion-MNIST baselines for MLPs are 0.871 (scikit-learn's
    MLPClassifier) and 0.8833 (256-128-100); (b) is expected to reach 0.885.
"""
from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax

import nnfunc as nf
from experiments import plots
from experiments.runner import Result

SEED = 0
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                   "Ankle boot")
ARTICLE_SAMPLES, ARTICLE_EPOCHS, ARTICLE_LEARNING_RATE = 1000, 35, 0.1
BATCH, EPOCHS, ADAM_LEARNING_RATE = 128, 20, 1e-3
EXPECTED = {"fashion": {"a": 0.70, "b": 0.885}, "mnist": {"a": 0.80, "b": 0.97}}
EXPECTED_QUICK = {"a": 0.6, "b": 0.6}  # --quick: 300 images for (a), 2000 for 3 epochs for (b); chance is 0.1
HOW_TO_GET_DATA = ("Fashion-MNIST on Debian/Ubuntu: `sudo apt-get install dataset-fashion-mnist` (installs the "
                   "four IDX files to /usr/share/datasets/fashion-mnist); or set NNFUNC_DATA to a directory holding "
                   "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte "
                   "(gzipped or not), e.g. MNIST from https://yann.lecun.com/exdb/mnist/")


def body() -> tuple:
    """784 -> 100 tanh -> 50 tanh -> 10 (the last dense layer's output, before any output activation)."""
    return nf.dense(100), nf.tanh(), nf.dense(50), nf.tanh(), nf.dense(10)


def float32(tree):
    """Every leaf as a float32 array (the runner turns float64 on; MNIST trains in float32 for speed)."""
    return jax.tree.map(lambda leaf: jnp.asarray(leaf, jnp.float32), tree)


def prepared(images, labels) -> tuple[np.ndarray, np.ndarray]:
    """Flattened pixels in [0, 1] and one-hot labels, float32."""
    x = nf.scale_to_unit(images.reshape(len(images), -1), 0, 255).astype(np.float32)
    return x, nf.one_hot(labels.astype(int), 10).astype(np.float32)


def with_softmax(layers: tuple, params: tuple):
    """Article C's prediction network: the trained layers with softmax added last (no params)."""
    return nf.serial(*layers, nf.softmax()), (*params, {})


def article_c(train, test, samples: int, epochs: int, key) -> dict:
    """(a): tanh output, MSE, per-sample SGD(0.1) on the first ``samples`` images; test accuracy."""
    layers = (*body(), nf.tanh())
    net = nf.serial(*layers)
    init_key, shuffle_key = jax.random.split(key)
    params = float32(net.init(init_key, train[0].shape[1:])[0])
    fit = nf.fit(net, params, (train[0][:samples], train[1][:samples]), nf.mse, key=shuffle_key, epochs=epochs,
                 batch_size=1, optimizer=optax.sgd(ARTICLE_LEARNING_RATE), accuracy=True)
    accuracy = nf.evaluate(*with_softmax(layers, fit.params), test).accuracy
    print(f"(a) article C: {samples} images, per-sample SGD({ARTICLE_LEARNING_RATE}), MSE, {epochs} epochs: "
          f"train accuracy {fit.history.accuracy[-1]:.3f}, test accuracy {accuracy:.4f} "
          f"(compile {fit.compile_s:.1f} s, training {fit.history.seconds.sum():.1f} s)")
    return {"fit": fit, "test_accuracy": accuracy}


def mini_batches(train, test, epochs: int, key) -> dict:
    """(b): softmax cross-entropy on logits, Adam, mini-batches; test accuracy after every epoch."""
    layers = body()
    net = nf.serial(*layers)
    init_key, shuffle_key = jax.random.split(key)
    params = float32(net.init(init_key, train[0].shape[1:])[0])
    x_test, t_test = jnp.asarray(test[0]), jnp.asarray(test[1])
    test_accuracy = jax.jit(lambda p, x, t: nf.accuracy(net.forward(p, x)[0], t))  # argmax: softmax not needed
    curve = []
    # the step size decays from ADAM_LEARNING_RATE to 0 along a half cosine over the whole run
    schedule = optax.cosine_decay_schedule(ADAM_LEARNING_RATE, epochs * (len(train[0]) // BATCH))
    fit = nf.fit(net, params, train, nf.softmax_cross_entropy, key=shuffle_key, epochs=epochs, batch_size=BATCH,
                 optimizer=optax.adam(schedule),
                 callback=lambda epoch, p, history: curve.append(float(test_accuracy(p, x_test, t_test))))
    predict_net, predict_params = with_softmax(layers, fit.params)
    final = nf.evaluate(predict_net, predict_params, test)
    predicted = np.asarray(nf.predict(predict_net, predict_params, test[0])).argmax(axis=1)
    confusion = np.zeros((10, 10), int)
    np.add.at(confusion, (test[1].argmax(axis=1), predicted), 1)
    print(f"(b) {len(train[0])} images, batches of {BATCH}, Adam({ADAM_LEARNING_RATE}, cosine decay), "
          "softmax cross-entropy, "
          f"{epochs} epochs: test accuracy {final.accuracy:.4f} (best epoch {int(np.argmax(curve)) + 1}: "
          f"{max(curve):.4f}; compile {fit.compile_s:.1f} s, training {fit.history.seconds.sum():.1f} s)")
    print("    test accuracy per epoch: " + " ".join(f"{a:.4f}" for a in curve))
    return {"fit": fit, "test_accuracy": final.accuracy, "test_curve": curve, "confusion": confusion}


def skipped(err: FileNotFoundError) -> Result:
    print(f"mnist: skipped, no data files: {err}")
    print(f"mnist: to run it: {HOW_TO_GET_DATA}")
    return Result(key_result=f"skipped: no MNIST-format files in {nf.idx.data_dir()}", expected=HOW_TO_GET_DATA,
                  passed=False, skipped=True, data={"reason": str(err), "how_to_get_data": HOW_TO_GET_DATA})


def run(out_dir: Path, quick: bool = False) -> Result:
    try:
        x_train, y_train, x_test, y_test = nf.load_mnist_like()
    except FileNotFoundError as err:
        return skipped(err)
    source = nf.idx.data_dir()
    kind = "fashion" if "fashion" in str(source).lower() else "mnist"
    classes = FASHION_CLASSES if kind == "fashion" else tuple(str(d) for d in range(10))
    n_train, n_test, samples, epochs_a, epochs_b = ((2000, 1000, 300, 5, 3) if quick else
                                                    (len(x_train), len(x_test), ARTICLE_SAMPLES, ARTICLE_EPOCHS, EPOCHS))
    train, test = prepared(x_train[:n_train], y_train[:n_train]), prepared(x_test[:n_test], y_test[:n_test])
    print(f"data: {source} ({kind}), {n_train} training and {n_test} test images, float32")
    key_a, key_b = jax.random.split(jax.random.key(SEED))
    a = article_c(train, test, samples, epochs_a, key_a)
    b = mini_batches(train, test, epochs_b, key_b)

    learning = plots.loss_curve({"(a) train MSE, 1000 images per sample": a["fit"].history.loss,
                                 "(b) train cross-entropy, mini-batches": b["fit"].history.loss},
                                out_dir / "mnist_loss.png", ylabel="training loss (epoch mean)", logy=True,
                                title=f"784-100-50-10 tanh on {kind}")
    accuracy = plots.loss_curve({"(a) train (1000 images)": a["fit"].history.accuracy,
                                 "(b) train (running, before each update)": b["fit"].history.accuracy,
                                 "(b) test": b["test_curve"]},
                                out_dir / "mnist_accuracy.png", ylabel="accuracy", title="learning curves")
    confusion = plots.confusion_matrix(b["confusion"], classes, out_dir / "mnist_confusion.png",
                                       title=f"(b) on the {n_test} test images: accuracy {b['test_accuracy']:.4f}")
    expected = EXPECTED_QUICK if quick else EXPECTED[kind]
    return Result(
        key_result=f"{kind}: (a) test accuracy {a['test_accuracy']:.4f}; (b) {b['test_accuracy']:.4f}",
        expected=f"(a) >= {expected['a']}; (b) >= {expected['b']}" + (" (MLP baselines 0.871, 0.8833)"
                                                                     if kind == "fashion" and not quick else ""),
        passed=a["test_accuracy"] >= expected["a"] and b["test_accuracy"] >= expected["b"],
        data={"source": str(source), "kind": kind, "train_images": n_train, "test_images": n_test,
              "dtype": "float32", "classes": list(classes),
              "a": {"samples": samples, "epochs": epochs_a, "learning_rate": ARTICLE_LEARNING_RATE, "loss": "mse",
                    "output": "tanh, softmax added for prediction", "test_accuracy": a["test_accuracy"],
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
