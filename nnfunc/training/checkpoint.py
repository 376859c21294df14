"""Training checkpoints: params, optimizer state, PRNG key, epoch and history in one file.

:class:`Checkpoints` is what :func:`nnfunc.fit` is told (``checkpoint=``): a
directory, how often to save, whether to resume from a checkpoint found there.

File layout (``DIRECTORY/checkpoint.nnf``)::

    NNFUNC-CHECKPOINT 1\\n                 magic line
    {"sha256": ..., "size": ..., ...}\\n    JSON metadata, one line
    <payload>                              a NumPy .npz archive (no pickle)

The metadata stores the SHA-256 and the byte length of the payload and the pytree
structures of params and optimizer state.  Loading verifies all of it: a
truncated, corrupt or foreign file raises :class:`CheckpointError` and is never
used.  Saving writes a temporary file in the same directory, flushes it to disk
and renames it over the old one with :func:`os.replace`, so a process killed at
any moment leaves either the previous checkpoint or the new one, never half of
one.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

FILE_NAME = "checkpoint.nnf"
MAGIC = b"NNFUNC-CHECKPOINT 1\n"


class CheckpointError(ValueError):
    """A checkpoint that is missing, truncated, corrupt, or for another network."""


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


def save(directory, params, opt_state, key, epoch: int, history: dict) -> Path:
    """Write a checkpoint to ``directory`` atomically and return its path.

    >>> import tempfile, jax.numpy as jnp, jax
    >>> d = tempfile.mkdtemp()
    >>> p = save(d, {"w": jnp.ones(2)}, (), jax.random.key(0), 3, {"loss": [0.5, 0.25, 0.125]})
    >>> load(d, {"w": jnp.zeros(2)}, ()).epoch
    3
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key_data, key_impl = _key_parts(key)
    p_leaves, p_tree = jax.tree.flatten(params)
    s_leaves, s_tree = jax.tree.flatten(opt_state)
    arrays = {f"params/{i}": np.asarray(a) for i, a in enumerate(p_leaves)}
    arrays |= {f"opt_state/{i}": np.asarray(a) for i, a in enumerate(s_leaves)}
    arrays |= {f"history/{name}": np.asarray(v) for name, v in history.items()}
    arrays["key"] = key_data
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    payload = buffer.getvalue()
    meta = {"epoch": int(epoch), "size": len(payload), "sha256": hashlib.sha256(payload).hexdigest(),
            "params_tree": str(p_tree), "opt_state_tree": str(s_tree), "key_impl": key_impl,
            "history": sorted(history)}
    path = path_in(directory)
    tmp = directory / f".{FILE_NAME}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(MAGIC + json.dumps(meta).encode() + b"\n" + payload)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    for stale in directory.glob(f".{FILE_NAME}.*.tmp"):  # left by a writer killed mid-write
        stale.unlink(missing_ok=True)
    return path


def _read_verified(path: Path) -> tuple[dict, dict]:
    """(metadata, arrays) of the file at ``path``, after every integrity check."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"no checkpoint at {path}") from None
    if not raw.startswith(MAGIC):
        raise CheckpointError(f"{path} is not an nnfunc checkpoint (its first bytes are {raw[:20]!r})")
    header_end = raw.find(b"\n", len(MAGIC))
    try:
        meta = json.loads(raw[len(MAGIC):header_end])
        size, digest = int(meta["size"]), str(meta["sha256"])
    except (ValueError, KeyError, TypeError):
        raise CheckpointError(f"{path}: the metadata line is damaged; the file is truncated or corrupt") from None
    payload = raw[header_end + 1:]
    if header_end < 0 or len(payload) != size:
        raise CheckpointError(f"{path} is truncated or padded: the metadata promises {size} payload bytes, "
                              f"the file holds {max(len(payload), 0)}")
    if hashlib.sha256(payload).hexdigest() != digest:
        raise CheckpointError(f"{path} is corrupt: the SHA-256 of its payload does not match the one stored")
    with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
        return meta, {name: npz[name] for name in npz.files}


def _restore(arrays: dict, prefix: str, like, saved_tree: str, path: Path):
    """The pytree of ``like``'s structure with the saved leaves, checked leaf by leaf."""
    paths_leaves, tree = jax.tree_util.tree_flatten_with_path(like)
    if str(tree) != saved_tree:
        raise CheckpointError(f"{path} holds {prefix} of another structure (another network or optimizer?):\n"
                              f"  saved:    {saved_tree}\n  expected: {tree}")
    restored = []
    for i, (where, want) in enumerate(paths_leaves):
        got = arrays[f"{prefix}/{i}"]
        want = np.asarray(want)
        if got.shape != want.shape or got.dtype != want.dtype:
            raise CheckpointError(f"{path}: {prefix}{jax.tree_util.keystr(where)} is {got.dtype}{list(got.shape)} "
                                  "in the checkpoint "
                                  f"but {want.dtype}{list(want.shape)} here")
        restored.append(jnp.asarray(got))
    return jax.tree.unflatten(tree, restored)


def load(directory, params_like, opt_state_like) -> SavedState:
    """Read and verify the checkpoint in ``directory``.

    ``params_like`` and ``opt_state_like`` give the expected pytree structures,
    shapes and dtypes (e.g. freshly initialised params and ``optimizer.init`` of
    them); a mismatch raises :class:`CheckpointError` naming both.

    >>> import tempfile
    >>> load(tempfile.mkdtemp(), {}, ())
    Traceback (most recent call last):
    ...
    nnfunc.training.checkpoint.CheckpointError: no checkpoint at .../checkpoint.nnf
    """
    path = path_in(directory)
    meta, arrays = _read_verified(path)
    params = _restore(arrays, "params", params_like, meta["params_tree"], path)
    opt_state = _restore(arrays, "opt_state", opt_state_like, meta["opt_state_tree"], path)
    key = arrays["key"]
    key = jnp.asarray(key) if meta["key_impl"] is None else jax.random.wrap_key_data(key, impl=meta["key_impl"])
    history = {name: arrays[f"history/{name}"] for name in meta["history"]}
    return SavedState(params, opt_state, key, int(meta["epoch"]), history)


def exists(directory) -> bool:
    """Whether ``directory`` holds a checkpoint file (not yet verified).

    >>> exists("/nonexistent/directory")
    False
    """
    return path_in(directory).is_file()
