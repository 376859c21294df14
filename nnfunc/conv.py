r"""The convolution layer over one or two spatial axes, and its delta rule."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax import lax

from nnfunc.layer import Layer
from nnfunc.validate import as_array, default_float, require_mapping, require_shape
from nnfunc.windows import patch, per_axis, plan, sliding


def _specs(rank: int, lhs: str, rhs: str, out: str):
    """Dimension-number strings with the spatial letters filled in, e.g. ``N#C`` -> ``NHWC``."""
    letters = "HW"[-rank:]
    return tuple(spec.replace("#", letters) for spec in (lhs, rhs, out))


def conv(n_out: int, kernel, stride=1, padding: str = "VALID", w_scale: float | None = None) -> Layer:
    r"""Convolution (cross-correlation, as in every deep-learning library), channels last.

    Input ``(batch, length, c_in)`` or ``(batch, height, width, c_in)``; params
    ``{"w": (*kernel, c_in, n_out), "b": (n_out,)}``.  ``kernel`` and ``stride`` are
    ints (the same along every spatial axis) or tuples of 1 or 2 ints; ``padding`` is
    ``"VALID"`` or ``"SAME"`` (geometry in :mod:`nnfunc.windows`).  ``init`` draws
    :math:`w \sim \mathcal N(0, s^2)` with :math:`s` = ``w_scale`` (default
    :math:`1/\sqrt{k_1 k_2 c_{in}}`) and :math:`b = 0`.

    Forward, written for one spatial axis (two axes index the same way), with
    :math:`\tilde x` the zero-padded input (:math:`l` zeros before, :math:`h` after):

    .. math:: y_{b,i,o} = \sum_{j=0}^{k-1} \sum_c \tilde x_{b,\,s i + j,\,c}\, w_{j,c,o} + b_o

    Backward, with :math:`\delta_{b,i,o} = \partial E/\partial y_{b,i,o}`:

    .. math::
        \frac{\partial E}{\partial w_{j,c,o}} = \sum_{b,i} \tilde x_{b,\,s i + j,\,c}\,\delta_{b,i,o}
        \qquad \frac{\partial E}{\partial b_o} = \sum_{b,i} \delta_{b,i,o}

        \delta_{\tilde x;\,b,p,c} = \sum_{i,j:\ s i + j = p} \delta_{b,i,o}\, w_{j,c,o}
        = \sum_j \hat\delta_{b,\,p - j,\,o}\, w_{j,c,o},\qquad \delta_x = \delta_{\tilde x}[l : l + n]

    * ``dw`` is the formula itself, one matrix product per kernel offset :math:`j`: the
      strided slice :math:`\tilde x_{b,\,s i + j,\,c}` over all :math:`(b, i)` times δ,
      summed over :math:`(b, i)`.  (A single convolution with the batch axis as the summed
      feature axis computes the same, but XLA's CPU backend runs that one about 25 times
      slower inside a ``lax.scan`` loop, i.e. inside :func:`nnfunc.fit`.)  The forward
      pass's :math:`r` unread trailing rows are in no slice, so they get no gradient.
    * ``dx`` is the *full* convolution of the dilated :math:`\hat\delta` (``lhs_dilation = s``,
      :math:`s-1` zeros between rows) with the kernel, i.e. a correlation with the flipped
      kernel, input and output channels swapped.  Padding :math:`(k-1-l,\ k-1-h+r)`
      (negative where it crops) makes the full convolution, restores the unread rows as
      zeros and drops the padding rows in one step.
    * ``db`` sums δ over the batch and every position.

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> edge = nf.conv(1, 2)                       # 1-D, kernel 2: y_i = x_{i+1} - x_i
    >>> params = {"w": [[[-1.0]], [[1.0]]], "b": [0.0]}
    >>> y, cache = edge.forward(params, [[[1.0], [4.0], [9.0]]])
    >>> y[..., 0].tolist()
    [[3.0, 5.0]]
    >>> grads, dx = edge.backward(params, cache, jnp.ones_like(y))
    >>> dx[..., 0].tolist(), grads["w"].ravel().tolist(), grads["b"].tolist()
    ([[-1.0, 0.0, 1.0]], [5.0, 13.0], [2.0])
    """
    if not isinstance(n_out, int) or isinstance(n_out, bool) or n_out < 1:
        raise ValueError(f"conv: n_out must be a positive int, got {n_out!r}")
    shown = "x".join(map(str, kernel)) if isinstance(kernel, (tuple, list)) else kernel
    name = f"conv({n_out}, {shown})"
    settings = sliding(name, kernel, stride, padding)

    def init(key, input_shape):
        p = plan(settings, input_shape, batched=False)
        c_in = input_shape[-1]
        shape = (*p.window, c_in, n_out)
        scale = 1.0 / math.sqrt(math.prod(p.window) * c_in) if w_scale is None else w_scale
        w = scale * jax.random.normal(key, shape, default_float())
        return {"w": w, "b": jnp.zeros((n_out,), default_float())}, (*p.out_sizes, n_out)

    def checked(params):
        require_mapping(params, ("w", "b"), name)
        w = as_array(params["w"], name, "params['w']")
        b = as_array(params["b"], name, "params['b']")
        rank = settings.rank or w.ndim - 2
        if w.ndim not in (3, 4) or w.ndim != rank + 2 or w.shape[:-2] != per_axis(settings.window, rank) \
                or w.shape[-1] != n_out:
            raise ValueError(f"{name}: params['w'] has shape {tuple(w.shape)}, expected "
                             f"(*kernel, c_in, {n_out}) with kernel {kernel!r}")
        require_shape(b, (n_out,), name, "params['b']")
        return w, b

    def geometry(w, x):
        p = plan(settings._replace(rank=w.ndim - 2), x.shape)
        if x.shape[-1] != w.shape[-2]:
            raise ValueError(f"{name}: input has shape {tuple(x.shape)} with {x.shape[-1]} channels but "
                             f"params['w'] has shape {tuple(w.shape)}, for {w.shape[-2]} input channels")
        return p

    def forward(params, x):
        w, b = checked(params)
        x = as_array(x, name)
        p = geometry(w, x)
        dtype = jnp.result_type(x, w)
        y = lax.conv_general_dilated(x.astype(dtype), w.astype(dtype), p.stride, p.pads,
                                     dimension_numbers=_specs(w.ndim - 2, "N#C", "#IO", "N#C"))
        return y + b, x

    def backward(params, x, dy):
        w, b = checked(params)
        p = geometry(w, x)
        rank = w.ndim - 2
        dtype = jnp.result_type(x, w, dy)
        xd, wd, dyd = x.astype(dtype), w.astype(dtype), dy.astype(dtype)
        x_padded = lax.pad(xd, lax.full((), 0, dtype), p.full_pads(interior=True))
        summed = tuple(range(rank + 1))  # the batch and spatial axes
        dw = jnp.stack([jnp.tensordot(patch(x_padded, p, offset), dyd, (summed, summed))
                        for offset in p.offsets()]).reshape(wd.shape)
        dx = lax.conv_general_dilated(
            dyd, jnp.swapaxes(lax.rev(wd, tuple(range(rank))), -1, -2), window_strides=(1,) * rank,
            padding=[(k - 1 - lo, k - 1 - hi + r) for k, (lo, hi), r in zip(p.window, p.pads, p.unread)],
            lhs_dilation=p.stride, dimension_numbers=_specs(rank, "N#C", "#IO", "N#C"))
        db = dyd.sum(axis=tuple(range(rank + 1)))
        return {"w": dw.astype(w.dtype), "b": db.astype(b.dtype)}, dx.astype(x.dtype)

    return Layer(init, forward, backward, name,
                 {"n_out": n_out, "kernel": kernel, "stride": stride, "padding": padding})
