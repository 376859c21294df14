"""Log-softmax: hand backward δ − softmax·Σδ vs jax.vjp, finite differences and jax.nn.log_softmax."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nnfunc as nf
from nnfunc.check import check_layer
from tests.helpers import normal


@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (2, 3, 5)])
def test_hand_backward_matches_jax_and_finite_differences(shape):
    check_layer(nf.log_softmax(), {}, 3 * normal(21, shape), jax.random.key(2)).assert_ok()


def test_forward_matches_jax_nn_and_is_stable():
    z = 5 * normal(22, (4, 6))
    np.testing.assert_allclose(nf.log_softmax().forward({}, z)[0], jax.nn.log_softmax(z), rtol=1e-13)
    big = jnp.array([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(nf.log_softmax().forward({}, big)[0], [[0.0, -1000.0, -2000.0]])


def test_backward_is_delta_minus_softmax_times_row_sum():
    z, delta = normal(23, (3, 5)), normal(24, (3, 5))
    layer = nf.log_softmax()
    _, cache = layer.forward({}, z)
    expected = delta - jax.nn.softmax(z) * delta.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(layer.backward({}, cache, delta)[1], expected, rtol=1e-13, atol=1e-15)


def test_spec_registry_and_rows():
    layer = nf.activation("log_softmax")
    assert layer.spec == nf.LogSoftmaxSpec(-1) and layer.init(jax.random.key(0), (3,)) == ({}, (3,))
    y, _ = layer.forward({}, jnp.array([[jnp.nan, 0.0], [0.0, -jnp.inf]]))
    assert bool(jnp.all(jnp.isnan(y[0]))) and y[1].tolist() == [0.0, -jnp.inf]


def test_bad_input_is_named():
    layer = nf.log_softmax()
    with pytest.raises(ValueError, match="log_softmax: input is a scalar"):
        layer.forward({}, jnp.array(1.0))
    _, cache = layer.forward({}, normal(25, (2, 3)))
    with pytest.raises(ValueError, match="log_softmax"):
        layer.backward({}, cache, normal(26, (2, 4)))
    with pytest.raises((TypeError, ValueError), match="log_softmax"):
        layer.forward({"w": 1.0}, normal(25, (2, 3)))
