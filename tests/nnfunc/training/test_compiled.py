"""Compiled functions are reused for the same objects, and only the last few are kept."""
import jax
import numpy as np
import optax
from training_cases import KEY, assert_trees_equal, counting

import nnfunc as nf
from nnfunc.training.compiled import COMPILED_CACHE_SIZE, compiled_forward


def test_a_later_fit_with_the_same_objects_reuses_the_compiled_epoch():
    x, t = nf.logic_gate("XOR")
    counter, traced, results = [], [], []
    net, sgd = nf.serial(counting(nf.dense(2), counter), nf.sigmoid(), nf.dense(1), nf.sigmoid()), optax.sgd(0.5)
    for seed in (1, 2):  # a loop over seeds: same shapes, new params
        params, _ = net.init(jax.random.key(seed), (2,))
        results.append(nf.fit(net, params, (x, t), nf.mse, key=KEY, epochs=3, batch_size=2, optimizer=sgd,
                              progress=False))
        traced.append(len(counter))
    # the first fit traces the network for the data check (eval_shape) and for the epoch; the second
    # only for the data check
    assert traced[0] == 2 and traced[1] == 3, f"network traced {traced} times after the first and second fit"
    assert not np.array_equal(results[0].params[0]["w"], results[1].params[0]["w"])
    fresh = nf.serial(nf.dense(2), nf.sigmoid(), nf.dense(1), nf.sigmoid())  # new objects: compiled anew
    params, _ = fresh.init(jax.random.key(2), (2,))
    again = nf.fit(fresh, params, (x, t), nf.mse, key=KEY, epochs=3, batch_size=2, optimizer=optax.sgd(0.5),
                   progress=False)
    assert_trees_equal(again.params, results[1].params)
    np.testing.assert_array_equal(again.history.loss, results[1].history.loss)


def test_the_least_recently_used_function_is_dropped_first():
    first, second = nf.serial(nf.dense(1)), nf.serial(nf.dense(1))
    kept = compiled_forward(first), compiled_forward(second)
    for _ in range(COMPILED_CACHE_SIZE - 2):
        compiled_forward(nf.serial(nf.dense(1)))
    assert compiled_forward(first) is kept[0]      # used again: now the most recent
    compiled_forward(nf.serial(nf.dense(1)))        # one more: the cache is full, the oldest goes
    assert compiled_forward(first) is kept[0]
    assert compiled_forward(second) is not kept[1]
