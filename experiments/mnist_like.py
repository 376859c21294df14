"""What the MNIST-format experiments (``mnist``, ``cnn``) share: data, skipping, training with a test curve.

The four IDX files come from ``$NNFUNC_DATA`` (a directory of MNIST-format files) or
else from Debian's ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``).
A directory named in ``$NNFUNC_DATA`` that does not exist or lacks files is an error
(:class:`DataDirError`); with nothing named and the default location empty, an
experiment is skipped and says how to get the files.  Pixels are scaled to
[0, 1] and labels one-hot encoded (article C), all in float32.

:func:`adam_with_test_curve` is the mini-batch recipe of ``mnist`` (b) and ``cnn``:
the last layer's output is the logits, trained with softmax cross-entropy by Adam
whose step size decays from ``learning_rate`` to 0 along a half cosine over the run;
softmax is added as the final layer for prediction, and the test accuracy is taken
after every epoch.
"""
from __future__ import annotations

import os
import sys
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

import nnfunc as nf
from experiments.runner import Result

FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                   "Ankle boot")
HOW_TO_GET_DATA = ("Fashion-MNIST on Debian/Ubuntu: `sudo apt-get install dataset-fashion-mnist` (installs the "
                   "four IDX files to /usr/share/datasets/fashion-mnist); or set NNFUNC_DATA to a directory holding "
                   "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte "
                   "(gzipped or not), e.g. MNIST from https://yann.lecun.com/exdb/mnist/")
PREDICT_CHUNK = 1000  # test images per forward pass when predicting (bounds the conv activations' memory)


class DataDirError(Exception):
    """``$NNFUNC_DATA`` names a directory that does not exist or lacks some of the four files."""


def named_data_dir_error() -> str | None:
    """Why the directory named in ``$NNFUNC_DATA`` cannot be read, in one line; None if it can or none is named."""
    named = os.environ.get(nf.idx.ENV_VAR)
    missing = nf.idx.missing_files(named) if named else []
    if not missing:
        return None
    if not os.path.isdir(named):
        found = "not a directory" if os.path.exists(named) else "no such directory"
    elif len(missing) == len(nf.idx.FILES):
        found = "that directory holds none of the files"
    else:
        found = f"that directory lacks {', '.join(missing)}"
    return (f"{nf.idx.ENV_VAR}={named}: {found}; it should hold the four MNIST-format files "
            f"{', '.join(nf.idx.FILES)} (each plain or gzipped, NAME.gz); unset {nf.idx.ENV_VAR} to read "
            f"{nf.idx.DEFAULT_DIR}")


class Data(NamedTuple):
    """``train`` and ``test`` as (x, one-hot t) float32 pairs; where they came from; which data set; class names."""

    train: tuple
    test: tuple
    source: str
    kind: str  # "fashion" or "mnist"
    classes: tuple


def float32(tree):
    """Every leaf as a float32 array (the runner turns float64 on; these experiments train in float32 for speed)."""
    return jax.tree.map(lambda leaf: jnp.asarray(leaf, jnp.float32), tree)


def prepared(images, labels, sample_shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Pixels in [0, 1] reshaped to ``(n, *sample_shape)`` and one-hot labels, float32."""
    x = nf.scale_to_unit(images.reshape(len(images), *sample_shape), 0, 255).astype(np.float32)
    return x, nf.one_hot(labels.astype(int), 10).astype(np.float32)


def load(n_train: int | None, n_test: int | None, sample_shape: tuple) -> Data:
    """The first ``n_train`` training and ``n_test`` test images (None: all).

    Raises :class:`DataDirError` if ``$NNFUNC_DATA`` names a directory without the files,
    FileNotFoundError if nothing is named and the default location lacks them.
    """
    problem = named_data_dir_error()
    if problem:
        raise DataDirError(problem)
    x_train, y_train, x_test, y_test = nf.load_mnist_like()
    source = nf.idx.data_dir()
    kind = "fashion" if "fashion" in str(source).lower() else "mnist"
    return Data(train=prepared(x_train[:n_train], y_train[:n_train], sample_shape),
                test=prepared(x_test[:n_test], y_test[:n_test], sample_shape), source=str(source), kind=kind,
                classes=FASHION_CLASSES if kind == "fashion" else tuple(str(d) for d in range(10)))


def skipped(name: str, err: FileNotFoundError) -> Result:
    """The result of experiment ``name`` when the data files are missing: why, and how to get them."""
    print(f"{name}: skipped, no data files: {err}")
    print(f"{name}: to run it: {HOW_TO_GET_DATA}")
    return Result(key_result=f"skipped: no MNIST-format files in {nf.idx.data_dir()}", expected=HOW_TO_GET_DATA,
                  passed=False, skipped=True, data={"reason": str(err), "how_to_get_data": HOW_TO_GET_DATA})


def with_softmax(layers: tuple, params: tuple):
    """Article C's prediction network: the trained layers with softmax added last (no params)."""
    return nf.serial(*layers, nf.softmax()), (*params, {})


def predicted_classes(layers: tuple) -> Callable:
    """``(params, x) -> classes``: argmax of the softmax network's output, in chunks of ``PREDICT_CHUNK`` images."""
    net = nf.serial(*layers, nf.softmax())
    classes = jax.jit(lambda p, x: jnp.argmax(net.forward((*p, {}), x)[0], axis=1))
    return lambda params, x: np.concatenate([np.asarray(classes(params, jnp.asarray(x[i:i + PREDICT_CHUNK])))
                                             for i in range(0, len(x), PREDICT_CHUNK)])


def adam_with_test_curve(layers: tuple, train, test, *, epochs: int, batch: int, learning_rate: float, key,
                         augment=None, weight_decay: float = 0.0) -> dict:
    """Train ``serial(*layers)`` (logits out) by the recipe above; test accuracy after every epoch.

    ``augment`` is passed to :func:`nnfunc.fit`; a ``weight_decay`` above 0 makes the
    optimizer AdamW (``optax.adamw``: each step also subtracts step size × weight_decay × θ).
    Returns ``fit`` (:class:`nnfunc.FitResult`), ``test_curve`` (accuracy per epoch),
    ``test_accuracy`` (after the last epoch) and ``confusion[true, predicted]``.
    """
    net = nf.serial(*layers)
    init_key, shuffle_key = jax.random.split(key)
    params = float32(net.init(init_key, train[0].shape[1:])[0])
    classes = predicted_classes(layers)
    labels = test[1].argmax(axis=1)
    curve = []
    schedule = optax.cosine_decay_schedule(learning_rate, epochs * (len(train[0]) // batch))
    optimizer = optax.adamw(schedule, weight_decay=weight_decay) if weight_decay else optax.adam(schedule)

    def after_epoch(epoch, p, history):
        curve.append(float(np.mean(classes(p, test[0]) == labels)))
        if not sys.stderr.isatty():   # no progress bar: say how far training is, for logs of long runs
            print(f"  epoch {epoch}/{epochs}: {history.seconds[-1]:.0f} s, train loss {history.loss[-1]:.4f}, "
                  f"test accuracy {curve[-1]:.4f}", flush=True)

    fit = nf.fit(net, params, train, nf.softmax_cross_entropy, key=shuffle_key, epochs=epochs, batch_size=batch,
                 optimizer=optimizer, augment=augment, callback=after_epoch)
    confusion = np.zeros((10, 10), int)
    np.add.at(confusion, (labels, classes(fit.params, test[0])), 1)
    return {"fit": fit, "test_accuracy": float(np.trace(confusion) / len(labels)), "test_curve": curve,
            "confusion": confusion}
