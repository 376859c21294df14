"""The articles' worked numbers (float64), from nnfunc and from jax.grad."""
import jax
import jax.numpy as jnp
import pytest

import nnfunc as nf


def sigmoid_221(w, b):
    net = nf.serial(nf.dense(2), nf.sigmoid(), nf.dense(1), nf.sigmoid())
    params = ({"w": jnp.array([w, w], float).T, "b": jnp.full(2, b, float)}, {},
              {"w": jnp.array([w], float).T, "b": jnp.full(1, b, float)}, {})
    return net, params


def test_article_e_neuron():
    net = nf.serial(nf.dense(1), nf.sigmoid())
    y, _ = net.forward(({"w": [[0], [1]], "b": [4]}, {}), [2, 3])
    assert float(y[0]) == pytest.approx(0.9990889488055994, rel=1e-15)


def test_article_e_network():
    net, params = sigmoid_221([0.0, 1.0], 0.0)
    y, _ = net.forward(params, [2, 3])
    assert float(y[0]) == pytest.approx(0.7216325609518421, rel=1e-15)


def test_alice():
    """All weights 1, biases 0, x = (−2, −1), t = 1, L = (t − o)²; w1: input 1 -> hidden 1."""
    net, params = sigmoid_221([1.0, 1.0], 0.0)
    x, t = jnp.array([[-2.0, -1.0]]), jnp.array([[1.0]])
    o, _ = net.forward(params, x)
    assert float(o[0, 0]) == pytest.approx(0.5236951740839997, rel=1e-15)
    loss, hand = jax.jit(nf.backprop(net, nf.mse))(params, x, t)
    auto = jax.grad(lambda p: nf.mse.value(net.forward(p, x)[0], t))(params)
    assert float(loss) == pytest.approx((1 - 0.5236951740839997) ** 2, rel=1e-14)
    assert float(hand[0]["w"][0, 0]) == pytest.approx(0.02146953526581111, rel=1e-14)
    assert float(auto[0]["w"][0, 0]) == pytest.approx(0.02146953526581111, rel=1e-14)
    assert round(float(hand[0]["w"][0, 0]), 4) == 0.0215 and round(float(o[0, 0]), 3) == 0.524  # the article's


def test_article_a_costs():
    t, y = jnp.array([2.0, 3.0, 5.0, 9.0]), jnp.array([1.0, 5.0, 3.0, 6.0])
    assert [float(nf.loss(n).value(y, t)) for n in ("sum_errors", "sum_abs_errors", "sse")] == [4.0, 8.0, 18.0]


def test_article_e_mse():
    assert float(nf.mse.value(jnp.zeros(4), jnp.array([1.0, 0.0, 0.0, 1.0]))) == 0.5
