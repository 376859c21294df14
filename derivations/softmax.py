r"""The softmax layer's backward pass: a vector–Jacobian product, proved against SymPy.

Definition (article C's final normalisation) on a batch of 2 rows of 3 logits:
:math:`s_i = e^{z_i} / \sum_j e^{z_j}` per row.  For an upstream gradient
:math:`\delta_s` the backward pass must return :math:`\partial E/\partial z` with
:math:`E = \langle \delta_s, s(z)\rangle`, i.e. :math:`\sum_i \delta_{s,i}\,\partial s_i/\partial z_j`,
which SymPy differentiates here.  The hand form is
``nnfunc.softmax.softmax().backward`` run on symbols (with the code's own
forward ``s``); the code's forward is proved equal to the definition as well.
Numerically the witnesses are the layer's backward and ``jax.vjp`` of its forward.

Log-softmax, :math:`y_i = z_i - \log\sum_j e^{z_j}`, the same way: SymPy differentiates
:math:`E = \langle \delta_y, y(z)\rangle`; the hand form is
``nnfunc.log_softmax.log_softmax().backward``, :math:`\delta_z = \delta_y - s\sum_j \delta_{y,j}`.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from derivations.gradient import GradientCase, Side, derive_gradient
from derivations.numeric import settle
from derivations.symbolic import array, expression, symbolic
from nnfunc.log_softmax import log_softmax
from nnfunc.softmax import softmax

TITLE = "Softmax"
PROVES = ("softmax", "log_softmax")
SHAPE = (2, 3)


def _symbols(letter):
    return array([[sp.Symbol(f"{letter}_{{{n}{k}}}", real=True) for k in range(1, 4)] for n in range(1, 3)])


Z, DS = _symbols("z"), _symbols(r"\delta")
EVERYWHERE = Side("every real z, δ", {}, lambda g, n: (g.normal(size=(n, *SHAPE)), g.normal(size=(n, *SHAPE))))


def _definition(z):
    e = np.vectorize(sp.exp, otypes=[object])(z)
    return e / e.sum(axis=-1, keepdims=True)


def _log_definition(z):
    logsumexp = np.vectorize(sp.log, otypes=[object])(np.vectorize(sp.exp, otypes=[object])(z).sum(axis=-1))
    return z - logsumexp[..., None]


def _witnesses_of(make):
    """The numeric witnesses of the layer ``make()``: its hand backward and ``jax.vjp`` of its forward."""
    return lambda z, ds: _witnesses(make(), z, ds)


def _witnesses(layer, z, ds):
    def backward(z, ds):
        _, cache = layer.forward({}, z)
        return layer.backward({}, cache, ds)[1]

    def vjp(z, ds):
        return jax.vjp(lambda x: layer.forward({}, x)[0], z)[1](ds)[0]

    z, ds = jnp.asarray(z), jnp.asarray(ds)
    return {"nnfunc backward": jax.vmap(backward)(z, ds), "jax.vjp of forward": jax.vmap(vjp)(z, ds)}


def _case(make, name, definition, shown, notes):
    layer = symbolic(make)()
    y_code, cache = layer.forward({}, Z)
    hand = layer.backward({}, cache, DS)[1]
    return GradientCase(
        TITLE, f"{name} (vector–Jacobian product)", (Z, DS), 0, sp.Add(*np.ravel(DS * definition(Z))), hand,
        f"nnfunc.{name}.{name}().backward", (EVERYWHERE,), _witnesses_of(make), shown,
        code_scalar=expression(sp.Add(*np.ravel(DS * y_code))), notes=notes,
    )


def derive() -> list:
    """The softmax and log-softmax vector–Jacobian products."""
    cases = [
        _case(softmax, "softmax", _definition,
              r"s_{nk} = \frac{e^{z_{nk}}}{\sum_j e^{z_{nj}}},\quad E = \sum_{n,k} \delta_{nk}\, s_{nk}",
              "Jacobian ∂s_i/∂z_j = s_i(1_ij − s_j); the backward pass is "
              "δ_z = s ⊙ (δ_s − Σ_j δ_s,j s_j), never the Jacobian itself."),
        _case(log_softmax, "log_softmax", _log_definition,
              r"y_{nk} = z_{nk} - \log\sum_j e^{z_{nj}},\quad E = \sum_{n,k} \delta_{nk}\, y_{nk}",
              "Jacobian ∂y_i/∂z_j = 1_ij − s_j with s = softmax(z) = e^y; the backward pass is "
              "δ_z = δ_y − s Σ_j δ_y,j."),
    ]
    return settle([derive_gradient(case, salt) for salt, case in zip((200, 201), cases)])
