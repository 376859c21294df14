"""Initialisers: fans of dense weights and conv kernels, the stated spreads, jax.nn.initializers as w_init,
the default draw unchanged, and bad input."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nnfunc as nf
from nnfunc import initializers as ini

BIG = (4096, 4096)  # 16.7M draws: the sample variance is within about 0.1 % of the true one


@pytest.mark.parametrize("shape, expected", [
    ((784, 10), (784, 10)), ((5, 3, 7), (15, 35)), ((3, 3, 16, 32), (144, 288)), ((1, 1, 4, 2), (4, 2)),
])
def test_fans_of_dense_weights_and_channels_last_kernels(shape, expected):
    assert ini.fans(shape) == expected


def test_conv_layers_kernel_fans_are_kernel_times_channels():
    params, _ = nf.conv(6, (2, 3)).init(jax.random.key(0), (8, 8, 5))
    assert ini.fans(params["w"].shape) == (2 * 3 * 5, 2 * 3 * 6)


# (initialiser, target variance for a square 4096x4096 weight: fan_in = fan_out = 4096)
VARIANCES = {
    "normal(0.3)": (ini.normal(0.3), 0.09),
    "uniform(0.3)": (ini.uniform(0.3), 0.03),
    "glorot_normal": (ini.glorot_normal(), 2 / 8192),
    "glorot_uniform": (ini.glorot_uniform(), 2 / 8192),
    "he_normal": (ini.he_normal(), 2 / 4096),
    "he_uniform": (ini.he_uniform(), 2 / 4096),
    "lecun_normal": (ini.lecun_normal(), 1 / 4096),
    "torch_default": (ini.torch_default(), 1 / (3 * 4096)),
}


@pytest.mark.parametrize("name", VARIANCES)
def test_sample_variance_within_one_percent_of_the_target(name):
    init, variance = VARIANCES[name]
    w = init(jax.random.key(1), BIG, jnp.float32)
    assert w.shape == BIG and w.dtype == jnp.float32
    assert abs(float(jnp.mean(w))) < 0.01 * variance ** 0.5
    assert float(jnp.var(w)) == pytest.approx(variance, rel=0.01)


@pytest.mark.parametrize("init, limit", [
    (ini.uniform(0.25), 0.25), (ini.glorot_uniform(), math.sqrt(6 / (300 + 50))),
    (ini.he_uniform(), math.sqrt(6 / 300)), (ini.torch_default(), 1 / math.sqrt(300)),
])
def test_uniform_bounds_are_respected_and_nearly_reached(init, limit):
    w = np.asarray(init(jax.random.key(2), (300, 50), jnp.float32))
    assert np.all(np.abs(w) <= np.float32(limit))
    assert np.abs(w).max() > 0.99 * limit


def test_torch_default_bias_uses_the_weights_fan_in():
    b = ini.torch_default_bias()(jax.random.key(3), (100_000,), jnp.float32, fan_in=25)
    assert float(jnp.abs(b).max()) <= 0.2 and float(jnp.abs(b).max()) > 0.199
    layer = nf.dense(3, w_init=ini.torch_default(), b_init=ini.torch_default_bias())
    params, _ = layer.init(jax.random.key(0), (4,))
    assert params["b"].shape == (3,) and jnp.all(jnp.abs(params["b"]) <= 0.5) and jnp.any(params["b"])
    conv_params, _ = nf.conv(2000, 3, b_init=ini.torch_default_bias()).init(jax.random.key(0), (9, 4))
    assert float(jnp.abs(conv_params["b"]).max()) == pytest.approx(1 / math.sqrt(12), rel=0.01)


@pytest.mark.parametrize("ours, theirs", [
    (ini.glorot_uniform(), jax.nn.initializers.glorot_uniform()),
    (ini.he_uniform(), jax.nn.initializers.he_uniform()),
])
def test_uniform_ones_equal_jax_nn_initializers_value_for_value(ours, theirs):
    key, shape = jax.random.key(4), (3, 3, 8, 16)
    np.testing.assert_allclose(ours(key, shape, jnp.float32), theirs(key, shape, jnp.float32), rtol=1e-6)


@pytest.mark.parametrize("ours, theirs", [
    (ini.glorot_normal(), jax.nn.initializers.glorot_normal()),
    (ini.he_normal(), jax.nn.initializers.he_normal()),
    (ini.lecun_normal(), jax.nn.initializers.lecun_normal()),
])
def test_normal_ones_have_jax_nn_initializers_variance(ours, theirs):
    """JAX's are truncated normals rescaled to the variance; ours plain normals of it."""
    ours_var = float(jnp.var(ours(jax.random.key(5), BIG, jnp.float32)))
    theirs_var = float(jnp.var(theirs(jax.random.key(5), BIG, jnp.float32)))
    assert ours_var == pytest.approx(theirs_var, rel=0.01)


def test_jax_nn_initializers_are_accepted_by_dense_and_conv():
    w_init, b_init = jax.nn.initializers.glorot_uniform(), jax.nn.initializers.normal(0.1)
    params, _ = nf.dense(16, w_init=w_init, b_init=b_init).init(jax.random.key(6), (8,))
    w_key, b_key = jax.random.split(jax.random.key(6))
    np.testing.assert_array_equal(params["w"], w_init(w_key, (8, 16), params["w"].dtype))
    np.testing.assert_array_equal(params["b"], b_init(b_key, (16,), params["b"].dtype))
    conv_params, _ = nf.conv(4, (3, 3), w_init=ini.he_normal()).init(jax.random.key(6), (5, 5, 2))
    np.testing.assert_array_equal(conv_params["w"], ini.he_normal()(jax.random.key(6), (3, 3, 2, 4),
                                                                    conv_params["w"].dtype))


def test_the_default_draw_is_unchanged():
    """Hard-coded from the draw before initialisers existed: w = s * N(0, 1) from the whole key, b = 0."""
    key = jax.random.key(7)
    dense_params, _ = nf.dense(3).init(key, (5,))
    old = (1.0 / 5) ** 0.5 * jax.random.normal(key, (5, 3), dense_params["w"].dtype)
    np.testing.assert_array_equal(dense_params["w"], old)
    assert not jnp.any(dense_params["b"])
    conv_params, _ = nf.conv(4, (2, 3)).init(key, (6, 6, 3))
    old = 1.0 / math.sqrt(2 * 3 * 3) * jax.random.normal(key, (2, 3, 3, 4), conv_params["w"].dtype)
    np.testing.assert_array_equal(conv_params["w"], old)
    scaled, _ = nf.dense(3, 2.5).init(key, (5,))
    np.testing.assert_array_equal(scaled["w"], 2.5 * jax.random.normal(key, (5, 3), scaled["w"].dtype))


def test_the_default_draw_matches_numbers_printed_before_initialisers_existed():
    """float64 (tests/conftest.py); dense and conv round their scale differently, so the last digits differ."""
    dense_w = nf.dense(2).init(jax.random.key(0), (2,))[0]["w"]
    assert dense_w.tolist() == [[-0.145552372680003, -0.5549132021686168], [1.2841672014660452, 0.13282577532249126]]
    conv_w = nf.conv(1, 2).init(jax.random.key(0), (3, 1))[0]["w"]
    assert conv_w.ravel().tolist() == [-0.14555237268000298, -0.5549132021686167]


def test_zeros_bias_and_a_bias_free_of_fan_in():
    params, _ = nf.dense(3, b_init=ini.zeros()).init(jax.random.key(0), (2,))
    assert params["b"].tolist() == [0.0, 0.0, 0.0]
    assert ini.takes_fan_in(ini.torch_default_bias()) and not ini.takes_fan_in(jax.nn.initializers.zeros)
    assert not ini.takes_fan_in(print)


def wrong_shape(key, shape, dtype):
    return jnp.zeros((1,), dtype)


def wrong_dtype(key, shape, dtype):
    return jnp.zeros(shape, jnp.int32)


@pytest.mark.parametrize("make, error, message", [
    (lambda: nf.dense(2, 0.5, w_init=ini.he_normal()), ValueError, r"dense\(2\): give w_scale or w_init, not both"),
    (lambda: nf.conv(2, 3, w_init="he"), TypeError, r"conv\(2, 3\): w_init must be a function .* got str 'he'"),
    (lambda: nf.dense(2, b_init=0.0), TypeError, r"dense\(2\): b_init must be a function .* got float 0.0"),
    (lambda: nf.dense(2, -1.0), ValueError, r"dense\(2\): w_scale must be at least 0, got -1.0"),
    (lambda: ini.normal(float("nan")), ValueError, r"normal: stddev must be a finite real number"),
    (lambda: ini.uniform(-0.1), ValueError, r"uniform: scale must be at least 0, got -0.1"),
])
def test_bad_initialiser_arguments_name_the_layer(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("layer, message", [
    (nf.dense(2, w_init=wrong_shape), r"dense\(2\): w_init returned shape \(1,\) and dtype .*, expected shape \(3, 2\)"),
    (nf.dense(2, b_init=wrong_dtype), r"dense\(2\): b_init returned shape \(2,\) and dtype int32, expected shape \(2,\) "
                                      r"and dtype float"),
    (nf.conv(2, 1, w_init=lambda key, shape, dtype: 0.0), r"conv\(2, 1\): w_init returned float, expected shape \(1, 3, 2\)"),
    (nf.dense(2, b_init=ini.glorot_uniform()), r"glorot_uniform: fans: shape \(2,\) has no input axis"),
])
def test_a_bad_draw_names_the_layer(layer, message):
    with pytest.raises(ValueError, match=message):
        layer.init(jax.random.key(0), (4, 3) if layer.name.startswith("conv") else (3,))


def test_torch_default_bias_needs_a_fan_in():
    with pytest.raises(TypeError, match="fan_in"):
        ini.torch_default_bias()(jax.random.key(0), (3,), jnp.float32)
