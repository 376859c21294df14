r"""The flatten layer: every axis but the batch axis laid out as one feature axis."""
from __future__ import annotations

import math
from typing import NamedTuple

from nnfunc.layer import Layer
from nnfunc.validate import as_array, input_shape_of, require_delta_shape, require_key, require_no_params


class FlattenSpec(NamedTuple):
    """What a :func:`flatten` layer is: it has no settings."""


def flatten() -> Layer:
    r"""Reshape ``(batch, d_1, ..., d_n)`` to ``(batch, d_1 \cdots d_n)``, row-major (C order).

    Flatten only moves numbers, so its delta rule moves them back:
    :math:`\delta_x = \operatorname{reshape}(\delta, \text{shape of } x)`.

    Proof: docs/derivations.md, section "Flatten".

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> y, cache = nf.flatten().forward({}, jnp.arange(8.0).reshape(2, 2, 2))
    >>> y.tolist()
    [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]
    >>> nf.flatten().backward({}, cache, y)[1].shape
    (2, 2, 2)
    """

    def init(key, input_shape):
        require_key(key, "flatten")
        return {}, (math.prod(input_shape_of(input_shape, "flatten")),)

    def forward(params, x):
        require_no_params(params, "flatten")
        x = as_array(x, "flatten")
        if x.ndim < 1:
            raise ValueError("flatten: input is a scalar (shape ()); it needs a batch axis")
        # the feature count written out, not -1: a batch of 0 examples has no size to divide
        return x.reshape(x.shape[0], math.prod(x.shape[1:])), x.shape

    def backward(params, shape, delta):
        require_no_params(params, "flatten")
        require_delta_shape(delta, (shape[0], math.prod(shape[1:])), "flatten")
        # forward was y_{b,k} = x_{b,d_1..d_n} with k the row-major index of (d_1..d_n); so
        # δ_x;b,d_1..d_n = δ_{b,k}: δ laid back out in the shape of x
        return {}, delta.reshape(shape)

    return Layer(init, forward, backward, "flatten", FlattenSpec())
