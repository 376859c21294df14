r"""Losses, each a value :math:`E(y, t)` and its hand gradient :math:`\partial E/\partial y`.

``y`` is the network's output and ``t`` the target, of the same shape.  Sums run
over every element; "mean" losses divide by the number of elements (MSE, binary
cross-entropy) or by the number of examples, all axes but the last (categorical
cross-entropies).

Kink and edge conventions:

* ``sum_abs_errors``: ∂|y − t|/∂y is taken as sign(y − t), which is 0 at y = t
  (the subgradient at the minimum; ``jax.grad(jnp.abs)(0.0)`` gives 1 instead).
* Cross-entropies on probabilities clip y to [ε, 1 − ε] (ε the dtype's machine
  epsilon) so the value stays finite; the gradient is 0 where the clip is active,
  exactly as the derivative of the clipped definition.
* ``softmax_cross_entropy`` takes a logit of −inf (a masked class) whose target
  is 0 as contributing 0 (not 0·∞ = NaN); its softmax and so its gradient are 0.
  A target above 0 at a −inf logit gives a loss of +inf.

Every ``value`` and ``grad`` first converts ``y`` and ``t`` with
:func:`nnfunc.validate.as_array` (lists and integer arrays are accepted) and
refuses, naming the loss and both shapes, targets whose shape differs from ``y``'s
(no silent broadcasting) and an empty ``y`` (whose mean would be NaN).  The checks
read shapes only, so they fire under ``jax.jit`` as well.

Proof: docs/derivations.md, section "Losses".
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp

from nnfunc.validate import as_array


class Loss(NamedTuple):
    """``value(y, t) -> E`` and its hand gradient ``grad(y, t) -> δ = ∂E/∂y``.

    δ has the shape of ``y``; it is the δ handed to the network's backward pass.
    Proof: docs/derivations.md, section "Losses".

    >>> import jax.numpy as jnp
    >>> float(mse.value(jnp.zeros(4), jnp.array([1.0, 0.0, 0.0, 1.0])))
    0.5
    """

    name: str
    value: Callable
    grad: Callable
    equation: str = ""


def _inputs(y, t, name: str):
    """``(y, t)`` as arrays, or a ``ValueError`` naming the loss ``name`` unless they have one, non-empty shape."""
    y, t = as_array(y, name, "output y"), as_array(t, name, "targets t")
    if tuple(t.shape) != tuple(y.shape):
        raise ValueError(f"{name}: targets t have shape {tuple(t.shape)} but the output y has shape "
                         f"{tuple(y.shape)}; they must match (no broadcasting): reshape or one-hot the targets")
    if y.size == 0:
        raise ValueError(f"{name}: the output y is empty (shape {tuple(y.shape)}); a loss needs at least one element")
    return y, t


def _examples(y):
    """Number of examples: the product of every axis but the last (1 for a vector)."""
    return max(1, y.size // y.shape[-1]) if y.ndim else 1


def _clip_unit(y):
    eps = jnp.finfo(y.dtype).eps
    return jnp.clip(y, eps, 1 - eps), (y > eps) & (y < 1 - eps)


def _sum_errors_value(y, t):
    y, t = _inputs(y, t, "sum_errors")
    return jnp.sum(t - y)


def _sum_errors_grad(y, t):
    y, t = _inputs(y, t, "sum_errors")
    # δ = ∂E/∂y = −1
    return -jnp.ones_like(y)


sum_errors = Loss(
    "sum_errors", _sum_errors_value, _sum_errors_grad,
    "E = Σ (t − y); ∂E/∂y = −1.  Errors of opposite sign cancel (article A).",
)


def _sum_abs_errors_value(y, t):
    y, t = _inputs(y, t, "sum_abs_errors")
    return jnp.sum(jnp.abs(t - y))


def _sum_abs_errors_grad(y, t):
    y, t = _inputs(y, t, "sum_abs_errors")
    # δ = ∂E/∂y = sign(y − t), 0 at y = t
    return jnp.sign(y - t)


sum_abs_errors = Loss(
    "sum_abs_errors", _sum_abs_errors_value, _sum_abs_errors_grad,
    "E = Σ |t − y|; ∂E/∂y = sign(y − t), 0 at y = t (article A: a kink at the minimum).",
)


def _sse_value(y, t):
    y, t = _inputs(y, t, "sse")
    return jnp.sum((y - t) ** 2)


def _sse_grad(y, t):
    y, t = _inputs(y, t, "sse")
    # δ = ∂E/∂y = 2(y − t)
    return 2 * (y - t)


sse = Loss(
    "sse", _sse_value, _sse_grad,
    "E = Σ (y − t)²; ∂E/∂y = 2(y − t) (article A's sum of squared errors).",
)


def _half_sse_value(y, t):
    y, t = _inputs(y, t, "half_sse")
    return 0.5 * jnp.sum((y - t) ** 2)


def _half_sse_grad(y, t):
    y, t = _inputs(y, t, "half_sse")
    # δ = ∂E/∂y = y − t
    return y - t


half_sse = Loss(
    "half_sse", _half_sse_value, _half_sse_grad,
    "E = ½ Σ (y − t)²; ∂E/∂y = y − t (article B).",
)


def _mse_value(y, t):
    y, t = _inputs(y, t, "mse")
    return jnp.mean((y - t) ** 2)


def _mse_grad(y, t):
    y, t = _inputs(y, t, "mse")
    # δ = ∂E/∂y = 2(y − t)/N
    return 2 * (y - t) / y.size


mse = Loss(
    "mse", _mse_value, _mse_grad,
    "E = (1/N) Σ (y − t)² over all N elements; ∂E/∂y = 2(y − t)/N (article E).",
)


def _bce_value(y, t):
    y, t = _inputs(y, t, "binary_cross_entropy")
    yc, _ = _clip_unit(y)
    return -jnp.mean(t * jnp.log(yc) + (1 - t) * jnp.log1p(-yc))


def _bce_grad(y, t):
    y, t = _inputs(y, t, "binary_cross_entropy")
    yc, inside = _clip_unit(y)
    # δ = ∂E/∂y = (y − t) / (y(1 − y)) / N inside [ε, 1 − ε], 0 where the clip holds y
    return jnp.where(inside, (yc - t) / (yc * (1 - yc)), 0.0) / y.size


binary_cross_entropy = Loss(
    "binary_cross_entropy", _bce_value, _bce_grad,
    "E = −(1/N) Σ [t log y + (1 − t) log(1 − y)]; ∂E/∂y = (y − t) / (y(1 − y)) / N.",
)


def _cce_value(y, t):
    y, t = _inputs(y, t, "categorical_cross_entropy")
    yc = jnp.maximum(y, jnp.finfo(y.dtype).eps)
    return -jnp.sum(t * jnp.log(yc)) / _examples(y)


def _cce_grad(y, t):
    y, t = _inputs(y, t, "categorical_cross_entropy")
    eps = jnp.finfo(y.dtype).eps
    # δ = ∂E/∂y = −t / (m y) above ε, 0 where the clip holds y at ε
    return jnp.where(y > eps, -t / jnp.maximum(y, eps), 0.0) / _examples(y)


categorical_cross_entropy = Loss(
    "categorical_cross_entropy", _cce_value, _cce_grad,
    "E = −(1/m) Σ t log y over m examples; ∂E/∂y = −t / (m y).",
)


def _sce_value(z, t):
    z, t = _inputs(z, t, "softmax_cross_entropy")
    lse = jax.nn.logsumexp(z, axis=-1, keepdims=True)
    # t_k (lse − z_k) taken as 0 where t_k = 0, also at a masked logit z_k = −inf (not 0·∞ = NaN)
    return jnp.sum(t * jnp.where(t == 0, 0.0, lse - z)) / _examples(z)


def _sce_grad(z, t):
    z, t = _inputs(z, t, "softmax_cross_entropy")
    p = jax.nn.softmax(z, axis=-1)
    # δ = ∂E/∂z_k = (p_k Σ_j t_j − t_k) / m, since ∂logsumexp(z)/∂z_k = p_k = softmax(z)_k
    return (p * jnp.sum(t, axis=-1, keepdims=True) - t) / _examples(z)


softmax_cross_entropy = Loss(
    "softmax_cross_entropy", _sce_value, _sce_grad,
    "E = (1/m) Σ_examples Σ_k t_k (logsumexp(z) − z_k) on logits z; "
    "∂E/∂z = (softmax(z) Σ_k t_k − t) / m, which is (p − t)/m when each t sums to 1.",
)

LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (sum_errors, sum_abs_errors, sse, half_sse, mse, binary_cross_entropy,
                 categorical_cross_entropy, softmax_cross_entropy)
}


def loss(name: str) -> Loss:
    """The loss called ``name``.

    >>> loss("mse").name
    'mse'
    """
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; known: {', '.join(sorted(LOSSES))}") from None


def as_loss(value, where: str) -> Loss:
    """``value`` itself if it is a :class:`Loss`, the loss of that name if a string; errors name ``where``.

    ``fit``, ``evaluate``, ``backprop`` and the checkers take a loss this way.

    >>> as_loss("mse", "fit") is mse
    True
    >>> as_loss(len, "fit")
    Traceback (most recent call last):
    ...
    TypeError: fit: loss must be an nnfunc Loss (e.g. nf.mse) or its name, got builtin_function_or_method
    """
    if isinstance(value, str):
        try:
            return loss(value)
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None
    if not isinstance(value, Loss):
        raise TypeError(f"{where}: loss must be an nnfunc Loss (e.g. nf.mse) or its name, got {type(value).__name__}")
    return value
