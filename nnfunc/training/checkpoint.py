"""Training checkpoints: params, optimizer state, PRNG key, epoch and history in one file.

:class:`Checkpoints` is what :func:`nnfunc.fit` is told (``checkpoint=``): a
directory, how often to save, whether to resume from a checkpoint found there.

File layout (``DIRECTORY/checkpoint.nnf``)::

    NNFUNC-CHECKPOINT 2\\n                 magic line
    {"network": ..., "epoch": ..., ...}\\n  JSON metadata, one line
    <payload>                              a NumPy .npz archive (no pickle)
    <sha256>\\n                            SHA-256 (hex) of every byte before it

The metadata names the network (``net.name``: its layers in order), the epoch,
the history's names and the pytree structures of params and optimizer state (the
optimizer's kind: ``ScaleByAdamState``...); the payload holds every array, with
its shape and dtype.  Loading verifies all of it: a truncated, corrupt or
foreign file, or one of another network or optimizer, raises
:class:`CheckpointError` saying what is wrong, and is never used.  Saving writes
a temporary file in the same directory, flushes it to disk and renames it over
the old one with :func:`os.replace`, so a process killed at any moment leaves
either the previous checkpoint or the new one, never half of one; a write that
fails (disk full) removes the temporary file and raises
:class:`CheckpointWriteError`.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

FILE_NAME = "checkpoint.nnf"
MAGIC = b"NNFUNC-CHECKPOINT 2\n"
DIGEST_BYTES = 65  # the SHA-256 in hex and a newline, at the end of the file
METADATA = {"network": str, "epoch": int, "params_tree": str, "opt_state_tree": str, "key_impl": (str, type(None)),
            "history": list}  # every field of the metadata line and its type


class CheckpointError(ValueError):
    """A checkpoint that is missing, truncated, corrupt, or for another network."""


class CheckpointWriteError(CheckpointError):
    """A checkpoint that could not be written (disk full, file too large, no permission).

    ``path`` is the checkpoint file, ``reason`` the ``OSError``; from :func:`nnfunc.fit`,
    ``result`` is the :class:`~nnfunc.FitResult` of the state it tried to save, so no
    training is lost (``None`` when raised by :func:`save` itself).  The temporary
    file is removed and the previous checkpoint, if any, is left as it was.
    """

    def __init__(self, path, reason: OSError, result=None):
        kept = "" if result is None else f"; the state after epoch {result.epochs} is in this exception's .result"
        super().__init__(f"could not write the checkpoint {path}: {reason}{kept}")
        self.path, self.reason, self.result = path, reason, result


class Checkpoints(NamedTuple):
    """Where and how often :func:`nnfunc.fit` saves its state, and whether it resumes from it.

    - ``directory``: the folder of the checkpoint file (made if missing).
    - ``every``: save after every ``every``-th epoch, and always after the last one.
    - ``resume``: if ``directory`` already holds a checkpoint, verify it and continue
      from its epoch (``False``: start afresh and overwrite it).

    ``fit(..., checkpoint="runs/a")`` is short for ``checkpoint=Checkpoints("runs/a")``.

    >>> Checkpoints("runs/a", every=50)
    Checkpoints(directory='runs/a', every=50, resume=True)
    """

    directory: str | os.PathLike
    every: int = 1
    resume: bool = True


def checkpoints_from(checkpoint, where: str) -> Checkpoints | None:
    """``checkpoint`` as :class:`Checkpoints` (a path is one with the defaults), or ``None``.

    >>> checkpoints_from("runs/a", "fit")
    Checkpoints(directory='runs/a', every=1, resume=True)
    >>> checkpoints_from(Checkpoints("runs/a", every=0), "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: Checkpoints.every must be a positive int, got 0
    """
    if checkpoint is None:
        return None
    if isinstance(checkpoint, (str, os.PathLike)):
        return Checkpoints(checkpoint)
    if not isinstance(checkpoint, Checkpoints):
        raise TypeError(f"{where}: checkpoint must be a directory or nf.Checkpoints(directory, every, resume), "
                        f"got {type(checkpoint).__name__}")
    if not isinstance(checkpoint.every, int) or checkpoint.every < 1:
        raise ValueError(f"{where}: Checkpoints.every must be a positive int, got {checkpoint.every!r}")
    return checkpoint


class SavedState(NamedTuple):
    """What :func:`load` returns; ``history`` maps a name to a per-epoch array."""

    params: Any
    opt_state: Any
    key: Any
    epoch: int
    history: dict


def path_in(directory) -> Path:
    """The checkpoint file inside ``directory``.

    >>> path_in("runs/a").as_posix()
    'runs/a/checkpoint.nnf'
    """
    return Path(directory) / FILE_NAME


def _key_parts(key):
    """(raw uint32 data, implementation name or None for a legacy uint32 key)."""
    if jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
        return np.asarray(jax.random.key_data(key)), str(jax.random.key_impl(key))
    return np.asarray(key), None


def save(directory, network: str, params, opt_state, key, epoch: int, history: dict) -> Path:
    """Write the checkpoint of ``network`` (its ``net.name``) to ``directory`` atomically and return its path.

    A failed write raises :class:`CheckpointWriteError` and leaves no temporary file.

    >>> import tempfile, jax.numpy as jnp, jax
    >>> d = tempfile.mkdtemp()
    >>> p = save(d, "dense(2)", {"w": jnp.ones(2)}, (), jax.random.key(0), 3, {"loss": [0.5, 0.25, 0.125]})
    >>> load(d, "dense(2)", {"w": jnp.zeros(2)}, ()).epoch
    3
    """
    directory = Path(directory)
    key_data, key_impl = _key_parts(key)
    p_leaves, p_tree = jax.tree.flatten(params)
    s_leaves, s_tree = jax.tree.flatten(opt_state)
    arrays = {f"params/{i}": np.asarray(a) for i, a in enumerate(p_leaves)}
    arrays |= {f"opt_state/{i}": np.asarray(a) for i, a in enumerate(s_leaves)}
    arrays |= {f"history/{name}": np.asarray(v) for name, v in history.items()}
    arrays["key"] = key_data
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    meta = {"network": network, "epoch": int(epoch), "params_tree": str(p_tree), "opt_state_tree": str(s_tree),
            "key_impl": key_impl, "history": sorted(history)}
    content = MAGIC + json.dumps(meta).encode() + b"\n" + buffer.getvalue()
    path = path_in(directory)
    tmp = directory / f".{FILE_NAME}.{os.getpid()}.tmp"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(content + hashlib.sha256(content).hexdigest().encode() + b"\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise CheckpointWriteError(path, err) from err
    for stale in directory.glob(f".{FILE_NAME}.*.tmp"):  # left by a writer killed mid-write
        stale.unlink(missing_ok=True)
    return path


OLD_MAGIC = b"NNFUNC-CHECKPOINT 1\n"  # the format before the SHA-256 covered the metadata


def _verified_content(path: Path) -> bytes:
    """The bytes of the file at ``path`` before its digest line, after checking its magic line and SHA-256."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"no checkpoint at {path}") from None
    if raw.startswith(OLD_MAGIC):
        raise CheckpointError(f"{path} is in the old checkpoint format 1, which this nnfunc no longer reads (format 2 "
                              "checks the metadata too): delete it, or pass nf.Checkpoints(directory, resume=False) "
                              "to start afresh and overwrite it")
    if not raw.startswith(MAGIC):
        raise CheckpointError(f"{path} is not an nnfunc checkpoint (its first bytes are {raw[:20]!r})")
    content, digest = raw[:-DIGEST_BYTES], raw[-DIGEST_BYTES:]
    if len(content) <= len(MAGIC) or hashlib.sha256(content).hexdigest().encode() + b"\n" != digest:
        raise CheckpointError(f"{path} is truncated or corrupt: the SHA-256 of its bytes does not match the digest "
                              "stored at its end")
    return content


def _parsed(content: bytes, path: Path) -> tuple[dict, dict]:
    """(metadata, arrays) of a verified file's ``content``; any damaged part raises :class:`CheckpointError`."""
    line, _, payload = content[len(MAGIC):].partition(b"\n")
    try:
        meta = json.loads(line)
        with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:  # a JSON or Unicode error is a ValueError
        raise CheckpointError(f"{path} is damaged though its SHA-256 matches (written by another program?): "
                              f"{err}") from None
    if not isinstance(meta, dict) or any(not isinstance(meta.get(name, ...), kind) for name, kind in METADATA.items()):
        raise CheckpointError(f"{path}: its metadata line lacks a field or has one of the wrong type (it needs "
                              f"{', '.join(METADATA)}): {line[:300]!r}")
    return meta, arrays


def _array(arrays: dict, name: str, path: Path):
    """``arrays[name]``, or :class:`CheckpointError` when the payload lacks it."""
    if name not in arrays:
        raise CheckpointError(f"{path}: its payload lacks the array {name!r} that its metadata promises")
    return arrays[name]


def _restore(arrays: dict, prefix: str, like, saved_tree: str, path: Path):
    """The pytree of ``like``'s structure with the saved leaves, checked leaf by leaf."""
    paths_leaves, tree = jax.tree_util.tree_flatten_with_path(like)
    if str(tree) != saved_tree:
        kind = "optimizer" if prefix == "opt_state" else "network"
        raise CheckpointError(f"{path} holds {prefix} of another structure (another {kind}?):\n"
                              f"  saved:    {saved_tree}\n  expected: {tree}")
    restored = []
    for i, (where, want) in enumerate(paths_leaves):
        got = _array(arrays, f"{prefix}/{i}", path)
        want = np.asarray(want)
        if got.shape != want.shape or got.dtype != want.dtype:
            raise CheckpointError(f"{path}: {prefix}{jax.tree_util.keystr(where)} is {got.dtype}{list(got.shape)} "
                                  "in the checkpoint "
                                  f"but {want.dtype}{list(want.shape)} here")
        restored.append(jnp.asarray(got))
    return jax.tree.unflatten(tree, restored)


def _key(data, impl: str | None, path: Path):
    """The PRNG key of raw ``data``: a legacy uint32 key for ``impl`` ``None``, else a typed key of ``impl``."""
    if impl is None:
        return jnp.asarray(data)
    try:
        return jax.random.wrap_key_data(data, impl=impl)
    except (ValueError, TypeError) as err:
        raise CheckpointError(f"{path}: its PRNG key ({impl}) cannot be restored: {err}") from None


def load(directory, network: str, params_like, opt_state_like) -> SavedState:
    """Read and verify the checkpoint of ``network`` (its ``net.name``) in ``directory``.

    ``params_like`` and ``opt_state_like`` give the expected pytree structures,
    shapes and dtypes (e.g. freshly initialised params and ``optimizer.init`` of
    them); a checkpoint of another network, or a mismatch, raises
    :class:`CheckpointError` naming both.

    >>> import tempfile
    >>> load(tempfile.mkdtemp(), "dense(1)", {}, ())
    Traceback (most recent call last):
    ...
    nnfunc.training.checkpoint.CheckpointError: no checkpoint at .../checkpoint.nnf
    """
    path = path_in(directory)
    meta, arrays = _parsed(_verified_content(path), path)
    if meta["network"] != network:
        raise CheckpointError(f"{path} holds the checkpoint of another network:\n  saved:    {meta['network']}\n"
                              f"  this run: {network}\n(use another directory, or nf.Checkpoints(directory, "
                              "resume=False) to start afresh and overwrite it)")
    params = _restore(arrays, "params", params_like, meta["params_tree"], path)
    opt_state = _restore(arrays, "opt_state", opt_state_like, meta["opt_state_tree"], path)
    key = _key(_array(arrays, "key", path), meta["key_impl"], path)
    history = {name: _array(arrays, f"history/{name}", path) for name in meta["history"]}
    return SavedState(params, opt_state, key, meta["epoch"], history)


def exists(directory) -> bool:
    """Whether ``directory`` holds a checkpoint file (not yet verified).

    >>> exists("/nonexistent/directory")
    False
    """
    return path_in(directory).is_file()
