"""Bad input raises a clear ValueError/TypeError at the call, naming the layer and the shapes."""
import jax
import jax.numpy as jnp
import pytest

import nnfunc as nf


@pytest.fixture
def net_and_params():
    net = nf.serial(nf.dense(3), nf.tanh(), nf.dense(2))
    params, _ = net.init(jax.random.key(0), (4,))
    return net, params


def test_wrong_feature_count(net_and_params):
    net, params = net_and_params
    with pytest.raises(ValueError, match=r"dense\(3\): input has shape \(5, 7\).*\(4, 3\)"):
        net.forward(params, jnp.ones((5, 7)))


def test_wrong_feature_count_under_jit(net_and_params):
    net, params = net_and_params
    with pytest.raises(ValueError, match=r"dense\(3\): input has shape \(5, 7\)"):
        jax.jit(nf.backprop(net, nf.mse))(params, jnp.ones((5, 7)), jnp.ones((5, 2)))


def test_wrong_leaf_shape(net_and_params):
    net, params = net_and_params
    bad = (dict(params[0], b=jnp.zeros(4)), *params[1:])
    with pytest.raises(ValueError, match=r"dense\(3\): params\['b'\] has shape \(4,\), expected \(3,\)"):
        net.forward(bad, jnp.ones((5, 4)))
    bad = (dict(params[0], w=jnp.zeros((4, 5))), *params[1:])
    with pytest.raises(ValueError, match=r"dense\(3\): params\['w'\] has shape \(4, 5\), expected \(n_in, 3\)"):
        net.forward(bad, jnp.ones((5, 4)))


def test_wrong_params_structure(net_and_params):
    net, params = net_and_params
    with pytest.raises(TypeError, match=r"serial\(dense\(3\), tanh, dense\(2\)\): params must be a tuple "
                                        r"with one entry per layer \(3\), got tuple of length 2"):
        net.forward(params[:2], jnp.ones((5, 4)))
    with pytest.raises(TypeError, match=r"dense\(3\): params must be a dict with keys \['b', 'w'\], got \['w'\]"):
        net.forward(({"w": params[0]["w"]}, *params[1:]), jnp.ones((5, 4)))


def test_targets_of_wrong_shape(net_and_params):
    net, params = net_and_params
    with pytest.raises(ValueError, match=r"targets have shape \(5, 3\) but the network's output has shape \(5, 2\)"):
        nf.backprop(net, nf.mse)(params, jnp.ones((5, 4)), jnp.ones((5, 3)))
    with pytest.raises(ValueError, match=r"targets have shape \(5,\) but the network's output has shape \(5, 2\)"):
        nf.backprop(net, nf.mse)(params, jnp.ones((5, 4)), jnp.ones(5))  # no silent broadcast


@pytest.mark.parametrize("data, error, message", [
    (["a", "b", "c", "d"], TypeError, r"dense\(3\): input must be numeric, got dtype <U1 \(shape \(4,\)\)"),
    (None, TypeError, r"dense\(3\): input is None"),
    ([[1.0, 2.0, 3.0, 4.0], [1.0, 2.0]], ValueError, r"dense\(3\): input is ragged"),
    ([[1, None, 3, 4]], TypeError, r"dense\(3\): input must be numeric, got dtype object"),
])
def test_non_numeric_data(net_and_params, data, error, message):
    net, params = net_and_params
    with pytest.raises(error, match=message):
        net.forward(params, data)


def test_non_numeric_targets(net_and_params):
    net, params = net_and_params
    with pytest.raises(TypeError, match=r"targets must be numeric"):
        nf.backprop(net, nf.mse)(params, jnp.ones((1, 4)), [["x", "y"]])


def test_integer_lists_are_accepted_as_floats():
    layer = nf.dense(1)
    y, cache = layer.forward({"w": [[0], [1]], "b": [4]}, [2, 3])
    assert y.dtype == jnp.float64 and y.tolist() == [7.0]
    grads, delta_x = layer.backward({"w": [[0], [1]], "b": [4]}, cache, jnp.array([1.5]))
    assert grads["w"].tolist() == [[3.0], [4.5]] and delta_x.tolist() == [0.0, 1.5]


def test_not_a_layer_in_serial():
    with pytest.raises(TypeError, match=r"serial\(\): argument 1: got the function tanh, not a Layer; did you forget the call, nf.tanh\(\.\.\.\)\?"):
        nf.serial(nf.dense(2), nf.tanh)


def test_bad_dense_width():
    with pytest.raises(ValueError, match=r"dense: n_out must be a positive int, got 0"):
        nf.dense(0)


def test_softmax_of_scalar():
    with pytest.raises(ValueError, match=r"softmax: input is a scalar"):
        nf.softmax().forward({}, 1.0)
