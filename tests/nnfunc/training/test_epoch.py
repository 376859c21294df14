"""The compiled epoch: the gradient switch, unrolling, the remainder."""
import jax
import numpy as np
import optax
import pytest
from training_cases import KEY, assert_trees_equal, people_setup

import nnfunc as nf
from nnfunc import make_epoch


def test_hand_backprop_and_jax_grad_train_to_the_same_params():
    net, params, x, t = people_setup()
    runs = [nf.fit(net, params, (x, t), nf.mse, key=KEY, epochs=4, batch_size=2, optimizer=optax.adam(0.05),
                   gradients=g, progress=False) for g in ("backprop", "jax")]
    for a, b in zip(jax.tree.leaves(runs[0].params), jax.tree.leaves(runs[1].params), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    assert not np.array_equal(np.asarray(jax.tree.leaves(runs[0].params)[0]),
                              np.asarray(jax.tree.leaves(params)[0])), "training changed nothing"


@pytest.mark.parametrize("unroll", [2, 3])
def test_unrolling_the_scan_changes_no_bit(unroll):
    net, params, x, t = people_setup()
    sgd = optax.sgd(0.1)
    def run(unroll):
        epoch = make_epoch(net, nf.mse, sgd, 1, unroll=unroll)   # 4 samples: unroll 3 leaves a remainder step
        return epoch(params, sgd.init(params), KEY, x, t)
    once, unrolled = run(1), run(unroll)
    assert_trees_equal(once.params, unrolled.params)
    assert float(once.loss) == float(unrolled.loss) and np.isnan(float(once.accuracy))


def test_the_epoch_returns_the_next_key_and_a_full_batch_drops_nothing():
    net, params, x, t = people_setup()
    sgd = optax.sgd(0.1)
    out = make_epoch(net, nf.mse, sgd, len(x), shuffle=False, accuracy=True)(params, sgd.init(params), KEY, x, t)
    assert isinstance(out, nf.EpochOutput) and bool(out.finite)
    np.testing.assert_array_equal(jax.random.key_data(out.key), jax.random.key_data(jax.random.split(KEY)[0]))
    assert float(out.loss) == pytest.approx(nf.evaluate(net, params, (x, t), nf.mse).loss, rel=1e-12)
    assert 0.0 <= float(out.accuracy) <= 1.0
