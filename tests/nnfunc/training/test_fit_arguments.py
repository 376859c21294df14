"""fit checks every argument before any compiling or training, and takes params written out as lists."""
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from training_cases import KEY, assert_trees_equal, people_setup

import nnfunc as nf
from nnfunc.validate_data import checked_params


@pytest.fixture
def no_work(monkeypatch):
    """fit as it is, except that reaching the compilation of an epoch fails the test."""
    def compile_nothing(*args, **kwargs):
        raise AssertionError("fit went on to compile an epoch before refusing the argument")
    monkeypatch.setattr("nnfunc.training.fit.reused_epoch", compile_nothing)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(stop_below="0.1"), TypeError, r"fit\(serial.*\): stop_below must be a number .* got str '0.1'"),
    (dict(stop_below=True), TypeError, "stop_below must be a number"),
    (dict(stop_below=float("nan")), ValueError, "stop_below is NaN"),
    (dict(callback=5), TypeError, r"callback must be a function \(epoch, params, history\), got int 5"),
    (dict(progress="yes"), TypeError, "progress must be True or False .or None for the default., got str 'yes'"),
    (dict(accuracy=1), TypeError, "accuracy must be True or False"),
    (dict(shuffle=None), TypeError, r"shuffle must be True or False, got NoneType None"),
    (dict(gradients="numeric"), ValueError, "gradients must be 'backprop' .* got 'numeric'"),
    (dict(optimizer="sgd"), TypeError, "optimizer must be an optax GradientTransformation such as .* got str 'sgd'"),
    (dict(optimizer=optax.sgd), TypeError, r"did you forget the call, optax.sgd\(0.1\)\?"),
    (dict(key=0), TypeError, "key must be a JAX PRNG key such as jax.random.key"),
    (dict(key=jnp.zeros(3)), TypeError, r"key must be a JAX PRNG key .* dtype float64 and shape \(3,\)"),
    (dict(epochs=True), TypeError, "epochs must be a positive int, got bool True"),
    (dict(epochs=2.0), TypeError, "epochs must be a positive int, got float 2.0"),
    (dict(batch_size=True), ValueError, "batch_size must be an int"),
])
def test_a_bad_argument_is_refused_before_any_work(no_work, kwargs, error, message):
    net, params, x, t = people_setup()
    with pytest.raises(error, match=message):
        nf.fit(net, params, (x, t), nf.mse, **({"key": KEY, "progress": False} | kwargs))


def test_a_checkpoint_directory_that_cannot_be_one_is_refused_before_any_work(no_work, tmp_path):
    net, params, x, t = people_setup()
    a_file = tmp_path / "file"
    a_file.write_text("not a directory")
    for directory, message in ((a_file, "is a file, not a directory"),
                               (a_file / "below", "cannot create the checkpoint directory .*: Not a directory")):
        with pytest.raises(ValueError, match=f"fit.*: .*{message}"):
            nf.fit(net, params, (x, t), nf.mse, key=KEY, checkpoint=directory, progress=False)


def test_the_checkpoint_directory_is_made_up_front(no_work, tmp_path):
    net, params, x, t = people_setup()
    with pytest.raises(AssertionError, match="compile an epoch"):
        nf.fit(net, params, (x, t), nf.mse, key=KEY, checkpoint=tmp_path / "a" / "b", progress=False)
    assert (tmp_path / "a" / "b").is_dir()


def test_continuing_with_an_optimizer_state_of_another_optimizer_or_network_is_refused(no_work):
    net, params, x, t = people_setup()
    adam = nf.FitResult(params, optax.adam(0.01).init(params), KEY, None, 1, False, 0.0)
    with pytest.raises(ValueError, match=r"optimizer state is not one of this optimizer.*\n  its state: .*"
                                         r"ScaleByAdamState.*\n  optimizer.init\(params\): .*EmptyState"):
        nf.fit(net, adam, (x, t), nf.mse, optimizer=optax.sgd(0.1), progress=False)
    wide, _ = nf.serial(nf.dense(4), nf.tanh(), nf.dense(1), nf.sigmoid()).init(KEY, (2,))
    mixed = adam._replace(opt_state=optax.adam(0.01).init(wide))
    with pytest.raises(ValueError, match=r"optimizer state\[0\].mu\[0\]\['b'\] has shape \(4,\) but "
                                         r"optimizer.init\(params\) makes \(3,\)"):
        nf.fit(net, mixed, (x, t), nf.mse, optimizer=optax.adam(0.01), progress=False)


def written_out(params):
    return jax.tree.map(lambda a: np.asarray(a).tolist(), params)


@pytest.mark.parametrize("kwargs", [dict(batch_size=1), dict(batch_size=None, optimizer=optax.adam(0.05))])
def test_params_written_out_as_lists_train_bit_for_bit_like_arrays(kwargs):
    net, params, x, t = people_setup()
    lists = written_out(params)
    assert isinstance(lists[0]["w"], list) and isinstance(lists[0]["w"][0], list)
    run = dict(key=KEY, epochs=4, progress=False) | kwargs
    from_lists = nf.fit(net, lists, (x, t), nf.mse, **run)
    from_arrays = nf.fit(net, params, (x, t), nf.mse, **run)
    assert jax.tree.structure(from_lists.params) == jax.tree.structure(from_arrays.params)
    assert_trees_equal(from_lists.params, from_arrays.params)
    np.testing.assert_array_equal(from_lists.history.loss, from_arrays.history.loss)


def test_checked_params_takes_lists_of_numbers_as_arrays_and_other_lists_as_nodes():
    got = checked_params([{"w": [[1, 2]], "b": [np.float64(0.5)]}, [jnp.ones(2), 3.0]], "fit")
    assert got[0]["w"].shape == (1, 2) and got[0]["b"].shape == (1,)
    assert isinstance(got[1], list) and got[1][0].shape == (2,) and got[1][1].shape == ()
    with pytest.raises(ValueError, match="fit: params is ragged"):
        checked_params({"w": [[1.0, 2.0], [3.0]]}, "fit")


def test_numpy_integers_count_as_integers_and_train_bit_for_bit_alike():
    net, params, x, t = people_setup()
    as_numpy = nf.fit(net, params, (x, t), nf.mse, key=KEY, epochs=np.int64(2), batch_size=np.int32(2), progress=False)
    as_python = nf.fit(net, params, (x, t), nf.mse, key=KEY, epochs=2, batch_size=2, progress=False)
    assert as_numpy.epochs == 2
    assert_trees_equal(as_numpy.params, as_python.params)
