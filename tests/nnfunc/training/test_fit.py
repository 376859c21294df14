"""fit: the update rule, batching, one compilation, determinism, continuing, stopping, bad settings."""
import io

import jax
import numpy as np
import optax
import pytest
from training_cases import KEY, assert_trees_equal, counting, people_setup, small_net

import nnfunc as nf


def reference_sgd(net, params, x, t, batches, epochs, lr=0.1):
    """An independent loop: θ ← θ − η ∂E/∂θ with jax.grad, batches in the given order.

    Returns the params and each epoch's mean batch loss (article C's running error).
    """
    def energy(p, xb, tb):
        return nf.mse.value(net.forward(p, xb)[0], tb)
    value_and_grad = jax.jit(jax.value_and_grad(energy))
    history = []
    for _ in range(epochs):
        errors = []
        for idx in batches:
            e, g = value_and_grad(params, x[idx], t[idx])
            errors.append(float(e))
            params = jax.tree.map(lambda p, d: p - lr * d, params, g)
        history.append(sum(errors) / len(errors))
    return params, history


@pytest.mark.parametrize("batch_size, batches", [
    (1, [[0], [1], [2], [3], [4]]),          # per-sample SGD, article E
    (2, [[0, 1], [2, 3]]),                   # mini-batch; sample 4 is the dropped remainder
    (None, [[0, 1, 2, 3, 4]]),               # full batch
])
def test_fit_is_gradient_descent_over_the_batches_in_order(batch_size, batches):
    net = small_net()
    params, _ = net.init(jax.random.key(3), (2,))
    x = np.asarray(jax.random.normal(jax.random.key(4), (5, 2)))
    t = np.asarray(jax.random.uniform(jax.random.key(5), (5, 1)))
    got = nf.fit(net, params, (x, t), nf.mse, epochs=3, batch_size=batch_size, shuffle=False, progress=False)
    want, history = reference_sgd(net, params, x, t, [np.array(b) for b in batches], 3)
    for g, w in zip(jax.tree.leaves(got.params), jax.tree.leaves(want), strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got.history.loss, history, rtol=1e-12)
    assert got.epochs == 3 and got.history.accuracy is None and got.history.seconds.shape == (3,)


def test_same_key_gives_bit_identical_params_and_another_key_does_not():
    net, params, x, t = people_setup()
    def run(key):
        return nf.fit(net, params, (x, t), nf.mse, key=key, epochs=5, batch_size=1, progress=False).params
    assert_trees_equal(run(KEY), run(KEY))
    w_a, w_b = (np.asarray(run(k)[0]["w"]) for k in (KEY, jax.random.key(1)))
    assert not np.array_equal(w_a, w_b), "shuffling ignores the key"


def test_continuing_from_a_result_equals_one_longer_run():
    net, params, x, t = people_setup()
    opt = optax.adam(0.01)
    kw = dict(batch_size=1, optimizer=opt, progress=False)
    first = nf.fit(net, params, (x, t), nf.mse, key=KEY, epochs=2, **kw)
    second = nf.fit(net, first, (x, t), nf.mse, epochs=3, **kw)
    whole = nf.fit(net, params, (x, t), nf.mse, key=KEY, epochs=5, **kw)
    assert_trees_equal(second.params, whole.params)
    assert second.epochs == 3
    np.testing.assert_array_equal(second.history.loss, whole.history.loss[2:])


def test_continuing_from_a_result_refuses_a_second_key():
    net, params, x, t = people_setup()
    first = nf.fit(net, params, (x, t), nf.mse, key=KEY, progress=False)
    with pytest.raises(ValueError, match="params is a FitResult, which carries its own key"):
        nf.fit(net, first, (x, t), nf.mse, key=KEY, progress=False)


def test_every_epoch_runs_the_one_compiled_program():
    x, t = nf.logic_gate("XOR")
    traces = {}
    for epochs in (1, 6):
        counter = []
        net = nf.serial(counting(nf.dense(2), counter), nf.sigmoid(), nf.dense(1), nf.sigmoid())
        params, _ = net.init(KEY, (2,))
        nf.fit(net, params, (x, t), nf.mse, key=KEY, epochs=epochs, batch_size=2, progress=False)
        traces[epochs] = len(counter)
    assert traces[1] > 0
    assert traces[6] == traces[1], f"6 epochs traced the network {traces[6]} times, 1 epoch {traces[1]}"


def test_callback_sees_every_epoch_with_its_params_and_history():
    net, params, x, t = people_setup()
    seen = []
    def record(epoch, p, history):
        seen.append((epoch, len(history.loss), np.asarray(p[0]["w"]).copy()))
    result = nf.fit(net, params, (x, t), nf.mse, key=KEY, epochs=3, callback=record, progress=False)
    assert [(e, n) for e, n, _ in seen] == [(1, 1), (2, 2), (3, 3)]
    np.testing.assert_array_equal(seen[-1][2], result.params[0]["w"])
    assert not np.array_equal(seen[0][2], seen[1][2])


def test_accuracy_counts_the_right_answers():
    x, t = nf.logic_gate("OR")
    net = nf.serial(nf.dense(1), nf.sigmoid())
    params = ({"w": np.array([[1.0], [1.0]]), "b": np.array([-1.5])}, {})  # computes AND: 2 of 4 right
    result = nf.fit(net, params, (x, t), nf.mse, epochs=1, batch_size=None, shuffle=False, accuracy=True,
                    progress=False)
    assert result.history.accuracy.tolist() == [0.5]


def test_classification_records_accuracy_and_learns_and():
    x, t = nf.logic_gate("AND")
    net = nf.serial(nf.dense(1), nf.sigmoid())
    params, _ = net.init(KEY, (2,))
    result = nf.fit(net, params, (x, t), nf.binary_cross_entropy, key=KEY, epochs=300, batch_size=None,
                    optimizer=optax.sgd(2.0), progress=False)
    assert result.history.accuracy.shape == (300,)
    assert result.history.accuracy[-1] == 1.0
    assert nf.evaluate(net, result.params, (x, t)).accuracy == 1.0
    assert np.array_equal(np.asarray(nf.predict(net, result.params, x)) >= 0.5, t >= 0.5)


def test_stop_below_ends_after_the_first_epoch_under_the_threshold():
    net, params, x, t = people_setup()
    result = nf.fit(net, params, (x, t), nf.mse, key=KEY, epochs=2000, stop_below=0.05, progress=False)
    loss = result.history.loss
    assert result.stopped_early and result.epochs == len(loss) < 2000
    assert loss[-1] < 0.05 and (loss[:-1] >= 0.05).all()


def test_a_diverging_run_stops_and_keeps_the_last_good_params():
    net = nf.serial(nf.dense(1))
    params, _ = net.init(KEY, (2,))
    x = np.array([[30.0, -20.0], [25.0, 40.0]])
    t = np.array([[1.0], [0.0]])
    kw = dict(key=KEY, batch_size=None, optimizer=optax.sgd(1.0), progress=False)
    with pytest.raises(nf.TrainingDiverged, match=r"during epoch (\d+)") as info:
        nf.fit(net, params, (x, t), nf.sse, epochs=500, **kw)
    bad = info.value.epoch
    good = info.value.result
    assert good.epochs == bad - 1 >= 1 and len(good.history.loss) == bad - 1
    assert all(np.isfinite(leaf).all() for leaf in jax.tree.leaves(good.params))
    assert_trees_equal(good.params, nf.fit(net, params, (x, t), nf.sse, epochs=bad - 1, **kw).params)


@pytest.mark.parametrize("kwargs, message", [
    (dict(key=None), "needs an explicit PRNG key"),
    (dict(batch_size=5), "batch_size must be an int from 1 to the number of samples"),
    (dict(batch_size=0), "batch_size"),
    (dict(epochs=0), "epochs must be a positive int"),
    (dict(gradients="numeric"), "gradients must be 'backprop'"),
    (dict(checkpoint=nf.Checkpoints("unused", every=0)), "Checkpoints.every must be a positive int"),
])
def test_bad_settings_are_a_clear_error(kwargs, message):
    net, params, x, t = people_setup()
    with pytest.raises(ValueError, match=message):
        nf.fit(net, params, (x, t), nf.mse, **({"key": KEY, "progress": False} | kwargs))


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_at_a_terminal_only_outside_ci(monkeypatch):
    net, params, x, t = people_setup()
    kw = dict(key=KEY, epochs=3)
    for ci, progress, drawn in (("", None, True), ("1", None, False), ("", False, False), ("1", True, True)):
        monkeypatch.setenv("CI", ci)
        terminal = FakeTerminal()
        monkeypatch.setattr("sys.stderr", terminal)
        nf.fit(net, params, (x, t), nf.mse, progress=progress, **kw)
        out = terminal.getvalue()
        assert ("3/3 loss" in out) == drawn, (ci, progress, out)
        assert out.endswith("\n") or not out
