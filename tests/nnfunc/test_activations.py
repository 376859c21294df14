"""Activation layers: hand derivatives vs jax.vjp and finite differences; kinks on purpose.

Every activation in ``nf.ACTIVATIONS`` is tested with its default settings (and two with
other settings); which ones have a kink, and where, comes from each Activation's ``kink``.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nnfunc as nf
from nnfunc.check import check_layer
from tests.helpers import is_kinked, normal

# Other settings than the defaults: α ≠ 1 makes elu's slopes differ on the two sides of 0.
OTHER_SETTINGS = [nf.leaky_relu(0.1), nf.elu(0.7)]
ALL = [nf.activation(name) for name in sorted(nf.ACTIVATIONS)] + OTHER_SETTINGS
ELEMENTWISE = [layer for layer in ALL if isinstance(layer.spec, nf.Activation)]
KINKED = [layer for layer in ELEMENTWISE if is_kinked(layer)]
TINY = 1e-300  # a float64 step off the kink point, too small to change anything else


def by_name(layer):
    return layer.name


def away_from_kink(layer, z, margin=0.05):
    """``z`` with every element pushed at least ``margin`` from ``layer``'s kink, on its own side."""
    if not is_kinked(layer):
        return z
    at = layer.spec.kink.at
    return at + jnp.where(z >= at, 1.0, -1.0) * (jnp.abs(z - at) + margin)


# A few shapes, many seeds: every new shape costs a compilation, every new seed is free.
SHAPES = st.sampled_from([(1, 1), (3, 4), (2, 1, 5)])


@pytest.mark.parametrize("layer", ALL, ids=by_name)
@settings(max_examples=10)
@given(seed=st.integers(0, 2**31 - 1), shape=SHAPES)
def test_hand_derivative_matches_jax_and_finite_differences(layer, seed, shape):
    x = away_from_kink(layer, 3 * normal(seed, shape))
    check_layer(layer, {}, x, jax.random.key(seed + 1)).assert_ok()


@pytest.mark.parametrize("layer", ALL, ids=by_name)
def test_float32_within_stated_bound(layer):
    x = away_from_kink(layer, normal(0, (3, 4), jnp.float32))
    report = check_layer(layer, {}, x, jax.random.key(1))
    assert report.checks[0].tol == 1e-5 and report.notes  # float32 bound, no finite differences
    report.assert_ok()


@pytest.mark.parametrize("layer", ELEMENTWISE, ids=by_name)
def test_derivative_in_articles_form_is_the_slope(layer):
    """spec.derivative(z) is the slope of spec.f away from kinks (jax.grad as the witness)."""
    z = away_from_kink(layer, normal(3, (50,)))
    slope = jax.vmap(jax.grad(layer.spec.f))(z)
    np.testing.assert_allclose(layer.spec.derivative(z), slope, rtol=1e-12, atol=0)


def test_articles_forms():
    z = normal(4, (20,))
    s = jax.nn.sigmoid(z)
    np.testing.assert_allclose(nf.sigmoid().spec.derivative(z), s * (1 - s), rtol=1e-15)
    np.testing.assert_allclose(nf.tanh().spec.derivative(z), 1 - jnp.tanh(z) ** 2, rtol=1e-15)
    np.testing.assert_allclose(nf.sine().spec.derivative(z), jnp.cos(z), rtol=1e-15)


def test_kinked_ones_are_found():
    """The registry's kinked activations, as their Activations state it."""
    assert {layer.spec.name for layer in KINKED} >= {"step", "sign", "relu", "leaky_relu(0.01)", "elu(1.0)"}


@pytest.mark.parametrize("layer", KINKED, ids=by_name)
def test_layer_at_the_kink_follows_the_convention(layer):
    """At a jump f(at) is the value on the right and δ_z = 0; at a kink of the slope δ_z = δ f'(at⁻)."""
    kink, act = layer.spec.kink, layer.spec
    at = jnp.full((1, 1), kink.at)
    y, cache = layer.forward({}, at)
    _, delta_z = layer.backward({}, cache, jnp.full((1, 1), 2.5))
    if kink.jumps:
        assert float(y[0, 0]) == float(act.f(at + TINY)[0, 0])
        assert float(delta_z[0, 0]) == 0.0
    else:
        assert float(y[0, 0]) == pytest.approx(float(act.f(at - TINY)[0, 0]), abs=1e-12)  # f is continuous
        assert float(delta_z[0, 0]) == 2.5 * float(act.derivative(at - TINY)[0, 0])


@pytest.mark.parametrize("layer", KINKED, ids=by_name)
def test_kink_convention_is_jaxs_left_derivative(layer):
    at = layer.spec.kink.at
    assert float(layer.spec.derivative(jnp.array(at))) == float(jax.grad(layer.spec.f)(at))


def test_step_and_sign_values_around_zero():
    z = jnp.array([[-2.0, -1e-300, 0.0, 1e-300, 2.0]])
    assert nf.step().forward({}, z)[0].tolist() == [[0, 0, 1, 1, 1]]
    assert nf.sign().forward({}, z)[0].tolist() == [[-1, -1, 1, 1, 1]]


def test_extreme_inputs_stay_finite():
    z = jnp.array([[-1000.0, 0.5, 1000.0]])
    delta = normal(7, (1, 3))
    for layer in ALL:
        y, cache = layer.forward({}, z)
        _, delta_z = layer.backward({}, cache, delta)
        assert jnp.all(jnp.isfinite(y)) and jnp.all(jnp.isfinite(delta_z)), layer.name
    assert nf.sigmoid().forward({}, z)[0].tolist() == [[0.0, jax.nn.sigmoid(0.5).item(), 1.0]]


def test_unknown_activation_name():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'.*sigmoid"):
        nf.activation("sigmod")
    assert nf.activation("elu", alpha=0.5).name == "elu(0.5)"
