r"""The weights and bias of dense and conv: their start (initialisers) and the check of a ``{"w", "b"}`` dict.

Both layers hold ``{"w": (..., n_out), "b": (n_out,)}``.  By default ``w`` starts as
:math:`w \sim \mathcal N(0, s^2)` with the layer's scale :math:`s` (by default
:math:`1/\sqrt{\text{fan-in}}`, the number of inputs each output sums), and
:math:`b = 0`; ``w_init`` and ``b_init`` (:mod:`nnfunc.initializers`) replace either.
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp

from nnfunc.initializers import fans, non_negative, takes_fan_in
from nnfunc.validate import as_array, default_float, require_mapping, require_shape


def check_init_args(where: str, w_scale, w_init, b_init) -> None:
    """Raise a clear error naming ``where`` unless a layer's ``w_scale``, ``w_init`` and ``b_init`` fit together.

    ``w_scale`` is ``None`` or a finite real at least 0; ``w_init`` and ``b_init`` are
    ``None`` or callables; ``w_scale`` and ``w_init`` are not both given.

    >>> check_init_args("dense(2)", 0.5, None, None)
    >>> check_init_args("dense(2)", None, "he", None)
    Traceback (most recent call last):
    ...
    TypeError: dense(2): w_init must be a function (key, shape, dtype) -> array such as nf.initializers.he_normal() or jax.nn.initializers.glorot_uniform(), got str 'he'
    """
    if w_scale is not None:
        non_negative(w_scale, where, "w_scale")
        if w_init is not None:
            raise ValueError(f"{where}: give w_scale or w_init, not both (w_scale={w_scale!r} is the default "
                             f"normal draw's scale; nf.initializers.normal({w_scale!r}) is the same as a w_init)")
    for what, init in (("w_init", w_init), ("b_init", b_init)):
        if init is not None and not callable(init):
            raise TypeError(f"{where}: {what} must be a function (key, shape, dtype) -> array such as "
                            f"nf.initializers.he_normal() or jax.nn.initializers.glorot_uniform(), "
                            f"got {type(init).__name__} {init!r}")


def _checked_draw(array, shape: tuple, dtype, where: str, what: str):
    """``array`` as a JAX array if it has ``shape`` and ``dtype``, else a ``ValueError`` naming ``where`` and ``what``."""
    got_shape, got_dtype = getattr(array, "shape", None), getattr(array, "dtype", None)
    if got_shape is None or tuple(got_shape) != tuple(shape) or got_dtype != dtype:
        got = f"shape {tuple(got_shape)} and dtype {got_dtype}" if got_shape is not None else type(array).__name__
        raise ValueError(f"{where}: {what} returned {got}, expected shape {tuple(shape)} and dtype {dtype}")
    return jnp.asarray(array)


def initial_weights(key, w_shape: tuple, w_init: Callable, b_init: Callable | None, where: str) -> dict:
    r"""``{"w": w_init(key, w_shape, dtype), "b": b}`` in the default float dtype; ``b = 0`` when ``b_init`` is ``None``.

    ``n_out`` is the last axis of ``w_shape``.  Without ``b_init`` the whole ``key`` draws
    ``w``; with one, ``key`` is split into a key for ``w`` and one for
    ``b = b_init(b_key, (n_out,), dtype)``, called with ``fan_in=`` the weight's fan-in
    (:func:`nnfunc.initializers.fans`) when it takes that keyword.  A draw of the wrong
    shape or dtype is a ``ValueError`` naming ``where``.

    >>> import jax
    >>> from nnfunc.initializers import normal
    >>> params = initial_weights(jax.random.key(0), (3, 2), normal(0.5), None, "dense(2)")
    >>> params["w"].shape, params["b"].tolist()
    ((3, 2), [0.0, 0.0])
    """
    dtype, b_shape = default_float(), (w_shape[-1],)
    w_key, b_key = (key, None) if b_init is None else jax.random.split(key)
    w = _checked_draw(w_init(w_key, w_shape, dtype), w_shape, dtype, where, "w_init")
    if b_init is None:
        return {"w": w, "b": jnp.zeros(b_shape, dtype)}
    fan_in = {"fan_in": fans(w_shape)[0]} if takes_fan_in(b_init) else {}
    return {"w": w, "b": _checked_draw(b_init(b_key, b_shape, dtype, **fan_in), b_shape, dtype, where, "b_init")}


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
