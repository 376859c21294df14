"""The checker itself: it must catch a wrong backward pass and say where."""
import jax
import jax.numpy as jnp
import pytest

import nnfunc as nf
from nnfunc.check import check_layer, check_loss
from tests.helpers import normal


def wrong_dense():
    """dense whose dw forgets one example of the batch: a realistic off-by-one bug."""
    good = nf.dense(2)

    def backward(params, x, dy):
        grads, dx = good.backward(params, x, dy)
        return {"w": grads["w"] - jnp.outer(x[-1], dy[-1]), "b": grads["b"]}, dx

    return good._replace(backward=backward, name="buggy_dense(2)")


def test_catches_a_wrong_weight_gradient_and_names_it():
    layer = wrong_dense()
    params, _ = layer.init(jax.random.key(0), (3,))
    report = check_layer(layer, params, normal(1, (4, 3)))
    assert not report.ok
    failed = {(c.leaf, c.witness) for c in report.checks if not c.ok}
    assert failed == {("params['w']", "jax.vjp"), ("params['w']", "finite differences")}
    with pytest.raises(AssertionError, match=r"buggy_dense\(2\) params\['w'\] vs jax.vjp: error .* worst element "
                                             r"\(\d, \d\): hand -?\d.*, jax.vjp -?\d"):
        report.assert_ok()


def test_catches_a_wrong_activation_derivative():
    wrong = nf.elementwise(nf.Activation("sigmoid_without_square", jax.nn.sigmoid, lambda z, a: a))
    assert not check_layer(wrong, {}, normal(2, (3, 2))).ok


def test_catches_a_wrong_loss_gradient():
    wrong = nf.mse._replace(grad=lambda y, t: (y - t) / y.size)  # forgot the 2
    assert not check_loss(wrong, normal(3, (4,)), normal(4, (4,))).ok


def test_catches_a_wrong_gradient_structure():
    sine = nf.sine()
    wrong = sine._replace(backward=lambda p, c, dy: ((), sine.backward(p, c, dy)[1]))
    with pytest.raises(AssertionError, match="hand gradient has structure"):
        check_layer(wrong, {}, normal(5, (2, 2)))


def test_report_lists_every_leaf_and_witness():
    layer = nf.dense(2)
    params, _ = layer.init(jax.random.key(1), (3,))
    report = check_layer(layer, params, normal(6, (4, 3)))
    assert {(c.leaf, c.witness) for c in report.checks} == {
        (leaf, witness) for leaf in ("params['w']", "params['b']", "x")
        for witness in ("jax.vjp", "finite differences")}
    assert "PASS" in str(report) and report.worst.error < 1e-6
