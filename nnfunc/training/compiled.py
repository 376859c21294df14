"""Compiled functions kept for reuse, keyed by the identity of the objects they were made from.

A loop of :func:`nnfunc.fit` calls (over seeds, say) with the same ``net``, loss and
optimizer objects gets the same jit-wrapped epoch function back, and ``jax.jit``
reuses its compilation for inputs of the same shapes and dtypes.  The last
``COMPILED_CACHE_SIZE`` functions are kept, least recently used dropped first.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable

import jax

from nnfunc.layer import Layer
from nnfunc.losses import Loss
from nnfunc.training.epoch import make_epoch

COMPILED_CACHE_SIZE = 16  # compiled epoch and forward functions kept for reuse

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
    """:func:`~nnfunc.training.epoch.make_epoch`'s function, the same object again for the same net, loss and optimizer.

    Keyed on the identity of ``net``, ``loss`` and ``optimizer`` and on the other
    arguments (``options`` are :func:`make_epoch`'s keyword arguments).

    >>> import optax, nnfunc as nf
    >>> net, sgd = nf.serial(nf.dense(1)), optax.sgd(0.1)
    >>> reused_epoch(net, nf.mse, sgd, 1) is reused_epoch(net, nf.mse, sgd, 1)
    True
    >>> reused_epoch(net, nf.mse, sgd, 1) is reused_epoch(net, nf.mse, optax.sgd(0.1), 1)
    False
    """
    return _reused("epoch", (net, loss, optimizer), (batch_size, tuple(sorted(options.items()))),
                   lambda: make_epoch(net, loss, optimizer, batch_size, **options))


def compiled_forward(net: Layer) -> Callable:
    """``jax.jit`` of ``(params, x) -> net.forward(params, x)[0]``, the same object again for the same ``net``.

    >>> import nnfunc as nf
    >>> net = nf.serial(nf.dense(1))
    >>> compiled_forward(net) is compiled_forward(net), compiled_forward(net) is compiled_forward(nf.serial(nf.dense(1)))
    (True, False)
    """
    return _reused("forward", (net,), (), lambda: jax.jit(lambda p, x: net.forward(p, x)[0]))
