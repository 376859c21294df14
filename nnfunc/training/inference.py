"""predict / evaluate: a trained network's outputs, and its loss and accuracy on a data set."""
from __future__ import annotations

from typing import NamedTuple

import jax

from nnfunc.layer import Layer
from nnfunc.metrics import accuracy as accuracy_of
from nnfunc.training.compiled import compiled_forward
from nnfunc.losses import as_loss
from nnfunc.training.measures import wants_accuracy
from nnfunc.validate import as_array
from nnfunc.validate_data import checked_data, checked_params, first_bad_row


class Evaluation(NamedTuple):
    """Loss and accuracy of a network on a data set (``None`` where not asked for)."""

    loss: float | None
    accuracy: float | None


def predict(net: Layer, params, x):
    """The network's output :math:`y = f(\\theta, x)`, ``net.forward(params, x)[0]``, jit-compiled.

    Compiled once per ``net`` object and input shape: later calls with the same
    ``net`` (and :func:`evaluate`'s) reuse the compilation.  Inputs holding NaN or
    infinity are refused, as :func:`evaluate` and :func:`nnfunc.fit` refuse them
    (the check reads concrete inputs; a traced ``x`` inside a user's ``jax.jit`` is not checked).

    >>> import nnfunc as nf
    >>> net = nf.serial(nf.dense(1))
    >>> nf.predict(net, ({"w": [[0.0], [1.0]], "b": [4.0]},), [[2.0, 3.0]]).tolist()
    [[7.0]]
    """
    where = f"predict({net.name})"
    x = as_array(x, where, "x")
    if x.ndim and not isinstance(x, jax.core.Tracer):
        row = first_bad_row(x)
        if row is not None:
            raise ValueError(f"{where}: x contains NaN or infinity (first in sample {row})")
    return compiled_forward(net)(params, x)


def evaluate(net: Layer, params, data, loss=None, accuracy: bool | None = None) -> Evaluation:
    """Loss :math:`\\mathrm{loss}(f(\\theta, x), t)` (if ``loss`` given) and accuracy of ``net`` on ``data = (x, t)``.

    ``loss`` is an :class:`nnfunc.Loss` or its name; ``accuracy`` defaults to on
    for cross-entropy losses and when no loss is given.

    >>> import nnfunc as nf
    >>> net = nf.serial(nf.dense(1))
    >>> params = ({"w": [[1.0], [0.0]], "b": [0.0]},)
    >>> nf.evaluate(net, params, ([[1.0, 5.0], [0.0, 5.0]], [[1.0], [1.0]]), nf.mse, accuracy=True)
    Evaluation(loss=0.5, accuracy=0.5)
    """
    where = f"evaluate({net.name})"
    loss = None if loss is None else as_loss(loss, where)
    params = checked_params(params, where)
    x, t = checked_data(net, params, data, where)   # NaN and infinity refused here, so not again in predict
    y = compiled_forward(net)(params, x)
    return Evaluation(None if loss is None else float(loss.value(y, t)),
                      float(accuracy_of(y, t)) if wants_accuracy(accuracy, loss) else None)
