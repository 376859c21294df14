"""Random serial networks: the delta recursion (serial, backprop, hand_vjp) against jax.grad.

Every network is 1 to 4 dense layers, each followed by one of the activations; its
hand gradients (nf.backprop, and the serial backward with a random δ) are compared
with jax.grad / jax.vjp in float64 and with finite differences.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import nnfunc as nf
from nnfunc.check import check_backprop, check_layer
from tests.helpers import min_distance_to_kink, normal

ACTIVATIONS = sorted(nf.ACTIVATIONS)  # every registered activation, by name

networks = st.fixed_dictionaries({
    "widths": st.lists(st.sampled_from([1, 3]), min_size=1, max_size=4),
    "activations": st.lists(st.sampled_from(ACTIVATIONS), min_size=4, max_size=4),
    "n_in": st.sampled_from([2, 3]),
    "batch": st.sampled_from([1, 4]),
    "seed": st.integers(0, 2**31 - 1),
})


def build(spec):
    layers = []
    for width, name in zip(spec["widths"], spec["activations"]):
        layers += [nf.dense(width), nf.activation(name)]
    net = nf.serial(*layers)
    params, out_shape = net.init(jax.random.key(spec["seed"]), (spec["n_in"],))
    x = normal(spec["seed"] + 1, (spec["batch"], spec["n_in"]))
    assume(min_distance_to_kink(net, params, x) > 1e-3)  # random tests stay off the kinks
    return net, params, x, out_shape


@settings(max_examples=15)
@given(spec=networks)
def test_serial_backward_matches_jax_vjp_and_finite_differences(spec):
    net, params, x, _ = build(spec)
    check_layer(net, params, x, jax.random.key(spec["seed"] + 2), fd_samples=4).assert_ok()


@settings(max_examples=15)
@given(spec=networks, loss=st.sampled_from(["half_sse", "mse", "softmax_cross_entropy"]))
def test_backprop_matches_jax_grad(spec, loss):
    net, params, x, out_shape = build(spec)
    t = normal(spec["seed"] + 3, (spec["batch"], *out_shape))
    check_backprop(net, nf.loss(loss), params, x, t, fd_samples=0).assert_ok()


def mlp(key, n_in=3, widths=(4, 2)):
    layers = []
    for w in widths:
        layers += [nf.dense(w), nf.tanh()]
    net = nf.serial(*layers)
    params, _ = net.init(key, (n_in,))
    return net, params


def test_float32_network_within_stated_bound():
    net, params = mlp(jax.random.key(0))
    params32 = jax.tree.map(lambda p: p.astype(jnp.float32), params)
    x = normal(1, (5, 3), jnp.float32)
    report = check_layer(net, params32, x)
    assert all(c.tol == 1e-5 for c in report.checks)
    report.assert_ok()


def test_backward_is_linear_in_delta_and_zero_for_zero_delta():
    net, params = mlp(jax.random.key(1))
    x = normal(2, (4, 3))
    _, cache = net.forward(params, x)
    d1, d2 = normal(3, (4, 2)), normal(4, (4, 2))
    a, b = 0.7, -1.3
    combined = net.backward(params, cache, a * d1 + b * d2)
    separate = jax.tree.map(lambda u, v: a * u + b * v, net.backward(params, cache, d1),
                            net.backward(params, cache, d2))
    jax.tree.map(lambda u, v: np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-15), combined, separate)
    zero = net.backward(params, cache, jnp.zeros((4, 2)))
    assert all(bool(jnp.all(leaf == 0)) for leaf in jax.tree.leaves(zero))


def test_jit_equals_eager():
    net, params = mlp(jax.random.key(2))
    x, t = normal(5, (6, 3)), normal(6, (6, 2))
    grad_fn = nf.backprop(net, nf.half_sse)
    eager, jitted = grad_fn(params, x, t), jax.jit(grad_fn)(params, x, t)
    jax.tree.map(lambda u, v: np.testing.assert_allclose(u, v, rtol=1e-13, atol=1e-15), eager, jitted)


def test_vmap_over_examples_equals_a_loop():
    net, params = mlp(jax.random.key(3))
    x, t = normal(7, (5, 1, 3)), normal(8, (5, 1, 2))
    grad_fn = nf.backprop(net, nf.half_sse)
    mapped = jax.vmap(grad_fn, in_axes=(None, 0, 0))(params, x, t)
    looped = [grad_fn(params, x[i], t[i]) for i in range(5)]
    stacked = jax.tree.map(lambda *leaves: jnp.stack(leaves), *looped)
    jax.tree.map(lambda u, v: np.testing.assert_allclose(u, v, rtol=1e-13, atol=1e-15), mapped, stacked)


def test_batch_gradient_is_sum_of_example_gradients():
    """half_sse sums over the batch, so its gradient is the sum of per-example gradients."""
    net, params = mlp(jax.random.key(4))
    x, t = normal(9, (5, 3)), normal(10, (5, 2))
    grad_fn = nf.backprop(net, nf.half_sse)
    _, whole = grad_fn(params, x, t)
    parts = [grad_fn(params, x[i:i + 1], t[i:i + 1])[1] for i in range(5)]
    summed = jax.tree.map(lambda *leaves: sum(leaves), *parts)
    jax.tree.map(lambda u, v: np.testing.assert_allclose(u, v, rtol=1e-12), whole, summed)


def test_init_is_deterministic_in_the_key():
    net, p1 = mlp(jax.random.key(6))
    _, p2 = mlp(jax.random.key(6))
    _, p3 = mlp(jax.random.key(7))
    assert all(bool(jnp.array_equal(a, b)) for a, b in zip(jax.tree.leaves(p1), jax.tree.leaves(p2)))
    assert not bool(jnp.array_equal(p1[0]["w"], p3[0]["w"]))


def test_hand_vjp_makes_jax_grad_use_the_hand_backward():
    net, params = mlp(jax.random.key(8))
    x, t = normal(13, (4, 3)), normal(14, (4, 2))
    apply = nf.hand_vjp(net)
    via_bridge = jax.grad(lambda p: nf.half_sse.value(apply(p, x), t))(params)
    _, hand = nf.backprop(net, nf.half_sse)(params, x, t)
    jax.tree.map(lambda u, v: np.testing.assert_allclose(u, v, rtol=1e-13), via_bridge, hand)


def test_hand_vjp_really_calls_the_hand_backward():
    """A layer whose backward is deliberately doubled: jax.grad through the bridge sees 2×."""
    sine = nf.sine()
    doubled = sine._replace(backward=lambda p, c, delta: jax.tree.map(lambda g: 2 * g, sine.backward(p, c, delta)))
    x = normal(15, (3,))
    grad = jax.grad(lambda x: nf.hand_vjp(doubled)({}, x).sum())(x)
    np.testing.assert_allclose(grad, 2 * jnp.cos(x), rtol=1e-14)
