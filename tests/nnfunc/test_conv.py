"""nf.conv: forward against the definition, hand backward against jax.vjp and finite differences."""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from jax import lax
from window_cases import FIXED, PROPERTIES, backward, cases, compiled, normal, upstream

import nnfunc as nf
from nnfunc.check import check_layer

# Each new shape costs several XLA compilations (about 3 s of CPU per gradient check).
SETTINGS = settings(max_examples=8, deadline=None)


def layer_and_inputs(case, dtype=jnp.float64):
    """The layer, random params (w at init's scale, b non-zero), a random input, and the generator."""
    layer = nf.conv(case.n_out, case.window, case.stride, case.padding)
    rng = np.random.default_rng(case.seed)
    window = case.window if isinstance(case.window, tuple) else (case.window,) * case.rank
    c_in = case.shape[-1]
    w = normal(rng, (*window, c_in, case.n_out), dtype) * float(np.prod(window) * c_in) ** -0.5
    params = {"w": w, "b": normal(rng, (case.n_out,), dtype)}
    return layer, params, normal(rng, case.shape, dtype), rng


def conv_by_definition(x, w, b, stride, padding):
    """y[n, i, o] = Σ_j Σ_c x̃[n, s·i + j, c] w[j, c, o] + b[o] by explicit loops (numpy),
    with the padding that XLA itself chooses for "SAME" (lax.padtype_to_pads)."""
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    rank = w.ndim - 2
    pads = lax.padtype_to_pads(x.shape[1:-1], w.shape[:rank], stride, padding)
    xp = np.pad(x, [(0, 0), *pads, (0, 0)])
    out = [(xp.shape[1 + a] - w.shape[a]) // stride[a] + 1 for a in range(rank)]
    y = np.zeros((x.shape[0], *out, w.shape[-1]))
    for i in itertools.product(*map(range, out)):
        for j in itertools.product(*map(range, w.shape[:rank])):
            rows = tuple(s * ii + jj for s, ii, jj in zip(stride, i, j))
            y[(slice(None), *i)] += xp[(slice(None), *rows)] @ w[j]
    return y + b


@SETTINGS
@given(cases())
def test_forward_is_the_definition(case):
    layer, params, x, _ = layer_and_inputs(case)
    stride = case.stride if isinstance(case.stride, tuple) else (case.stride,) * case.rank
    y, _ = compiled(layer).forward(params, x)
    expected = conv_by_definition(x, params["w"], params["b"], stride, case.padding)
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


@SETTINGS
@given(cases())
def test_hand_backward_matches_jax_vjp_and_finite_differences(case):
    layer, params, x, rng = layer_and_inputs(case)
    delta = upstream(layer, params, x, rng)
    check_layer(compiled(layer), params, x, jax.random.key(case.seed), delta).assert_ok()


@pytest.mark.parametrize("case", FIXED)
@pytest.mark.parametrize("prop", PROPERTIES.values(), ids=list(PROPERTIES))
def test_backward_properties(case, prop):
    prop(*layer_and_inputs(case))


@pytest.mark.parametrize("case", FIXED)
def test_float32_within_stated_bound(case):
    """float32: hand vs jax.vjp within 1e-5 normwise (check_layer's float32 default)."""
    layer, params, x, rng = layer_and_inputs(case, jnp.float32)
    assert {np.dtype(jnp.float32)} == {np.asarray(leaf).dtype for leaf in jax.tree.leaves((params, x))}
    delta = upstream(layer, params, x, rng)
    check_layer(layer, params, x, jax.random.key(case.seed), delta).assert_ok()


def test_rows_the_forward_never_reads_get_zero_gradient():
    """Length 6, kernel 3, stride 2, VALID: outputs read rows 0..4; row 5 gets δ = 0."""
    layer = nf.conv(1, 3, 2)
    params = {"w": jnp.array([1.0, 2.0, 3.0]).reshape(3, 1, 1), "b": jnp.zeros(1)}
    x = jnp.arange(6.0).reshape(1, 6, 1)
    grads, delta_x = backward(layer, params, x, jnp.array([10.0, 100.0]).reshape(1, 2, 1))
    # δx[p] = Σ_{2i+j=p} δ_i w_j: rows 0,1,2 from i = 0; rows 2,3,4 from i = 1.
    assert delta_x.ravel().tolist() == [10.0, 20.0, 30.0 + 100.0, 200.0, 300.0, 0.0]
    # dw[j] = Σ_i x[2i + j] δ_i = 10 x[j] + 100 x[2 + j].
    assert grads["w"].ravel().tolist() == [200.0, 310.0, 420.0]
    assert grads["b"].tolist() == [110.0]


def test_same_padding_worked_example():
    """Length 4, kernel 3, stride 2, SAME: 2 outputs, padding (0, 1): windows x0..x2, x2..x3+pad."""
    layer = nf.conv(1, 3, 2, "SAME")
    params = {"w": jnp.array([1.0, 2.0, 3.0]).reshape(3, 1, 1), "b": jnp.array([0.5])}
    x = jnp.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 4, 1)
    y, cache = layer.forward(params, x)
    assert y.ravel().tolist() == [1 + 4 + 9 + 0.5, 3 + 8 + 0.5]
    grads, delta_x = layer.backward(params, cache, jnp.array([1.0, -1.0]).reshape(1, 2, 1))
    assert delta_x.ravel().tolist() == [1.0, 2.0, 3.0 - 1.0, -2.0]
    assert grads["w"].ravel().tolist() == [1.0 - 3.0, 2.0 - 4.0, 3.0]


def test_init_shapes_and_scale():
    params, out = nf.conv(16, (3, 3), (2, 1), "SAME").init(jax.random.key(0), (9, 5, 16))
    assert out == (5, 5, 16)
    assert params["w"].shape == (3, 3, 16, 16) and params["b"].shape == (16,)
    assert not jnp.any(params["b"])
    # w ~ N(0, 1/(3·3·16)): std 1/12; over 2304 draws the sample std is within ±0.0012 (1 sd)
    assert abs(float(jnp.std(params["w"])) - 1 / 12) < 0.01


def test_works_inside_serial_with_backprop():
    """conv → tanh → max-pool → flatten → dense, end to end against jax.grad (fixed seed, no ties)."""
    net = nf.serial(nf.conv(2, (2, 2)), nf.tanh(), nf.max_pool(2), nf.flatten(), nf.dense(1))
    params, _ = net.init(jax.random.key(0), (5, 4, 2))
    x = jax.random.normal(jax.random.key(1), (3, 5, 4, 2))
    t = jax.random.normal(jax.random.key(2), (3, 1))
    nf.check.check_backprop(net, nf.half_sse, params, x, t).assert_ok()


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda: nf.conv(0, 3), "n_out must be a positive int"),
    (lambda: nf.conv(2, 0), "window .* must be a positive int, got 0"),
    (lambda: nf.conv(2, (1, 2, 3)), "tuple of 1 or 2"),
    (lambda: nf.conv(2, 3, 0), "stride .* must be a positive int, got 0"),
    (lambda: nf.conv(2, 3, (1, -1)), r"every entry of stride \(1, -1\) must be a positive int, got -1"),
    (lambda: nf.conv(2, (3, 3), (1,)), "different lengths"),
    (lambda: nf.conv(2, 3, 1, "same"), "padding must be 'VALID' or 'SAME'"),
    (lambda: nf.conv(2, 3, 1, "FULL"), "padding must be 'VALID' or 'SAME'"),
])
def test_bad_settings_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_wrong_rank_names_layer_and_shape():
    layer = nf.conv(4, (3, 3))
    params, _ = layer.init(jax.random.key(0), (8, 8, 1))
    with pytest.raises(ValueError, match=r"conv\(4, 3x3\): input has shape \(2, 8, 8\), "
                                         r"expected \(batch, height, width, channels\)"):
        layer.forward(params, jnp.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match=r"conv\(4, 3x3\): input has shape \(8, 8\)"):
        layer.init(jax.random.key(0), (8, 8))
    with pytest.raises(ValueError, match=r"conv\(4, 3\): input has shape \(3, 4, 5, 1\), expected \(length, channels\) or "
                                         r"\(height, width, channels\)"):
        nf.conv(4, 3).init(jax.random.key(0), (3, 4, 5, 1))


def test_wrong_channel_count_names_both_shapes():
    layer = nf.conv(4, 2)
    params, _ = layer.init(jax.random.key(0), (5, 2))
    with pytest.raises(ValueError, match=r"input has shape \(1, 5, 3\) with 3 channels but "
                                         r"params\['w'\] has shape \(2, 2, 4\)"):
        layer.forward(params, jnp.zeros((1, 5, 3)))
    with pytest.raises(ValueError, match="3 channels"):  # also under jit
        jax.jit(layer.forward)(params, jnp.zeros((1, 5, 3)))


def test_kernel_larger_than_unpadded_input():
    with pytest.raises(ValueError, match=r"conv\(1, 5\): window \(5,\) is larger than the unpadded "
                                         r"input \(3,\) \(input shape \(2, 3, 1\)"):
        nf.conv(1, 5).forward({"w": jnp.zeros((5, 1, 1)), "b": jnp.zeros(1)}, jnp.zeros((2, 3, 1)))
    with pytest.raises(ValueError, match="larger than the unpadded input"):
        nf.conv(1, (2, 5)).init(jax.random.key(0), (4, 4, 1))
    # with "SAME" padding a large kernel is fine: one output per input row
    assert nf.conv(1, 5, padding="SAME").init(jax.random.key(0), (3, 1))[1] == (3, 1)


def test_wrong_params_shape():
    with pytest.raises(ValueError, match=r"params\['w'\] has shape \(3, 1, 2\), expected \(\*kernel, c_in, 4\)"):
        nf.conv(4, 3).forward({"w": jnp.zeros((3, 1, 2)), "b": jnp.zeros(4)}, jnp.zeros((1, 5, 1)))
    with pytest.raises(ValueError, match=r"params\['w'\] has shape \(2, 1, 4\)"):
        nf.conv(4, 3).forward({"w": jnp.zeros((2, 1, 4)), "b": jnp.zeros(4)}, jnp.zeros((1, 5, 1)))
    with pytest.raises(ValueError, match=r"params\['b'\] has shape \(3,\), expected \(4,\)"):
        nf.conv(4, 3).forward({"w": jnp.zeros((3, 1, 4)), "b": jnp.zeros(3)}, jnp.zeros((1, 5, 1)))
