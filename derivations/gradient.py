r"""The generic derivation of an array gradient: SymPy's gradient of a scalar against the code's.

A case gives a scalar SymPy expression :math:`E` of some symbol arrays (a loss of
``y`` and ``t``; :math:`\langle \delta_s, \mathrm{softmax}(z)\rangle` for a
vector–Jacobian product), the array it is differentiated by, and the hand form: the
library's own function evaluated on those symbol arrays (see
:mod:`derivations.symbolic`).  Proved on each side: every element of the hand form
minus :math:`\partial E/\partial x` is 0.  Numerically, at a few random float64
points of each side, the lambdified gradient is compared with the witnesses the
case names (the library's hand function, ``jax.grad``, ``jax.vjp``).
Layers added later (convolution, pooling) fit the same mould.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
import sympy as sp

from derivations.numeric import lambdified, rng
from derivations.proof import Derivation, displayed, is_zero, on_side

SAMPLES = 8


class Side(NamedTuple):
    """A region named in words, a point inside it, and ``sample(rng, n)``: n argument sets inside it.

    ``sample`` returns one array per argument, with a leading axis of n.
    """

    name: str
    at: dict
    sample: Callable


class GradientCase(NamedTuple):
    """What :func:`derive_gradient` needs.

    ``arguments``: the symbol arrays; ``wrt``: the index of the one differentiated by;
    ``scalar``: E as a SymPy expression; ``hand``: the code's gradient on the symbols
    (an array shaped like ``arguments[wrt]``); ``witnesses(*batches)``: a dict name ->
    the library's numbers for each of the n argument sets (leading axis n); ``code_scalar``: the code's E on the
    symbols, proved equal to ``scalar`` (None when E is not a function of the code); ``shown``: the
    index of the element the document displays (None: the first).
    """

    section: str
    name: str
    arguments: tuple
    wrt: int
    scalar: sp.Expr
    hand: np.ndarray
    implemented_by: str
    sides: tuple
    witnesses: Callable
    forward: str
    code_scalar: sp.Expr | None = None
    notes: str = ""
    shown: tuple | None = None


def _flat(arrays):
    return [sp.sympify(s) for a in arrays for s in np.ravel(a)]


def derive_gradient(case: GradientCase, salt: int = 0):
    """Prove ``case.hand`` is the gradient of ``case.scalar``; also return the numeric computation.

    Returns ``(derivation, computation)`` for :func:`derivations.numeric.settle`.
    """
    x = case.arguments[case.wrt]
    derivative = np.vectorize(lambda s: sp.diff(case.scalar, s), otypes=[object])(x)
    hand = np.vectorize(sp.sympify, otypes=[object])(np.asarray(case.hand, dtype=object))
    proofs = []
    for side in case.sides:
        if case.code_scalar is not None:
            proofs.append((f"{side.name}: code's E = definition",
                           is_zero(on_side(case.code_scalar - case.scalar, side.at))))
        proofs.append((f"{side.name}: code's gradient = derivative",
                       all(is_zero(on_side(h - d, side.at)) for h, d in zip(hand.ravel(), derivative.ravel()))))
    generator = rng(salt)
    draws = [side.sample(generator, SAMPLES) for side in case.sides]
    symbols = _flat(case.arguments)

    def compute():
        triples = []
        for side, values in zip(case.sides, draws):
            columns = [v for a in values for v in np.moveaxis(np.reshape(a, (SAMPLES, -1)), 1, 0)]
            reference = lambdified(symbols, [on_side(d, side.at) for d in derivative.ravel()])(*columns).T
            triples += [(witness, found.reshape(SAMPLES, -1), reference)
                        for witness, found in case.witnesses(*values).items()]
        return triples

    first = (0,) * x.ndim if case.shown is None else tuple(case.shown)
    element = sp.latex(x[first])
    derivation = Derivation(
        case.section, case.name, case.forward,
        rf"\frac{{\partial E}}{{\partial {element}}} = " + sp.latex(derivative[first]),
        rf"\frac{{\partial E}}{{\partial {element}}} = " + sp.latex(displayed(hand[first])),
        case.implemented_by, tuple(proofs), (),
        f"{SAMPLES} random points per side, shape {tuple(x.shape)}; sides: "
        + "; ".join(side.name for side in case.sides), case.notes,
    )
    return derivation, compute
