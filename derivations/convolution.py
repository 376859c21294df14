r"""The convolution layer's delta rule, proved for small symbolic sizes.

Definition, written here as explicit sums (independent of the code): with
:math:`\tilde x` the input zero-padded by :math:`(l, h)` per axis,

.. math:: y_{b,i,o} = \sum_{j} \sum_c \tilde x_{b,\,s i + j,\,c}\; w_{j,c,o} + \beta_o,
    \qquad E = \sum_{b,i,o} \delta_{b,i,o}\, y_{b,i,o}

(:math:`i, j` run over one or two spatial axes; β is the bias ``b``).  SymPy
differentiates :math:`E` by every :math:`x`, :math:`w` and :math:`\beta`.  The hand
forms are ``nnfunc.conv(...).backward`` run on the symbols: its ``dx`` (the full
convolution of the stride-dilated δ with the flipped kernel), ``dw`` (the
correlation of :math:`\tilde x` with δ, one product per kernel offset) and ``db`` (Σ δ)
are computed by the code's own ``lax.conv_general_dilated``/``lax.rev``/``lax.slice``
and ``jnp.tensordot`` calls, executed by :mod:`derivations.lax_semantics` and NumPy on
SymPy objects.  The code's forward is proved equal to the
definition too.  Cases: 2-D with one channel (3×3 and 4×4 inputs, 2×2 kernel,
strides 1 and 2, ``"VALID"`` and ``"SAME"``, one case whose last row and column the
forward pass never reads), and a 1-D case with a batch of 2, 2 input and 3 output
channels and a left padding, where a mix-up of axes would show.  Numerically the
witnesses are the layer's backward and ``jax.vjp`` of its forward.
"""
from __future__ import annotations

import itertools
from typing import Callable, NamedTuple

import numpy as np
import sympy as sp

from derivations.gradient import GradientCase, derive_gradient
from derivations.numeric import settle
from derivations.symbolic import array, expression, symbolic
from derivations.windowed import busiest, everywhere, inner, layer_witnesses, symbols, windows
from nnfunc.conv import conv

TITLE = "Convolution"
PROVES = ("conv",)


class Case(NamedTuple):
    """One geometry.  ``pads``: the definition's zero padding (l, h) per axis, written out here
    from the "SAME" rule (total (m − 1)s + k − n, the extra element after); ``make`` builds the
    layer under proof as ``make(n_out, kernel, stride, padding)``."""

    name: str
    input_shape: tuple  # (batch, *spatial, c_in)
    n_out: int
    kernel: tuple
    stride: int
    padding: str
    pads: tuple
    make: Callable = conv
    implemented_by: str = "nnfunc.conv"


VALID_2D = ((0, 0), (0, 0))
CASES = (
    Case("2-D, 3×3 input, 2×2 kernel, stride 1, VALID", (1, 3, 3, 1), 1, (2, 2), 1, "VALID", VALID_2D),
    Case("2-D, 4×4 input, 2×2 kernel, stride 2, VALID", (1, 4, 4, 1), 1, (2, 2), 2, "VALID", VALID_2D),
    Case("2-D, 3×3 input, 2×2 kernel, stride 2, VALID (last row and column unread)", (1, 3, 3, 1), 1, (2, 2), 2,
         "VALID", VALID_2D),
    Case("2-D, 3×3 input, 2×2 kernel, stride 2, SAME", (1, 3, 3, 1), 1, (2, 2), 2, "SAME", ((0, 1), (0, 1))),
    Case("1-D, batch 2, length 5, 2 → 3 channels, kernel 3, stride 2, SAME", (2, 5, 2), 3, (3,), 2, "SAME",
         ((1, 1),)),
)
PARTS = (  # the variable, the code's name for its gradient, how the code computes it
    ("x", "dx", "the full convolution of δ (s − 1 zeros between its elements) with the flipped kernel: "
                "lax.conv_general_dilated(δ, lax.rev(w), lhs_dilation=s), input and output channels swapped."),
    ("w", "dw", "the correlation of the padded x with δ, one product per kernel offset j: "
                "jnp.tensordot of the strided slice x̃[b, s i + j, c] (lax.slice) with δ over the batch and "
                "spatial axes, stacked over j."),
    ("β", "db", "δ summed over the batch and every position."),
)


def definition(x, w, bias, stride: int, pads):
    r"""y from the explicit sums of the module docstring (padding elements contribute 0)."""
    batch, *spatial, c_in = x.shape
    kernel = w.shape[:-2]
    sizes, seen = windows(spatial, kernel, (stride,) * len(kernel), pads)
    y = np.empty((batch, *sizes, w.shape[-1]), dtype=object)
    for b, i, o in itertools.product(range(batch), seen, range(w.shape[-1])):
        y[(b, *i, o)] = sp.Add(*(x[(b, *p, c)] * w[(*j, c, o)] for j, p in seen[i] for c in range(c_in))) + bias[o]
    return array(y)


def _forward_latex(case: Case) -> str:
    pads = ", ".join(f"({lo}, {hi})" for lo, hi in case.pads)
    return (r"y_{b,i,o} = \sum_{j} \sum_c \tilde x_{b,\,s i + j,\,c}\, w_{j,c,o} + \beta_o,\quad "
            rf"E = \sum_{{b,i,o}} \delta_{{b,i,o}}\, y_{{b,i,o}},\quad s = {case.stride},\ "
            rf"\tilde x = x \text{{ zero-padded by }} {pads}")


def derive_case(case: Case, salt: int = 0) -> list:
    """``(derivation, computation)`` pairs for ∂E/∂x, ∂E/∂w and ∂E/∂β of one geometry."""
    rank = len(case.kernel)
    x = symbols("x", case.input_shape)
    w = symbols("w", (*case.kernel, case.input_shape[-1], case.n_out))
    bias = symbols(r"\beta", (case.n_out,))
    layer = case.make(case.n_out, case.kernel, case.stride, case.padding)
    code = symbolic(case.make)(case.n_out, case.kernel, case.stride, case.padding)
    params = {"w": w, "b": bias}
    y_code, cache = code.forward(params, x)
    delta = symbols(r"\delta", y_code.shape)
    grads, dx = code.backward(params, cache, delta)
    arguments = (x, w, bias, delta)
    pairs = []
    for part, ((letter, short, how), hand) in enumerate(zip(PARTS, (dx, grads["w"], grads["b"]))):
        gradient = GradientCase(
            TITLE, f"{case.name}: ∂E/∂{letter}", arguments, part,
            inner(delta, definition(x, w, bias, case.stride, case.pads)), hand,
            f"{case.implemented_by}({case.n_out}, {case.kernel}, {case.stride}, '{case.padding}').backward: {short}",
            (everywhere("every real x, w, β, δ", arguments),),
            layer_witnesses(layer, lambda w, b: {"w": w, "b": b}, lambda g, dx, part=part: (dx, g["w"], g["b"])[part]),
            _forward_latex(case), code_scalar=expression(inner(delta, y_code)),
            notes=f"{short} is {how} {rank}-D, input shape {case.input_shape} (batch, spatial, channels), "
                  f"kernel {case.kernel}.",
            shown=busiest(hand),
        )
        pairs.append(derive_gradient(gradient, salt))  # the same points for x, w, β
    return pairs


def derive() -> list:
    """Every convolution case."""
    return settle([pair for n, case in enumerate(CASES) for pair in derive_case(case, 500 + n)])
