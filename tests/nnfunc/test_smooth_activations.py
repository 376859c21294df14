"""GELU (exact and tanh), SiLU: forward values against jax.nn, derivatives in closed form.

The registry-driven tests of test_activations.py check each hand derivative against
jax.vjp and finite differences; here the forward is compared with an independent
implementation and the derivative with its textbook closed form.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.scipy.stats import norm

import nnfunc as nf
from tests.helpers import normal

REFERENCES = [
    (nf.gelu, lambda z: jax.nn.gelu(z, approximate=False)),
    (nf.gelu_tanh, lambda z: jax.nn.gelu(z, approximate=True)),
    (nf.silu, jax.nn.silu),
]


@pytest.mark.parametrize(("make", "reference"), REFERENCES, ids=lambda x: getattr(x, "__name__", ""))
def test_forward_matches_jax_nn(make, reference):
    z = 4 * normal(11, (5, 7))
    np.testing.assert_allclose(make().forward({}, z)[0], reference(z), rtol=1e-13, atol=1e-15)


def test_gelu_derivative_is_cdf_plus_z_times_density():
    z = 3 * normal(12, (40,))
    np.testing.assert_allclose(nf.gelu().spec.derivative(z), norm.cdf(z) + z * norm.pdf(z), rtol=1e-12, atol=1e-15)


def test_silu_derivative_in_articles_form():
    z = 3 * normal(13, (40,))
    s = jax.nn.sigmoid(z)
    np.testing.assert_allclose(nf.silu().spec.derivative(z), s * (1 + z * (1 - s)), rtol=1e-12)


def test_backward_multiplies_random_delta_by_the_derivative():
    z, delta = normal(14, (3, 4)), normal(15, (3, 4))
    for make in (nf.gelu, nf.gelu_tanh, nf.silu):
        layer = make()
        _, cache = layer.forward({}, z)
        np.testing.assert_array_equal(layer.backward({}, cache, delta)[1], delta * layer.spec.derivative(z))


def test_at_minus_infinity_the_limit_not_nan():
    for make in (nf.gelu, nf.gelu_tanh, nf.silu):
        y, _ = make().forward({}, jnp.array([[-jnp.inf, jnp.nan, -1000.0]]))
        assert y[0, 0] == 0.0 and bool(jnp.isnan(y[0, 1])) and abs(float(y[0, 2])) < 1e-300, make.__name__
