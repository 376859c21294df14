"""Checkpoints: exact round trip, refusal of damaged files, resume, and survival of kill -9."""
import errno
import hashlib
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
    checkpoint.save(tmp_path, net.name, params, opt_state, key, 7, {"loss": [3.0, 2.0]})
    return tmp_path, params, opt_state, key


def test_save_then_load_restores_everything_exactly(saved):
    directory, params, opt_state, key = saved
    net = setup()[0]
    fresh, _ = net.init(jax.random.key(1), (2,))
    got = checkpoint.load(directory, net.name, fresh, optax.adam(0.1).init(fresh))
    assert_trees_equal(got.params, params)
    assert_trees_equal(got.opt_state, opt_state)
    np.testing.assert_array_equal(jax.random.key_data(got.key), jax.random.key_data(key))
    assert got.epoch == 7 and got.history["loss"].tolist() == [3.0, 2.0]
    assert [p.name for p in directory.iterdir()] == ["checkpoint.nnf"], "a temporary file was left behind"


def flip(raw, at):
    """``raw`` with every bit of the byte at ``at`` flipped."""
    return raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1:]


def epoch_digit(raw):
    """The position of the epoch's first digit in the metadata line."""
    return raw.index(b'"epoch": ') + len(b'"epoch": ')


def damage(path, how):
    raw = path.read_bytes()
    damaged = {
        "magic": lambda: flip(raw, 0), "version": lambda: flip(raw, len(checkpoint.MAGIC) - 2),
        "metadata: epoch digit": lambda: flip(raw, epoch_digit(raw)),
        "metadata: network name": lambda: flip(raw, raw.index(b"tanh")),
        "payload": lambda: flip(raw, len(raw) - 100), "digest": lambda: flip(raw, len(raw) - 10),
        "digest newline": lambda: flip(raw, len(raw) - 1), "truncated": lambda: raw[:-10],
        "empty": lambda: b"", "metadata cut": lambda: raw[:40], "padded": lambda: raw + b"\n",
        "old format": lambda: b"NNFUNC-CHECKPOINT 1\n" + raw[len(checkpoint.MAGIC):],
    }[how]()
    path.write_bytes(damaged)


CORRUPT = "truncated or corrupt: the SHA-256 of its bytes does not match"


@pytest.mark.parametrize("how, message", [
    ("magic", "not an nnfunc checkpoint"), ("version", "not an nnfunc checkpoint"),
    ("metadata: epoch digit", CORRUPT), ("metadata: network name", CORRUPT), ("payload", CORRUPT),
    ("digest", CORRUPT), ("digest newline", CORRUPT), ("truncated", CORRUPT), ("metadata cut", CORRUPT),
    ("padded", CORRUPT), ("empty", "not an nnfunc checkpoint"), ("old format", "old checkpoint format 1"),
])
def test_a_damaged_checkpoint_is_refused(saved, how, message):
    directory, params, opt_state, _ = saved
    damage(checkpoint.path_in(directory), how)
    with pytest.raises(nf.CheckpointError, match=message) as info:
        checkpoint.load(directory, setup()[0].name, params, opt_state)
    assert str(checkpoint.path_in(directory)) in str(info.value)


def resealed(content):
    """A file of ``content`` (magic, metadata, payload) with a matching digest, as another program might write."""
    return content + hashlib.sha256(content).hexdigest().encode() + b"\n"


@pytest.mark.parametrize("edit, message", [
    (lambda meta: meta.replace(b'"epoch": 7', b'"epoch": "7"'), "metadata line lacks a field or has one of the wrong"),
    (lambda meta: meta.replace(b'"key_impl"', b'"key_kind"'), "key_impl"),
    (lambda meta: meta[:-5], "damaged though its SHA-256 matches"),
    (lambda meta: meta.replace(b'"history": ["loss"]', b'"history": ["loss", "accuracy"]'),
     "lacks the array 'history/accuracy'"),
])
def test_damaged_metadata_with_a_matching_digest_is_a_checkpoint_error(saved, edit, message):
    directory, params, opt_state, _ = saved
    path = checkpoint.path_in(directory)
    raw = path.read_bytes()
    start = len(checkpoint.MAGIC)
    end = raw.index(b"\n", start)
    path.write_bytes(resealed(raw[:start] + edit(raw[start:end]) + raw[end:-checkpoint.DIGEST_BYTES]))
    with pytest.raises(nf.CheckpointError, match=message):
        checkpoint.load(directory, setup()[0].name, params, opt_state)


def test_a_checkpoint_of_another_network_is_refused(saved):
    directory, params, opt_state, _ = saved
    net = setup()[0]
    wider = nf.serial(nf.dense(4), nf.tanh(), nf.dense(1), nf.sigmoid())
    other, _ = wider.init(KEY, (2,))
    with pytest.raises(nf.CheckpointError, match=r"params\[0\]\['b'\] is float64\[3\] .* but float64\[4\]"):
        checkpoint.load(directory, net.name, other, optax.adam(0.1).init(other))
    with pytest.raises(nf.CheckpointError, match=r"another network:\n  saved: +serial\(dense\(3\), tanh.*\n"
                                                 r"  this run: serial\(dense\(4\), tanh"):
        checkpoint.load(directory, wider.name, other, optax.adam(0.1).init(other))
    with pytest.raises(nf.CheckpointError, match="another structure \\(another optimizer"):
        checkpoint.load(directory, net.name, params, optax.sgd(0.1).init(params))


def test_fit_refuses_the_checkpoint_of_a_network_of_the_same_shapes(tmp_path):
    relu, tanh = (nf.serial(nf.dense(3), act(), nf.dense(1), nf.sigmoid()) for act in (nf.relu, nf.tanh))
    params, _ = tanh.init(KEY, (2,))
    _, _, data = setup()
    nf.fit(relu, params, data, nf.mse, key=KEY, epochs=1, checkpoint=tmp_path, progress=False)
    with pytest.raises(nf.CheckpointError, match=r"saved: +serial\(dense\(3\), relu, dense\(1\), sigmoid\)\n"
                                                 r"  this run: serial\(dense\(3\), tanh, dense\(1\), sigmoid\)"):
        nf.fit(tanh, params, data, nf.mse, key=KEY, epochs=2, checkpoint=tmp_path, progress=False)


def test_fit_resumes_to_the_params_of_an_uninterrupted_run(tmp_path):
    net, params, data = setup()
    kw = dict(key=KEY, optimizer=optax.adam(0.01), progress=False)
    part = nf.fit(net, params, data, nf.mse, epochs=3, checkpoint=nf.Checkpoints(tmp_path, every=2), **kw)
    assert checkpoint.load(tmp_path, net.name, params, part.opt_state).epoch == 3, "the last epoch is always saved"
    resumed = nf.fit(net, params, data, nf.mse, epochs=5, checkpoint=tmp_path, **kw)
    whole = nf.fit(net, params, data, nf.mse, epochs=5, **kw)
    assert_trees_equal(resumed.params, whole.params)
    np.testing.assert_array_equal(resumed.history.loss, whole.history.loss)
    assert resumed.epochs == 5


def test_fit_never_trains_on_from_a_corrupt_checkpoint(tmp_path):
    net, params, data = setup()
    nf.fit(net, params, data, nf.mse, key=KEY, epochs=1, checkpoint=tmp_path, progress=False)
    damage(checkpoint.path_in(tmp_path), "metadata: epoch digit")
    with pytest.raises(nf.CheckpointError, match=CORRUPT):
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
    killed_at = checkpoint.load(directory, net.name, params, optax.adam(0.01).init(params)).epoch
    assert 1 <= killed_at < EPOCHS and not out.exists()
    path = checkpoint.path_in(directory)
    good = path.read_bytes()
    path.write_bytes(flip(good, epoch_digit(good)))  # a resume at a wrong epoch would end with other params
    with pytest.raises(nf.CheckpointError, match=CORRUPT):
        nf.fit(net, params, data, nf.mse, key=KEY, epochs=EPOCHS, optimizer=optax.adam(0.01), checkpoint=directory,
               progress=False)
    path.write_bytes(good)

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
    saved = checkpoint.load(tmp_path, net.name, params, result.opt_state)
    assert saved.key.dtype == legacy.dtype and saved.epoch == 2
    np.testing.assert_array_equal(saved.key, result.key)


def test_without_resume_a_run_starts_afresh_and_overwrites_the_checkpoint(tmp_path):
    net, params, data = setup()
    kw = dict(key=KEY, progress=False)
    nf.fit(net, params, data, nf.mse, epochs=2, checkpoint=tmp_path, **kw)
    fresh = nf.fit(net, params, data, nf.mse, epochs=1, checkpoint=nf.Checkpoints(tmp_path, resume=False), **kw)
    assert fresh.epochs == 1 and len(fresh.history.loss) == 1
    assert checkpoint.load(tmp_path, net.name, params, fresh.opt_state).epoch == 1
    assert_trees_equal(fresh.params, nf.fit(net, params, data, nf.mse, epochs=1, **kw).params)


def test_a_checkpoint_setting_of_another_kind_is_a_clear_error():
    net, params, data = setup()
    with pytest.raises(TypeError, match="checkpoint must be a directory or nf.Checkpoints"):
        nf.fit(net, params, data, nf.mse, key=KEY, checkpoint=50, progress=False)


class FullDisk:
    """A file that takes ``room`` bytes and then fails as a full disk does."""

    def __init__(self, path, room):
        self.file, self.room = open(path, "wb"), room

    def write(self, data):
        self.file.write(data[:self.room])
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()


def test_a_failed_write_keeps_the_training_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    net, params, data = setup()
    kw = dict(key=KEY, optimizer=optax.adam(0.01), progress=False)
    saves = []

    def open_then_fill_the_disk(path, mode):
        saves.append(path)
        return open(path, mode) if len(saves) < 2 else FullDisk(path, room=100)
    monkeypatch.setattr(checkpoint, "open", open_then_fill_the_disk, raising=False)
    with pytest.raises(nf.CheckpointWriteError, match=r"could not write the checkpoint .*checkpoint\.nnf: "
                                                      r"\[Errno 28\] No space left on device; the state after "
                                                      r"epoch 2 is in this exception's \.result") as info:
        nf.fit(net, params, data, nf.mse, epochs=5, checkpoint=tmp_path, **kw)
    assert info.value.path == checkpoint.path_in(tmp_path) and info.value.reason.errno == errno.ENOSPC
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.nnf"], "the temporary file was left behind"
    assert info.value.result.epochs == 2
    assert_trees_equal(info.value.result.params, nf.fit(net, params, data, nf.mse, epochs=2, **kw).params)
    monkeypatch.undo()
    assert checkpoint.load(tmp_path, net.name, params, info.value.result.opt_state).epoch == 1, \
        "the previous checkpoint was damaged"


def test_save_itself_names_the_path_and_keeps_no_temporary_file(tmp_path, monkeypatch):
    def no_room(fd):
        raise OSError(errno.EFBIG, "File too large")
    monkeypatch.setattr(checkpoint.os, "fsync", no_room)
    with pytest.raises(nf.CheckpointWriteError, match=r"checkpoint\.nnf: \[Errno 27\] File too large$") as info:
        checkpoint.save(tmp_path, "dense(1)", {"w": np.ones(2)}, (), KEY, 1, {})
    assert info.value.result is None and list(tmp_path.iterdir()) == []
