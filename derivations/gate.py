r"""Article B's four-neuron multiplication gate, derived by series expansion.

Four neurons with a smooth activation σ and input scale λ give

.. math:: g(x, y) = \frac{\sigma(\lambda(x+y)) + \sigma(-\lambda(x+y)) - \sigma(\lambda(x-y))
          - \sigma(-\lambda(x-y))}{4\lambda^2\sigma''(0)}

SymPy expands σ in its Taylor series :math:`\sum_n c_n u^n`, :math:`c_n = \sigma^{(n)}(0)/n!`:
odd powers cancel in each pair, so the numerator is
:math:`8c_2 xy\lambda^2 + 16c_4 xy(x^2+y^2)\lambda^4 + O(\lambda^6)` and

.. math:: g = xy + \frac{\sigma''''(0)}{6\,\sigma''(0)}\,xy(x^2+y^2)\,\lambda^2 + O(\lambda^4),

exact as λ → 0 provided σ''(0) exists and is not 0.  For every activation of
nnfunc SymPy finds σ''(0) (or the kink that prevents it); only softplus qualifies.
For sigmoid, tanh and sine the numerator is identically 0 (σ − σ(0) is odd), which
is proved too.  The series is checked on softplus's own Taylor polynomial, and numerically with
``nnfunc.activations.SOFTPLUS.f`` at λ = 0.01.
"""
from __future__ import annotations

import jax.numpy as jnp
import sympy as sp

from derivations.numeric import rng, settle
from derivations.proof import Derivation, is_zero, on_side
from derivations.scalar import CASES, Z
from nnfunc.activations import SOFTPLUS

TITLE = "Worked examples"
PROVES = ()  # a property of activations' definitions, not of their code
LAM = sp.Symbol("lambda", positive=True)
XS, YS = sp.symbols("x y", real=True)
C = sp.symbols("c_0:6")
SCALE = 0.01
POINTS = 64
TOL = 1e-3


def numerator(sigma):
    """σ(λ(x+y)) + σ(−λ(x+y)) − σ(λ(x−y)) − σ(−λ(x−y)), ``sigma`` a function of one expression."""
    s, d = LAM * (XS + YS), LAM * (XS - YS)
    return sigma(s) + sigma(-s) - sigma(d) - sigma(-d)


def second_derivative_at_zero(case) -> str | sp.Expr:
    """σ''(0) of an activation's definition, or a phrase naming what prevents it."""
    one_sided = [[on_side(sp.diff(case.definition, Z, n), {Z: side}).subs(Z, 0) for side in (-1, 1)]
                 for n in range(3)]
    for n, what in enumerate(("σ jumps at 0", "kink: σ' jumps at 0", "σ'' jumps at 0")):
        left, right = one_sided[n]
        if not is_zero(left - right):
            return f"{what} (${sp.latex(left)}$ left, ${sp.latex(right)}$ right)"
    return one_sided[2][0]


def _table():
    rows, working, failing = [], [], []
    for case in CASES:
        value = second_derivative_at_zero(case)
        works = isinstance(value, sp.Expr) and value != 0
        (working if works else failing).append(case.name)
        shown = value if isinstance(value, str) else f"$\\sigma''(0) = {sp.latex(value)}$"
        rows.append(f"{case.name}: {shown}")
    return rows, working, failing


def derive() -> list:
    """The multiplication gate."""
    taylor = sp.expand(numerator(lambda u: sum(c * u**n for n, c in enumerate(C))))
    claimed = 8 * C[2] * XS * YS * LAM**2 + 16 * C[4] * XS * YS * (XS**2 + YS**2) * LAM**4
    gate = sp.expand(claimed / (4 * LAM**2 * 2 * C[2]))  # sigma''(0) = 2 c_2
    softplus = next(c.definition for c in CASES if c.name == "softplus")
    polynomial = sp.series(softplus, Z, 0, 6).removeO()
    softplus_gate = sp.expand(numerator(lambda u: polynomial.subs(Z, u)) / (4 * LAM**2 * sp.Rational(1, 4)))
    leading = sum(softplus_gate.coeff(LAM, n) * LAM**n for n in range(4))  # O(lambda^4) dropped
    rows, working, failing = _table()
    odd = [c for c in CASES if c.name in ("sigmoid", "tanh", "sine")]
    proofs = (
        ("Taylor: numerator = 8c₂xyλ² + 16c₄xy(x²+y²)λ⁴ + O(λ⁶)", sp.expand(taylor - claimed) == 0),
        ("so g = xy + (2c₄/c₂)xy(x²+y²)λ² + O(λ⁴), and 2c₄/c₂ = σ⁗(0)/(6σ″(0))",
         sp.expand(gate - XS * YS - 2 * C[4] / C[2] * XS * YS * (XS**2 + YS**2) * LAM**2) == 0),
        ("softplus (σ″(0) = 1/4, σ⁗(0) = −1/8): g = xy − xy(x²+y²)λ²/12 + O(λ⁴)",
         sp.expand(leading - (XS * YS - XS * YS * (XS**2 + YS**2) * LAM**2 / 12)) == 0
         and [sp.diff(softplus, Z, n).subs(Z, 0) for n in (2, 4)] == [sp.Rational(1, 4), sp.Rational(-1, 8)]),
        ("numerator ≡ 0 for " + ", ".join(c.name for c in odd),
         all(is_zero(numerator(lambda u, c=c: c.definition.subs(Z, u))) for c in odd)),
    )
    generator = rng(400)
    x, y = generator.uniform(-1, 1, POINTS), generator.uniform(-1, 1, POINTS)

    def compute():
        def f(u):
            return SOFTPLUS.f(jnp.asarray(u))
        s, d = SCALE * (x + y), SCALE * (x - y)
        g = (f(s) + f(-s) - f(d) - f(-d)) / (4 * SCALE**2 * 0.25)
        return [("nnfunc SOFTPLUS.f gate vs x·y", g, jnp.asarray(x * y))]

    derivation = Derivation(
        TITLE, "four-neuron multiplication gate (article B)",
        r"g(x, y) = \frac{\sigma(\lambda(x+y)) + \sigma(-\lambda(x+y)) - \sigma(\lambda(x-y)) - \sigma(-\lambda(x-y))}"
        r"{4\lambda^2\sigma''(0)}",
        r"g = xy + \frac{\sigma''''(0)}{6\,\sigma''(0)}\,xy\,(x^2+y^2)\,\lambda^2 + O(\lambda^4)",
        r"xy \text{ exactly as } \lambda \to 0 \text{ (article B's claim), when } \sigma''(0) \ne 0",
        "not in the core; the numeric witness is nnfunc.activations.SOFTPLUS.f", proofs, (),
        f"{POINTS} points x, y ~ U(−1, 1), λ = {SCALE}, σ = softplus; tolerance {TOL:.0e} "
        "(the λ² term is about 1e-5)",
        "σ''(0) of nnfunc's activations: " + "; ".join(rows) + f". The gate works with: {', '.join(working)}; "
        f"it fails with: {', '.join(failing)}.",
    )
    return settle([(derivation, compute)], TOL)
