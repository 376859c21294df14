r"""The flatten layer's delta rule: reshape back.

Definition, written here element by element: a batch of 2 inputs of shape
(2, 3, 1) laid out row-major, :math:`y_{b,\,3r + c} = x_{b,r,c,1}`, and
:math:`E = \sum \delta \odot y`.  The hand form is ``nnfunc.flatten().backward`` run on
the symbols (``dy.reshape(shape of x)``).  Numerically the witnesses are the layer's
backward and ``jax.vjp`` of its forward.
"""
from __future__ import annotations

import numpy as np

from derivations.gradient import GradientCase, derive_gradient
from derivations.numeric import settle
from derivations.symbolic import array, expression, symbolic
from derivations.windowed import everywhere, inner, layer_witnesses, symbols
from nnfunc.flatten import flatten

TITLE = "Flatten"
PROVES = ("flatten",)
SHAPE = (2, 2, 3, 1)


def definition(x):
    """y[b, 3 r + c] = x[b, r, c, 0]."""
    batch, rows, columns, _ = x.shape
    y = np.empty((batch, rows * columns), dtype=object)
    for b, r, c in np.ndindex(batch, rows, columns):
        y[b, columns * r + c] = x[b, r, c, 0]
    return array(y)


def derive() -> list:
    """The flatten layer."""
    x = symbols("x", SHAPE)
    code = symbolic(flatten)()
    y_code, cache = code.forward({}, x)
    delta = symbols(r"\delta", y_code.shape)
    case = GradientCase(
        TITLE, "flatten, batch of 2 inputs of shape (2, 3, 1)", (x, delta), 0, inner(delta, definition(x)),
        code.backward({}, cache, delta)[1], "nnfunc.flatten().backward",
        (everywhere("every real x, δ", (x, delta)),), layer_witnesses(flatten(), dict, lambda g, dx: dx),
        r"y_{b,\,3r + c} = x_{b,r,c,1},\quad E = \sum_{b,k} \delta_{b,k}\, y_{b,k}",
        code_scalar=expression(inner(delta, y_code)),
    )
    return settle([derive_gradient(case, 700)])
