r"""fit / predict / evaluate: gradient descent over optax, one jit-compiled ``lax.scan`` per epoch.

One step on a batch :math:`B` (article B's training loop, any optax optimizer):

.. math::
    E_B = \mathrm{loss}(f(\theta, x_B), t_B),\qquad g = \partial E_B/\partial\theta,\qquad
    (u, s) \leftarrow \mathrm{update}(g, s, \theta),\qquad \theta \leftarrow \theta + u

With the default ``optax.sgd(0.1)`` that is :math:`\theta \leftarrow \theta - 0.1\,g`.
:math:`g` comes from the hand backward passes (:func:`nnfunc.backprop`,
``gradients="backprop"``) or from ``jax.grad`` of the forward function
(``gradients="jax"``); the two agree to rounding.

An epoch: the sample indices are permuted with the epoch's key (or kept in order
with ``shuffle=False``), cut into :math:`\lfloor n/b \rfloor` batches of ``b``, and
the step runs over them inside one ``lax.scan``.  **The remainder** of
:math:`n \bmod b` samples that would not fill a batch **is dropped for that epoch**;
with shuffling a different remainder is dropped each epoch, so every sample is used
over several epochs (without shuffling the same tail is always dropped: pick a
``batch_size`` dividing ``n``).  ``batch_size=1`` is per-sample SGD (article E),
``batch_size=None`` full-batch gradient descent.  The epoch's loss (and accuracy)
is the mean over its batches of each batch's loss, computed just before that batch's
update: article C's running error ``err += mse(...)``, free to compute.  For the
loss of the trained params on a whole set use :func:`evaluate`.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from nnfunc import checkpoint
from nnfunc.layer import Layer, backprop
from nnfunc.losses import Loss, loss as loss_named
from nnfunc.metrics import accuracy as accuracy_of
from nnfunc.progress import ProgressBar
from nnfunc.validate import as_array, default_float

LEARNING_RATE = 0.1
DEFAULT_OPTIMIZER = optax.sgd(LEARNING_RATE)
COMPILED_CACHE_SIZE = 16  # compiled epoch and forward functions kept for reuse
PER_SAMPLE_UNROLL = 2  # per-sample SGD epoch ~10% faster on a 2-core CPU (experiments/bench_training.py)
CLASSIFICATION_LOSSES = ("binary_cross_entropy", "categorical_cross_entropy", "softmax_cross_entropy")


class History(NamedTuple):
    """Per-epoch records, one entry per completed epoch (resumed epochs included).

    ``loss``: the mean of the epoch's batch losses, each taken just before its
    update; ``accuracy``: the same for accuracy, or ``None`` when not a
    classification; ``seconds``: wall time of each epoch (compilation excluded).
    """

    loss: np.ndarray
    accuracy: np.ndarray | None
    seconds: np.ndarray


class FitResult(NamedTuple):
    """What :func:`fit` returns.

    ``params``, ``opt_state`` and ``key`` are the state after the last epoch: pass
    them back to ``fit`` (``opt_state=...``, ``key=...``) to continue training.
    ``epochs`` counts completed epochs; ``stopped_early`` is true when ``stop_below``
    ended training; ``compile_s`` is the time spent compiling the epoch function.
    """

    params: Any
    opt_state: Any
    key: Any
    history: History
    epochs: int
    stopped_early: bool
    compile_s: float


class Evaluation(NamedTuple):
    """Loss and accuracy of a network on a data set (``None`` where not asked for)."""

    loss: float | None
    accuracy: float | None


class TrainingDiverged(FloatingPointError):
    """The loss or the params became NaN or infinite during an epoch.

    ``epoch`` is that epoch (counted from 1); ``result`` is a :class:`FitResult`
    holding the last good state, the one after epoch ``epoch - 1``.
    """

    def __init__(self, epoch: int, result: FitResult):
        super().__init__(
            f"fit: the loss became NaN or infinite during epoch {epoch}; training stopped. "
            f"The last good params (after epoch {result.epochs}) are in this exception's .result "
            "(try a smaller learning rate)")
        self.epoch, self.result = epoch, result


class EpochOutput(NamedTuple):
    """What the compiled epoch function returns."""

    params: Any
    opt_state: Any
    key: Any
    loss: Any
    accuracy: Any
    finite: Any


def _as_loss(loss) -> Loss:
    if isinstance(loss, str):
        return loss_named(loss)
    if not isinstance(loss, Loss):
        raise TypeError(f"loss must be an nnfunc Loss (e.g. nf.mse) or its name, got {type(loss).__name__}")
    return loss


def _wants_accuracy(accuracy: bool | None, loss: Loss | None) -> bool:
    """``accuracy`` if given, else true exactly for the cross-entropy losses (or no loss)."""
    if accuracy is not None:
        return bool(accuracy)
    return loss is None or loss.name in CLASSIFICATION_LOSSES


def value_and_grad(net: Layer, loss: Loss, gradients: str) -> Callable:
    """``(params, x, t) -> (E, ∂E/∂θ)`` by the hand delta rule or by ``jax.grad``.

    >>> import jax, nnfunc as nf
    >>> net = nf.serial(nf.dense(1), nf.sigmoid())
    >>> p, _ = net.init(jax.random.key(0), (2,))
    >>> hand = value_and_grad(net, nf.mse, "backprop")(p, [[2.0, 3.0]], [[1.0]])[1]
    >>> auto = value_and_grad(net, nf.mse, "jax")(p, [[2.0, 3.0]], [[1.0]])[1]
    >>> bool(abs(hand[0]["w"] - auto[0]["w"]).max() < 1e-12)
    True
    """
    if gradients == "backprop":
        return backprop(net, loss)
    if gradients == "jax":
        def energy(params, x, t):
            return loss.value(net.forward(params, x)[0], as_array(t, f"jax.grad({net.name})", "targets"))
        return jax.value_and_grad(energy)
    raise ValueError(f"gradients must be 'backprop' (hand delta rule) or 'jax' (jax.grad), got {gradients!r}")


def make_epoch(net: Layer, loss: Loss, optimizer, batch_size: int, *, gradients: str = "backprop",
               shuffle: bool = True, accuracy: bool = False, unroll: int | None = None,
               augment: Callable | None = None) -> Callable:
    """The jit-compiled epoch ``(params, opt_state, key, x, t) -> EpochOutput``.

    Splits ``key`` into the next epoch's key and this epoch's shuffle key and runs
    :math:`\\lfloor n/b \\rfloor` optimizer steps in one ``lax.scan`` (the remainder
    is dropped, see the module docstring).  ``loss`` and ``accuracy`` are means over
    the batches, each taken before its update (``accuracy`` is NaN when not asked
    for); ``finite`` is false if any batch loss or any param at the end is not finite.

    ``augment(key, x_batch) -> x_batch`` (e.g. from :mod:`nnfunc.augment`), if given,
    transforms each batch's inputs before its step, with a key per step split from
    the epoch's key; the loss and accuracy are then those of the transformed batches.

    ``unroll`` steps are compiled into each iteration of the scan's loop (same
    arithmetic, fewer loop iterations); the default is ``PER_SAMPLE_UNROLL`` for
    ``batch_size=1``, where the loop's per-iteration cost is a large part of a step's,
    and 1 otherwise, where unrolling would only lengthen compilation.

    >>> import jax, optax, nnfunc as nf
    >>> net = nf.serial(nf.dense(1), nf.sigmoid())
    >>> p, _ = net.init(jax.random.key(0), (2,))
    >>> epoch = make_epoch(net, nf.mse, optax.sgd(0.1), batch_size=2)
    >>> out = epoch(p, optax.sgd(0.1).init(p), jax.random.key(1), jax.numpy.ones((4, 2)), jax.numpy.ones((4, 1)))
    >>> bool(out.finite), out.loss.shape
    (True, ())
    """
    grad_fn = value_and_grad(net, loss, gradients)
    unroll = (PER_SAMPLE_UNROLL if batch_size == 1 else 1) if unroll is None else unroll

    def epoch(params, opt_state, key, x, t):
        n_batches = x.shape[0] // batch_size
        key, shuffle_key = jax.random.split(key)
        if augment is not None:
            shuffle_key, augment_key = jax.random.split(shuffle_key)
        order = jax.random.permutation(shuffle_key, x.shape[0]) if shuffle else jnp.arange(x.shape[0])
        batches = order[: n_batches * batch_size].reshape(n_batches, batch_size)
        step_keys = None if augment is None else jax.random.split(augment_key, n_batches)

        def step(state, batch):
            params, opt_state = state
            idx, step_key = batch
            xb, tb = x[idx], t[idx]
            if augment is not None:
                xb = augmented(augment, step_key, xb)
            value, grads = grad_fn(params, xb, tb)
            # the same forward pass as inside grad_fn: XLA computes it once
            hits = accuracy_of(net.forward(params, xb)[0], tb) if accuracy else None
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return (optax.apply_updates(params, updates), opt_state), (value, hits)

        (params, opt_state), (losses, hits) = jax.lax.scan(step, (params, opt_state), (batches, step_keys),
                                                           unroll=unroll)
        finite = jnp.all(jnp.isfinite(losses))
        for leaf in jax.tree.leaves(params):
            finite &= jnp.all(jnp.isfinite(leaf))
        return EpochOutput(params, opt_state, key, jnp.mean(losses),
                           jnp.mean(hits) if accuracy else jnp.nan, finite)

    return jax.jit(epoch)


def augmented(augment: Callable, key, xb):
    """``augment(key, xb)``, checked to keep the batch's shape and dtype (at trace time)."""
    out = augment(key, xb)
    if getattr(out, "shape", None) != xb.shape or getattr(out, "dtype", None) != xb.dtype:
        raise ValueError(f"fit: augment must return a batch of the shape and dtype it was given, "
                         f"{tuple(xb.shape)} {xb.dtype}; it returned {tuple(getattr(out, 'shape', ()))} "
                         f"{getattr(out, 'dtype', type(out).__name__)}")
    return out


_compiled: OrderedDict = OrderedDict()  # (kind, ids, options) -> (objects keyed by id, compiled function)


def _reused(kind: str, objects: tuple, options: tuple, make: Callable) -> Callable:
    """``make()``, or the function an earlier call made for the same ``objects`` (by identity) and ``options``.

    The objects are held beside the function, so their ids stay unique while it is
    cached; the last ``COMPILED_CACHE_SIZE`` functions are kept.
    """
    key = (kind, tuple(id(o) for o in objects), options)
    if key in _compiled:
        _compiled.move_to_end(key)
    else:
        _compiled[key] = (objects, make())
        if len(_compiled) > COMPILED_CACHE_SIZE:
            _compiled.popitem(last=False)
    return _compiled[key][-1]


def reused_epoch(net: Layer, loss: Loss, optimizer, batch_size: int, **options) -> Callable:
    """:func:`make_epoch`'s function, the same object again for the same net, loss and optimizer.

    Keyed on the identity of ``net``, ``loss`` and ``optimizer`` and on the other
    arguments.  ``jax.jit`` then reuses its compilation for inputs of the same shapes
    and dtypes, so a loop of :func:`fit` calls (over seeds, say) compiles once.

    >>> import optax, nnfunc as nf
    >>> net, sgd = nf.serial(nf.dense(1)), optax.sgd(0.1)
    >>> reused_epoch(net, nf.mse, sgd, 1) is reused_epoch(net, nf.mse, sgd, 1)
    True
    >>> reused_epoch(net, nf.mse, sgd, 1) is reused_epoch(net, nf.mse, optax.sgd(0.1), 1)
    False
    """
    return _reused("epoch", (net, loss, optimizer), (batch_size, tuple(sorted(options.items()))),
                   lambda: make_epoch(net, loss, optimizer, batch_size, **options))


def _forward(net: Layer) -> Callable:
    """``jax.jit`` of ``(params, x) -> net.forward(params, x)[0]``, one per ``net`` (see :func:`_reused`)."""
    return _reused("forward", (net,), (), lambda: jax.jit(lambda p, x: net.forward(p, x)[0]))


def _first_bad_row(a) -> int | None:
    bad = np.flatnonzero(~np.isfinite(np.asarray(a)).reshape(len(a), -1).all(axis=1))
    return int(bad[0]) if bad.size else None


def checked_data(net: Layer, params, data, where: str):
    """``(x, t)`` as float arrays in the params' dtype, after every bad-input check.

    Raises ``TypeError``/``ValueError`` naming ``where`` for: ``data`` not a pair,
    different lengths, an empty set, NaN or infinity (with the first bad row), and
    targets whose per-sample shape differs from the network's output.

    >>> import jax, nnfunc as nf
    >>> net = nf.serial(nf.dense(1))
    >>> p, _ = net.init(jax.random.key(0), (2,))
    >>> checked_data(net, p, ([[1.0, 2.0]], [[1.0], [0.0]]), "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: data has 1 samples but targets have 2; they must pair up one to one
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{where}: data must be a pair (x, targets), got {type(data).__name__}"
                        + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else ""))
    x, t = as_array(data[0], where, "data"), as_array(data[1], where, "targets")
    if x.ndim == 0 or t.ndim == 0:
        raise ValueError(f"{where}: data and targets need a sample axis; got shapes {x.shape} and {t.shape}")
    if len(x) != len(t):
        raise ValueError(f"{where}: data has {len(x)} samples but targets have {len(t)}; "
                         "they must pair up one to one")
    if len(x) == 0:
        raise ValueError(f"{where}: the data set is empty (0 samples)")
    for name, a in (("data", x), ("targets", t)):
        row = _first_bad_row(a)
        if row is not None:
            raise ValueError(f"{where}: {name} contain NaN or infinity (first in sample {row})")
    floats = [leaf.dtype for leaf in jax.tree.leaves(params) if jnp.issubdtype(jnp.asarray(leaf).dtype, jnp.floating)]
    dtype = jnp.result_type(*floats) if floats else default_float()
    x, t = x.astype(dtype), t.astype(dtype)
    out = jax.eval_shape(lambda p, x1: net.forward(p, x1)[0], params, x[:1])
    if tuple(t.shape[1:]) != tuple(out.shape[1:]):
        raise ValueError(f"{where}: each target has shape {tuple(t.shape[1:])} but {net.name} outputs "
                         f"{tuple(out.shape[1:])} per sample (targets {tuple(t.shape)}; reshape or one-hot them)")
    return x, t


def _strong(tree):
    """Every leaf a JAX array of fixed (not weak) dtype, ints and lists made float."""
    def leaf(a):
        a = a if isinstance(a, jax.Array) and not jnp.issubdtype(a.dtype, jnp.integer) else as_array(a, "fit", "params")
        return jax.lax.convert_element_type(a, a.dtype)
    return jax.tree.map(leaf, tree)


def _history(records: dict, accuracy: bool) -> History:
    return History(np.asarray(records["loss"], float), np.asarray(records["accuracy"], float) if accuracy else None,
                   np.asarray(records["seconds"], float))


def fit(net: Layer, params, data, loss, *, key=None, epochs: int = 1, batch_size: int | None = 1,
        optimizer=None, gradients: str = "backprop", shuffle: bool = True, stop_below: float | None = None,
        accuracy: bool | None = None, opt_state=None, progress: bool | None = None,
        callback: Callable | None = None, checkpoint_dir=None, checkpoint_every: int = 1,
        resume: bool = True, augment: Callable | None = None) -> FitResult:
    r"""Train ``net`` from ``params`` on ``data = (x, t)``; return a :class:`FitResult`.

    - ``optimizer``: any optax ``GradientTransformation``; default ``optax.sgd(0.1)``
      (the articles' :math:`\theta \leftarrow \theta - 0.1\,\partial E/\partial\theta`).
    - ``batch_size``: 1 = per-sample SGD, ``None`` = full batch; a remainder that does
      not fill a batch is dropped per epoch (see the module docstring).
    - ``key``: PRNG key for shuffling (required unless ``shuffle=False``).
    - ``stop_below``: stop after the first epoch whose loss (``history.loss``) is below it (article B).
    - ``accuracy``: record accuracy per epoch; default on for cross-entropy losses.
    - ``progress``: a progress bar on stderr; default only at a terminal outside CI.
    - ``augment``: ``augment(key, x_batch) -> x_batch`` applied to each batch before its
      step, e.g. ``nf.augment.compose(nf.augment.random_mirror(), nf.augment.random_shift(2))``;
      its keys come from ``key``, so runs stay reproducible.
    - ``callback(epoch, params, history)``: called after every epoch (e.g. to print).
    - ``checkpoint_dir``: save params, optimizer state, key, epoch and history there
      every ``checkpoint_every`` epochs and at the end; with ``resume=True`` an
      existing checkpoint there is verified and training continues from it (same
      arguments give bit-identical results to an uninterrupted run).

    Each epoch is compiled once (``compile_s``) and then only run; a later ``fit``
    with the same ``net``, ``loss`` and ``optimizer`` objects (the default optimizer
    is one object) and data of the same shapes reuses that compilation (``compile_s``
    near 0, see :func:`reused_epoch`).  If the loss or a param becomes NaN or
    infinite, :class:`TrainingDiverged` is raised; its ``.result`` holds the params
    after the last good epoch.

    >>> import jax, optax, nnfunc as nf
    >>> x, t = nf.logic_gate("AND")
    >>> net = nf.serial(nf.dense(1), nf.sigmoid())
    >>> params, _ = net.init(jax.random.key(0), (2,))
    >>> result = nf.fit(net, params, (x, t), nf.mse, key=jax.random.key(1), epochs=500, batch_size=None,
    ...                 optimizer=optax.sgd(5.0), accuracy=True)
    >>> float(result.history.accuracy[-1]), bool(result.history.loss[-1] < result.history.loss[0])
    (1.0, True)
    """
    where = f"fit({net.name})"
    loss = _as_loss(loss)
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"{where}: epochs must be a positive int, got {epochs!r}")
    if not isinstance(checkpoint_every, int) or checkpoint_every < 1:
        raise ValueError(f"{where}: checkpoint_every must be a positive int, got {checkpoint_every!r}")
    if (shuffle or augment is not None) and key is None:
        raise ValueError(f"{where}: shuffling (and augmenting) needs an explicit PRNG key, e.g. "
                         "key=jax.random.key(0) (or pass shuffle=False)")
    if augment is not None and not callable(augment):
        raise TypeError(f"{where}: augment must be a function (key, x_batch) -> x_batch, "
                        f"got {type(augment).__name__}")
    params = _strong(params)
    x, t = checked_data(net, params, data, where)
    n = len(x)
    batch = n if batch_size is None else batch_size
    if not isinstance(batch, int) or not 1 <= batch <= n:
        raise ValueError(f"{where}: batch_size must be an int from 1 to the number of samples ({n}) "
                         f"or None for full batch, got {batch_size!r}")
    optimizer = DEFAULT_OPTIMIZER if optimizer is None else optimizer
    opt_state = optimizer.init(params) if opt_state is None else opt_state
    key = jax.random.key(0) if key is None else key  # unused when shuffle=False
    classify = _wants_accuracy(accuracy, loss)
    records = {"loss": [], "accuracy": [], "seconds": []}
    start = 0
    if checkpoint_dir is not None and resume and checkpoint.exists(checkpoint_dir):
        saved = checkpoint.load(checkpoint_dir, params, opt_state)
        params, opt_state, key, start = saved.params, saved.opt_state, saved.key, saved.epoch
        records = {name: list(saved.history.get(name, [])) for name in records}

    epoch_fn = reused_epoch(net, loss, optimizer, batch, gradients=gradients, shuffle=shuffle, accuracy=classify,
                            augment=augment)
    tic = time.perf_counter()
    compiled = epoch_fn.lower(params, opt_state, key, x, t).compile()
    compile_s = time.perf_counter() - tic

    def result(done, stopped=False):
        return FitResult(params, opt_state, key, _history(records, classify), done, stopped, compile_s)

    def below(value):
        return stop_below is not None and value < stop_below

    bar = ProgressBar(epochs, enabled=progress)
    bar.update(start, "resumed" if start else "")
    done = start
    try:
        while done < epochs and not (records["loss"] and below(records["loss"][-1])):
            tic = time.perf_counter()
            out = compiled(params, opt_state, key, x, t)
            if not bool(out.finite):
                raise TrainingDiverged(done + 1, result(done))
            seconds = time.perf_counter() - tic
            params, opt_state, key, done = out.params, out.opt_state, out.key, done + 1
            records["loss"].append(float(out.loss))
            records["accuracy"].append(float(out.accuracy))
            records["seconds"].append(seconds)
            bar.update(done, f"loss {records['loss'][-1]:.4g}"
                       + (f" accuracy {records['accuracy'][-1]:.3f}" if classify else ""))
            last = done == epochs or below(records["loss"][-1])
            if checkpoint_dir is not None and (done % checkpoint_every == 0 or last):
                checkpoint.save(checkpoint_dir, params, opt_state, key, done, records)
            if callback is not None:
                callback(done, params, _history(records, classify))
    finally:
        bar.close()
    return result(done, bool(records["loss"]) and below(records["loss"][-1]))


def predict(net: Layer, params, x):
    """The network's output ``net.forward(params, x)[0]``, jit-compiled.

    Compiled once per ``net`` object and input shape: later calls with the same
    ``net`` (and :func:`evaluate`'s) reuse the compilation.

    >>> import nnfunc as nf
    >>> net = nf.serial(nf.dense(1))
    >>> nf.predict(net, ({"w": [[0.0], [1.0]], "b": [4.0]},), [[2.0, 3.0]]).tolist()
    [[7.0]]
    """
    x = as_array(x, f"predict({net.name})", "x")
    return _forward(net)(params, x)


def evaluate(net: Layer, params, data, loss=None, accuracy: bool | None = None) -> Evaluation:
    """Loss (if ``loss`` given) and accuracy of ``net`` on ``data = (x, t)``.

    ``accuracy`` defaults to on for cross-entropy losses and when no loss is given.

    >>> import nnfunc as nf
    >>> net = nf.serial(nf.dense(1))
    >>> params = ({"w": [[1.0], [0.0]], "b": [0.0]},)
    >>> nf.evaluate(net, params, ([[1.0, 5.0], [0.0, 5.0]], [[1.0], [1.0]]), nf.mse, accuracy=True)
    Evaluation(loss=0.5, accuracy=0.5)
    """
    loss = None if loss is None else _as_loss(loss)
    where = f"evaluate({net.name})"
    params = _strong(params)
    x, t = checked_data(net, params, data, where)
    y = predict(net, params, x)
    return Evaluation(None if loss is None else float(loss.value(y, t)),
                      float(accuracy_of(y, t)) if _wants_accuracy(accuracy, loss) else None)
