r"""Every loss: SymPy's gradient of the definition against the code's ``Loss.grad``.

The definitions (article A's sums of errors, article B's ½ Σ (o − t)², article E's
MSE, the cross-entropies of articles A and D) are written here for a batch
``y, t`` of shape (2, 3): N = 6 elements, m = 2 examples.  The hand form is
``nnfunc.losses.<loss>.grad(y, t)`` run on symbols; the code's ``value(y, t)`` is
proved equal to the definition as well.  Conventions checked on purpose:

* ``sum_abs_errors`` is proved on both sides of its kink (a point where some
  y − t are positive and some negative);
* the cross-entropies on probabilities are proved inside the clip,
  ε < y < 1 − ε (ε = float64 machine epsilon); outside it the code's gradient is 0,
  the derivative of the clipped (constant) value;
* ``softmax_cross_entropy`` is proved for any targets (∂E/∂z = (p Σt − t)/m) and,
  with each target row summing to 1, equal to (p − t)/m.  Its value takes a term
  with t_k = 0 as 0 (so that a masked logit z_k = −inf gives 0, not 0·∞ = NaN);
  that branch equals t_k (logsumexp(z) − z_k) for finite z, so the value is proved
  on the other branch, t ≠ 0.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from derivations.gradient import GradientCase, Side, derive_gradient
from derivations.numeric import settle
from derivations.proof import is_zero
from derivations.symbolic import array, expression, symbolic
from nnfunc import losses as L

TITLE = "Losses"
SHAPE = (2, 3)
N, M = 6, 2


def _symbols(letter):
    return array([[sp.Symbol(f"{letter}_{{{n}{k}}}", real=True) for k in range(1, 4)] for n in range(1, 3)])


Y, T = _symbols("y"), _symbols("t")
EVERYWHERE = Side("every real y, t", {}, lambda g, n: (g.normal(size=(n, *SHAPE)), g.normal(size=(n, *SHAPE))))
SIGNS = np.array([[1, -1, 1], [-1, 1, -1]])


def _mixed_signs(g, n):
    t = g.normal(size=(n, *SHAPE))
    return t + SIGNS * g.uniform(0.1, 1.0, (n, *SHAPE)), t


def _probabilities(g, n):
    return g.uniform(0.05, 0.95, (n, *SHAPE)), g.uniform(0.0, 1.0, (n, *SHAPE))


def _point(values):
    return dict(zip(np.ravel(Y), np.ravel(values[0]))) | dict(zip(np.ravel(T), np.ravel(values[1])))


MIXED = Side("y − t of both signs, as " + str(SIGNS.tolist()), _point((SIGNS, np.zeros(SHAPE))), _mixed_signs)
NONZERO_TARGETS = Side("every real y; t ≠ 0", _point((np.zeros(SHAPE), np.ones(SHAPE))), EVERYWHERE.sample)
INSIDE_CLIP = Side("ε < y < 1 − ε", _point((np.full(SHAPE, 0.5), np.zeros(SHAPE))), _probabilities)


def _sum(expr):
    return sp.Add(*np.ravel(expr))


def _softmax(z):
    e = np.vectorize(sp.exp, otypes=[object])(z)
    return e / e.sum(axis=-1, keepdims=True)


def _log(x):
    return np.vectorize(sp.log, otypes=[object])(x)


DEFINITIONS = {
    # name: (E(y, t) in SymPy, the same in LaTeX, side)
    "sum_errors": (_sum(T - Y), r"E = \sum_i (t_i - y_i)", EVERYWHERE),
    "sum_abs_errors": (_sum(np.vectorize(sp.Abs)(T - Y)), r"E = \sum_i |t_i - y_i|", MIXED),
    "sse": (_sum((Y - T) ** 2), r"E = \sum_i (y_i - t_i)^2", EVERYWHERE),
    "half_sse": (_sum((Y - T) ** 2) / 2, r"E = \tfrac12 \sum_i (y_i - t_i)^2", EVERYWHERE),
    "mse": (_sum((Y - T) ** 2) / N, r"E = \frac1N \sum_i (y_i - t_i)^2,\ N = 6", EVERYWHERE),
    "binary_cross_entropy": (
        -_sum(T * _log(Y) + (1 - T) * _log(1 - Y)) / N,
        r"E = -\frac1N \sum_i \big[t_i \log y_i + (1 - t_i)\log(1 - y_i)\big],\ N = 6", INSIDE_CLIP),
    "categorical_cross_entropy": (
        -_sum(T * _log(Y)) / M, r"E = -\frac1m \sum_{n,k} t_{nk} \log y_{nk},\ m = 2", INSIDE_CLIP),
    "softmax_cross_entropy": (
        -_sum(T * _log(_softmax(Y))) / M,
        r"E = -\frac1m \sum_{n,k} t_{nk} \log p_{nk},\ p_{nk} = \frac{e^{y_{nk}}}{\sum_j e^{y_{nj}}}"
        r"\ \text{(y are logits)},\ m = 2", NONZERO_TARGETS),
}
PROVES = tuple(DEFINITIONS)  # names in nnfunc.LOSSES


def _witnesses(loss):
    return lambda y, t: {
        "nnfunc grad": jax.vmap(loss.grad)(jnp.asarray(y), jnp.asarray(t)),
        "jax.grad of value": jax.vmap(jax.grad(loss.value))(jnp.asarray(y), jnp.asarray(t)),
    }


def loss_case(loss, definition, forward, side) -> GradientCase:
    """The derivation of ``loss`` (an :class:`nnfunc.losses.Loss`) against ``definition``."""
    code = symbolic(loss)
    return GradientCase(TITLE, loss.name, (Y, T), 0, definition, code.grad(Y, T),
                        f"nnfunc.losses.{loss.name}.grad", (side,), _witnesses(loss), forward,
                        code_scalar=expression(code.value(Y, T)), notes=loss.equation)


def _normalised_targets_proof():
    """softmax_cross_entropy's hand gradient is (p − t)/m when every target row sums to 1."""
    last = {T[n, -1]: 1 - sum(T[n, :-1]) for n in range(SHAPE[0])}
    hand = symbolic(L.softmax_cross_entropy).grad(Y, T)
    p_minus_t = (_softmax(Y) - T) / M
    return ("targets summing to 1: code's gradient = (p − t)/m",
            all(is_zero(sp.sympify(h - d).xreplace(last)) for h, d in zip(np.ravel(hand), np.ravel(p_minus_t))))


def derive() -> list:
    """All loss derivations."""
    pending = []
    for salt, (name, (definition, forward, side)) in enumerate(DEFINITIONS.items()):
        derivation, computation = derive_gradient(loss_case(L.loss(name), definition, forward, side), salt + 100)
        if name == "softmax_cross_entropy":
            derivation = derivation._replace(proofs=derivation.proofs + (_normalised_targets_proof(),))
        pending.append((derivation, computation))
    return settle(pending)
