"""What :func:`nnfunc.fit` and :func:`nnfunc.evaluate` measure: the loss, given by object or name, and accuracy.

Accuracy (:func:`nnfunc.accuracy`) is measured when asked for, and by default
exactly for the cross-entropy losses, the classification ones.
"""
from __future__ import annotations

from nnfunc.losses import Loss, loss as loss_named

CLASSIFICATION_LOSSES = ("binary_cross_entropy", "categorical_cross_entropy", "softmax_cross_entropy")


def as_loss(loss) -> Loss:
    """``loss`` itself if it is an :class:`nnfunc.Loss`, the loss of that name if a string.

    >>> import nnfunc as nf
    >>> as_loss("mse") is nf.mse
    True
    >>> as_loss(len)
    Traceback (most recent call last):
    ...
    TypeError: loss must be an nnfunc Loss (e.g. nf.mse) or its name, got builtin_function_or_method
    """
    if isinstance(loss, str):
        return loss_named(loss)
    if not isinstance(loss, Loss):
        raise TypeError(f"loss must be an nnfunc Loss (e.g. nf.mse) or its name, got {type(loss).__name__}")
    return loss


def wants_accuracy(accuracy: bool | None, loss: Loss | None) -> bool:
    """``accuracy`` if given, else true exactly for the cross-entropy losses (or no loss).

    >>> import nnfunc as nf
    >>> wants_accuracy(None, nf.mse), wants_accuracy(None, nf.binary_cross_entropy), wants_accuracy(True, nf.mse)
    (False, True, True)
    """
    if accuracy is not None:
        return bool(accuracy)
    return loss is None or loss.name in CLASSIFICATION_LOSSES
