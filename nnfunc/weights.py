r"""The weights and bias of dense and conv: their random start and the check of a ``{"w", "b"}`` dict.

Both layers hold ``{"w": (..., n_out), "b": (n_out,)}``; ``w`` starts as
:math:`w \sim \mathcal N(0, s^2)` with the layer's scale :math:`s` (by default
:math:`1/\sqrt{\text{fan-in}}`, the number of inputs each output sums), and
:math:`b = 0`.
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp

from nnfunc.validate import as_array, default_float, require_mapping, require_shape


def normal_weights(key, w_shape: tuple, scale: float) -> dict:
    r"""``{"w": w, "b": b}`` with :math:`w \sim \mathcal N(0, s^2)` of ``w_shape`` and :math:`b = 0` of ``(n_out,)``.

    ``n_out`` is the last axis of ``w_shape``; both arrays have the default float dtype.

    >>> import jax
    >>> params = normal_weights(jax.random.key(0), (3, 2), 0.5)
    >>> params["w"].shape, params["b"].tolist()
    ((3, 2), [0.0, 0.0])
    """
    w = scale * jax.random.normal(key, w_shape, default_float())
    return {"w": w, "b": jnp.zeros((w_shape[-1],), default_float())}


def weight_arrays(params, where: str):
    """``(w, b)``: ``params["w"]`` and ``params["b"]`` as arrays, converted as :func:`as_array` does.

    No shape is checked: backward converts with it the params its forward checked.

    >>> w, b = weight_arrays({"w": [[1], [2]], "b": [0]}, "dense(1)")
    >>> w.shape, b.tolist()
    ((2, 1), [0.0])
    """
    return as_array(params["w"], where, "params['w']"), as_array(params["b"], where, "params['b']")


def checked_weights(params, where: str, n_out: int, w_fits: Callable, w_expected: str):
    """``(w, b)`` as arrays from ``params``, a dict with exactly the keys ``"w"`` and ``"b"``, or a clear error.

    ``w_fits(w)`` says whether ``w`` has a shape the layer can use; if not, the
    ``ValueError`` names ``where``, the shape of ``w`` and ``w_expected``.  ``b`` must
    have shape ``(n_out,)``.

    >>> w, b = checked_weights({"w": [[1.0], [2.0]], "b": [0.0]}, "dense(1)", 1, lambda w: w.ndim == 2, "(n_in, 1)")
    >>> w.shape, b.shape
    ((2, 1), (1,))
    >>> checked_weights({"w": [1.0], "b": [0.0]}, "dense(1)", 1, lambda w: w.ndim == 2, "(n_in, 1)")
    Traceback (most recent call last):
    ValueError: dense(1): params['w'] has shape (1,), expected (n_in, 1)
    """
    require_mapping(params, ("w", "b"), where)
    w, b = weight_arrays(params, where)
    if not w_fits(w):
        raise ValueError(f"{where}: params['w'] has shape {tuple(w.shape)}, expected {w_expected}")
    require_shape(b, (n_out,), where, "params['b']")
    return w, b
