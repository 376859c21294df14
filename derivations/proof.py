r"""The checker: symbolic equality on each side of every kink, and numeric agreement.

Symbolic equality is "the difference is zero": ``tanh`` is written through
exponentials, every :math:`e^{k u}` (k an integer) as :math:`E_u^k` for a fresh
symbol :math:`E_u`, and every other function application (``sin(u)``, ``log(u)``,
...) as a fresh symbol.  Logarithms of products and quotients are first split
where SymPy can prove the factors positive (``expand_log`` without ``force``).  What is left is a
rational function of independent symbols; over a common denominator its
numerator expands to 0 exactly when it is identically 0, which proves the original identity (it holds for all values
of the symbols, so in particular for the true ones).  This is much faster than
``simplify`` on nested network expressions, and never claims a false equality.

Piecewise forms (``Piecewise``, ``Max``, ``Min``, ``sign``, ``Abs``, ``Heaviside``)
are proved on one side of each kink at a time: :func:`on_side` keeps the branch that
holds at a representative point of that side (say ``z = 1`` for ``z > 0``); the
branch expressions are then compared symbolically as above.

>>> import sympy as sp
>>> z = sp.Symbol("z", real=True)
>>> s = 1 / (1 + sp.exp(-z))
>>> is_zero(sp.diff(s, z) - s * (1 - s))
True
>>> on_side(sp.Max(0, z), {z: -1})
0
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import sympy as sp


class Derivation(NamedTuple):
    """One derivation and its verdict, ready to render.

    ``proofs``: ``(region, proved)`` pairs, one per side of each kink (or one for
    "every real z").  ``errors``: ``(witness, max relative error, tolerance)``.
    """

    section: str
    name: str
    forward: str
    derivative: str
    hand: str
    implemented_by: str
    proofs: tuple
    errors: tuple
    where: str
    notes: str = ""

    @property
    def ok(self) -> bool:
        return all(ok for _, ok in self.proofs) and all(err <= tol for _, err, tol in self.errors)

    def failures(self) -> list[str]:
        """What disagrees, in words naming this derivation (empty when all agree)."""
        out = [f"{self.section} / {self.name}: hand form {self.implemented_by} is not the derivative "
               f"on {region}" for region, ok in self.proofs if not ok]
        out += [f"{self.section} / {self.name}: {witness} differs from SymPy by {err:.3g} (tol {tol:.0e})"
                for witness, err, tol in self.errors if not err <= tol]
        return out


def _tanh_as_exp(u):
    return (sp.exp(u) - sp.exp(-u)) / (sp.exp(u) + sp.exp(-u))


def _atomised(expr):
    """``expr`` as a rational function of fresh symbols, one per distinct function application.

    ``exp(k·u)`` becomes ``E_u**k`` for every integer k (SymPy writes ``1/exp(u)`` as
    ``exp(-u)`` and ``exp(u)**2`` as ``exp(2u)``, so the sign and the integer factor are
    taken out of the argument first); other applications become one symbol each.
    """
    fresh, names = {}, {}

    def symbol(key):
        if key not in names:
            names[key] = sp.Dummy(f"u{len(names)}")
        return names[key]

    for atom in sorted(expr.atoms(sp.Function), key=sp.default_sort_key):
        if atom.func == sp.exp:
            k, u = atom.args[0].as_content_primitive()
            if u.could_extract_minus_sign():
                k, u = -k, -u
            fresh[atom] = symbol(("exp", u)) ** k if k.is_integer else symbol(("exp", k * u))
        else:
            fresh[atom] = symbol(atom)
    return expr.xreplace(fresh)


def is_zero(expr) -> bool:
    """True when ``expr`` is identically 0 (see the module docstring); False means "not proved"."""
    expr = sp.expand_log(sp.sympify(expr).replace(sp.tanh, _tanh_as_exp))
    numerator, _ = sp.fraction(sp.together(exact(_atomised(expr))))
    return sp.expand(numerator) == 0


def exact(expr):
    """``expr`` with its floats written as the rationals they print as (1.0 -> 1, 0.01 -> 1/100)."""
    expr = sp.sympify(expr)
    return expr.xreplace({f: sp.nsimplify(f, rational=True) for f in expr.atoms(sp.Float)})


def displayed(expr):
    """``expr`` for reading: float64's machine epsilon written as ε, other floats as rationals."""
    eps = float(np.finfo(np.float64).eps)
    epsilon = sp.Symbol("varepsilon")
    expr = sp.sympify(expr)
    return exact(expr.xreplace({sp.Float(eps): epsilon, sp.Float(1 - eps): 1 - epsilon}))


def _value_at(expr, at) -> float:
    return float(sp.sympify(expr).xreplace(at))


def _branch(piecewise, at):
    for value, condition in piecewise.args:
        if condition == sp.true or bool(sp.sympify(condition).xreplace(at)):
            return value
    raise ValueError(f"on_side: no branch of {piecewise} holds at {at}")


def on_side(expr, at: dict):
    """``expr`` with every kinked function replaced by its branch at the point ``at``."""
    expr = sp.sympify(expr)
    at = {symbol: sp.sympify(value) for symbol, value in at.items()}  # xreplace: exact and fast
    rules = [
        (sp.Piecewise, lambda e: _branch(e, at)),
        (sp.Max, lambda e: max(e.args, key=lambda a: _value_at(a, at))),
        (sp.Min, lambda e: min(e.args, key=lambda a: _value_at(a, at))),
        (sp.sign, lambda e: sp.Integer(int(np.sign(_value_at(e.args[0], at))))),
        (sp.Abs, lambda e: e.args[0] * int(np.sign(_value_at(e.args[0], at)))),
        (sp.Heaviside, lambda e: sp.Integer(int(_value_at(e.args[0], at) > 0))),
    ]
    changed = True
    while changed:
        changed = False
        for kind, branch in rules:
            if expr.has(kind):
                expr = expr.replace(lambda e, kind=kind: isinstance(e, kind), branch)
                changed = True
    return expr


def relative_error(hand, reference) -> float:
    """Normwise relative error max|h − r| / max(max|h|, max|r|); 0 when both are exactly 0."""
    hand, reference = np.asarray(hand, np.float64), np.broadcast_to(np.asarray(reference, np.float64),
                                                                     np.shape(hand))
    scale = max(np.max(np.abs(hand)), np.max(np.abs(reference)))
    return 0.0 if scale == 0 else float(np.max(np.abs(hand - reference)) / scale)


def bound(error: float, floor: int = -14) -> str:
    """A decade bound for ``error`` that tiny platform differences do not change.

    >>> bound(3e-17), bound(2e-13), bound(0.0)
    ('< 1e-14', '< 1e-12', '< 1e-14')
    """
    if not math.isfinite(error):
        return str(error)
    exponent = floor if error < 10.0 ** floor else math.floor(math.log10(error)) + 1
    return f"< 1e{exponent}"
