r"""Article E's worked example, exactly: Alice through the 2-2-1 sigmoid network.

With every weight 1 and every bias 0, Alice (x = (−2, −1), t = 1) and
L = (1 − o₁)², article E reports o₁ = 0.524 and ∂L/∂w₁ = 0.0214.  SymPy writes the
network from its definition (h₁ = σ(w₁x₁ + w₂x₂ + b₁), h₂ = σ(w₃x₁ + w₄x₂ + b₂),
o₁ = σ(w₅h₁ + w₆h₂ + b₃)), differentiates L by all nine parameters, substitutes the
numbers exactly and evaluates to 40 significant digits.  ``nnfunc.backprop`` (with
``nnfunc.mse``, which is L for one output) and ``jax.grad`` in float64 must agree to
1e-14 relative.  The article's o₁ must be the exact value rounded; its ∂L/∂w₁ = 0.0214
is the exact 0.021470 truncated (it multiplies rounded intermediate values), so it is
checked to within one unit of its last digit.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import sympy as sp

import nnfunc as nf
from derivations.numeric import settle
from derivations.proof import Derivation

TITLE = "Worked examples"
PROVES = ()  # numeric only: nothing runs on symbols
DIGITS = 40
TOL = 1e-14
W = sp.symbols("w_1:7", real=True)
B = sp.symbols("b_1:4", real=True)
X = (-2, -1)
ARTICLE = {"o_1": 0.524, "dL/dw_1": 0.0214}


def _sigma(u):
    return 1 / (1 + sp.exp(-u))


def alice_exact():
    """(o₁, [∂L/∂p for p in w₁..w₆, b₁..b₃]) at Alice's point, as exact SymPy numbers."""
    h1 = _sigma(W[0] * X[0] + W[1] * X[1] + B[0])
    h2 = _sigma(W[2] * X[0] + W[3] * X[1] + B[1])
    o1 = _sigma(W[4] * h1 + W[5] * h2 + B[2])
    loss = (1 - o1) ** 2
    point = {**{w: 1 for w in W}, **{b: 0 for b in B}}
    return o1.subs(point), [sp.diff(loss, p).subs(point) for p in (*W, *B)]


def _library():
    net = nf.serial(nf.dense(2), nf.sigmoid(), nf.dense(1), nf.sigmoid())
    params = ({"w": jnp.ones((2, 2)), "b": jnp.zeros(2)}, {}, {"w": jnp.ones((2, 1)), "b": jnp.zeros(1)}, {})
    return net, params


def _flat(grads):
    # nnfunc's w[i, j] joins input i to unit j: w₁ = w[0, 0], w₂ = w[1, 0], w₃ = w[0, 1], w₄ = w[1, 1].
    first, second = grads[0], grads[2]
    return jnp.concatenate([first["w"].T.ravel(), second["w"].ravel(), first["b"], second["b"]])


def derive() -> list:
    """Alice's example, exactly."""
    o1, gradient = alice_exact()
    digits = [sp.N(g, DIGITS) for g in gradient]
    reference = jnp.asarray([float(d) for d in digits])

    def compute():
        net, params = _library()
        x, t = jnp.asarray([X], jnp.float64), jnp.ones((1, 1))
        by_backprop = _flat(nf.backprop(net, nf.mse)(params, x, t)[1])
        by_jax = _flat(jax.grad(lambda p: nf.mse.value(net.forward(p, x)[0], t))(params))
        return [("nnfunc.backprop", by_backprop, reference), ("jax.grad of forward", by_jax, reference)]

    rows = "\\\\ ".join(f"\\partial L/\\partial {sp.latex(p)} &= {d}" for p, d in zip((*W, *B), digits))
    proofs = (
        (f"article's o₁ = {ARTICLE['o_1']} is the exact value rounded", round(float(o1), 3) == ARTICLE["o_1"]),
        (f"article's ∂L/∂w₁ = {ARTICLE['dL/dw_1']} is within one unit of its last digit of the exact value "
         "(the article multiplied rounded intermediate values)", abs(float(gradient[0]) - ARTICLE["dL/dw_1"]) < 1e-4),
    )
    derivation = Derivation(
        TITLE, "Alice (article E)",
        r"h_1 = \sigma(w_1 x_1 + w_2 x_2 + b_1),\ h_2 = \sigma(w_3 x_1 + w_4 x_2 + b_2),\ "
        r"o_1 = \sigma(w_5 h_1 + w_6 h_2 + b_3),\ L = (1 - o_1)^2",
        rf"\begin{{aligned}}o_1 &= {sp.latex(o1)} = {sp.N(o1, DIGITS)}\\ "
        rf"\partial L/\partial w_1 &= {sp.latex(gradient[0])}\\ " + rows + r"\end{aligned}",
        r"\text{article B's delta rule as nnfunc.backprop computes it, in float64}",
        "nnfunc.backprop(serial(dense(2), sigmoid(), dense(1), sigmoid()), mse)",
        proofs, (), "x = (−2, −1), t = 1, every w = 1, every b = 0; values to 40 significant digits",
        f"article E: o₁ = {ARTICLE['o_1']}, ∂L/∂w₁ = {ARTICLE['dL/dw_1']}; tolerance {TOL:.0e} relative",
    )
    return settle([(derivation, compute)], TOL)

