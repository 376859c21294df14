"""Bad input to the built-in layers fails loudly, at trace time, naming the layer (issue 19).

Every built-in layer is built from the registries, so a layer registered later is
covered as soon as it has an entry in ``BUILT``.
"""
import math
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nnfunc as nf

KEY = jax.random.key(0)

#: One instance of every registered layer and activation, with an input shape it accepts.
BUILT = {
    "dense": (lambda: nf.dense(3), (4,)),
    "conv": (lambda: nf.conv(2, 2), (5, 3)),
    "max_pool": (lambda: nf.max_pool(2), (4, 2)),
    "avg_pool": (lambda: nf.avg_pool(2, 1, "SAME"), (4, 2)),
    "flatten": (nf.flatten, (2, 3)),
    "serial": (lambda: nf.serial(nf.dense(3), nf.tanh(), nf.dense(2)), (4,)),
    **{name: (make, (3,)) for name, make in nf.ACTIVATIONS.items()},
}
PARAMETER_FREE = [name for name in BUILT if name not in ("dense", "conv", "serial")]


def test_every_registered_layer_is_covered():
    assert set(BUILT) == set(nf.LAYERS) | set(nf.ACTIVATIONS)


def built(name):
    make, shape = BUILT[name]
    layer = make()
    params, _ = layer.init(KEY, shape)
    x = jax.random.normal(jax.random.key(1), (2, *shape))
    return layer, params, x


# --- class 2: empty batches -----------------------------------------------------------

@pytest.mark.parametrize("shape, out", [((0, 2, 3), (0, 6)), ((0, 4), (0, 4)), ((2, 0, 3), (2, 0))])
def test_flatten_of_an_empty_batch_or_axis_is_well_defined(shape, out):
    layer = nf.flatten()
    for forward in (layer.forward, jax.jit(layer.forward)):
        y, cache = forward({}, jnp.zeros(shape))
        assert y.shape == out
        assert layer.backward({}, cache, y)[1].shape == shape


@pytest.mark.parametrize("jit", [False, True])
def test_backprop_refuses_an_empty_batch(jit):
    net = nf.serial(nf.dense(2), nf.sigmoid())
    params, _ = net.init(KEY, (3,))
    step = nf.backprop(net, nf.mse)
    step = jax.jit(step) if jit else step
    with pytest.raises(ValueError, match=r"backprop\(serial\(dense\(2\), sigmoid\), mse\): the batch is empty "
                                         r"\(input shape \(0, 3\)\); it needs at least one example"):
        step(params, jnp.zeros((0, 3)), jnp.zeros((0, 2)))
    value, _ = step(params, jnp.ones((1, 3)), jnp.zeros((1, 2)))
    assert np.isfinite(value)


# --- class 3: the upstream gradient's shape --------------------------------------------

def backward_of(layer):
    """``(params, x, delta) -> (grads, delta_x)``, forward included: jit-able for every layer
    (flatten's cache is its input's shape, static)."""
    return lambda params, x, delta: layer.backward(params, layer.forward(params, x)[1], delta)


@pytest.mark.parametrize("name", BUILT)
@pytest.mark.parametrize("jit", [False, True])
def test_backward_refuses_delta_of_the_wrong_shape(name, jit):
    layer, params, x = built(name)
    y, _ = layer.forward(params, x)
    backward = jax.jit(backward_of(layer)) if jit else backward_of(layer)
    grads, delta_x = backward(params, x, jnp.ones_like(y))
    assert delta_x.shape == x.shape
    for wrong in ((*y.shape[:-1], 1), (1, *y.shape[1:]), y.shape[1:]):  # each one would broadcast
        last = layer.spec.layers[-1].name if name == "serial" else layer.name
        with pytest.raises(ValueError, match=rf"^{re.escape(last)}: delta has shape {re.escape(str(wrong))} but "
                                             rf"the layer's output has shape {re.escape(str(y.shape))}"):
            backward(params, x, jnp.ones(wrong))


def test_delta_shape_message_names_both_shapes():
    layer, params, x = built("max_pool")
    y, cache = layer.forward(params, x)
    with pytest.raises(ValueError, match=r"^max_pool\(2\): delta has shape \(2, 2, 1\) but the layer's output "
                                         r"has shape \(2, 2, 2\)$"):
        layer.backward(params, cache, jnp.ones((2, 2, 1)))


# --- class 5: hyper-parameters -----------------------------------------------------------

SIZED = {
    "dense n_out": lambda v: nf.dense(v),
    "conv n_out": lambda v: nf.conv(v, 2),
    "conv kernel": lambda v: nf.conv(2, v),
    "conv stride": lambda v: nf.conv(2, 2, v),
    "conv kernel entry": lambda v: nf.conv(2, (2, v)),
    "max_pool window": lambda v: nf.max_pool(v),
    "avg_pool stride": lambda v: nf.avg_pool(2, v),
}


@pytest.mark.parametrize("make", SIZED.values(), ids=SIZED)
@pytest.mark.parametrize("value", [True, np.bool_(True), 2.0, "2", None])
def test_sizes_that_are_not_ints_are_a_type_error(make, value):
    if value is None and make is SIZED["avg_pool stride"]:
        return  # stride=None is the pools' default: the window
    with pytest.raises(TypeError, match=rf"must be a positive int, got {type(value).__name__} "):
        make(value)


@pytest.mark.parametrize("make", SIZED.values(), ids=SIZED)
@pytest.mark.parametrize("value", [0, -1, np.int64(0)])
def test_sizes_below_one_are_a_value_error(make, value):
    with pytest.raises(ValueError, match=rf"must be a positive int, got {int(value)}$"):
        make(value)


@pytest.mark.parametrize("make", SIZED.values(), ids=SIZED)
def test_numpy_integers_count_as_ints(make):
    assert make(np.int64(2)).name == make(np.int32(2)).name == make(2).name


def test_numpy_integers_give_the_same_layer():
    x = jax.random.normal(jax.random.key(1), (2, 6, 3))
    for numpy_layer, plain in ((nf.conv(np.int64(2), np.int32(3), np.int8(2)), nf.conv(2, 3, 2)),
                               (nf.avg_pool(np.int64(2)), nf.avg_pool(2))):
        params, shape = numpy_layer.init(KEY, (6, 3))
        plain_params, plain_shape = plain.init(KEY, (6, 3))
        assert shape == plain_shape and jax.tree.all(jax.tree.map(jnp.array_equal, params, plain_params))
        assert jnp.array_equal(numpy_layer.forward(params, x)[0], plain.forward(params, x)[0])


@pytest.mark.parametrize("make, what", [(nf.leaky_relu, "leaky_relu: alpha"), (nf.elu, "elu: alpha"),
                                        (lambda v: nf.dense(2, v), r"dense\(2\): w_scale"),
                                        (lambda v: nf.conv(2, 2, w_scale=v), r"conv\(2, 2\): w_scale")])
def test_real_hyper_parameters_must_be_finite_reals(make, what):
    for value in (float("nan"), float("inf"), -np.inf, np.float32("nan")):
        with pytest.raises(ValueError, match=f"{what} must be a finite real number, got"):
            make(value)
    for value in ("x", True, None if "alpha" in what else [1.0], (0.1,)):
        with pytest.raises(TypeError, match=f"{what} must be a finite real number, got {type(value).__name__}"):
            make(value)
    assert make(np.float32(0.5)).name == make(0.5).name


@pytest.mark.parametrize("name", PARAMETER_FREE)
@pytest.mark.parametrize("params", [{"w": jnp.ones(3)}, None, (), [], jnp.zeros(0)])
def test_parameter_free_layers_take_only_an_empty_dict(name, params):
    layer, empty, x = built(name)
    assert empty == {}
    y, cache = jax.jit(layer.forward)(empty, x)
    with pytest.raises(TypeError, match=rf"^{re.escape(layer.name)}: the layer has no parameters, "
                                        r"so params must be \{\} \(what its init returns\), got "):
        jax.jit(layer.forward)(params, x)
    with pytest.raises(TypeError, match="the layer has no parameters"):
        layer.backward(params, cache, y)


# --- class 6: overflow and NaN --------------------------------------------------------

@pytest.mark.parametrize("padding", ["VALID", "SAME"])
@pytest.mark.parametrize("dtype", [jnp.float32, jnp.bfloat16, jnp.float64])
def test_avg_pool_of_large_finite_values_does_not_overflow(padding, dtype):
    big = jnp.finfo(dtype).max / 2
    x = jnp.full((1, 5, 4, 1), big, dtype)
    y, _ = jax.jit(nf.avg_pool((2, 3), 1, padding).forward)({}, x)
    assert y.dtype == dtype
    assert bool(jnp.all(jnp.isfinite(y))), y
    np.testing.assert_allclose(np.asarray(y, np.float64), float(big), rtol=1e-2)


INF = float("inf")
AT_INFINITY = {  # f(+inf), f(-inf), as the activations module documents
    "identity": (INF, -INF), "step": (1.0, 0.0), "sign": (1.0, -1.0), "sigmoid": (1.0, 0.0),
    "tanh": (1.0, -1.0), "relu": (INF, 0.0), "leaky_relu": (INF, -INF), "softplus": (INF, 0.0),
    "elu": (INF, -1.0), "sine": (math.nan, math.nan), "gelu": (INF, 0.0), "gelu_tanh": (INF, 0.0),
    "silu": (INF, 0.0),
}
ROW_WISE = {"softmax", "log_softmax"}


@pytest.mark.parametrize("name", [n for n in nf.ACTIVATIONS if n not in ROW_WISE])
def test_nan_in_gives_nan_out_and_infinities_their_limits(name):
    assert set(AT_INFINITY) == set(nf.ACTIVATIONS) - ROW_WISE
    layer = nf.ACTIVATIONS[name]()
    for forward in (layer.forward, jax.jit(layer.forward)):
        y, _ = forward({}, jnp.array([[jnp.nan, INF, -INF, jnp.nan]]))
        assert bool(jnp.isnan(y[0, 0])) and bool(jnp.isnan(y[0, 3])), f"{name}(nan) = {y[0, 0]}"
        np.testing.assert_array_equal(np.asarray(y[0, 1:3]), np.array(AT_INFINITY[name]))


def test_softmax_rows_with_nan_are_nan():
    y, _ = nf.softmax().forward({}, jnp.array([[jnp.nan, 0.0], [0.0, -INF]]))
    assert bool(jnp.all(jnp.isnan(y[0]))) and y[1].tolist() == [1.0, 0.0]


def test_relu_step_sign_keep_their_values_on_numbers():
    z = jnp.array([-2.0, -0.0, 0.0, 3.0])
    assert nf.relu().forward({}, z)[0].tolist() == [0.0, 0.0, 0.0, 3.0]
    assert np.signbit(np.asarray(nf.relu().forward({}, z)[0])).tolist() == [False] * 4  # no -0.0
    assert nf.step().forward({}, z)[0].tolist() == [0.0, 1.0, 1.0, 1.0]
    assert nf.sign().forward({}, z)[0].tolist() == [-1.0, 1.0, 1.0, 1.0]


# --- class 7 and 10: keys and input shapes ----------------------------------------------

@pytest.mark.parametrize("name", BUILT)
@pytest.mark.parametrize("key", [0, None, jnp.zeros(3)])
def test_init_checks_the_key(name, key):
    make, shape = BUILT[name]
    layer = make()
    with pytest.raises(TypeError, match=rf"^{re.escape(layer.name)}: key must be a JAX PRNG key"):
        layer.init(key, shape)


@pytest.mark.parametrize("name", BUILT)
def test_init_checks_the_input_shape(name):
    make, shape = BUILT[name]
    layer = make()
    where = re.escape(layer.name)
    with pytest.raises(TypeError, match=rf"^{where}: input_shape must be a tuple .* got int 4; write \(4,\)$"):
        layer.init(KEY, 4)
    with pytest.raises(TypeError, match=rf"^{where}: every size in input_shape .* must be a positive int, got float"):
        layer.init(KEY, tuple(float(n) for n in shape))
    with pytest.raises(ValueError, match=rf"^{where}: every size in input_shape .* must be a positive int, got 0"):
        layer.init(KEY, (*shape[:-1], 0))
    assert layer.init(KEY, [np.int64(n) for n in shape])[1] == layer.init(KEY, shape)[1]


# --- class 8: what backprop, hand_vjp and serial take ----------------------------------------

def test_backprop_takes_a_loss_or_its_name():
    net = nf.serial(nf.dense(2), nf.sigmoid())
    params, _ = net.init(KEY, (3,))
    x, t = jnp.ones((4, 3)), jnp.zeros((4, 2))
    by_name = jax.jit(nf.backprop(net, "mse"))(params, x, t)
    by_loss = jax.jit(nf.backprop(net, nf.mse))(params, x, t)
    assert jax.tree.all(jax.tree.map(jnp.array_equal, by_name, by_loss))
    with pytest.raises(ValueError, match="unknown loss 'msee'"):
        nf.backprop(net, "msee")
    for bad in (None, nf.mse.grad, 3):
        with pytest.raises(TypeError, match=r"backprop\(serial\(dense\(2\), sigmoid\), \.\.\.\): loss must be an "
                                            rf"nnfunc Loss \(e.g. nf.mse\) or its name, got {type(bad).__name__}$"):
            nf.backprop(net, bad)


@pytest.mark.parametrize("use", [lambda f: nf.hand_vjp(f), lambda f: nf.backprop(f, nf.mse),
                                 lambda f: nf.serial(nf.dense(2), f)])
def test_an_uncalled_constructor_is_not_a_layer(use):
    with pytest.raises(TypeError, match=r"got the function tanh, not a Layer; did you forget the call, nf.tanh\(\.\.\.\)\?"):
        use(nf.tanh)
    with pytest.raises(TypeError, match=r"got str, not a Layer$"):
        use("tanh")


# --- gradients in their parameters' dtypes ------------------------------------------------

DTYPES = [jnp.float32, jnp.float64, jnp.bfloat16]


@pytest.mark.parametrize("name", BUILT)
@pytest.mark.parametrize("param_dtype", DTYPES)
def test_gradients_have_their_params_dtypes(name, param_dtype):
    layer, params, _ = built(name)
    params = jax.tree.map(lambda p: p.astype(param_dtype), params)
    for x_dtype in DTYPES:
        x = built(name)[2].astype(x_dtype)
        y, _ = layer.forward(params, x)
        grads, delta_x = jax.jit(backward_of(layer))(params, x, jnp.ones_like(y))
        assert jax.tree.map(lambda a: a.dtype, grads) == jax.tree.map(lambda a: a.dtype, params)
        vjp_grads, vjp_x = jax.grad(lambda p, x: nf.hand_vjp(layer)(p, x).astype(jnp.float32).sum(),
                                    argnums=(0, 1))(params, x)
        assert jax.tree.map(lambda a: a.dtype, vjp_grads) == jax.tree.map(lambda a: a.dtype, params)
        assert vjp_x.dtype == x_dtype


def test_hand_vjp_gives_cotangents_the_primal_dtypes_whatever_backward_computes_in():
    # a layer of one's own whose backward works in float32 whatever it is given
    scale = nf.Layer(lambda key, shape: ({"s": jnp.ones(())}, shape),
                     lambda params, x: (params["s"] * x, x),
                     lambda params, x, delta: ({"s": jnp.sum(delta * x).astype(jnp.float32)},
                                               (delta * params["s"]).astype(jnp.float32)),
                     "scale")
    params, x = {"s": jnp.array(2.0, jnp.bfloat16)}, jnp.ones((2, 3), jnp.float64)
    grads, delta_x = jax.grad(lambda p, x: nf.hand_vjp(scale)(p, x).sum(), argnums=(0, 1))(params, x)
    assert grads["s"].dtype == jnp.bfloat16 and delta_x.dtype == jnp.float64
    assert float(grads["s"]) == 6.0 and delta_x.tolist() == [[2.0] * 3] * 2
