"""nf.max_pool and nf.avg_pool: forward against the definition, hand backward against jax.vjp
and finite differences, and max-pool's tie rule on purpose."""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from jax import lax
from window_cases import FIXED, PROPERTIES, backward, cases, compiled, upstream

import nnfunc as nf
from nnfunc.check import check_layer

# Each new shape costs several XLA compilations (about 3 s of CPU per gradient check).
SETTINGS = settings(max_examples=8, deadline=None)
POOLS = {"max_pool": nf.max_pool, "avg_pool": nf.avg_pool}
REDUCERS = {"max_pool": np.max, "avg_pool": np.mean}


def layer_and_inputs(kind, case, dtype=jnp.float64):
    """The layer, no params, an input without ties, and the generator.

    The input values are 0.5 apart in random order: no two are equal, and the finite
    differences (steps of about 1e-5) never change which element is a window's maximum.
    """
    rng = np.random.default_rng(case.seed)
    size = int(np.prod(case.shape))
    x = jnp.asarray((0.5 * rng.permutation(size) - 0.25 * size).reshape(case.shape), dtype)
    return POOLS[kind](case.window, case.stride, case.padding), {}, x, rng


def pool_by_definition(x, window, stride, padding, reducer):
    """Every output is ``reducer`` over the real (not padding) elements of its window, by loops,
    with the padding XLA itself chooses for "SAME" (lax.padtype_to_pads)."""
    x = np.asarray(x)
    pads = lax.padtype_to_pads(x.shape[1:-1], window, stride, padding)
    out = [(n + lo + hi - k) // s + 1 for n, (lo, hi), k, s in zip(x.shape[1:-1], pads, window, stride)]
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    for i in itertools.product(*map(range, out)):
        rows = [slice(max(s * ii - lo, 0), min(s * ii - lo + k, n))
                for s, ii, (lo, _), k, n in zip(stride, i, pads, window, x.shape[1:-1])]
        y[(slice(None), *i)] = reducer(x[(slice(None), *rows)], axis=tuple(range(1, len(window) + 1)))
    return y


def per_axis(value, rank):
    return value if isinstance(value, tuple) else (value,) * rank


@pytest.mark.parametrize("kind", POOLS)
@SETTINGS
@given(case=cases())
def test_forward_is_the_definition(kind, case):
    layer, _, x, _ = layer_and_inputs(kind, case)
    y, _ = compiled(layer).forward({}, x)
    expected = pool_by_definition(x, per_axis(case.window, case.rank), per_axis(case.stride, case.rank),
                                  case.padding, REDUCERS[kind])
    np.testing.assert_allclose(y, expected, rtol=1e-13)


@pytest.mark.parametrize("kind", POOLS)
@SETTINGS
@given(case=cases())
def test_hand_backward_matches_jax_vjp_and_finite_differences(kind, case):
    layer, params, x, rng = layer_and_inputs(kind, case)
    delta = upstream(layer, params, x, rng)
    check_layer(compiled(layer), params, x, jax.random.key(case.seed), delta).assert_ok()


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("case", FIXED)
@pytest.mark.parametrize("prop", PROPERTIES.values(), ids=list(PROPERTIES))
def test_backward_properties(kind, case, prop):
    prop(*layer_and_inputs(kind, case))


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("case", FIXED)
def test_float32_within_stated_bound(kind, case):
    """float32: hand vs jax.vjp within 1e-5 normwise (check_layer's float32 default)."""
    layer, params, x, rng = layer_and_inputs(kind, case, jnp.float32)
    assert x.dtype == jnp.float32
    delta = upstream(layer, params, x, rng)
    check_layer(layer, params, x, jax.random.key(case.seed), delta).assert_ok()


# --- max-pool ties, on purpose ------------------------------------------------------------

def test_tie_in_one_window_goes_to_the_first_maximum_in_row_major_order():
    x = jnp.array([[0.0, 7.0, 1.0],
                   [7.0, 7.0, 2.0],
                   [3.0, 4.0, 5.0]]).reshape(1, 3, 3, 1)
    layer = nf.max_pool((2, 2), 1)      # overlapping windows
    y, cache = layer.forward({}, x)
    assert y[0, ..., 0].tolist() == [[7.0, 7.0], [7.0, 7.0]]
    delta = jnp.array([[1.0, 10.0], [100.0, 1000.0]]).reshape(1, 2, 2, 1)
    _, delta_x = layer.backward({}, cache, delta)
    # Windows (0,0) and (0,1) meet the 7 at (0,1) first in row-major order, window (1,0) the 7
    # at (1,0), window (1,1) the 7 at (1,1); the other 7s in each window get nothing.
    assert delta_x[0, ..., 0].tolist() == [[0.0, 11.0, 0.0],
                                      [100.0, 1000.0, 0.0],
                                      [0.0, 0.0, 0.0]]


def test_all_equal_window_and_padding_never_wins():
    layer = nf.max_pool(3, 2, "SAME")   # length 4: padding (0, 1); windows x0..x2 and x2, x3, pad
    x = jnp.full((1, 4, 1), -2.0)
    y, cache = layer.forward({}, x)
    assert y.ravel().tolist() == [-2.0, -2.0]
    _, delta_x = layer.backward({}, cache, jnp.array([3.0, 5.0]).reshape(1, 2, 1))
    assert delta_x.ravel().tolist() == [3.0, 0.0, 5.0, 0.0]


@SETTINGS
@given(case=cases())
def test_ties_route_exactly_like_jax_vjp_of_reduce_window_max(case):
    """Inputs drawn from {-2, ..., 2} tie often; with integer δ every sum is exact, so the hand
    rule and jax.vjp (XLA select-and-scatter, first maximum) must agree bit for bit."""
    layer = compiled(nf.max_pool(case.window, case.stride, case.padding))
    rng = np.random.default_rng(case.seed)
    x = jnp.asarray(rng.integers(-2, 3, case.shape), jnp.float64)
    y, vjp = jax.vjp(lambda xx: layer.forward({}, xx)[0], x)
    delta = jnp.asarray(rng.integers(-9, 10, y.shape), jnp.float64)
    _, delta_x = backward(layer, {}, x, delta)
    np.testing.assert_array_equal(delta_x, vjp(delta)[0])
    # every window hands all of its δ to exactly one element
    assert float(delta_x.sum()) == float(delta.sum())


# --- geometry and bad input --------------------------------------------------------------

def test_stride_defaults_to_window_and_shapes():
    assert nf.max_pool(2).init(jax.random.key(0), (28, 28, 3))[1] == (14, 14, 3)
    assert nf.avg_pool((3, 2), padding="SAME").init(jax.random.key(0), (7, 5, 1))[1] == (3, 3, 1)
    assert nf.max_pool(3, 1).init(jax.random.key(0), (10, 2))[1] == (8, 2)


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("args, message", [
    ((0,), "window .* must be a positive int, got 0"),
    ((2, 0), "stride .* must be a positive int, got 0"),
    ((2, (-1, 1)), r"every entry of stride \(-1, 1\) must be a positive int, got -1"),
    ((2, 2, "valid"), "padding must be 'VALID' or 'SAME'"),
    ((2, 2, None), "padding must be 'VALID' or 'SAME'"),
    (((2, 2, 2),), "tuple of 1 or 2"),
])
def test_bad_settings_raise_value_error(kind, args, message):
    with pytest.raises(ValueError, match=message):
        POOLS[kind](*args)


@pytest.mark.parametrize("kind", POOLS)
def test_wrong_rank_names_layer_and_shape(kind):
    with pytest.raises(ValueError, match=rf"{kind}\(\(2, 2\)\): input has shape \(5, 4, 4\), "
                                         r"expected \(batch, height, width, channels\)"):
        POOLS[kind]((2, 2)).forward({}, jnp.zeros((5, 4, 4)))
    with pytest.raises(ValueError, match=rf"{kind}\(2\): input has shape \(5, 4, 4, 4, 1\), expected "
                                         r"\(batch, length, channels\) or \(batch, height, width, channels\)"):
        jax.jit(POOLS[kind](2).forward)({}, jnp.zeros((5, 4, 4, 4, 1)))


@pytest.mark.parametrize("kind", POOLS)
def test_window_larger_than_unpadded_input(kind):
    with pytest.raises(ValueError, match=rf"{kind}\(3\): window \(3, 3\) is larger than the unpadded "
                                         r"input \(2, 5\) \(input shape \(1, 2, 5, 1\)"):
        POOLS[kind](3).forward({}, jnp.zeros((1, 2, 5, 1)))
    assert POOLS[kind](3, padding="SAME").forward({}, jnp.zeros((1, 2, 5, 1)))[0].shape == (1, 1, 2, 1)
