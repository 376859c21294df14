"""Losses: hand gradients vs jax.vjp and finite differences; edge conventions; extremes."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nnfunc as nf
from nnfunc.check import check_loss
from tests.helpers import normal

SHAPES = st.sampled_from([(1, 1), (4, 3), (2, 2, 3)])


def outputs_and_targets(loss, seed, shape):
    """Random (y, t) in each loss's domain, away from the kinks of |y − t|."""
    y, t = normal(seed, shape), normal(seed + 1, shape)
    if loss.name == "binary_cross_entropy":
        return jax.nn.sigmoid(y), (t > 0).astype(y.dtype)
    if loss.name == "categorical_cross_entropy":
        return jax.nn.softmax(y), jax.nn.softmax(3 * t)
    if loss.name == "softmax_cross_entropy":
        return 3 * y, jax.nn.softmax(3 * t)
    if loss.name == "sum_abs_errors":
        return t + jnp.where(y >= 0, 1.0, -1.0) * (jnp.abs(y) + 0.05), t
    return y, t


@pytest.mark.parametrize("loss", list(nf.LOSSES.values()), ids=lambda loss: loss.name)
@settings(max_examples=10)
@given(seed=st.integers(0, 2**31 - 1), shape=SHAPES)
def test_hand_gradient_matches_jax_and_finite_differences(loss, seed, shape):
    y, t = outputs_and_targets(loss, seed, shape)
    check_loss(loss, y, t, jax.random.key(seed + 2)).assert_ok()


@pytest.mark.parametrize("loss", list(nf.LOSSES.values()), ids=lambda loss: loss.name)
def test_float32_within_stated_bound(loss):
    y, t = outputs_and_targets(loss, 11, (4, 3))
    check_loss(loss, y.astype(jnp.float32), t.astype(jnp.float32)).assert_ok()


def test_softmax_cross_entropy_gradient_is_p_minus_t():
    z = normal(1, (5, 4))
    t = jax.nn.one_hot(jnp.arange(5) % 4, 4)
    np.testing.assert_allclose(nf.softmax_cross_entropy.grad(z, t) * 5, jax.nn.softmax(z) - t, rtol=1e-14)


def test_softmax_then_categorical_equals_softmax_cross_entropy():
    z, t = normal(2, (3, 4)), jax.nn.one_hot(jnp.array([0, 2, 3]), 4)
    p = jax.nn.softmax(z)
    np.testing.assert_allclose(nf.categorical_cross_entropy.value(p, t),
                               nf.softmax_cross_entropy.value(z, t), rtol=1e-14)


def test_article_a_costs():
    t, y = jnp.array([2.0, 3.0, 5.0, 9.0]), jnp.array([1.0, 5.0, 3.0, 6.0])
    assert float(nf.sum_errors.value(y, t)) == 4.0
    assert float(nf.sum_abs_errors.value(y, t)) == 8.0
    assert float(nf.sse.value(y, t)) == 18.0
    assert float(nf.half_sse.value(y, t)) == 9.0


def test_article_e_mse():
    assert float(nf.mse.value(jnp.zeros(4), jnp.array([1.0, 0.0, 0.0, 1.0]))) == 0.5


def test_abs_error_kink_convention_is_zero():
    """At y = t the subgradient 0 is used (jax.grad of jnp.abs gives 1 there)."""
    y = jnp.array([1.0, 2.0, 3.0])
    assert nf.sum_abs_errors.grad(y, jnp.array([1.0, 0.0, 5.0])).tolist() == [0.0, 1.0, -1.0]


@pytest.mark.parametrize("loss", list(nf.LOSSES.values()), ids=lambda loss: loss.name)
def test_extreme_inputs_give_finite_values_and_gradients(loss):
    z = jnp.array([[-1000.0, 0.0, 1000.0], [1000.0, -1000.0, 3.0]])
    t = jnp.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    y = z if loss.name == "softmax_cross_entropy" else (
        jax.nn.softmax(z) if loss.name == "categorical_cross_entropy" else jax.nn.sigmoid(z))
    value, grad = loss.value(y, t), loss.grad(y, t)
    assert jnp.isfinite(value) and jnp.all(jnp.isfinite(grad)), (value, grad)


def test_saturated_wrong_prediction_has_large_finite_loss():
    y = jax.nn.sigmoid(jnp.array([1000.0]))  # exactly 1.0 in float64
    value = nf.binary_cross_entropy.value(y, jnp.array([0.0]))
    assert 30 < float(value) < 40  # −log(ε) = 36.04 for float64


def test_unknown_loss_name():
    with pytest.raises(ValueError, match="unknown loss 'mse2'.*mse"):
        nf.loss("mse2")
