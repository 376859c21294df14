"""The checks :func:`nnfunc.fit` makes of its arguments, every one before any compiling or training.

Each raises a ``TypeError`` (a value of the wrong kind) or ``ValueError`` (the
right kind, a wrong value) naming ``fit(net)`` and the value given, so a typo
fails at the call, never after an epoch of work.
"""
from __future__ import annotations

import math
import numbers
import os
from pathlib import Path

import jax
import numpy as np

from nnfunc.training.epoch import check_gradients
from nnfunc.validate import positive_int, require_key


def _require_flag(value, name: str, where: str, optional: bool) -> None:
    """Raise ``TypeError`` unless ``value`` is ``True`` or ``False`` (or ``None`` when ``optional``)."""
    if isinstance(value, (bool, np.bool_)) or (optional and value is None):
        return
    default = " (or None for the default)" if optional else ""
    raise TypeError(f"{where}: {name} must be True or False{default}, got {type(value).__name__} {value!r}")


def _check_stop_below(stop_below, where: str) -> None:
    """Raise a clear error unless ``stop_below`` is ``None`` or a real number that is not NaN."""
    if stop_below is None:
        return
    if isinstance(stop_below, bool) or not isinstance(stop_below, numbers.Real):
        raise TypeError(f"{where}: stop_below must be a number (a loss such as 0.01) or None, "
                        f"got {type(stop_below).__name__} {stop_below!r}")
    if math.isnan(stop_below):
        raise ValueError(f"{where}: stop_below is NaN; no loss is below NaN, so it would never stop training")


def check_options(where: str, *, key, epochs, shuffle, augment, gradients, stop_below, accuracy, callback,
                  progress) -> None:
    """Raise a clear error for any of :func:`nnfunc.fit`'s options (all but data, params and optimizer) that is wrong.

    >>> check_options("fit", key=None, epochs=1, shuffle=False, augment=None, gradients="jax", stop_below="0.1",
    ...               accuracy=None, callback=None, progress=None)
    Traceback (most recent call last):
    ...
    TypeError: fit: stop_below must be a number (a loss such as 0.01) or None, got str '0.1'
    """
    positive_int(epochs, where, "epochs")
    _require_flag(shuffle, "shuffle", where, optional=False)
    _require_flag(accuracy, "accuracy", where, optional=True)
    _require_flag(progress, "progress", where, optional=True)
    if key is not None:
        require_key(key, where)
    elif shuffle or augment is not None:
        raise ValueError(f"{where}: shuffling (and augmenting) needs an explicit PRNG key, e.g. "
                         "key=jax.random.key(0) (or pass shuffle=False)")
    if augment is not None and not callable(augment):
        raise TypeError(f"{where}: augment must be a function (key, x_batch) -> x_batch, "
                        f"got {type(augment).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"{where}: callback must be a function (epoch, params, history), "
                        f"got {type(callback).__name__} {callback!r}")
    check_gradients(gradients, where)
    _check_stop_below(stop_below, where)


def batch_size_in(where: str, batch_size, n: int) -> int:
    """``batch_size``, or ``n`` for ``None`` (full batch), checked to lie in 1..n.

    >>> batch_size_in("fit", None, 4), batch_size_in("fit", 2, 4)
    (4, 2)
    """
    batch = n if batch_size is None else batch_size
    if isinstance(batch, (bool, np.bool_)) or not isinstance(batch, (int, np.integer)) or not 1 <= batch <= n:
        raise ValueError(f"{where}: batch_size must be an int from 1 to the number of samples ({n}) "
                         f"or None for full batch, got {batch_size!r}")
    return int(batch)


def checked_optimizer(optimizer, where: str):
    """``optimizer`` if it is an optax ``GradientTransformation`` (callable ``init`` and ``update``).

    >>> import optax
    >>> checked_optimizer(optax.sgd, "fit")
    Traceback (most recent call last):
    ...
    TypeError: fit: optimizer must be an optax GradientTransformation, got the function optax.sgd itself; did you forget the call, optax.sgd(0.1)?
    """
    if callable(getattr(optimizer, "init", None)) and callable(getattr(optimizer, "update", None)):
        return optimizer
    if callable(optimizer):
        name = getattr(optimizer, "__name__", type(optimizer).__name__)
        name = f"optax.{name}" if getattr(optimizer, "__module__", "").startswith("optax") else name
        raise TypeError(f"{where}: optimizer must be an optax GradientTransformation, got the function {name} "
                        f"itself; did you forget the call, {name}(0.1)?")
    raise TypeError(f"{where}: optimizer must be an optax GradientTransformation such as optax.sgd(0.1) or "
                    f"optax.adam(1e-3), got {type(optimizer).__name__} {optimizer!r}")


def check_opt_state(optimizer, params, opt_state, where: str) -> None:
    """Raise ``ValueError`` unless ``opt_state`` has the structure and shapes of ``optimizer.init(params)``.

    >>> import optax, jax.numpy as jnp
    >>> params = {"w": jnp.zeros(2)}
    >>> check_opt_state(optax.adam(0.1), params, optax.sgd(0.1).init(params), "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: the FitResult's optimizer state is not one of this optimizer for these params ...
    """
    want = jax.eval_shape(optimizer.init, params)
    if jax.tree.structure(opt_state) != jax.tree.structure(want):
        raise ValueError(f"{where}: the FitResult's optimizer state is not one of this optimizer for these params "
                         "(continue with the optimizer that made it, or pass its .params to start afresh):\n"
                         f"  its state:              {jax.tree.structure(opt_state)}\n"
                         f"  optimizer.init(params): {jax.tree.structure(want)}")
    paths_leaves = jax.tree_util.tree_flatten_with_path(opt_state)[0]
    for (path, got), expected in zip(paths_leaves, jax.tree.leaves(want), strict=True):
        if np.shape(got) != expected.shape:
            raise ValueError(f"{where}: the FitResult's optimizer state{jax.tree_util.keystr(path)} has shape "
                             f"{np.shape(got)} but optimizer.init(params) makes {expected.shape}: "
                             "the state was made for another network")


def prepare_directory(directory, where: str) -> None:
    """Create the checkpoint ``directory`` (and its parents), or raise ``ValueError`` saying why it cannot be used.

    >>> prepare_directory("/dev/null", "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: the checkpoint directory /dev/null is a file, not a directory
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"{where}: the checkpoint directory {directory} is a file, not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"{where}: cannot create the checkpoint directory {directory}: "
                         f"{err.strerror or err}") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ValueError(f"{where}: cannot write to the checkpoint directory {directory} (permission denied)")
