r"""The optimizer step and the epoch, one jit-compiled ``lax.scan`` over the batches.

One step on a batch :math:`B` (article B's training loop, any optax optimizer):

.. math::
    E_B = \mathrm{loss}(f(\theta, x_B), t_B),\qquad g = \partial E_B/\partial\theta,\qquad
    (u, s) \leftarrow \mathrm{update}(g, s, \theta),\qquad \theta \leftarrow \theta + u

With ``optax.sgd(0.1)`` that is :math:`\theta \leftarrow \theta - 0.1\,g`.
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
``batch_size=n`` full-batch gradient descent.  The epoch's loss (and accuracy)
is the mean over its batches of each batch's loss, computed just before that batch's
update: article C's running error ``err += mse(...)``, free to compute.  For the
loss of the trained params on a whole set use :func:`nnfunc.evaluate`.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

from nnfunc.layer import Layer, backprop
from nnfunc.losses import Loss
from nnfunc.metrics import accuracy as accuracy_of
from nnfunc.validate import as_array

PER_SAMPLE_UNROLL = 2  # per-sample SGD epoch ~10% faster on a 2-core CPU (experiments/bench/training.py)


class EpochOutput(NamedTuple):
    """What the compiled epoch returns: the state after it, and what it measured.

    ``params``, ``opt_state``: after the epoch's last step; ``key``: the next
    epoch's key; ``loss``, ``accuracy``: means over the batches, each taken before
    its update (``accuracy`` NaN when not asked for); ``finite``: false if any batch
    loss or any param at the end is NaN or infinite.
    """

    params: Any
    opt_state: Any
    key: Any
    loss: Any
    accuracy: Any
    finite: Any


def check_gradients(gradients, where: str) -> None:
    """Raise ``ValueError`` naming ``where`` unless ``gradients`` is ``"backprop"`` or ``"jax"``.

    >>> check_gradients("numeric", "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: gradients must be 'backprop' (hand delta rule) or 'jax' (jax.grad), got 'numeric'
    """
    if not isinstance(gradients, str) or gradients not in ("backprop", "jax"):
        raise ValueError(f"{where}: gradients must be 'backprop' (hand delta rule) or 'jax' (jax.grad), "
                         f"got {gradients!r}")


def loss_and_gradient(net: Layer, loss: Loss, gradients: str) -> Callable:
    """``(params, x, t) -> (E, ∂E/∂θ)`` by the hand delta rule (``"backprop"``) or by ``jax.grad`` (``"jax"``).

    >>> import jax, nnfunc as nf
    >>> net = nf.serial(nf.dense(1), nf.sigmoid())
    >>> p, _ = net.init(jax.random.key(0), (2,))
    >>> hand = loss_and_gradient(net, nf.mse, "backprop")(p, [[2.0, 3.0]], [[1.0]])[1]
    >>> auto = loss_and_gradient(net, nf.mse, "jax")(p, [[2.0, 3.0]], [[1.0]])[1]
    >>> bool(abs(hand[0]["w"] - auto[0]["w"]).max() < 1e-12)
    True
    """
    check_gradients(gradients, f"loss_and_gradient({net.name})")
    if gradients == "backprop":
        return backprop(net, loss)

    def energy(params, x, t):
        return loss.value(net.forward(params, x)[0], as_array(t, f"jax.grad({net.name})", "targets"))
    return jax.value_and_grad(energy)


def _augmented_batch(augment: Callable, key, xb):
    """``augment(key, xb)``, checked to keep the batch's shape and dtype (at trace time).

    >>> import jax, jax.numpy as jnp
    >>> _augmented_batch(lambda key, xb: xb[:1], jax.random.key(0), jnp.ones((2, 3)))
    Traceback (most recent call last):
    ...
    ValueError: fit: augment must return a batch of the shape and dtype it was given, (2, 3) float...
    """
    out = augment(key, xb)
    if getattr(out, "shape", None) != xb.shape or getattr(out, "dtype", None) != xb.dtype:
        raise ValueError(f"fit: augment must return a batch of the shape and dtype it was given, "
                         f"{tuple(xb.shape)} {xb.dtype}; it returned {tuple(getattr(out, 'shape', ()))} "
                         f"{getattr(out, 'dtype', type(out).__name__)}")
    return out


def make_epoch(net: Layer, loss: Loss, optimizer, batch_size: int, *, gradients: str = "backprop",
               shuffle: bool = True, accuracy: bool = False, unroll: int | None = None,
               augment: Callable | None = None) -> Callable:
    """The jit-compiled epoch ``(params, opt_state, key, x, t) -> EpochOutput``.

    Splits ``key`` into the next epoch's key and this epoch's shuffle key and runs
    :math:`\\lfloor n/b \\rfloor` optimizer steps in one ``lax.scan`` (the remainder
    is dropped, see the module docstring).

    Arguments:
        net, loss: the network and the loss :math:`E` (an :class:`nnfunc.Loss`).
        optimizer: an optax ``GradientTransformation``.
        batch_size: the samples per step, :math:`b`.
        gradients: ``"backprop"`` (the hand backward passes) or ``"jax"`` (``jax.grad``).
        shuffle: permute the samples with the epoch's key (else keep their order).
        accuracy: measure each batch's accuracy too (else ``EpochOutput.accuracy`` is NaN).
        unroll: steps compiled into each iteration of the scan's loop (same
            arithmetic, fewer loop iterations); default ``PER_SAMPLE_UNROLL`` for
            ``batch_size=1``, where the loop's per-iteration cost is a large part of a
            step's, and 1 otherwise, where unrolling would only lengthen compilation.
        augment: ``augment(key, x_batch) -> x_batch`` (e.g. from :mod:`nnfunc.augment`)
            applied to each batch's inputs before its step, with a key per step split
            from the epoch's key; the loss and accuracy are then those of the
            transformed batches.

    >>> import jax, optax, nnfunc as nf
    >>> net = nf.serial(nf.dense(1), nf.sigmoid())
    >>> p, _ = net.init(jax.random.key(0), (2,))
    >>> epoch = make_epoch(net, nf.mse, optax.sgd(0.1), batch_size=2)
    >>> out = epoch(p, optax.sgd(0.1).init(p), jax.random.key(1), jax.numpy.ones((4, 2)), jax.numpy.ones((4, 1)))
    >>> bool(out.finite), out.loss.shape
    (True, ())
    """
    grad_fn = loss_and_gradient(net, loss, gradients)
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
                xb = _augmented_batch(augment, step_key, xb)
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
