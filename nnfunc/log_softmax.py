r"""The log-softmax layer over the last axis: :math:`y = z - \log\sum_j e^{z_j}`, and its delta rule.

Listed among the activations (``nf.ACTIVATIONS["log_softmax"]``) like softmax, and
not elementwise either: every output depends on every input of its row.

Proof: docs/derivations.md, section "Softmax".
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from nnfunc.layer import Layer
from nnfunc.softmax import row_layer


class LogSoftmaxSpec(NamedTuple):
    """What a :func:`log_softmax` layer is: the axis it normalises over (always the last, -1)."""

    axis: int


def log_softmax() -> Layer:
    r"""Log-softmax over the last axis, :math:`y_i = z_i - \log\sum_j e^{z_j}` (stable: ``logsumexp``).

    Its Jacobian is :math:`\partial y_i/\partial z_j = \mathbb{1}_{ij} - s_j` with
    :math:`s = \mathrm{softmax}(z) = e^{y}`, so with :math:`\delta = \partial E/\partial y`:

    .. math:: \delta_{z,j} = \delta_j - s_j \sum_i \delta_i

    A row holding NaN or ``+inf`` is NaN throughout; a ``-inf`` entry stays ``-inf``.

    Proof: docs/derivations.md, section "Softmax".

    >>> import jax.numpy as jnp
    >>> y, _ = log_softmax().forward({}, jnp.array([[0.0, 0.0]]))
    >>> jnp.exp(y).tolist()
    [[0.5, 0.5]]
    """

    def normalise(z):
        return z - jax.nn.logsumexp(z, axis=-1, keepdims=True)

    def route(y, delta):
        # forward was y_i = z_i − log Σ_k e^{z_k}, so ∂y_i/∂z_j = 1_ij − s_j with s = softmax(z) = e^y, and
        # δ_z,j = Σ_i δ_i ∂y_i/∂z_j = δ_j − s_j Σ_i δ_i
        return delta - jnp.exp(y) * jnp.sum(delta, axis=-1, keepdims=True)

    return row_layer("log_softmax", LogSoftmaxSpec(-1), normalise, route)
