"""Activation layers: hand derivatives vs jax.vjp and finite differences; kinks on purpose."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nnfunc as nf
from nnfunc.check import check_layer
from tests.helpers import normal

ELEMENTWISE = [nf.identity(), nf.step(), nf.sign(), nf.sigmoid(), nf.tanh(), nf.relu(),
               nf.leaky_relu(0.1), nf.softplus(), nf.elu(0.7), nf.sine()]
ALL = ELEMENTWISE + [nf.softmax()]


def away_from_zero(z, margin=0.05):
    """Push every element at least ``margin`` from the kink at 0, keeping its sign."""
    return jnp.where(z >= 0, 1.0, -1.0) * (jnp.abs(z) + margin)


# A few shapes, many seeds: every new shape costs a compilation, every new seed is free.
SHAPES = st.sampled_from([(1, 1), (3, 4), (2, 1, 5)])


@pytest.mark.parametrize("layer", ALL, ids=lambda layer: layer.name)
@settings(max_examples=10)
@given(seed=st.integers(0, 2**31 - 1), shape=SHAPES)
def test_hand_derivative_matches_jax_and_finite_differences(layer, seed, shape):
    x = away_from_zero(3 * normal(seed, shape))
    check_layer(layer, {}, x, jax.random.key(seed + 1)).assert_ok()


@pytest.mark.parametrize("layer", ALL, ids=lambda layer: layer.name)
def test_float32_within_stated_bound(layer):
    x = away_from_zero(normal(0, (3, 4), jnp.float32))
    report = check_layer(layer, {}, x, jax.random.key(1))
    assert report.checks[0].tol == 1e-5 and report.notes  # float32 bound, no finite differences
    report.assert_ok()


@pytest.mark.parametrize("layer", ELEMENTWISE, ids=lambda layer: layer.name)
def test_derivative_in_articles_form_is_the_slope(layer):
    """spec.derivative(z) is the slope of spec.f away from kinks (jax.grad as the witness)."""
    z = away_from_zero(normal(3, (50,)))
    slope = jax.vmap(jax.grad(layer.spec.f))(z)
    np.testing.assert_allclose(layer.spec.derivative(z), slope, rtol=1e-12, atol=0)


def test_articles_forms():
    z = normal(4, (20,))
    s = jax.nn.sigmoid(z)
    np.testing.assert_allclose(nf.sigmoid().spec.derivative(z), s * (1 - s), rtol=1e-15)
    np.testing.assert_allclose(nf.tanh().spec.derivative(z), 1 - jnp.tanh(z) ** 2, rtol=1e-15)
    np.testing.assert_allclose(nf.sine().spec.derivative(z), jnp.cos(z), rtol=1e-15)


KINK_VALUES = [  # (layer, f(0), f'(0)) — the written-down conventions
    (nf.relu(), 0.0, 0.0),
    (nf.leaky_relu(0.1), 0.0, 0.1),
    (nf.elu(0.7), 0.0, 0.7),
    (nf.step(), 1.0, 0.0),
    (nf.sign(), 1.0, 0.0),
]


@pytest.mark.parametrize("layer, value, slope", KINK_VALUES, ids=lambda v: getattr(v, "name", ""))
def test_kink_convention(layer, value, slope):
    zero = jnp.zeros((1, 1))
    y, cache = layer.forward({}, zero)
    _, dz = layer.backward({}, cache, jnp.full((1, 1), 2.5))
    assert float(y[0, 0]) == value
    assert float(dz[0, 0]) == 2.5 * slope


@pytest.mark.parametrize("layer", [nf.relu(), nf.leaky_relu(0.1), nf.elu(0.7)], ids=lambda l: l.name)
def test_kink_convention_is_jaxs_left_derivative(layer):
    assert float(layer.spec.derivative(jnp.array(0.0))) == float(jax.grad(layer.spec.f)(0.0))


def test_step_and_sign_values_around_zero():
    z = jnp.array([[-2.0, -1e-300, 0.0, 1e-300, 2.0]])
    assert nf.step().forward({}, z)[0].tolist() == [[0, 0, 1, 1, 1]]
    assert nf.sign().forward({}, z)[0].tolist() == [[-1, -1, 1, 1, 1]]


def test_softmax_backward_is_jacobian_vector_product():
    z, ds = normal(5, (2, 4)), normal(6, (2, 4))
    s, cache = nf.softmax().forward({}, z)
    _, dz = nf.softmax().backward({}, cache, ds)
    for i in range(2):
        jacobian = jnp.diag(s[i]) - jnp.outer(s[i], s[i])  # ∂s_a/∂z_b = s_a(1_ab − s_b)
        np.testing.assert_allclose(dz[i], jacobian.T @ ds[i], rtol=1e-13)


def test_extreme_inputs_stay_finite():
    z = jnp.array([[-1000.0, 0.5, 1000.0]])
    dy = normal(7, (1, 3))
    for layer in ALL:
        y, cache = layer.forward({}, z)
        _, dz = layer.backward({}, cache, dy)
        assert jnp.all(jnp.isfinite(y)) and jnp.all(jnp.isfinite(dz)), layer.name
    assert nf.sigmoid().forward({}, z)[0].tolist() == [[0.0, jax.nn.sigmoid(0.5).item(), 1.0]]


def test_unknown_activation_name():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'.*sigmoid"):
        nf.activation("sigmod")
    assert nf.activation("elu", alpha=0.5).name == "elu(0.5)"
