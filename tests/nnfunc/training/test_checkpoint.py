"""Checkpoints: exact round trip, refusal of damaged files, resume, and survival of kill -9."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jax
import numpy as np
import optax
import pytest
from training_cases import KEY, assert_trees_equal, people_setup

import nnfunc as nf
from nnfunc.training import checkpoint

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def setup():
    net, params, x, t = people_setup()
    return net, params, (x, t)


@pytest.fixture
def saved(tmp_path):
    net, params, _ = setup()
    params = jax.tree.map(lambda a: a + 0.5, params)
    opt_state = optax.adam(0.1).init(params)
    key = jax.random.split(KEY)[1]
    checkpoint.save(tmp_path, params, opt_state, key, 7, {"loss": [3.0, 2.0]})
    return tmp_path, params, opt_state, key


def test_save_then_load_restores_everything_exactly(saved):
    directory, params, opt_state, key = saved
    fresh, _ = setup()[0].init(jax.random.key(1), (2,))
    got = checkpoint.load(directory, fresh, optax.adam(0.1).init(fresh))
    assert_trees_equal(got.params, params)
    assert_trees_equal(got.opt_state, opt_state)
    np.testing.assert_array_equal(jax.random.key_data(got.key), jax.random.key_data(key))
    assert got.epoch == 7 and got.history["loss"].tolist() == [3.0, 2.0]
    assert [p.name for p in directory.iterdir()] == ["checkpoint.nnf"], "a temporary file was left behind"


def damage(path, how):
    raw = path.read_bytes()
    if how == "truncated":
        path.write_bytes(raw[:-10])
    elif how == "flipped byte":
        path.write_bytes(raw[:-100] + bytes([raw[-100] ^ 0xFF]) + raw[-99:])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "metadata cut":
        path.write_bytes(raw[:40])


@pytest.mark.parametrize("how, message", [
    ("truncated", "truncated"), ("flipped byte", "corrupt: the SHA-256"),
    ("empty", "not an nnfunc checkpoint"), ("metadata cut", "truncated or corrupt"),
])
def test_a_damaged_checkpoint_is_refused(saved, how, message):
    directory, params, opt_state, _ = saved
    damage(checkpoint.path_in(directory), how)
    with pytest.raises(nf.CheckpointError, match=message):
        checkpoint.load(directory, params, opt_state)


def test_a_checkpoint_of_another_network_is_refused(saved):
    directory, params, opt_state, _ = saved
    other, _ = nf.serial(nf.dense(4), nf.tanh(), nf.dense(1), nf.sigmoid()).init(KEY, (2,))
    with pytest.raises(nf.CheckpointError, match=r"params\[0\]\['b'\] is float64\[3\] .* but float64\[4\]"):
        checkpoint.load(directory, other, optax.adam(0.1).init(other))
    with pytest.raises(nf.CheckpointError, match="another structure"):
        checkpoint.load(directory, params, optax.sgd(0.1).init(params))


def test_fit_resumes_to_the_params_of_an_uninterrupted_run(tmp_path):
    net, params, data = setup()
    kw = dict(key=KEY, optimizer=optax.adam(0.01), progress=False)
    part = nf.fit(net, params, data, nf.mse, epochs=3, checkpoint=nf.Checkpoints(tmp_path, every=2), **kw)
    assert checkpoint.load(tmp_path, params, part.opt_state).epoch == 3, "the last epoch is always saved"
    resumed = nf.fit(net, params, data, nf.mse, epochs=5, checkpoint=tmp_path, **kw)
    whole = nf.fit(net, params, data, nf.mse, epochs=5, **kw)
    assert_trees_equal(resumed.params, whole.params)
    np.testing.assert_array_equal(resumed.history.loss, whole.history.loss)
    assert resumed.epochs == 5


def test_fit_never_trains_on_from_a_corrupt_checkpoint(tmp_path):
    net, params, data = setup()
    nf.fit(net, params, data, nf.mse, key=KEY, epochs=1, checkpoint=tmp_path, progress=False)
    damage(checkpoint.path_in(tmp_path), "flipped byte")
    with pytest.raises(nf.CheckpointError, match="corrupt"):
        nf.fit(net, params, data, nf.mse, key=KEY, epochs=2, checkpoint=tmp_path, progress=False)


SCRIPT = textwrap.dedent("""
    import sys, time
    import jax, numpy as np, optax
    jax.config.update("jax_enable_x64", True)
    sys.path.insert(0, sys.argv[4])
    import nnfunc as nf
    from training_cases import people_setup

    directory, out, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
    net, params, x, t = people_setup()
    data = (x, t)

    def report(epoch, params, history):
        print("epoch", epoch, flush=True)
        time.sleep(pause)

    result = nf.fit(net, params, data, nf.mse, key=jax.random.key(0), epochs=EPOCHS, optimizer=optax.adam(0.01),
                    checkpoint=directory, callback=report, progress=False)
    np.savez(out, *jax.tree.leaves(result.params))
""")
EPOCHS = 30


def test_a_run_killed_with_sigkill_resumes_to_the_same_params(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT.replace("EPOCHS", str(EPOCHS)))
    directory, out = tmp_path / "ckpt", tmp_path / "params.npz"
    command = [sys.executable, str(script), str(directory), str(out)]
    env = dict(os.environ, PYTHONPATH=str(ROOT), CI="1")
    victim = subprocess.Popen(command + ["0.2", str(HERE)], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not checkpoint.exists(directory):
        assert victim.poll() is None, f"training ended before its first checkpoint:\n{victim.stderr.read()}"
        assert time.monotonic() < deadline, "no checkpoint appeared within 60 s"
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL
    net, params, data = setup()
    killed_at = checkpoint.load(directory, params, optax.adam(0.01).init(params)).epoch
    assert 1 <= killed_at < EPOCHS and not out.exists()

    resumed = subprocess.run(command + ["0", str(HERE)], env=env, cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
    assert resumed.returncode == 0, resumed.stderr
    first = int(resumed.stdout.split()[1])
    assert first == killed_at + 1, f"resumed at epoch {first}, the checkpoint held epoch {killed_at}"

    whole = nf.fit(net, params, data, nf.mse, key=KEY, epochs=EPOCHS, optimizer=optax.adam(0.01), progress=False)
    with np.load(out) as saved:
        got = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    for g, w in zip(got, jax.tree.leaves(whole.params), strict=True):
        np.testing.assert_array_equal(g, np.asarray(w))


def test_a_legacy_uint32_key_round_trips(tmp_path):
    net, params, data = setup()
    legacy = jax.random.PRNGKey(3)
    result = nf.fit(net, params, data, nf.mse, key=legacy, epochs=2, checkpoint=tmp_path, progress=False)
    saved = checkpoint.load(tmp_path, params, result.opt_state)
    assert saved.key.dtype == legacy.dtype and saved.epoch == 2
    np.testing.assert_array_equal(saved.key, result.key)


def test_without_resume_a_run_starts_afresh_and_overwrites_the_checkpoint(tmp_path):
    net, params, data = setup()
    kw = dict(key=KEY, progress=False)
    nf.fit(net, params, data, nf.mse, epochs=2, checkpoint=tmp_path, **kw)
    fresh = nf.fit(net, params, data, nf.mse, epochs=1, checkpoint=nf.Checkpoints(tmp_path, resume=False), **kw)
    assert fresh.epochs == 1 and len(fresh.history.loss) == 1
    assert checkpoint.load(tmp_path, params, fresh.opt_state).epoch == 1
    assert_trees_equal(fresh.params, nf.fit(net, params, data, nf.mse, epochs=1, **kw).params)


def test_a_checkpoint_setting_of_another_kind_is_a_clear_error():
    net, params, data = setup()
    with pytest.raises(TypeError, match="checkpoint must be a directory or nf.Checkpoints"):
        nf.fit(net, params, data, nf.mse, key=KEY, checkpoint=50, progress=False)
