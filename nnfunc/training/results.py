"""What :func:`nnfunc.fit` returns, or raises when training diverges, and the per-epoch history in it."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np


class History(NamedTuple):
    """Per-epoch records, one entry per completed epoch (epochs resumed from a checkpoint included).

    ``loss``: the mean of the epoch's batch losses, each taken just before its
    update; ``accuracy``: the same for accuracy, or ``None`` when not a
    classification; ``seconds``: wall time of each epoch (compilation excluded).
    """

    loss: np.ndarray
    accuracy: np.ndarray | None
    seconds: np.ndarray


class FitResult(NamedTuple):
    """What :func:`nnfunc.fit` returns.

    ``params``, ``opt_state`` and ``key`` are the state after the last epoch: pass
    the result itself to ``fit`` in place of params (``fit(net, result, data, loss)``)
    to continue training where it stopped.  ``epochs`` counts completed epochs;
    ``stopped_early`` is true when ``stop_below`` ended training; ``compile_s`` is the
    time spent compiling the epoch function.
    """

    params: Any
    opt_state: Any
    key: Any
    history: History
    epochs: int
    stopped_early: bool
    compile_s: float


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


def history_from(records: dict, accuracy: bool) -> History:
    """The :class:`History` of per-epoch ``records`` (lists under ``loss``, ``accuracy``, ``seconds``).

    >>> history_from({"loss": [0.5, 0.25], "accuracy": [0.5, 1.0], "seconds": [0.1, 0.1]}, accuracy=False)
    History(loss=array([0.5 , 0.25]), accuracy=None, seconds=array([0.1, 0.1]))
    """
    return History(np.asarray(records["loss"], float), np.asarray(records["accuracy"], float) if accuracy else None,
                   np.asarray(records["seconds"], float))
