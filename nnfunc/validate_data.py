"""Checks of a training or test set ``(x, t)`` and of the params it meets, before any compiling.

:func:`checked_data` turns every usual mistake in a data set (not a pair, lengths
that differ, no samples, NaN or infinity, targets of the wrong shape) into a
``TypeError`` or ``ValueError`` naming the caller; :func:`checked_params` makes
params concrete JAX arrays of fixed dtype, so a compiled program sees the same
dtypes on every call.  :mod:`nnfunc.validate` holds the per-layer checks.
"""
from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np

from nnfunc.layer import Layer
from nnfunc.validate import as_array, default_float


def first_bad_row(a) -> int | None:
    """The index of the first sample of ``a`` holding NaN or infinity, or ``None``.

    >>> first_bad_row([[1.0, 2.0], [3.0, float("nan")], [float("inf"), 0.0]])
    1
    >>> first_bad_row([[1.0], [2.0]]) is None
    True
    """
    bad = np.flatnonzero(~np.isfinite(np.asarray(a)).reshape(len(a), -1).all(axis=1))
    return int(bad[0]) if bad.size else None


def checked_data(net: Layer, params, data, where: str):
    """``(x, t)`` as float arrays in the params' dtype, after every bad-input check.

    Raises ``TypeError``/``ValueError`` naming ``where`` for: ``data`` not a pair,
    different lengths, an empty set, NaN or infinity (with the first bad row), and
    targets whose per-sample shape differs from the network's output.

    >>> import jax, nnfunc as nf
    >>> net = nf.serial(nf.dense(1))
    >>> p, _ = net.init(jax.random.key(0), (2,))
    >>> checked_data(net, p, ([[1.0, 2.0]], [[1.0], [0.0]]), "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: data has 1 samples but targets have 2; they must pair up one to one
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{where}: data must be a pair (x, targets), got {type(data).__name__}"
                        + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else ""))
    x, t = as_array(data[0], where, "data"), as_array(data[1], where, "targets")
    if x.ndim == 0 or t.ndim == 0:
        raise ValueError(f"{where}: data and targets need a sample axis; got shapes {x.shape} and {t.shape}")
    if len(x) != len(t):
        raise ValueError(f"{where}: data has {len(x)} samples but targets have {len(t)}; "
                         "they must pair up one to one")
    if len(x) == 0:
        raise ValueError(f"{where}: the data set is empty (0 samples)")
    for name, a in (("data", x), ("targets", t)):
        row = first_bad_row(a)
        if row is not None:
            raise ValueError(f"{where}: {name} contain NaN or infinity (first in sample {row})")
    floats = [leaf.dtype for leaf in jax.tree.leaves(params) if jnp.issubdtype(jnp.asarray(leaf).dtype, jnp.floating)]
    dtype = jnp.result_type(*floats) if floats else default_float()
    x, t = x.astype(dtype), t.astype(dtype)
    out = jax.eval_shape(lambda p, x1: net.forward(p, x1)[0], params, x[:1])
    if tuple(t.shape[1:]) != tuple(out.shape[1:]):
        raise ValueError(f"{where}: each target has shape {tuple(t.shape[1:])} but {net.name} outputs "
                         f"{tuple(out.shape[1:])} per sample (targets {tuple(t.shape)}; reshape or one-hot them)")
    return x, t


def _written_out(a) -> bool:
    """Whether ``a`` is a list of numbers, or of such lists: one param array written out (``[[1.0, 2.0]]``)."""
    return isinstance(a, list) and bool(a) and all(
        isinstance(v, (numbers.Number, np.generic)) or _written_out(v) for v in a)


def checked_params(params, where: str):
    """Every leaf of ``params`` a JAX array of fixed (not weak) dtype; integers made float.

    A list of numbers (or of such lists) is one array, as :meth:`Layer.forward` takes
    it; other lists, tuples and dicts are the pytree's nodes.

    >>> import jax.numpy as jnp
    >>> p = checked_params({"w": jnp.array([[1, 2]]), "b": 0.5}, "fit")
    >>> p["w"].dtype == p["b"].dtype == jnp.result_type(float), p["b"].weak_type
    (True, False)
    >>> checked_params(({"w": [[1.0], [2.0]], "b": [0.0]}, {}), "fit")[0]["w"].shape
    (2, 1)
    """
    def leaf(a):
        a = a if isinstance(a, jax.Array) and not jnp.issubdtype(a.dtype, jnp.integer) else as_array(a, where, "params")
        return jax.lax.convert_element_type(a, a.dtype)
    return jax.tree.map(leaf, params, is_leaf=_written_out)
