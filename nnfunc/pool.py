r"""Max- and average-pooling over one or two spatial axes, channels last, and their delta rules.

Each channel is pooled on its own.  Window geometry (``"VALID"``/``"SAME"``, the
padding split, the unread trailing rows) is in :mod:`nnfunc.windows`.

Implementation: both backward passes are sums over the :math:`k_1 k_2` window offsets
:math:`j` (a short Python loop over the window, never over positions): at each offset
the strided slice of the input is compared or weighted and the result is scattered
back with one ``lax.pad``.  Under ``jax.jit`` XLA fuses the loop into a single pass.
"""
from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from jax import lax

from nnfunc.layer import Layer
from nnfunc.validate import as_array, input_shape_of, require_delta_shape, require_key, require_no_params
from nnfunc.windows import Plan, patch, plan, scatter, sliding


class PoolSpec(NamedTuple):
    """What a pooling layer is: ``kind`` (``"max"`` or ``"avg"``) and its settings as given
    (``stride`` ``None``: the window)."""

    kind: str
    window: int | tuple
    stride: int | tuple | None
    padding: str


def _pool(spec: PoolSpec, reduce, route) -> Layer:
    """A parameter-free window layer: ``reduce(x, plan) -> y``, ``route(x, y, delta, plan) -> delta_x``."""
    kind, window, stride, padding = spec
    extra = "" if stride is None else f", {stride}"
    name = f"{kind}_pool({window}{extra}{'' if padding == 'VALID' else ', SAME'})"
    settings = sliding(name, window, window if stride is None else stride, padding)

    def init(key, input_shape):
        require_key(key, name)
        input_shape = input_shape_of(input_shape, name)
        p = plan(settings, input_shape, batched=False)
        return {}, (*p.out_sizes, input_shape[-1])

    def forward(params, x):
        require_no_params(params, name)
        x = as_array(x, name)
        y = reduce(x, plan(settings, x.shape))
        return y, (x, y)

    def backward(params, cache, delta):
        # forward was y = reduce(x); route gives δ_x = ∂E/∂x from δ = ∂E/∂y
        require_no_params(params, name)
        x, y = cache
        require_delta_shape(delta, y.shape, name)
        return {}, route(x, y, delta, plan(settings, x.shape))

    return Layer(init, forward, backward, name, spec)


def _reduce_window(x, p: Plan, init, op):
    return lax.reduce_window(x, init, op, (1, *p.window, 1), (1, *p.stride, 1), p.full_pads())


def max_pool(window, stride=None, padding: str = "VALID") -> Layer:
    r"""Max-pooling: the largest element of every window, per channel.

    ``window`` and ``stride`` are ints or tuples of 1 or 2 ints; ``stride`` defaults to
    ``window`` (non-overlapping windows).  ``"SAME"`` pads with :math:`-\infty`, so a
    padding element is never the maximum.

    .. math:: y_{b,i,c} = \max_{0 \le j < k} \tilde x_{b,\,s i + j,\,c}

    Backward routes each window's δ to the position of its maximum:

    .. math:: \delta_{\tilde x;\,b,p,c} = \sum_{i,j:\ s i + j = p} \delta_{b,i,c}\,[\,j = j^*_{b,i,c}\,]

    where :math:`j^*` is the **first** offset, in row-major order over the window, with
    :math:`\tilde x_{b, s i + j, c} = y_{b,i,c}`.  So at a tie (several equal maxima in a
    window) the first one in row-major order gets all of δ and the others get none;
    with overlapping windows (stride < window) an element collects δ from every window
    in which it is that first maximum.  This is the same rule as ``jax.vjp`` of
    ``lax.reduce_window`` with ``lax.max`` (XLA's select-and-scatter keeps the first
    element that is ``>=`` all later ones), so the two agree exactly at ties too.

    Proof: docs/derivations.md, section "Pooling".

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> pool = nf.max_pool(2)                        # 1-D, windows [1, 3] and [3, 2]
    >>> y, cache = pool.forward({}, [[[1.0], [3.0], [3.0], [2.0]]])
    >>> y[..., 0].tolist()
    [[3.0, 3.0]]
    >>> pool.backward({}, cache, jnp.array([[[10.0], [20.0]]]))[1][..., 0].tolist()
    [[0.0, 10.0, 20.0, 0.0]]
    >>> tie = nf.max_pool((2, 2))                    # all four equal: the first gets δ
    >>> y, cache = tie.forward({}, jnp.ones((1, 2, 2, 1)))
    >>> tie.backward({}, cache, jnp.full((1, 1, 1, 1), 5.0))[1][0, ..., 0].tolist()
    [[5.0, 0.0], [0.0, 0.0]]
    """

    def reduce(x, p):
        return _reduce_window(x, p, -jnp.inf, lax.max)

    def route(x, y, delta, p):
        # x̃: x padded with −∞, as the forward pass saw it
        x_padded = lax.pad(x, jnp.array(-jnp.inf, x.dtype), p.full_pads(interior=True))
        # taken_{b,i,c}: whether an offset before j already was the window's maximum
        taken = jnp.zeros(y.shape, bool)
        delta_x = jnp.zeros_like(x)
        for offset in p.offsets():
            # [j = j*_{b,i,c}]: x̃_{b,si+j,c} = y_{b,i,c} and no earlier offset was
            first = (patch(x_padded, p, offset) == y) & ~taken
            taken = taken | first
            # δ_x;b,si+j,c += δ_{b,i,c} [j = j*]  (rows in the padding dropped)
            delta_x = delta_x + scatter(jnp.where(first, delta, 0).astype(x.dtype), p, offset)
        return delta_x

    return _pool(PoolSpec("max", window, stride, padding), reduce, route)


def _counts(p: Plan):
    r"""How many real (not padding) elements each window holds: :math:`N_i = \prod_{axes} N_{i_a}`."""
    count = np.ones((), np.int64)
    for (lo, _), n, m, s, k in zip(p.pads, p.in_sizes, p.out_sizes, p.stride, p.window):
        start = s * np.arange(m) - lo
        along = np.minimum(start + k, n) - np.maximum(start, 0)
        count = np.multiply.outer(count, along)
    return count[None, ..., None]


def avg_pool(window, stride=None, padding: str = "VALID") -> Layer:
    r"""Average-pooling: the mean of every window, per channel.

    With ``"SAME"`` padding the mean is over the :math:`N_i` real elements in the window
    only; the padding is not counted (TensorFlow's convention; ``"VALID"`` windows hold
    :math:`N_i = k_1 k_2` elements).

    .. math:: y_{b,i,c} = \frac{1}{N_i} \sum_{j:\ s i + j \text{ real}} \tilde x_{b,\,s i + j,\,c}
        \qquad
        \delta_{x;\,b,p,c} = \sum_{i,j:\ s i + j = p} \frac{\delta_{b,i,c}}{N_i}

    Each window shares its δ equally among its real elements.

    Implementation: every element is divided by :math:`N_i` before the window sums it
    (one strided slice per window offset, as in the backward pass), so a mean of large
    finite values never overflows on the way, as a sum taken first would.

    Proof: docs/derivations.md, section "Pooling".

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> pool = nf.avg_pool(2, 1, "SAME")             # windows [1, 3] and [3] (+ padding)
    >>> y, cache = pool.forward({}, [[[1.0], [3.0]]])
    >>> y[..., 0].tolist()
    [[2.0, 3.0]]
    >>> pool.backward({}, cache, jnp.array([[[10.0], [20.0]]]))[1][..., 0].tolist()
    [[5.0, 25.0]]
    """

    def reduce(x, p):
        # x̃: x with zero padding, which adds nothing to a window
        x_padded = lax.pad(x, lax.full((), 0, x.dtype), p.full_pads(interior=True))
        counts = _counts(p).astype(x.dtype)
        # y_{b,i,c} = Σ_j x̃_{b,si+j,c} / N_i: each element's share of its window's mean
        return sum(patch(x_padded, p, offset) / counts for offset in p.offsets())

    def route(x, y, delta, p):
        # each real element's share of its window's δ: δ_{b,i,c} / N_i
        share = (delta / _counts(p)).astype(x.dtype)
        # δ_x;b,si+j,c = Σ_{i,j} δ_{b,i,c} / N_i  (rows in the padding dropped)
        return sum(scatter(share, p, offset) for offset in p.offsets())

    return _pool(PoolSpec("avg", window, stride, padding), reduce, route)
