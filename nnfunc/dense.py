r"""The fully connected layer, y = x·W + b, and its delta rule."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from nnfunc.layer import Layer
from nnfunc.validate import as_array, default_float, require_mapping, require_shape


def dense(n_out: int, w_scale: float | None = None) -> Layer:
    r"""Fully connected layer over the last axis: :math:`y = x W + b`.

    Params ``{"w": (n_in, n_out), "b": (n_out,)}``; set them by hand as plain dicts
    (lists of numbers are accepted).  ``init`` draws :math:`W_{ij} \sim \mathcal N(0, s^2)`
    with :math:`s` = ``w_scale`` (default :math:`1/\sqrt{n_{in}}`) and :math:`b = 0`.

    Backward, with :math:`\delta = \partial E/\partial y` (article B's delta rule,
    summed over the batch):

    .. math::
        \frac{\partial E}{\partial W} = x^\top \delta,\qquad
        \frac{\partial E}{\partial b} = \textstyle\sum_{\text{batch}} \delta,\qquad
        \delta_x = \delta\, W^\top

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> neuron = nf.dense(1)
    >>> y, _ = neuron.forward({"w": [[0.0], [1.0]], "b": [4.0]}, [2, 3])
    >>> y.tolist()
    [7.0]
    """
    if not isinstance(n_out, int) or n_out < 1:
        raise ValueError(f"dense: n_out must be a positive int, got {n_out!r}")
    name = f"dense({n_out})"

    def init(key, input_shape):
        if len(input_shape) < 1 or input_shape[-1] < 1:
            raise ValueError(f"{name}: input shape {tuple(input_shape)} has no feature axis")
        n_in = input_shape[-1]
        scale = (1.0 / n_in) ** 0.5 if w_scale is None else w_scale
        w = scale * jax.random.normal(key, (n_in, n_out), default_float())
        return {"w": w, "b": jnp.zeros((n_out,), default_float())}, (*input_shape[:-1], n_out)

    def checked(params):
        require_mapping(params, ("w", "b"), name)
        w = as_array(params["w"], name, "params['w']")
        b = as_array(params["b"], name, "params['b']")
        if w.ndim != 2 or w.shape[1] != n_out:
            raise ValueError(f"{name}: params['w'] has shape {tuple(w.shape)}, expected (n_in, {n_out})")
        require_shape(b, (n_out,), name, "params['b']")
        return w, b

    def forward(params, x):
        w, b = checked(params)
        x = as_array(x, name)
        if x.ndim < 1 or x.shape[-1] != w.shape[0]:
            raise ValueError(f"{name}: input has shape {tuple(x.shape)} but params['w'] has shape "
                             f"{tuple(w.shape)}: the last axis of the input must be {w.shape[0]}")
        return x @ w + b, x

    def backward(params, x, dy):
        w, _ = checked(params)
        x2 = x.reshape(-1, x.shape[-1])
        d2 = dy.reshape(-1, dy.shape[-1])
        # Both products name the axes they contract instead of transposing an operand:
        # XLA copies out a transposed Wᵀ and runs the product as a slower fused loop.
        dw = jnp.tensordot(x2, d2, axes=((0,), (0,)))               # xᵀ δ, summed over the batch
        dx = jnp.tensordot(dy, w, axes=((dy.ndim - 1,), (1,)))     # δ Wᵀ
        return {"w": dw, "b": d2.sum(axis=0)}, dx

    return Layer(init, forward, backward, name, {"n_out": n_out})
