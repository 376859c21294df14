r"""What the convolution, pooling and flatten derivations share: symbols, windows, witnesses.

The window geometry here is the *definition*, written independently of
:mod:`nnfunc.windows`: output position :math:`i` of a window of :math:`k` elements
moved with stride :math:`s` over the input padded by :math:`(l, h)` reads the padded
positions :math:`s i + j`, :math:`0 \le j < k`, i.e. the input positions
:math:`p = s i + j - l`, of which only those with :math:`0 \le p < n` are real.

>>> sizes, seen = windows((3,), (2,), (2,), ((0, 1),))
>>> sizes, seen[(1,)]
([2], [((0,), (2,))])
"""
from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from derivations.gradient import Side
from derivations.symbolic import array


def symbols(letter: str, shape: tuple):
    """A symbol array; each name carries the 1-based indices of the axes longer than 1 (``x_{2,3}``)."""
    def name(index):
        shown = ",".join(str(i + 1) for i, n in zip(index, shape) if n > 1)
        return sp.Symbol(f"{letter}_{{{shown}}}" if shown else letter, real=True)
    return array(np.array([name(index) for index in np.ndindex(*shape)], dtype=object).reshape(shape))


def windows(spatial, window, stride, pads):
    """Output sizes, and for every output position i the ``(j, p)`` pairs of its real elements.

    The pairs are in row-major order of the window offset j.
    """
    sizes = [(lo + n + hi - k) // s + 1 for n, k, s, (lo, hi) in zip(spatial, window, stride, pads)]
    seen = {}
    for i in itertools.product(*map(range, sizes)):
        seen[i] = [(j, p) for j in itertools.product(*map(range, window))
                   for p in [tuple(s * a + b - lo for s, a, b, (lo, _) in zip(stride, i, j, pads))]
                   if all(0 <= q < n for q, n in zip(p, spatial))]
    return sizes, seen


def inner(delta, y) -> sp.Expr:
    r""":math:`E = \sum \delta \odot y`, the scalar whose gradient is the backward pass."""
    return sp.Add(*np.ravel(delta * y))


def busiest(hand) -> tuple:
    """The index of the element of ``hand`` with the most terms (the one worth displaying)."""
    terms = [len(sp.Add.make_args(sp.expand(h))) for h in np.ravel(hand)]
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(terms)), np.shape(hand)))


def everywhere(name: str, arguments) -> Side:
    """Every real value: each argument drawn from N(0, 1)."""
    return Side(name, {}, lambda g, n: tuple(g.normal(size=(n, *np.shape(a))) for a in arguments))


def layer_witnesses(layer, params_of, pick):
    """``witnesses(x, *leaves, δ)`` for :class:`derivations.gradient.GradientCase`.

    At every point: the layer's hand ``backward`` and ``jax.vjp`` of its ``forward``,
    each reduced by ``pick(dparams, dx)`` to the gradient under proof; ``params_of(*leaves)``
    builds the params.
    """
    def backward(x, *rest):
        *leaves, delta = rest
        params = params_of(*leaves)
        _, cache = layer.forward(params, x)
        return pick(*layer.backward(params, cache, delta))

    def vjp(x, *rest):
        *leaves, delta = rest
        _, pullback = jax.vjp(lambda p, x: layer.forward(p, x)[0], params_of(*leaves), x)
        return pick(*pullback(delta))

    def witnesses(*values):
        values = [jnp.asarray(v) for v in values]
        return {"nnfunc backward": jax.vmap(backward)(*values), "jax.vjp of forward": jax.vmap(vjp)(*values)}

    return witnesses
