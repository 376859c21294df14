r"""The convolution layer over one or two spatial axes, and its delta rule."""
from __future__ import annotations

import math

from typing import Callable, NamedTuple

import jax.numpy as jnp
from jax import lax

from nnfunc.layer import Layer
from nnfunc.initializers import normal
from nnfunc.validate import as_array, input_shape_of, positive_int, require_delta_shape, require_key
from nnfunc.weights import check_init_args, checked_weights, initial_weights, weight_arrays
from nnfunc.windows import patch, per_axis, plan, sliding


class ConvSpec(NamedTuple):
    """What a :func:`conv` layer is: its settings as given (``w_scale``, ``w_init``, ``b_init`` ``None``: the default)."""

    n_out: int
    kernel: int | tuple
    stride: int | tuple
    padding: str
    w_scale: float | None
    w_init: Callable | None = None
    b_init: Callable | None = None


def _specs(rank: int, lhs: str, rhs: str, out: str):
    """Dimension-number strings with the spatial letters filled in, e.g. ``N#C`` -> ``NHWC``."""
    letters = "HW"[-rank:]
    return tuple(spec.replace("#", letters) for spec in (lhs, rhs, out))


def _kernel_fits(settings, n_out: int) -> Callable:
    """The test ``w_fits(w)``: whether ``params['w']`` has the shape ``(*kernel, c_in, n_out)`` of these settings."""
    def w_fits(w):
        rank = settings.rank or w.ndim - 2
        return w.ndim in (3, 4) and w.ndim == rank + 2 and w.shape[:-2] == per_axis(settings.window, rank) \
            and w.shape[-1] == n_out
    return w_fits


def conv(n_out: int, kernel, stride=1, padding: str = "VALID", w_scale: float | None = None, *,
         w_init: Callable | None = None, b_init: Callable | None = None) -> Layer:
    r"""Convolution (cross-correlation, as in every deep-learning library), channels last.

    Input ``(batch, length, c_in)`` or ``(batch, height, width, c_in)``; params
    ``{"w": (*kernel, c_in, n_out), "b": (n_out,)}``.  ``kernel`` and ``stride`` are
    ints (the same along every spatial axis) or tuples of 1 or 2 ints; ``padding`` is
    ``"VALID"`` or ``"SAME"`` (geometry in :mod:`nnfunc.windows`).  ``init`` draws
    :math:`w \sim \mathcal N(0, s^2)` with :math:`s` = ``w_scale`` (default
    :math:`1/\sqrt{k_1 k_2 c_{in}}`) and :math:`b = 0`.  ``w_init`` (not with ``w_scale``)
    and ``b_init``, functions ``(key, shape, dtype) -> array`` from :mod:`nnfunc.initializers`
    or ``jax.nn.initializers``, replace either draw; the kernel's fan-in is
    :math:`k_1 k_2 c_{in}`, its fan-out :math:`k_1 k_2 n_{out}` (:func:`nnfunc.initializers.fans`).

    Forward, written for one spatial axis (two axes index the same way), with
    :math:`\tilde x` the zero-padded input (:math:`l` zeros before, :math:`h` after):

    .. math:: y_{b,i,o} = \sum_{j=0}^{k-1} \sum_c \tilde x_{b,\,s i + j,\,c}\, w_{j,c,o} + b_o

    Backward, with :math:`\delta_{b,i,o} = \partial E/\partial y_{b,i,o}`:

    .. math::
        \frac{\partial E}{\partial w_{j,c,o}} = \sum_{b,i} \tilde x_{b,\,s i + j,\,c}\,\delta_{b,i,o}
        \qquad \frac{\partial E}{\partial b_o} = \sum_{b,i} \delta_{b,i,o}

        \delta_{\tilde x;\,b,p,c} = \sum_{i,j:\ s i + j = p} \delta_{b,i,o}\, w_{j,c,o}
        = \sum_j \hat\delta_{b,\,p - j,\,o}\, w_{j,c,o},\qquad \delta_x = \delta_{\tilde x}[l : l + n]

    Proof: docs/derivations.md, section "Convolution".

    Implementation:

    * ``∂E/∂w`` is the formula itself, one matrix product per kernel offset :math:`j`: the
      strided slice :math:`\tilde x_{b,\,s i + j,\,c}` over all :math:`(b, i)` times δ,
      summed over :math:`(b, i)`.  (A single convolution with the batch axis as the summed
      feature axis computes the same, but XLA's CPU backend runs that one about 25 times
      slower inside a ``lax.scan`` loop, i.e. inside :func:`nnfunc.fit`.)  The forward
      pass's :math:`r` unread trailing rows are in no slice, so they get no gradient.
    * ``δ_x`` is the *full* convolution of the dilated :math:`\hat\delta` (``lhs_dilation = s``,
      :math:`s-1` zeros between rows) with the kernel, i.e. a correlation with the flipped
      kernel, input and output channels swapped.  Padding :math:`(k-1-l,\ k-1-h+r)`
      (negative where it crops) makes the full convolution, restores the unread rows as
      zeros and drops the padding rows in one step.
    * ``∂E/∂b`` sums δ over the batch and every position.

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> edge = nf.conv(1, 2)                       # 1-D, kernel 2: y_i = x_{i+1} - x_i
    >>> params = {"w": [[[-1.0]], [[1.0]]], "b": [0.0]}
    >>> y, cache = edge.forward(params, [[[1.0], [4.0], [9.0]]])
    >>> y[..., 0].tolist()
    [[3.0, 5.0]]
    >>> grads, delta_x = edge.backward(params, cache, jnp.ones_like(y))
    >>> delta_x[..., 0].tolist(), grads["w"].ravel().tolist(), grads["b"].tolist()
    ([[-1.0, 0.0, 1.0]], [5.0, 13.0], [2.0])
    """
    n_out = positive_int(n_out, "conv", "n_out")
    shown = "x".join(map(str, kernel)) if isinstance(kernel, (tuple, list)) else kernel
    name = f"conv({n_out}, {shown})"
    settings = sliding(name, kernel, stride, padding)
    check_init_args(name, w_scale, w_init, b_init)

    def init(key, input_shape):
        require_key(key, name)
        input_shape = input_shape_of(input_shape, name)
        p = plan(settings, input_shape, batched=False)
        c_in = input_shape[-1]
        scale = 1.0 / math.sqrt(math.prod(p.window) * c_in) if w_scale is None else w_scale
        w_start = normal(scale) if w_init is None else w_init
        return initial_weights(key, (*p.window, c_in, n_out), w_start, b_init, name), (*p.out_sizes, n_out)

    w_fits = _kernel_fits(settings, n_out)

    def geometry(w, x):
        return plan(settings._replace(rank=w.ndim - 2), x.shape)

    def forward(params, x):
        w, b = checked_weights(params, name, n_out, w_fits, f"(*kernel, c_in, {n_out}) with kernel {kernel!r}")
        x = as_array(x, name)
        p = geometry(w, x)
        if x.shape[-1] != w.shape[-2]:
            raise ValueError(f"{name}: input has shape {tuple(x.shape)} with {x.shape[-1]} channels but "
                             f"params['w'] has shape {tuple(w.shape)}, for {w.shape[-2]} input channels")
        dtype = jnp.result_type(x, w)
        y = lax.conv_general_dilated(x.astype(dtype), w.astype(dtype), p.stride, p.pads,
                                     dimension_numbers=_specs(w.ndim - 2, "N#C", "#IO", "N#C"))
        return y + b, x

    def backward(params, x, delta):
        # forward was y_{b,i,o} = Σ_j Σ_c x̃_{b,si+j,c} w_{j,c,o} + b_o, and cached x; it checked params
        w, b = weight_arrays(params, name)
        p = geometry(w, x)
        require_delta_shape(delta, (x.shape[0], *p.out_sizes, w.shape[-1]), name)
        rank = w.ndim - 2
        dtype = jnp.result_type(x, w, delta)
        x_common, w_common, delta_common = x.astype(dtype), w.astype(dtype), delta.astype(dtype)
        # x̃: x with the forward pass's zero padding (l before, h after)
        x_padded = lax.pad(x_common, lax.full((), 0, dtype), p.full_pads(interior=True))
        summed = tuple(range(rank + 1))  # the batch and spatial axes (b, i)
        # ∂E/∂w_{j,c,o} = Σ_{b,i} x̃_{b,si+j,c} δ_{b,i,o}, one product per kernel offset j
        grad_w = jnp.stack([jnp.tensordot(patch(x_padded, p, offset), delta_common, (summed, summed))
                            for offset in p.offsets()]).reshape(w_common.shape)
        # δ_x̃;b,p,c = Σ_j δ̂_{b,p−j,o} w_{j,c,o}: the full convolution of the dilated δ̂ with the
        # flipped kernel (channels swapped); the padding crops it to δ_x = δ_x̃[l : l + n]
        delta_x = lax.conv_general_dilated(
            delta_common, jnp.swapaxes(lax.rev(w_common, tuple(range(rank))), -1, -2),
            window_strides=(1,) * rank,
            padding=[(k - 1 - lo, k - 1 - hi + r) for k, (lo, hi), r in zip(p.window, p.pads, p.unread)],
            lhs_dilation=p.stride, dimension_numbers=_specs(rank, "N#C", "#IO", "N#C"))
        # ∂E/∂b_o = Σ_{b,i} δ_{b,i,o}
        grad_b = delta_common.sum(axis=tuple(range(rank + 1)))
        return {"w": grad_w.astype(w.dtype), "b": grad_b.astype(b.dtype)}, delta_x.astype(x.dtype)

    return Layer(init, forward, backward, name, ConvSpec(n_out, kernel, stride, padding, w_scale, w_init, b_init))
