"""The checkers given what they cannot check: not a layer, not a loss, a bad key, a δ of the wrong shape."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nnfunc as nf
from nnfunc.check import check_backprop, check_layer, check_loss

NET = nf.serial(nf.dense(1))
PARAMS, _ = NET.init(jax.random.key(0), (2,))
X, T = jnp.ones((3, 2)), jnp.ones((3, 1))


@pytest.mark.parametrize("not_a_layer, got", [
    (nf.tanh, "got the function tanh, not a Layer; did you forget the call, nf.tanh(...)?"),
    (nf.dense, "got the function dense, not a Layer; did you forget the call, nf.dense(...)?"),
    ("dense", "got str, not a Layer"),
    (None, "got NoneType, not a Layer"),
])
def test_check_layer_and_check_backprop_refuse_what_is_not_a_layer(not_a_layer, got):
    with pytest.raises(TypeError) as info:
        check_layer(not_a_layer, {}, X)
    assert str(info.value) == "check_layer: " + got
    with pytest.raises(TypeError) as info:
        check_backprop(not_a_layer, nf.mse, PARAMS, X, T)
    assert str(info.value) == "check_backprop: " + got


@pytest.mark.parametrize("not_a_loss, got", [(len, "builtin_function_or_method"), (3, "int"),
                                             (nf.mse.value, "function")])
def test_check_loss_and_check_backprop_refuse_what_is_not_a_loss(not_a_loss, got):
    expected = f"loss must be an nnfunc Loss (e.g. nf.mse) or its name, got {got}"
    with pytest.raises(TypeError) as info:
        check_loss(not_a_loss, [0.5], [1.0])
    assert str(info.value) == f"check_loss: {expected}"
    with pytest.raises(TypeError) as info:
        check_backprop(NET, not_a_loss, PARAMS, X, T)
    assert str(info.value) == f"check_backprop(serial(dense(1))): {expected}"


def test_loss_names_are_taken_as_fit_takes_them():
    by_name = check_backprop(NET, "half_sse", PARAMS, X, T)
    assert by_name.ok and by_name == check_backprop(NET, nf.half_sse, PARAMS, X, T)
    assert check_loss("softmax_cross_entropy", [[0.1, 0.7]], [[0.0, 1.0]]).ok
    with pytest.raises(ValueError, match="^check_loss: unknown loss 'msee'; known: binary_cross_entropy, "):
        check_loss("msee", [0.5], [1.0])


BAD_KEYS = [(0, "int 0"), (np.array([1, 2]), "an array of dtype int64 and shape (2,)"), ("key", "str 'key'")]


@pytest.mark.parametrize("key, got", BAD_KEYS)
def test_every_checker_refuses_a_key_that_is_not_a_prng_key(key, got):
    expected = f"key must be a JAX PRNG key such as jax.random.key(0), got {got}"
    calls = [("check_layer(tanh)", lambda: check_layer(nf.tanh(), {}, X, key=key)),
             ("check_loss(mse)", lambda: check_loss(nf.mse, [0.5], [1.0], key=key)),
             ("check_backprop(serial(dense(1)))", lambda: check_backprop(NET, nf.mse, PARAMS, X, T, key=key))]
    for where, call in calls:
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value) == f"{where}: {expected}".replace("int64", str(np.asarray(key).dtype))


@pytest.mark.parametrize("key", [jax.random.key(3), jax.random.PRNGKey(3)])
def test_both_kinds_of_key_are_taken(key):
    assert check_layer(nf.tanh(), {}, X, key=key).ok


@pytest.mark.parametrize("delta_shape", [(3,), (2, 3), (3, 2, 1), ()])
def test_check_layer_names_a_delta_of_the_wrong_shape(delta_shape):
    with pytest.raises(ValueError) as info:
        check_layer(nf.tanh(), {}, X, delta=jnp.ones(delta_shape))
    assert str(info.value) == (f"check_layer(tanh): delta (∂E/∂y, shaped as the layer's output) has shape "
                               f"{delta_shape}, expected (3, 2)")


def test_check_layer_takes_a_delta_of_the_output_shape_as_a_list():
    delta = [[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]]
    assert check_layer(nf.tanh(), {}, X, delta=delta).ok
    with pytest.raises(TypeError, match=r"^check_layer\(tanh\): delta must be numeric"):
        check_layer(nf.tanh(), {}, X, delta="ones")
