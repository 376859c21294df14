"""What :func:`nnfunc.fit` and :func:`nnfunc.evaluate` measure besides the loss: accuracy, and when by default.

Accuracy (:func:`nnfunc.accuracy`) is measured when asked for, and by default
exactly for the cross-entropy losses, the classification ones.
"""
from __future__ import annotations

from nnfunc.losses import Loss

CLASSIFICATION_LOSSES = ("binary_cross_entropy", "categorical_cross_entropy", "softmax_cross_entropy")


def wants_accuracy(accuracy: bool | None, loss: Loss | None) -> bool:
    """``accuracy`` if given, else true exactly for the cross-entropy losses (or no loss).

    >>> import nnfunc as nf
    >>> wants_accuracy(None, nf.mse), wants_accuracy(None, nf.binary_cross_entropy), wants_accuracy(True, nf.mse)
    (False, True, True)
    """
    if accuracy is not None:
        return bool(accuracy)
    return loss is None or loss.name in CLASSIFICATION_LOSSES
