r"""The delta equations of articles B and D, derived for concrete networks.

For each network (i–j–k sigmoid networks of article B; a 4-layer network with
mixed activations for article D's N-layer recursion) the error of one example,
:math:`E = \tfrac12 \sum_k (o_k - t_k)^2`, is written in SymPy from the forward
definitions (weighted sum plus bias θ, then the activation's definition from
:mod:`derivations.scalar`) and differentiated by every weight and every bias.
Two hand forms are proved equal to each of these derivatives:

* the article's delta rule, written here: :math:`\delta^{(L)} = (o - t)\odot f_L'(z^{(L)})`,
  :math:`\delta^{(l)} = f_l'(z^{(l)}) \odot W^{(l+1)} \delta^{(l+1)}`,
  :math:`\partial E/\partial w^{(l)}_{ij} = a^{(l-1)}_i \delta^{(l)}_j`,
  :math:`\partial E/\partial \theta^{(l)}_j = \delta^{(l)}_j`; for sigmoid layers
  :math:`f' = o(1-o)` (article B), otherwise SymPy's derivative of the definition;
* the code: ``nnfunc.backprop(net, nnfunc.half_sse)`` run on SymPy symbols (the
  library's ``dense``/activation/``serial`` backward passes, unchanged).

Proofs are "difference is zero" with every function application replaced by a
symbol (:func:`derivations.proof.is_zero`): the gradients are never simplified on
their own.  Numerically, the lambdified derivatives are compared at random float64
points with ``nnfunc.backprop`` and with ``jax.grad`` of the code's forward pass.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

import nnfunc as nf
from derivations.numeric import lambdified, rng, settle
from derivations.proof import Derivation, is_zero
from derivations.scalar import CASES, Z
from derivations.symbolic import array, expression, symbolic

TITLE = "Delta rule"
PROVES = ("dense", "serial")  # and elementwise's backward, with sigmoid, tanh, softplus, sine
POINTS = 8
DEFINITION = {case.name: case.definition for case in CASES}
SIGMOID_FORM = "sigmoid"  # f'(z) written o(1 − o), article B's form


class Network(NamedTuple):
    """Layer sizes (input first) and one activation name per layer."""

    name: str
    sizes: tuple
    activations: tuple


NETWORKS = (
    Network("2-2-1 sigmoid network (article B)", (2, 2, 1), ("sigmoid", "sigmoid")),
    Network("3-3-1 sigmoid network (article B)", (3, 3, 1), ("sigmoid", "sigmoid")),
    Network("2-3-2 sigmoid network (article B)", (2, 3, 2), ("sigmoid", "sigmoid")),
    Network("2-2-2-2-1 network, tanh–sigmoid–softplus–sine (article D's N layers)", (2, 2, 2, 2, 1),
            ("tanh", "sigmoid", "softplus", "sine")),
)


def _symbols(sizes):
    """Symbol arrays: x, t, and per layer w (n_in, n_out) and θ (n_out,)."""
    layers = [(array([[sp.Symbol(f"w^{{({l})}}_{{{i}{j}}}", real=True) for j in range(1, m + 1)]
                      for i in range(1, n + 1)]),
               array([sp.Symbol(fr"\theta^{{({l})}}_{{{j}}}", real=True) for j in range(1, m + 1)]))
              for l, (n, m) in enumerate(zip(sizes, sizes[1:]), start=1)]
    x = array([sp.Symbol(f"x_{{{i}}}", real=True) for i in range(1, sizes[0] + 1)])
    t = array([sp.Symbol(f"t_{{{k}}}", real=True) for k in range(1, sizes[-1] + 1)])
    return x, t, layers


def _apply(name, z):
    return array([DEFINITION[name].subs(Z, zi) for zi in z])


def _forward(net, x, layers):
    """Weighted inputs z and outputs a of every layer, from the definitions (a[0] = x)."""
    zs, outs = [], [x]
    for (w, theta), name in zip(layers, net.activations):
        zs.append(outs[-1] @ w + theta)
        outs.append(_apply(name, zs[-1]))
    return zs, outs


def _slope(name, z, a):
    """f'(z): o(1 − o) for sigmoid (article B), else SymPy's derivative of the definition."""
    if name == SIGMOID_FORM:
        return a * (1 - a)
    derivative = sp.diff(DEFINITION[name], Z)
    return array([derivative.subs(Z, zi) for zi in z])


def article_delta_rule(net, t, layers, zs, outs):
    """Article D's recursion (article B's equations for two layers): gradients per layer (dw, dθ)."""
    grads = [None] * len(layers)
    delta = (outs[-1] - t) * _slope(net.activations[-1], zs[-1], outs[-1])
    for l in reversed(range(len(layers))):
        grads[l] = (np.outer(outs[l], delta).view(type(delta)), delta)
        if l:
            delta = _slope(net.activations[l - 1], zs[l - 1], outs[l]) * (layers[l][0] @ delta)
    return grads


def _library_net(net):
    parts = []
    for size, name in zip(net.sizes[1:], net.activations):
        parts += [nf.dense(size), nf.activation(name)]
    return nf.serial(*parts)


def _code_gradients(net, x, t, layers):
    """``nnfunc.backprop(net, half_sse)`` on symbols: (E, per layer (dw, dθ), the code's last z)."""
    params = tuple(p for w, theta in layers for p in ({"w": w, "b": theta}, {}))
    library = _library_net(net)
    value, grads = symbolic(nf.backprop(library, nf.half_sse))(params, x[None, :], t[None, :])
    _, caches = symbolic(library).forward(params, x[None, :])
    z_last = caches[-1][0][0]  # the last activation layer's cache is (z, a)
    return expression(value), [(g["w"], g["b"]) for g in grads[::2]], z_last


def _flat(layers):
    return [s for w, theta in layers for s in (*np.ravel(w), *np.ravel(theta))]


def _computation(net, x, t, layers, derivatives, salt):
    symbols = [*np.ravel(x), *np.ravel(t), *_flat(layers)]
    generator = rng(salt)
    nx, nt = len(x), len(t)
    values = generator.normal(size=(POINTS, len(symbols)))
    values[:, nx:nx + nt] = generator.uniform(0, 1, (POINTS, nt))
    library = _library_net(net)

    def unflatten(row):
        xs, ts, rest, params = row[:nx], row[nx:nx + nt], row[nx + nt:], []
        for n, m in zip(net.sizes, net.sizes[1:]):
            params += [{"w": rest[:n * m].reshape(n, m), "b": rest[n * m:n * m + m]}, {}]
            rest = rest[n * m + m:]
        return xs[None, :], ts[None, :], tuple(params)

    def flat_grads(grads):
        return jnp.concatenate([jnp.concatenate([g["w"].ravel(), g["b"]]) for g in grads[::2]])

    def by_backprop(row):
        xs, ts, params = unflatten(row)
        return flat_grads(nf.backprop(library, nf.half_sse)(params, xs, ts)[1])

    def by_jax(row):
        xs, ts, params = unflatten(row)
        return flat_grads(jax.grad(lambda p: nf.half_sse.value(library.forward(p, xs)[0], ts))(params))

    def compute():
        rows = jnp.asarray(values)
        reference = lambdified(symbols, derivatives)(*rows.T).T
        return [("nnfunc.backprop", jax.vmap(by_backprop)(rows), reference),
                ("jax.grad of forward", jax.vmap(by_jax)(rows), reference)]

    return compute


def _forward_latex(net):
    names = {"sigmoid": r"\sigma", "tanh": r"\tanh", "softplus": r"\operatorname{softplus}", "sine": r"\sin"}
    a = "x"
    for l, name in enumerate(net.activations, start=1):
        a = rf"{names[name]}\big(W^{{({l})\top}} {a} + \theta^{{({l})}}\big)"
    return rf"o = {a},\qquad E = \tfrac12 \sum_k (o_k - t_k)^2"


def derive_network(net: Network, salt: int = 0):
    """One network: every ∂E/∂w and ∂E/∂θ proved equal to the delta rule and to nnfunc's backprop."""
    x, t, layers = _symbols(net.sizes)
    zs, outs = _forward(net, x, layers)
    error = sum((o - tk) ** 2 for o, tk in zip(outs[-1], t)) / 2
    parameters = _flat(layers)
    derivatives = [sp.diff(error, p) for p in parameters]
    article = _flat(article_delta_rule(net, t, layers, zs, outs))
    code_value, code, code_z = _code_gradients(net, x, t, layers)
    code = _flat(code)
    proofs = (
        ("code's E (nnfunc forward + half_sse.value) = definition", is_zero(code_value - error)),
        (f"article's delta rule = ∂E/∂p for all {len(parameters)} parameters",
         all(is_zero(a - d) for a, d in zip(article, derivatives))),
        (f"nnfunc.backprop = ∂E/∂p for all {len(parameters)} parameters",
         all(is_zero(c - d) for c, d in zip(code, derivatives))),
    )
    last = len(parameters) - 1  # the last output bias: small enough to print
    z_names = {zi: sp.Symbol(f"z^{{({len(zs)})}}_{{{k}}}") for k, zi in enumerate(zs[-1], start=1)}
    derivation = Derivation(
        TITLE, net.name, _forward_latex(net),
        rf"\frac{{\partial E}}{{\partial {sp.latex(parameters[last])}}} = "
        + sp.latex(derivatives[last].subs(z_names)),
        r"\delta^{(L)} = (o - t) \odot f_L'(z^{(L)}),\ \delta^{(l)} = f_l'(z^{(l)}) \odot W^{(l+1)}\delta^{(l+1)},\ "
        r"\frac{\partial E}{\partial w^{(l)}_{ij}} = a^{(l-1)}_i \delta^{(l)}_j,\ "
        r"\frac{\partial E}{\partial \theta^{(l)}_j} = \delta^{(l)}_j"
        rf"\\ \text{{nnfunc.backprop gives }} \frac{{\partial E}}{{\partial {sp.latex(parameters[last])}}} = "
        + sp.latex(code[last].subs(dict(zip(code_z, z_names.values())))),
        "nnfunc.backprop(serial(dense, act, ...), half_sse): dense.backward, elementwise(act).backward, "
        "serial's backward recursion",
        proofs, (), f"{POINTS} random points: x, w, θ ~ N(0, 1), t ~ U(0, 1), seed {salt}",
        f"{len(parameters)} parameters; sigmoid slopes written o(1 − o) (article B)",
    )
    return derivation, _computation(net, x, t, layers, derivatives, salt)


def derive() -> list:
    """All delta-rule derivations."""
    return settle([derive_network(net, 300 + salt) for salt, net in enumerate(NETWORKS)])
