r"""fit: train a network with any optax optimizer, one compiled epoch after another.

Article B's training loop: repeat the epoch of :mod:`nnfunc.training.epoch` (one
optimizer step per batch, :math:`\theta \leftarrow \theta + \mathrm{update}(\partial E_B/\partial\theta)`)
until the epochs are done or the epoch's loss falls below ``stop_below``; record
each epoch's loss, accuracy and time, save checkpoints, and stop with
:class:`~nnfunc.training.results.TrainingDiverged` at the first epoch whose loss or
params are not finite.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator, NamedTuple

import jax
import optax

from nnfunc.layer import Layer
from nnfunc.training import checkpoint as checkpoint_file
from nnfunc.training.checkpoint import Checkpoints, CheckpointWriteError, checkpoints_from
from nnfunc.training.compiled import reused_epoch
from nnfunc.training.fit_arguments import (batch_size_in, check_opt_state, check_options, checked_optimizer,
                                           prepare_directory)
from nnfunc.losses import as_loss
from nnfunc.training.measures import wants_accuracy
from nnfunc.training.progress import ProgressBar
from nnfunc.training.results import FitResult, TrainingDiverged, history_from
from nnfunc.validate_data import checked_data, checked_params

LEARNING_RATE = 0.1
DEFAULT_OPTIMIZER = optax.sgd(LEARNING_RATE)


class _State(NamedTuple):
    """The training state after ``epoch`` epochs; ``records`` maps loss, accuracy, seconds to per-epoch lists."""

    params: Any
    opt_state: Any
    key: Any
    epoch: int
    records: dict


def _start(params, key, where: str) -> tuple:
    """``(params, opt_state or None, key)`` to train from: a :class:`FitResult`'s state, or ``params`` and ``key``."""
    if not isinstance(params, FitResult):
        return params, None, key
    if key is not None:
        raise ValueError(f"{where}: params is a FitResult, which carries its own key to continue with; "
                         "leave key out to continue it, or pass its .params and a key to start a new run")
    return params.params, params.opt_state, params.key


def _resumed(state: _State, saving: Checkpoints | None, network: str) -> _State:
    """``state``, or the checkpoint in ``saving.directory`` (verified against ``state``) when resuming from one."""
    if saving is None or not saving.resume or not checkpoint_file.exists(saving.directory):
        return state
    saved = checkpoint_file.load(saving.directory, network, state.params, state.opt_state)
    return _State(saved.params, saved.opt_state, saved.key, saved.epoch,
                  {name: list(saved.history.get(name, [])) for name in state.records})


def _save(directory, network: str, state: _State, result_of: Callable) -> None:
    """Save ``state``'s checkpoint; a failed write raises :class:`CheckpointWriteError` holding ``result_of(state)``."""
    try:
        checkpoint_file.save(directory, network, state.params, state.opt_state, state.key, state.epoch, state.records)
    except CheckpointWriteError as err:
        raise CheckpointWriteError(err.path, err.reason, result_of(state)) from err.reason


def _below(records: dict, stop_below: float | None) -> bool:
    """Whether the last epoch's loss is below ``stop_below`` (never without one or before an epoch)."""
    return stop_below is not None and bool(records["loss"]) and records["loss"][-1] < stop_below


def _epochs(compiled: Callable, state: _State, x, t, epochs: int, stop_below: float | None,
            result_of: Callable) -> Iterator[_State]:
    """Run ``compiled`` from ``state`` until ``epochs`` epochs are done or the loss is below ``stop_below``.

    Yields the state after each epoch, with the epoch's loss, accuracy and wall time
    appended to ``state.records``; raises :class:`TrainingDiverged` holding
    ``result_of`` the last good state when an epoch's loss or params are not finite.
    """
    records = state.records
    while state.epoch < epochs and not _below(records, stop_below):
        tic = time.perf_counter()
        out = compiled(state.params, state.opt_state, state.key, x, t)
        if not bool(out.finite):
            raise TrainingDiverged(state.epoch + 1, result_of(state))
        seconds = time.perf_counter() - tic
        records["loss"].append(float(out.loss))
        records["accuracy"].append(float(out.accuracy))
        records["seconds"].append(seconds)
        state = _State(out.params, out.opt_state, out.key, state.epoch + 1, records)
        yield state


def _summary(records: dict, accuracy: bool) -> str:
    """The progress bar's text after an epoch: its loss, and its accuracy when measured."""
    return f"loss {records['loss'][-1]:.4g}" + (f" accuracy {records['accuracy'][-1]:.3f}" if accuracy else "")


def fit(net: Layer, params, data, loss, *, key=None, epochs: int = 1, batch_size: int | None = 1,
        optimizer=None, gradients: str = "backprop", shuffle: bool = True, stop_below: float | None = None,
        accuracy: bool | None = None, augment: Callable | None = None, checkpoint=None,
        callback: Callable | None = None, progress: bool | None = None) -> FitResult:
    r"""Train ``net`` from ``params`` on ``data = (x, t)``; return a :class:`FitResult`.

    Each epoch is one compiled ``lax.scan`` of optimizer steps
    :math:`\theta \leftarrow \theta + \mathrm{update}(\partial E_B/\partial\theta)` over
    the batches :math:`B` (see :func:`nnfunc.make_epoch`), compiled once
    (``compile_s``) and then only run; a later ``fit`` with the same ``net``, ``loss``
    and ``optimizer`` objects (the default optimizer is one object) and data of the
    same shapes reuses that compilation (``compile_s`` near 0).

    Arguments:
        net: the network, a :class:`nnfunc.Layer`.
        params: its params to start from; or a :class:`FitResult` to continue training
            from its params, optimizer state and key (``epochs`` more epochs, with a
            fresh history; then ``key`` must be left out): two runs of 2 and 3 epochs
            end with the params of one run of 5, bit for bit.
        data: the training set, a pair ``(x, t)`` of inputs and targets, one row per sample.
        loss: the loss :math:`E`, an :class:`nnfunc.Loss` (e.g. ``nf.mse``) or its name.
        key: the PRNG key for shuffling and ``augment``; required unless
            ``shuffle=False`` and no ``augment`` (or ``params`` is a :class:`FitResult`).
        epochs: how many epochs to train (with a resumed checkpoint: in all, those
            already saved included).
        batch_size: samples per step: 1 = per-sample SGD, ``None`` = full batch; a
            remainder that does not fill a batch is dropped per epoch.
        optimizer: any optax ``GradientTransformation``; default ``optax.sgd(0.1)``
            (the articles' :math:`\theta \leftarrow \theta - 0.1\,\partial E/\partial\theta`).
        gradients: ``"backprop"`` (the hand backward passes) or ``"jax"`` (``jax.grad``).
        shuffle: permute the samples each epoch with a key split from ``key``.
        stop_below: stop after the first epoch whose loss (``history.loss``) is below it (article B).
        accuracy: record accuracy per epoch; default on for the cross-entropy losses.
        augment: ``augment(key, x_batch) -> x_batch`` applied to each batch before its
            step, e.g. ``nf.augment.compose(nf.augment.random_mirror(), nf.augment.random_shift(2))``;
            its keys come from ``key``, so runs stay reproducible.
        checkpoint: a directory or :class:`nnfunc.Checkpoints` ``(directory, every=1,
            resume=True)``: save params, optimizer state, key, epoch and history there
            every ``every`` epochs and at the end; with ``resume`` a checkpoint already
            there is verified and training continues from it (it takes the place of
            ``params``; the same call gives bit-identical results to an uninterrupted run).
        callback: ``callback(epoch, params, history)``, called after every epoch (e.g. to print).
        progress: a progress bar on stderr; default only at a terminal outside CI.

    Every argument is checked before any compiling or training (a ``TypeError`` or
    ``ValueError`` naming ``fit`` and the value). If the loss or a param becomes NaN
    or infinite, :class:`TrainingDiverged` is raised; its ``.result`` holds the state
    after the last good epoch.  A checkpoint that cannot be written raises
    :class:`~nnfunc.CheckpointWriteError`, whose ``.result`` holds the state it was saving.

    >>> import jax, optax, nnfunc as nf
    >>> x, t = nf.logic_gate("AND")
    >>> net = nf.serial(nf.dense(1), nf.sigmoid())
    >>> params, _ = net.init(jax.random.key(0), (2,))
    >>> result = nf.fit(net, params, (x, t), nf.mse, key=jax.random.key(1), epochs=500, batch_size=None,
    ...                 optimizer=optax.sgd(5.0), accuracy=True)
    >>> float(result.history.accuracy[-1]), bool(result.history.loss[-1] < result.history.loss[0])
    (1.0, True)
    >>> more = nf.fit(net, result, (x, t), nf.mse, epochs=10, batch_size=None, optimizer=optax.sgd(5.0))
    >>> more.epochs, bool(more.history.loss[0] <= result.history.loss[-1])
    (10, True)
    """
    where = f"fit({net.name})"
    loss = as_loss(loss, where)
    saving = checkpoints_from(checkpoint, where)
    params, opt_state, key = _start(params, key, where)
    check_options(where, key=key, epochs=epochs, shuffle=shuffle, augment=augment, gradients=gradients,
                  stop_below=stop_below, accuracy=accuracy, callback=callback, progress=progress)
    optimizer = checked_optimizer(DEFAULT_OPTIMIZER if optimizer is None else optimizer, where)
    params = checked_params(params, where)
    x, t = checked_data(net, params, data, where)
    batch = batch_size_in(where, batch_size, len(x))
    if opt_state is not None:
        check_opt_state(optimizer, params, opt_state, where)
    if saving is not None:
        prepare_directory(saving.directory, where)
    state = _State(params, optimizer.init(params) if opt_state is None else opt_state,
                   jax.random.key(0) if key is None else key,  # the key is unused when shuffle=False
                   0, {"loss": [], "accuracy": [], "seconds": []})
    state = _resumed(state, saving, net.name)
    classify = wants_accuracy(accuracy, loss)
    epoch_fn = reused_epoch(net, loss, optimizer, batch, gradients=gradients, shuffle=shuffle, accuracy=classify,
                            augment=augment)
    tic = time.perf_counter()
    compiled = epoch_fn.lower(state.params, state.opt_state, state.key, x, t).compile()
    compile_s = time.perf_counter() - tic

    def result_of(state: _State) -> FitResult:
        return FitResult(state.params, state.opt_state, state.key, history_from(state.records, classify),
                         state.epoch, _below(state.records, stop_below), compile_s)

    bar = ProgressBar(epochs, enabled=progress)
    bar.update(state.epoch, "resumed" if state.epoch else "")
    try:
        for state in _epochs(compiled, state, x, t, epochs, stop_below, result_of):
            bar.update(state.epoch, _summary(state.records, classify))
            last = state.epoch == epochs or _below(state.records, stop_below)
            if saving is not None and (state.epoch % saving.every == 0 or last):
                _save(saving.directory, net.name, state, result_of)
            if callback is not None:
                callback(state.epoch, state.params, history_from(state.records, classify))
    finally:
        bar.close()
    return result_of(state)
