r"""Smooth gated activations: GELU (exact, with erf), GELU's tanh approximation, SiLU.

Each multiplies its input by a gate between 0 and 1, :math:`f(z) = z\,g(z)`, so its
derivative is :math:`g(z) + z\,g'(z)`:

* GELU: :math:`g = \Phi`, the standard normal CDF :math:`\Phi(z) = \tfrac12(1 + \mathrm{erf}(z/\sqrt2))`,
  and :math:`f' = \Phi(z) + z\,\varphi(z)` with the density :math:`\varphi(z) = e^{-z^2/2}/\sqrt{2\pi}`;
* GELU (tanh): :math:`f = \tfrac12 z(1 + t)`, :math:`t = \tanh u`, :math:`u = \sqrt{2/\pi}\,(z + 0.044715\,z^3)`,
  and :math:`f' = \tfrac12(1 + t) + \tfrac12 z (1 - t^2)\sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,z^2)`;
* SiLU (swish): :math:`g = \sigma`, and :math:`f' = \sigma + z\sigma(1-\sigma) = a + \sigma(z)(1 - a)`.

The same NaN rule as :mod:`nnfunc.activations`: NaN in gives NaN out.  At ``+inf`` each
gives ``+inf``; at ``-inf`` each gives its limit 0 (``z·g(z)`` would be ``−∞·0``, so
``z = −∞`` is given 0 on purpose).  These are registered in ``nf.ACTIVATIONS``.

Proof: docs/derivations.md, section "Activations".
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from nnfunc.activations import Activation, elementwise
from nnfunc.layer import Layer

GELU_TANH_CUBIC = 0.044715  # the cubic coefficient of GELU's tanh approximation


def _at_minus_infinity_zero(z, product):
    """``product`` = z·g(z), with its limit 0 at z = −∞ (where −∞·0 would be NaN)."""
    return jnp.where(z == -jnp.inf, 0.0, product)


def _normal_cdf(z):
    return (1 + lax.erf(z / jnp.sqrt(2))) / 2


def _tanh_gate(z):
    return jnp.tanh(jnp.sqrt(2 / jnp.pi) * (z + GELU_TANH_CUBIC * z**3))


def _gelu_tanh_df(z, a):
    # f = ½ z (1 + t), t = tanh(u), u = √(2/π)(z + 0.044715 z³), so
    # f' = ½(1 + t) + ½ z (1 − t²) u',  u' = √(2/π)(1 + 3·0.044715 z²)
    t = _tanh_gate(z)
    return (1 + t) / 2 + z * (1 - t**2) * jnp.sqrt(2 / jnp.pi) * (1 + 3 * GELU_TANH_CUBIC * z**2) / 2


GELU = Activation(
    "gelu",
    lambda z: _at_minus_infinity_zero(z, z * _normal_cdf(z)),
    # f = z Φ(z), so f' = Φ(z) + z φ(z), φ(z) = e^{−z²/2} / √(2π)
    lambda z, a: _normal_cdf(z) + z * jnp.exp(-z**2 / 2) / jnp.sqrt(2 * jnp.pi),
)

GELU_TANH = Activation(
    "gelu_tanh", lambda z: _at_minus_infinity_zero(z, z * (1 + _tanh_gate(z)) / 2), _gelu_tanh_df,
)

SILU = Activation(
    "silu",
    lambda z: _at_minus_infinity_zero(z, z * jax.nn.sigmoid(z)),
    # f = z σ(z), so f' = σ + z σ(1 − σ) = a + σ(z)(1 − a)
    lambda z, a: a + jax.nn.sigmoid(z) * (1 - a),
)


def gelu() -> Layer:
    """GELU z Φ(z), Φ the standard normal CDF (erf); δ_z = δ (Φ(z) + z φ(z)).

    Proof: docs/derivations.md, section "Activations".

    >>> import jax.numpy as jnp
    >>> gelu().forward({}, jnp.array([[0.0]]))[0].tolist()
    [[0.0]]
    """
    return elementwise(GELU)


def gelu_tanh() -> Layer:
    """GELU's tanh approximation ½ z (1 + tanh(√(2/π)(z + 0.044715 z³))); δ_z = δ f'(z) as above.

    Proof: docs/derivations.md, section "Activations".

    >>> import jax.numpy as jnp
    >>> float(gelu_tanh().spec.derivative(jnp.array(0.0)))
    0.5
    """
    return elementwise(GELU_TANH)


def silu() -> Layer:
    """SiLU (swish) z σ(z); δ_z = δ (a + σ(z)(1 − a)).

    Proof: docs/derivations.md, section "Activations".

    >>> import jax.numpy as jnp
    >>> float(silu().spec.derivative(jnp.array(0.0)))
    0.5
    """
    return elementwise(SILU)
