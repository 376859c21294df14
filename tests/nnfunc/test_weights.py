"""The weights and bias shared by dense and conv: the random start and the {"w", "b"} check."""
import jax
import jax.numpy as jnp
import pytest

from nnfunc.initializers import normal
from nnfunc.weights import checked_weights, initial_weights, weight_arrays


def is_matrix(w):
    return w.ndim == 2


def test_initial_weights_have_the_scale_and_a_zero_bias():
    params = initial_weights(jax.random.key(0), (400, 50), normal(0.1), None, "dense(50)")
    assert params["w"].shape == (400, 50) and params["b"].shape == (50,)
    assert float(jnp.std(params["w"])) == pytest.approx(0.1, rel=0.02)
    assert not jnp.any(params["b"])


def test_weight_arrays_convert_lists_to_floats():
    w, b = weight_arrays({"w": [[1], [2]], "b": [3]}, "dense(1)")
    assert jnp.issubdtype(w.dtype, jnp.floating) and b.tolist() == [3.0]


@pytest.mark.parametrize("params, error, message", [
    ({"w": [[1.0]]}, TypeError, r"dense\(1\): params must be a dict with keys \['b', 'w'\], got \['w'\]"),
    ([[1.0]], TypeError, r"dense\(1\): params must be a dict with keys \['b', 'w'\], got list"),
    ({"w": [1.0], "b": [0.0]}, ValueError, r"dense\(1\): params\['w'\] has shape \(1,\), expected \(n_in, 1\)"),
    ({"w": [[1.0]], "b": [0.0, 0.0]}, ValueError, r"dense\(1\): params\['b'\] has shape \(2,\), expected \(1,\)"),
])
def test_checked_weights_name_the_layer_and_both_shapes(params, error, message):
    with pytest.raises(error, match=message):
        checked_weights(params, "dense(1)", 1, is_matrix, "(n_in, 1)")
