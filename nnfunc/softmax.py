r"""The softmax layer over the last axis and its delta rule, a Jacobian–vector product.

Softmax is listed among the activations (``nf.ACTIVATIONS["softmax"]``) but is not
elementwise: every output depends on every input of its row, so its backward pass is
not :math:`\delta \odot f'(z)`.

Proof: docs/derivations.md, section "Softmax".
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp

from nnfunc.layer import Layer
from nnfunc.validate import as_array, input_shape_of, require_delta_shape, require_key, require_no_params


class SoftmaxSpec(NamedTuple):
    """What a :func:`softmax` layer is: the axis it normalises over (always the last, -1)."""

    axis: int


def row_layer(name: str, spec, normalise: Callable, route: Callable) -> Layer:
    r"""A parameter-free layer over each row along the last axis, as softmax and log-softmax are.

    forward: :math:`y = \mathrm{normalise}(z)`, and ``y`` is the cache; backward:
    :math:`\delta_z = \mathrm{route}(y, \delta)`, the row's Jacobian–vector product written
    in terms of the output.  The layer checks what every such layer must: no params,
    an input with a last axis, and a δ shaped as the output.

    >>> import jax.numpy as jnp
    >>> halve = row_layer("halve", None, lambda z: z / 2, lambda y, delta: delta / 2)
    >>> halve.backward({}, halve.forward({}, jnp.ones((1, 2)))[1], jnp.ones((1, 2)))[1].tolist()
    [[0.5, 0.5]]
    """

    def init(key, input_shape):
        require_key(key, name)
        return {}, input_shape_of(input_shape, name)

    def forward(params, z):
        require_no_params(params, name)
        z = as_array(z, name)
        if z.ndim == 0:
            raise ValueError(f"{name}: input is a scalar (shape ()); it needs a last axis to normalise over")
        y = normalise(z)
        return y, y

    def backward(params, y, delta):
        require_no_params(params, name)
        require_delta_shape(delta, y.shape, name)
        return {}, route(y, delta)

    return Layer(init, forward, backward, name, spec)


def softmax() -> Layer:
    r"""Softmax over the last axis, :math:`s_i = e^{z_i} / \sum_j e^{z_j}`.

    Its Jacobian is :math:`\partial s_i/\partial z_j = s_i(\mathbb{1}_{ij} - s_j)`, so the
    backward pass is the Jacobian–vector product, never the Jacobian itself; with
    :math:`\delta = \partial E/\partial s`:

    .. math:: \delta_{z,i} = s_i\Big(\delta_i - \sum_j \delta_j\, s_j\Big)

    Proof: docs/derivations.md, section "Softmax".

    >>> import jax.numpy as jnp
    >>> y, _ = softmax().forward({}, jnp.array([[0.0, 0.0]]))
    >>> y.tolist()
    [[0.5, 0.5]]
    """

    def normalise(z):
        return jax.nn.softmax(z, axis=-1)

    def route(s, delta):
        # forward was s_i = e^{z_i} / Σ_j e^{z_j}, so ∂s_j/∂z_i = s_j(1_ij − s_i) and
        # δ_z,i = Σ_j δ_j ∂s_j/∂z_i = s_i (δ_i − Σ_j δ_j s_j)
        return s * (delta - jnp.sum(delta * s, axis=-1, keepdims=True))

    return row_layer("softmax", SoftmaxSpec(-1), normalise, route)
