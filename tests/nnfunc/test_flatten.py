"""nf.flatten: row-major reshape forward, reshape back as the delta rule."""
import jax
import jax.numpy as jnp
import pytest

import nnfunc as nf
from nnfunc.check import check_layer


def test_row_major_order_and_shapes():
    layer = nf.flatten()
    assert layer.init(jax.random.key(0), (5, 5, 64)) == ({}, (1600,))
    x = jnp.arange(24.0).reshape(2, 3, 2, 2)
    y, cache = layer.forward({}, x)
    assert y.shape == (2, 12) and y[1].tolist() == list(range(12, 24))
    delta = jax.random.normal(jax.random.key(0), y.shape)
    _, delta_x = layer.backward({}, cache, delta)
    assert delta_x.shape == x.shape and delta_x[1, 2, 1, 0] == delta[1, 10]   # 2·4 + 1·2 + 0 = 10


def test_hand_backward_matches_jax_vjp_and_finite_differences():
    x = jax.random.normal(jax.random.key(1), (3, 4, 2, 5))
    check_layer(nf.flatten(), {}, x, jax.random.key(2)).assert_ok()


def test_scalar_input_is_a_clear_error():
    with pytest.raises(ValueError, match=r"flatten: input is a scalar \(shape \(\)\)"):
        nf.flatten().forward({}, 3.0)
