r"""Every elementwise activation: SymPy differentiates the definition; the code's ``df`` must match.

For each activation the forward definition (article A's table, article B's sign
unit, article C's sine layer) is written here in SymPy.  The hand form is *not*
retyped: it is ``Activation.df(z, a)`` of :mod:`nnfunc.activations` itself, run on
SymPy symbols by :func:`derivations.symbolic.symbolic` with ``a`` the code's own
``f(z)``.  Proved, on each side of a kink:

* the code's forward ``f`` equals the definition;
* the code's ``df(z, f(z))`` equals SymPy's derivative of the definition;
* at the kink z = 0, the code's f(0) is the definition's (step(0) = 1, sign(0) = +1)
  and the code's derivative is the left-hand one (the convention written in
  :mod:`nnfunc.activations`).

``alpha`` of leaky ReLU and ELU stays a symbol in the proof (the constructor is
called with a SymPy symbol), so the proof holds for every α > 0.  Numerically, at
random float64 points of each side, the lambdified derivative is compared with the
code's ``df`` and with ``jax.grad`` of the code's ``f``.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import sympy as sp

from derivations.numeric import lambdified, rng, settle
from derivations.proof import Derivation, displayed, is_zero, on_side
from derivations.symbolic import array, symbolic
from nnfunc import activations as A, smooth_activations as G

TITLE = "Activations"
Z = sp.Symbol("z", real=True)
ALPHA = sp.Symbol("alpha", positive=True)
SHOWN_A = sp.Symbol("a")  # how the hand form reads with a = f(z) left as a name
POINTS = 64


class Side(NamedTuple):
    """A region of z, a point inside it (decides the branches) and the sampling interval."""

    name: str
    point: float
    low: float
    high: float


EVERYWHERE = (Side("every real z", 0.5, -3.0, 3.0),)
BOTH_SIDES = (Side("z > 0", 1.0, 0.1, 3.0), Side("z < 0", -1.0, -3.0, -0.1))


class Case(NamedTuple):
    """An activation to prove: ``make(alpha)`` builds it (alpha ignored when fixed)."""

    name: str
    definition: sp.Expr
    make: Callable
    implemented_by: str
    sides: tuple
    alphas: tuple = (None,)


def _fixed(act):
    return lambda alpha: act


CASES = (
    Case("identity", Z, _fixed(A.IDENTITY), "nnfunc.activations.IDENTITY.df", EVERYWHERE),
    Case("step", sp.Piecewise((1, Z >= 0), (0, True)), _fixed(A.STEP), "nnfunc.activations.STEP.df", BOTH_SIDES),
    Case("sign", sp.Piecewise((-1, Z < 0), (1, True)), _fixed(A.SIGN), "nnfunc.activations.SIGN.df", BOTH_SIDES),
    Case("sigmoid", 1 / (1 + sp.exp(-Z)), _fixed(A.SIGMOID), "nnfunc.activations.SIGMOID.df", EVERYWHERE),
    Case("tanh", (sp.exp(Z) - sp.exp(-Z)) / (sp.exp(Z) + sp.exp(-Z)), _fixed(A.TANH),
         "nnfunc.activations.TANH.df", EVERYWHERE),
    Case("relu", sp.Max(0, Z), _fixed(A.RELU), "nnfunc.activations.RELU.df", BOTH_SIDES),
    Case("leaky_relu", sp.Piecewise((Z, Z > 0), (ALPHA * Z, True)), A.leaky_relu_activation,
         "nnfunc.activations.leaky_relu_activation(alpha).df", BOTH_SIDES, (0.01, 0.2)),
    Case("softplus", sp.log(1 + sp.exp(Z)), _fixed(A.SOFTPLUS), "nnfunc.activations.SOFTPLUS.df", EVERYWHERE),
    Case("elu", sp.Piecewise((Z, Z > 0), (ALPHA * (sp.exp(Z) - 1), True)), A.elu_activation,
         "nnfunc.activations.elu_activation(alpha).df", BOTH_SIDES, (1.0, 0.5)),
    Case("sine", sp.sin(Z), _fixed(A.SINE), "nnfunc.activations.SINE.df", EVERYWHERE),
    Case("gelu", Z * (1 + sp.erf(Z / sp.sqrt(2))) / 2, _fixed(G.GELU), "nnfunc.smooth_activations.GELU.df",
         EVERYWHERE),
    Case("gelu_tanh", Z * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (Z + sp.Float(0.044715) * Z**3))) / 2,
         _fixed(G.GELU_TANH), "nnfunc.smooth_activations.GELU_TANH.df", EVERYWHERE),
    Case("silu", Z / (1 + sp.exp(-Z)), _fixed(G.SILU), "nnfunc.smooth_activations.SILU.df", EVERYWHERE),
)
PROVES = tuple(case.name for case in CASES)  # names in nnfunc.ACTIVATIONS


def _hand(act, z, a):
    return sp.sympify(symbolic(act).df(array([z]), array([a]))[0])


def _proofs(case, derivative):
    act = symbolic(case.make(ALPHA))
    f_code = sp.sympify(act.f(array([Z]))[0])
    hand = _hand(case.make(ALPHA), Z, f_code)
    proofs = []
    for side in case.sides:
        at = {Z: side.point}
        proofs.append((f"{side.name}: code's f = definition", is_zero(on_side(f_code - case.definition, at))))
        proofs.append((f"{side.name}: code's df = derivative", is_zero(on_side(hand - derivative, at))))
    if len(case.sides) > 1:
        left = on_side(derivative, {Z: -1}).subs(Z, 0)
        proofs.append(("z = 0: code's f(0) = definition's", is_zero(f_code.subs(Z, 0) - case.definition.subs(Z, 0))))
        proofs.append(("z = 0: code's df = left-hand derivative", is_zero(hand.subs(Z, 0) - left)))
    return tuple(proofs)


def _computation(case, derivative, salt):
    """The numeric comparisons of one activation: code vs lambdified SymPy on every side."""
    generator = rng(salt)
    draws = {side: generator.uniform(side.low, side.high, POINTS) for side in case.sides}

    def compute():
        triples = []
        for alpha in case.alphas:
            act, value = case.make(alpha), {ALPHA: alpha if alpha is not None else ALPHA}
            for side in case.sides:
                z = jnp.asarray(draws[side])
                reference = lambdified(Z, on_side(derivative, {Z: side.point}).subs(value))(z)
                forward = lambdified(Z, on_side(case.definition, {Z: side.point}).subs(value))(z)
                triples += [("nnfunc df", act.df(z, act.f(z)), reference),
                            ("jax.grad of f", jax.vmap(jax.grad(act.f))(z), reference),
                            ("forward f", act.f(z), forward)]
        return triples

    return compute


def derive_activation(case: Case, salt: int = 0):
    """One activation's derivation, proved symbolically, and its numeric computation (see ``settle``)."""
    derivative = sp.diff(case.definition, Z)
    sides = ", ".join(f"{s.name} (z ~ U({s.low:g}, {s.high:g}))" for s in case.sides)
    alphas = "" if case.alphas == (None,) else f", alpha in {{{', '.join(map(str, case.alphas))}}}"
    derivation = Derivation(
        TITLE, case.name, sp.latex(case.definition), sp.latex(derivative),
        sp.latex(displayed(_hand(case.make(ALPHA), Z, SHOWN_A))) + r" \quad (a = f(z))", case.implemented_by,
        _proofs(case, derivative), (),
        f"{POINTS} points per side: {sides}{alphas}",
    )
    return derivation, _computation(case, derivative, salt)


def derive() -> list[Derivation]:
    """All activation derivations."""
    return settle([derive_activation(case, salt) for salt, case in enumerate(CASES)])
