"""Shared by the conv and pool tests: window geometries and the generic backward properties.

Cases are small on purpose (spatial sizes up to 7, at most 3 channels and 3
examples): each new shape costs XLA compilations, so hypothesis draws a moderate
number of them for the gradient checks, and the structural properties (linearity,
jit, vmap, float32) run on a fixed list of geometries that cover 1-D and 2-D,
"VALID" and "SAME", overlapping windows and unread trailing rows.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import strategies as st

from nnfunc.check import compare


class Case(NamedTuple):
    rank: int
    window: int | tuple
    stride: int | tuple
    padding: str
    shape: tuple  # (batch, *spatial, channels)
    n_out: int
    seed: int


@st.composite
def cases(draw, max_window: int = 4, max_stride: int = 3, max_size: int = 7) -> Case:
    """A random 1-D or 2-D geometry; ``"VALID"`` inputs are never smaller than the window."""
    rank = draw(st.sampled_from([1, 2]))
    padding = draw(st.sampled_from(["VALID", "SAME"]))
    window = tuple(draw(st.integers(1, max_window)) for _ in range(rank))
    stride = tuple(draw(st.integers(1, max_stride)) for _ in range(rank))
    sizes = tuple(draw(st.integers(k if padding == "VALID" else 1, max_size)) for k in window)
    batch, channels, n_out = (draw(st.integers(1, 3)) for _ in range(3))
    # Ints as well as tuples: an int window is repeated along every spatial axis.
    if len(set(window)) == 1 and draw(st.booleans()):
        window = window[0]
    if len(set(stride)) == 1 and draw(st.booleans()):
        stride = stride[0]
    return Case(rank, window, stride, padding, (batch, *sizes, channels), n_out,
                draw(st.integers(0, 2**31 - 1)))


FIXED = [
    Case(1, 3, 2, "VALID", (2, 8, 2), 3, 1),             # stride 2 leaves row 7 unread
    Case(1, 4, 3, "SAME", (3, 7, 1), 2, 2),              # padding (1, 2)
    Case(2, (3, 2), (2, 1), "SAME", (2, 5, 6, 3), 2, 3),  # overlapping along the width
    Case(2, 2, 2, "VALID", (2, 5, 5, 2), 1, 4),          # odd size: last row and column unread
]


def normal(rng, shape, dtype=jnp.float64):
    """Standard normal test data from numpy's generator: unlike jax.random, no compilation per shape."""
    return jnp.asarray(rng.standard_normal(shape), dtype)


def upstream(layer, params, x, rng):
    """A random upstream gradient δ ~ N(0, 1) of the shape and dtype of the layer's output."""
    y, _ = compiled(layer).forward(params, x)
    return normal(rng, y.shape, y.dtype)


def backward(layer, params, x, delta):
    """``(grads, delta_x)`` of ``layer`` at ``(params, x)`` for the upstream gradient ``delta``."""
    return layer.backward(params, layer.forward(params, x)[1], delta)


def compiled(layer):
    """The same layer with ``forward`` and ``backward`` under ``jax.jit``.

    The random-shape checks use it: eagerly, every new shape compiles each primitive
    (each window offset's ``lax.pad`` too) on its own, which is slow; compiled, one
    program per shape.  That compiled and eager agree is tested on the fixed cases.
    """
    return layer._replace(forward=jax.jit(layer.forward), backward=jax.jit(layer.backward))


def error(a, b) -> float:
    """Largest normwise relative error over the leaves of two pytrees (nnfunc.check's measure)."""
    return max(compare("layer", "leaf", "witness", u, v, 0.0).error
               for u, v in zip(jax.tree.leaves(a), jax.tree.leaves(b)))


def assert_linear_in_delta(layer, params, x, rng):
    """backward(a δ₁ + b δ₂) = a backward(δ₁) + b backward(δ₂); backward(0) is exactly 0."""
    d1, d2 = upstream(layer, params, x, rng), upstream(layer, params, x, rng)
    a, b = 0.7, -1.9
    run = jax.jit(lambda d: backward(layer, params, x, d))
    combined = run(a * d1 + b * d2)
    separate = jax.tree.map(lambda u, v: a * u + b * v, run(d1), run(d2))
    assert error(combined, separate) <= 1e-13, f"{layer.name}: backward is not linear in delta"
    zero = run(jnp.zeros_like(d1))
    for leaf in jax.tree.leaves(zero):
        assert not np.any(np.asarray(leaf)), f"{layer.name}: delta = 0 gives a non-zero gradient"


def assert_jit_equals_eager(layer, params, x, rng):
    """The jit-compiled forward and backward give the eager results (float64, to rounding)."""
    delta = upstream(layer, params, x, rng)

    def run(p, xx, d):
        y, cache = layer.forward(p, xx)
        return y, layer.backward(p, cache, d)

    assert error(jax.jit(run)(params, x, delta), run(params, x, delta)) <= 1e-14, \
        f"{layer.name}: jit differs from eager"


def assert_vmap_equals_loop(layer, params, x, rng, n: int = 3):
    """``jax.vmap`` of backward over n stacked (params, x, delta) equals a Python loop over them
    (both compiled: vmap changes the program, jit alone does not, see above)."""
    params_n = jax.tree.map(lambda p: p + 0.1 * normal(rng, (n, *p.shape)), params)
    x_n = x + normal(rng, (n, *x.shape))
    delta_n = jnp.stack([upstream(layer, params, x, rng) for _ in range(n)])

    def run(p, xx, d):
        return backward(layer, p, xx, d)

    batched = jax.jit(jax.vmap(run))(params_n, x_n, delta_n)
    one = jax.jit(run)
    looped = [one(jax.tree.map(lambda p: p[i], params_n), x_n[i], delta_n[i]) for i in range(n)]
    stacked = jax.tree.map(lambda *leaves: jnp.stack(leaves), *looped)
    assert error(batched, stacked) <= 1e-13, f"{layer.name}: vmap differs from a loop"


# The structural properties every window layer's backward pass must have, by test id.
PROPERTIES = {
    "linear_in_delta_zero_for_zero": assert_linear_in_delta,
    "jit_equals_eager": assert_jit_equals_eager,
    "vmap_equals_loop": assert_vmap_equals_loop,
}
