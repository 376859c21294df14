"""Losses called directly: targets of another shape, empty batches, lists and integers, masked logits."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nnfunc as nf

LOSSES = list(nf.LOSSES.values())
EAGER_AND_JIT = [pytest.param(lambda f: f, id="eager"), pytest.param(jax.jit, id="jit")]


@pytest.mark.parametrize("wrap", EAGER_AND_JIT)
@pytest.mark.parametrize("part", ["value", "grad"])
@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss.name)
@pytest.mark.parametrize("y_shape, t_shape", [((4, 1), (4,)), ((4, 3), (4, 1)), ((2, 3), (3,)), ((3,), (1,))])
def test_targets_of_another_shape_are_refused_not_broadcast(y_shape, t_shape, loss, part, wrap):
    with pytest.raises(ValueError) as info:
        wrap(getattr(loss, part))(jnp.full(y_shape, 0.5), jnp.full(t_shape, 0.5))
    assert str(info.value) == (f"{loss.name}: targets t have shape {t_shape} but the output y has shape {y_shape}; "
                               "they must match (no broadcasting): reshape or one-hot the targets")


@pytest.mark.parametrize("wrap", EAGER_AND_JIT)
@pytest.mark.parametrize("part", ["value", "grad"])
@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss.name)
@pytest.mark.parametrize("shape", [(0, 3), (0,), (4, 0)])
def test_an_empty_output_is_refused_not_nan(shape, loss, part, wrap):
    with pytest.raises(ValueError, match=rf"^{loss.name}: the output y is empty \(shape {re_shape(shape)}\)"):
        wrap(getattr(loss, part))(jnp.zeros(shape), jnp.zeros(shape))


def re_shape(shape):
    return str(shape).replace("(", r"\(").replace(")", r"\)")


@pytest.mark.parametrize("part", ["value", "grad"])
@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss.name)
def test_lists_and_integer_arrays_are_accepted_as_floats(loss, part):
    fn = getattr(loss, part)
    y, t = [[1, 0], [0, 1]], [[0, 1], [0, 1]]
    expected = fn(jnp.array(y, float), jnp.array(t, float))
    for got in (fn(y, t), fn(np.array(y), np.array(t)), fn(jnp.array(y), t)):
        assert jnp.issubdtype(got.dtype, jnp.floating)
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss.name)
@pytest.mark.parametrize("bad, error, words", [
    ("ab", TypeError, "output y must be numeric"),
    (None, TypeError, "output y is None"),
    ([[1.0, 2.0], [3.0]], ValueError, "output y is ragged"),
])
def test_what_is_not_numbers_is_named(loss, bad, error, words):
    with pytest.raises(error, match=f"^{loss.name}: {words}"):
        loss.value(bad, [[1.0, 2.0], [3.0, 4.0]])


def test_targets_that_are_not_numbers_are_named():
    with pytest.raises(TypeError, match="^mse: targets t is None"):
        nf.mse.grad([1.0], None)


MASKED = jnp.array([[0.5, -jnp.inf, 1.0], [-jnp.inf, 2.0, 0.0]])
TARGETS = jnp.array([[1.0, 0.0, 0.0], [0.0, 0.3, 0.7]])


@pytest.mark.parametrize("wrap", EAGER_AND_JIT)
def test_softmax_cross_entropy_takes_a_masked_logit_with_target_0_as_absent(wrap):
    sce = nf.softmax_cross_entropy
    value, grad = wrap(sce.value)(MASKED, TARGETS), wrap(sce.grad)(MASKED, TARGETS)
    # the same loss with the masked class left out of each row
    rows = [(jnp.array([0.5, 1.0]), jnp.array([1.0, 0.0])), (jnp.array([2.0, 0.0]), jnp.array([0.3, 0.7]))]
    expected = sum(float(sce.value(z[None], t[None])) for z, t in rows) / 2
    np.testing.assert_allclose(float(value), expected, rtol=1e-6)
    assert bool(jnp.all(jnp.isfinite(grad)))
    assert float(grad[0, 1]) == float(grad[1, 0]) == 0.0  # softmax of −inf is 0, and so is the target
    np.testing.assert_allclose(grad, jax.grad(sce.value)(MASKED, TARGETS), rtol=1e-6)
    np.testing.assert_allclose(grad[0, [0, 2]], sce.grad(rows[0][0][None], rows[0][1][None])[0] / 2, rtol=1e-6)


def test_softmax_cross_entropy_of_a_target_on_a_masked_logit_is_infinite():
    assert float(nf.softmax_cross_entropy.value(MASKED, TARGETS.at[0, 1].set(0.5))) == float("inf")


def test_softmax_cross_entropy_of_finite_logits_is_unchanged_by_zero_targets():
    z = jax.random.normal(jax.random.key(0), (5, 4))
    t = jax.nn.one_hot(jnp.arange(5) % 4, 4)
    lse = jax.nn.logsumexp(z, axis=-1, keepdims=True)
    assert float(nf.softmax_cross_entropy.value(z, t)) == float(jnp.sum(t * (lse - z)) / 5)
