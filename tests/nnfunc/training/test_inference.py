"""predict and evaluate: outputs, loss and accuracy, compiled once per network."""
import jax
import numpy as np
from training_cases import KEY, counting

import nnfunc as nf


def test_predict_and_evaluate_compile_once_per_network():
    x, t = nf.logic_gate("XOR")
    counter = []
    net = nf.serial(counting(nf.dense(2), counter), nf.sigmoid(), nf.dense(1), nf.sigmoid())
    params, _ = net.init(KEY, (2,))
    first = nf.predict(net, params, x)
    traced = len(counter)
    again = nf.predict(net, jax.tree.map(lambda a: a + 1.0, params), x)
    assert len(counter) == traced == 1, f"predict traced the network {len(counter)} times"
    assert not np.array_equal(first, again), "the second call ignored its params"
    nf.evaluate(net, params, (x, t), nf.mse)   # one more trace for its data check (eval_shape), none to predict
    assert len(counter) == traced + 1


def test_evaluate_measures_what_it_is_asked_for():
    x, t = nf.logic_gate("OR")
    net = nf.serial(nf.dense(1), nf.sigmoid())
    params = ({"w": np.array([[1.0], [1.0]]), "b": np.array([-1.5])}, {})  # computes AND: 2 of 4 right
    y = np.asarray(nf.predict(net, params, x))
    assert nf.evaluate(net, params, (x, t)) == nf.Evaluation(None, 0.5)
    got = nf.evaluate(net, params, (x, t), "mse")
    assert got.accuracy is None and got.loss == float(nf.mse.value(y, t))
