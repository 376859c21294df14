r"""The pooling layers' delta rules, proved for small symbolic sizes (one channel, 2×2 windows).

Definitions, written here from the windows alone (:mod:`derivations.windowed`):
``avg_pool`` :math:`y_i = \frac1{N_i}\sum_{p \in W_i} x_p` over the :math:`N_i` real
elements :math:`W_i` of window :math:`i` (padding not counted); ``max_pool``
:math:`y_i = \max_{p \in W_i} x_p`; :math:`E = \sum_i \delta_i y_i`.  The hand forms
are ``nnfunc.avg_pool(...).backward`` and ``nnfunc.max_pool(...).backward`` run on
the symbols (``lax.pad``/``lax.slice``/``lax.reduce_window`` through
:mod:`derivations.lax_semantics`, the code's ``==`` as SymPy's ``Eq``).

``max_pool`` is piecewise: it is proved on regions where the inputs are strictly
ordered (so each window's maximum is known): a region is named by the ranks of the
inputs (the largest has the highest rank).  At a tie there is no derivative; the code's
rule (its docstring) is that the **first** maximum in row-major order of the window
gets all of δ.  That rule is written here from scratch and proved equal to the code's
backward at tie points, and checked numerically on inputs drawn from {0, 1, 2} (full
of ties) against the layer and ``jax.vjp`` of its forward.
"""
from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
import sympy as sp

from derivations.gradient import GradientCase, Side, derive_gradient
from derivations.numeric import rng, settle
from derivations.proof import Derivation, displayed, is_zero, on_side
from derivations.symbolic import array, expression, symbolic
from derivations.windowed import busiest, everywhere, inner, layer_witnesses, symbols, windows
from nnfunc.pool import avg_pool, max_pool

TITLE = "Pooling"
PROVES = ("max_pool", "avg_pool")
TIE_POINTS = 16
SHOWN = (0, 0, 1, 0)  # x_{1,2}: in two windows, second in the first of them


class Case(NamedTuple):
    """One geometry; ``pads``: the definition's padding (l, h) per axis, from the "SAME" rule."""

    name: str
    input_shape: tuple  # (1, height, width, 1)
    window: int
    stride: int
    padding: str
    pads: tuple


CASES = (
    Case("3×3 input, 2×2 window, stride 1, VALID", (1, 3, 3, 1), 2, 1, "VALID", ((0, 0), (0, 0))),
    Case("4×4 input, 2×2 window, stride 2, VALID", (1, 4, 4, 1), 2, 2, "VALID", ((0, 0), (0, 0))),
    Case("3×3 input, 2×2 window, stride 2, SAME", (1, 3, 3, 1), 2, 2, "SAME", ((0, 1), (0, 1))),
)
FORMULA = {"max_pool": r"\max_{p \in W_i} x_p", "avg_pool": r"\frac{1}{N_i} \sum_{p \in W_i} x_p"}
CENTRE_LARGEST = np.array([[1, 2, 3], [4, 9, 5], [6, 7, 8]])  # the centre is in all four windows


def _windows(case: Case):
    return windows(case.input_shape[1:-1], (case.window,) * 2, (case.stride,) * 2, case.pads)


def _definition(case: Case, x, reduce):
    sizes, seen = _windows(case)
    y = np.empty((1, *sizes, 1), dtype=object)
    for i, elements in seen.items():
        y[(0, *i, 0)] = reduce([x[(0, *p, 0)] for _, p in elements])
    return array(y)


def _average(values):
    return sp.Add(*values) / len(values)


def _title(make, case: Case) -> str:
    return f"{make.__module__}.{make.__name__}({case.window}, {case.stride}, '{case.padding}').backward"


def _ordered(x, delta, ranks) -> Side:
    """Inputs strictly ordered as ``ranks`` (1 = smallest), δ anywhere."""
    order = np.asarray(ranks).ravel() - 1

    def sample(g, n):
        values = np.sort(g.normal(size=(n, order.size)), axis=1)[:, order]
        return values.reshape(n, *x.shape), g.normal(size=(n, *delta.shape))

    at = {s: float(r) for s, r in zip(np.ravel(x), np.ravel(ranks))}
    return Side(f"x strictly ordered with ranks {np.asarray(ranks).tolist()}", at, sample)


def _pool_case(case: Case, kind: str, make, reduce, sides, salt: int):
    x = symbols("x", case.input_shape)
    code = symbolic(make)(case.window, case.stride, case.padding)
    y_code, cache = code.forward({}, x)
    delta = symbols(r"\delta", y_code.shape)
    hand = code.backward({}, cache, delta)[1]
    layer = make(case.window, case.stride, case.padding)
    gradient = GradientCase(
        TITLE, f"{kind}, {case.name}", (x, delta), 0, inner(delta, _definition(case, x, reduce)), hand,
        _title(make, case), sides(x, delta), layer_witnesses(layer, dict, lambda g, dx: dx),
        rf"y_i = {FORMULA[kind]},\quad E = \sum_i \delta_i y_i,\quad "
        rf"W_i:\ {case.window}\times{case.window} \text{{ window, stride }} {case.stride}"
        + ("" if case.padding == "VALID" else r",\ \text{real elements only}"),
        code_scalar=expression(inner(delta, y_code)), shown=None if kind == "max_pool" else busiest(hand),
    )
    return derive_gradient(gradient, salt)


def _max_sides(case: Case, salt: int):
    count = int(np.prod(case.input_shape))
    ranks = [rng(salt).permutation(count).reshape(case.input_shape[1:-1]) + 1]
    if case.stride == 1:
        ranks.insert(0, CENTRE_LARGEST)
    return lambda x, delta: tuple(_ordered(x, delta, r) for r in ranks)


def first_maximum_rule(case: Case, values, delta):
    """The tie rule from scratch: each window's δ goes to its first maximum in row-major order."""
    dx = np.zeros(case.input_shape, dtype=object)
    for i, elements in _windows(case)[1].items():
        scores = [values[(0, *p, 0)] for _, p in elements]
        _, p = elements[scores.index(max(scores))]
        dx[(0, *p, 0)] += delta[(0, *i, 0)]
    return dx


def derive_ties(case: Case, points, salt: int, make=max_pool):
    """The tie rule at ``points`` (exact input values, one array per point); ``make`` builds the layer."""
    x = symbols("x", case.input_shape)
    code = symbolic(make)(case.window, case.stride, case.padding)
    y_code, cache = code.forward({}, x)
    delta = symbols(r"\delta", y_code.shape)
    hand = code.backward({}, cache, delta)[1]
    proofs = []
    for ranks in points:
        values = np.asarray(ranks).reshape(case.input_shape)
        at = {s: int(v) for s, v in zip(np.ravel(x), np.ravel(values))}
        rule = first_maximum_rule(case, values, delta)
        proofs.append((f"ties {np.asarray(ranks).tolist()}: code's δ_x = first-maximum rule",
                       all(is_zero(on_side(h, at) - r) for h, r in zip(np.ravel(hand), np.ravel(rule)))))
    generator = rng(salt)
    inputs = generator.integers(0, 3, (TIE_POINTS, *case.input_shape)).astype(np.float64)
    deltas = generator.normal(size=(TIE_POINTS, *y_code.shape))
    expected = np.array([first_maximum_rule(case, v, d) for v, d in zip(inputs, deltas)], dtype=np.float64)
    witnesses = layer_witnesses(make(case.window, case.stride, case.padding), dict, lambda g, dx: dx)

    def compute():
        return [(name, found, jnp.asarray(expected)) for name, found in witnesses(inputs, deltas).items()]

    derivation = Derivation(
        TITLE, f"max_pool at ties, {case.name}",
        r"y_i = \max_{p \in W_i} x_p \text{ with several equal maxima}",
        r"\text{none at a tie (the one-sided derivatives differ); the rule instead: }"
        r"\delta_{x;\,p} = \sum_{i:\ p = p^*_i} \delta_i,\ p^*_i = \text{the first maximum of } W_i "
        r"\text{ in row-major order}",
        rf"\frac{{\partial E}}{{\partial {sp.latex(x[SHOWN])}}} = " + sp.latex(displayed(hand[SHOWN])),
        _title(make, case), tuple(proofs), (),
        f"{TIE_POINTS} random inputs from {{0, 1, 2}} (full of ties), δ ~ N(0, 1)",
        "The convention of nnfunc.max_pool's docstring; jax.vjp of lax.reduce_window(max) follows it too.",
    )
    return derivation, compute


def derive() -> list:
    """avg_pool and max_pool on every geometry, and the max_pool tie rule."""
    pending = []
    for n, case in enumerate(CASES):
        pending.append(_pool_case(case, "avg_pool", avg_pool, _average,
                                  lambda x, delta: (everywhere("every real x, δ", (x, delta)),), 600 + n))
        pending.append(_pool_case(case, "max_pool", max_pool, lambda v: sp.Max(*v), _max_sides(case, 610 + n),
                                  620 + n))
    overlapping = CASES[0]
    ties = (np.ones((3, 3), int), np.array([[2, 2, 1], [0, 2, 2], [2, 1, 2]]))
    pending.append(derive_ties(overlapping, ties, 630))
    return settle(pending)
