r"""The ``jax.lax`` primitives of the window layers, written again from their documented semantics.

:mod:`nnfunc.conv`, :mod:`nnfunc.pool` and :mod:`nnfunc.windows` compute with
``lax.pad``, ``lax.slice``, ``lax.rev``, ``lax.reduce_window`` and
``lax.conv_general_dilated``.  Each is written here from its definition in the JAX
documentation (the XLA operation semantics) on NumPy *object* arrays, so that it
computes with SymPy expressions as well as with plain floats; with floats,
``tests/test_derivations.py`` compares every one with the real ``lax`` function at
random float64 points.  Only the arguments nnfunc passes are supported (padding as
explicit pairs, no feature groups, no window or base dilation in ``reduce_window``);
anything else raises ``NotImplementedError`` naming it.

``conv_general_dilated``, with the operands laid out by the dimension numbers as
lhs :math:`(N, C, \ldots)`, rhs :math:`(O, I, \ldots)`: the lhs is dilated
(:math:`d_l - 1` zeros between elements), padded by the pairs :math:`(l, h)`
(negative crops), and

.. math:: \mathrm{out}_{n,o,i} = \sum_c \sum_{j=0}^{k-1} \tilde x_{n,c,\,s i + d_r j}\; w_{o,c,j},
    \qquad 0 \le i \le \left\lfloor \frac{L - d_r (k - 1) - 1}{s} \right\rfloor

per spatial axis (:math:`L` the dilated, padded length, :math:`d_r` the rhs dilation).

>>> x = np.array([[[1.0], [2.0], [3.0]]], dtype=object)          # N W C
>>> w = np.array([[[1.0]], [[10.0]]], dtype=object)              # W I O
>>> conv_general_dilated(x, w, (1,), [(0, 0)], dimension_numbers=("NWC", "WIO", "NWC"))[0, :, 0].tolist()
[21.0, 32.0]
>>> pad(np.array([1, 2, 3], dtype=object), 0, [(-1, 2, 1)]).tolist()
[0, 2, 0, 3, 0, 0]
"""
from __future__ import annotations

import itertools

import numpy as np


def _objects(x) -> np.ndarray:
    return np.asarray(x, dtype=object)


def pad(operand, padding_value, padding_config) -> np.ndarray:
    """``lax.pad``: per axis ``(low, high, interior)``; ``interior`` copies of the value between
    neighbours, then ``low`` before and ``high`` after, a negative edge removing elements."""
    x, value = _objects(operand), _objects(padding_value).item()
    for axis, (low, high, interior) in enumerate(padding_config):
        n = x.shape[axis]
        spread = n + max(n - 1, 0) * interior
        shape = list(x.shape)
        shape[axis] = max(low, 0) + spread + max(high, 0)
        out = np.full(shape, value, dtype=object)
        index = [slice(None)] * x.ndim
        index[axis] = slice(max(low, 0), max(low, 0) + spread, interior + 1)
        out[tuple(index)] = x
        index[axis] = slice(max(-low, 0), shape[axis] - max(-high, 0))
        x = out[tuple(index)]
    return x


def slice_(operand, start_indices, limit_indices, strides=None) -> np.ndarray:
    """``lax.slice``: elements ``start, start + stride, ...`` below ``limit`` along every axis."""
    strides = strides or (1,) * len(start_indices)
    return _objects(operand)[tuple(map(slice, start_indices, limit_indices, strides))]


def rev(operand, dimensions) -> np.ndarray:
    """``lax.rev``: reverse the order of the elements along ``dimensions``."""
    return np.flip(_objects(operand), tuple(dimensions))


def _strided(x, starts, sizes, strides) -> np.ndarray:
    """``x[start : start + s (m - 1) + 1 : s]`` along every axis: m elements s apart."""
    return x[tuple(slice(a, a + s * (m - 1) + 1, s) for a, m, s in zip(starts, sizes, strides))]


def _out_sizes(sizes, spans, strides) -> list:
    return [max((n - span) // s + 1, 0) for n, span, s in zip(sizes, spans, strides)]


def reduce_window(operand, init_value, computation, window_dimensions, window_strides, padding,
                  base_dilation=None, window_dilation=None) -> np.ndarray:
    """``lax.reduce_window``: pad with ``init_value``, then fold ``computation`` over every window.

    ``computation(a, b)`` is applied to whole arrays, one window offset at a time, starting from
    ``init_value`` (the fold order is free: the computation must be associative).
    """
    if isinstance(padding, str) or any(d not in (None, (1,) * len(window_dimensions))
                                       for d in (base_dilation, window_dilation)):
        raise NotImplementedError("derivations.lax_semantics.reduce_window: only explicit padding pairs, "
                                  "no base or window dilation")
    x = pad(operand, init_value, [(low, high, 0) for low, high in padding])
    sizes = _out_sizes(x.shape, window_dimensions, window_strides)
    out = np.full(sizes, _objects(init_value).item(), dtype=object)
    for offset in itertools.product(*map(range, window_dimensions)):
        out = _objects(computation(out, _strided(x, offset, sizes, window_strides)))
    return out


def _spatial_letters(specs) -> list:
    if not (isinstance(specs, (tuple, list)) and len(specs) == 3 and all(isinstance(s, str) for s in specs)):
        raise NotImplementedError("derivations.lax_semantics.conv_general_dilated: dimension_numbers must be "
                                  f"three strings such as ('NHWC', 'HWIO', 'NHWC'), got {specs!r}")
    return [c for c in specs[1] if c not in "OI"]  # lax orders the spatial axes as the rhs spec does


def conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None, rhs_dilation=None,
                         dimension_numbers=None, feature_group_count=1, batch_group_count=1,
                         precision=None, preferred_element_type=None) -> np.ndarray:
    """``lax.conv_general_dilated`` with padding pairs and no groups (see the module docstring)."""
    if isinstance(padding, str) or feature_group_count != 1 or batch_group_count != 1:
        raise NotImplementedError("derivations.lax_semantics.conv_general_dilated: only explicit padding "
                                  "pairs and feature_group_count = batch_group_count = 1")
    spatial = _spatial_letters(dimension_numbers)
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    x = np.transpose(_objects(lhs), [lhs_spec.index(c) for c in ("N", "C", *spatial)])
    w = np.transpose(_objects(rhs), [rhs_spec.index(c) for c in ("O", "I", *spatial)])
    rank = len(spatial)
    lhs_dilation, rhs_dilation = lhs_dilation or (1,) * rank, rhs_dilation or (1,) * rank
    x = pad(x, 0, [(0, 0, 0), (0, 0, 0), *((low, high, d - 1) for (low, high), d in zip(padding, lhs_dilation))])
    kernel = w.shape[2:]
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, rhs_dilation)]
    sizes = _out_sizes(x.shape[2:], spans, window_strides)
    out = np.zeros((x.shape[0], w.shape[0], *sizes), dtype=object)
    for j in itertools.product(*map(range, kernel)):
        part = _strided(x, (0, 0, *(d * a for d, a in zip(rhs_dilation, j))), (x.shape[0], x.shape[1], *sizes),
                        (1, 1, *window_strides))
        out = out + np.moveaxis(np.tensordot(part, w[(slice(None), slice(None), *j)], axes=([1], [1])), -1, 1)
    return np.transpose(out, [("N", "C", *spatial).index(c) for c in out_spec])
