r"""The fully connected layer, y = x·W + b, and its delta rule."""
from __future__ import annotations

from typing import Callable, NamedTuple

import jax.numpy as jnp

from nnfunc.layer import Layer
from nnfunc.initializers import normal
from nnfunc.validate import as_array, input_shape_of, positive_int, require_delta_shape, require_key
from nnfunc.weights import check_init_args, checked_weights, initial_weights, weight_arrays


class DenseSpec(NamedTuple):
    """What a :func:`dense` layer is: its width and its weights' start (``None``: the default)."""

    n_out: int
    w_scale: float | None
    w_init: Callable | None = None
    b_init: Callable | None = None


def dense(n_out: int, w_scale: float | None = None, *, w_init: Callable | None = None,
          b_init: Callable | None = None) -> Layer:
    r"""Fully connected layer over the last axis: :math:`y = x W + b`.

    Params ``{"w": (n_in, n_out), "b": (n_out,)}``; set them by hand as plain dicts
    (lists of numbers are accepted).  ``init`` draws :math:`W_{ij} \sim \mathcal N(0, s^2)`
    with :math:`s` = ``w_scale`` (default :math:`1/\sqrt{n_{in}}`) and :math:`b = 0`.
    ``w_init`` (not with ``w_scale``) and ``b_init``, functions ``(key, shape, dtype) -> array``
    from :mod:`nnfunc.initializers` or ``jax.nn.initializers``, replace either draw
    (key use and a bias's ``fan_in``: :func:`nnfunc.weights.initial_weights`).

    Backward, with :math:`\delta = \partial E/\partial y` (article B's delta rule,
    summed over the batch):

    .. math::
        \frac{\partial E}{\partial W} = x^\top \delta,\qquad
        \frac{\partial E}{\partial b} = \textstyle\sum_{\text{batch}} \delta,\qquad
        \delta_x = \delta\, W^\top

    Proof: docs/derivations.md, section "Delta rule".

    Implementation: both products name the axes they contract instead of transposing
    an operand; for a transposed operand XLA copies out :math:`W^\top` and runs the
    product as a slower fused loop.

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> neuron = nf.dense(1)
    >>> y, _ = neuron.forward({"w": [[0.0], [1.0]], "b": [4.0]}, [2, 3])
    >>> y.tolist()
    [7.0]
    """
    n_out = positive_int(n_out, "dense", "n_out")
    name = f"dense({n_out})"
    check_init_args(name, w_scale, w_init, b_init)

    def init(key, input_shape):
        require_key(key, name)
        input_shape = input_shape_of(input_shape, name)
        if len(input_shape) < 1:
            raise ValueError(f"{name}: input shape {tuple(input_shape)} has no feature axis")
        n_in = input_shape[-1]
        scale = (1.0 / n_in) ** 0.5 if w_scale is None else w_scale
        return initial_weights(key, (n_in, n_out), normal(scale) if w_init is None else w_init, b_init, name), \
            (*input_shape[:-1], n_out)

    def forward(params, x):
        w, b = checked_weights(params, name, n_out, lambda w: w.ndim == 2 and w.shape[1] == n_out,
                               f"(n_in, {n_out})")
        x = as_array(x, name)
        if x.ndim < 1 or x.shape[-1] != w.shape[0]:
            raise ValueError(f"{name}: input has shape {tuple(x.shape)} but params['w'] has shape "
                             f"{tuple(w.shape)}: the last axis of the input must be {w.shape[0]}")
        return x @ w + b, x

    def backward(params, x, delta):
        # forward was y = x W + b with x of shape (..., n_in), and cached x; it checked params
        w, b = weight_arrays(params, name)
        require_delta_shape(delta, (*x.shape[:-1], n_out), name)
        # rows n run over the batch (and any other leading axes): x_ni, δ_nj
        x_rows = x.reshape(-1, x.shape[-1])
        delta_rows = delta.reshape(-1, delta.shape[-1])
        # ∂E/∂W_ij = Σ_n x_ni δ_nj, i.e. xᵀ δ
        grad_w = jnp.tensordot(x_rows, delta_rows, axes=((0,), (0,)))
        # δ_x,ni = ∂E/∂x_ni = Σ_j δ_nj W_ij, i.e. δ Wᵀ
        delta_x = jnp.tensordot(delta, w, axes=((delta.ndim - 1,), (1,)))
        # ∂E/∂b_j = Σ_n δ_nj
        grad_b = delta_rows.sum(axis=0)
        # each gradient in its parameter's dtype, δ_x in the input's (as jax.vjp gives them)
        return {"w": grad_w.astype(w.dtype), "b": grad_b.astype(b.dtype)}, delta_x.astype(x.dtype)

    return Layer(init, forward, backward, name, DenseSpec(n_out, w_scale, w_init, b_init))
