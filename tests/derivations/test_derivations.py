"""derivations/: every hand form agrees with SymPy, the checker catches wrong ones, the document is current."""
import doctest

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp
from jax import lax

import derivations
from derivations import convolution, lax_semantics, pooling, proof, symbolic, windowed
from derivations.__main__ import DOCUMENT, report
from derivations.numeric import settle
from derivations.render import render
from derivations.scalar import BOTH_SIDES, EVERYWHERE, Case, Z, derive_activation
from nnfunc.activations import Activation
from nnfunc.conv import conv
from nnfunc.pool import max_pool

# Deliberately wrong hand forms: the checker must name them.
WRONG_SIGMOID = Activation("sigmoid", jax.nn.sigmoid, lambda z, a: a * (1 + a))
# Right on both sides of the kink, wrong at it: relu'(0) must be the left-hand derivative 0.
WRONG_KINK_RELU = Activation("relu", lambda z: jnp.maximum(z, 0),
                             lambda z, a: jnp.where(z >= 0, 1.0, 0.0).astype(z.dtype))


def unflipped_conv(n_out, kernel, stride, padding):
    """conv whose dx correlates δ with the kernel *unflipped* (wrong on purpose); dw, db right."""
    right = conv(n_out, kernel, stride, padding)

    def backward(params, x, dy):
        flipped = lax.rev(params["w"], tuple(range(len(kernel))))  # flipped twice inside conv's backward
        return right.backward({**params, "w": flipped}, x, dy)

    return right._replace(backward=backward)


def last_maximum_pool(window, stride, padding):
    """max_pool routing δ to the *last* maximum of a window (wrong tie rule on purpose): the right
    backward on the input mirrored along both spatial axes, mirrored back."""
    right = max_pool(window, stride, padding)

    def backward(params, cache, dy):
        x, y = cache
        _, dx = right.backward(params, (lax.rev(x, (1, 2)), lax.rev(y, (1, 2))), lax.rev(dy, (1, 2)))
        return {}, lax.rev(dx, (1, 2))

    return right._replace(backward=backward)


def test_every_derivation_agrees_with_the_code(all_derivations):
    assert len(all_derivations) >= 25
    assert derivations.failures(all_derivations) == []
    for d in all_derivations:
        assert d.proofs and d.errors, f"{d.section} / {d.name} has no proof or no numeric witness"


def test_document_is_up_to_date(all_derivations):
    assert DOCUMENT.read_text(encoding="utf-8") == render(all_derivations), (
        "docs/derivations.md is out of date with the code: run `python -m derivations` and commit it "
        '(README "Adding a layer", step 6)')


def test_a_wrong_hand_form_is_caught_and_named():
    case = Case("sigmoid, wrong on purpose", 1 / (1 + sp.exp(-Z)), lambda alpha: WRONG_SIGMOID,
                "tests.test_derivations.WRONG_SIGMOID.df", EVERYWHERE)
    [d] = settle([derive_activation(case)])
    assert not d.ok
    assert dict(d.proofs)["every real z: code's df = derivative"] is False
    assert dict((w, e) for w, e, _ in d.errors)["nnfunc df"] > 1e-2
    problems = derivations.failures([d])
    assert problems and all("sigmoid, wrong on purpose" in p for p in problems)
    text, status = report([d])
    assert status == 1 and "DISAGREES" in text and "WRONG_SIGMOID" in text


def test_a_wrong_kink_convention_is_caught():
    case = Case("relu, wrong at 0", sp.Max(0, Z), lambda alpha: WRONG_KINK_RELU,
                "tests.test_derivations.WRONG_KINK_RELU.df", BOTH_SIDES)
    [d] = settle([derive_activation(case)])
    failed = [region for region, ok in d.proofs if not ok]
    assert failed == ["z = 0: code's df = left-hand derivative"]


def test_is_zero_never_claims_a_false_identity():
    z = sp.Symbol("z", real=True)
    assert not proof.is_zero(sp.exp(z) - 1 - z)
    assert not proof.is_zero(sp.sin(z) ** 2 - sp.sin(z))
    assert proof.is_zero(sp.exp(2 * z) - sp.exp(z) ** 2)


def test_symbolic_names_a_jax_function_it_cannot_translate():
    act = Activation("erf", jax.scipy.special.erf, lambda z, a: a)
    with pytest.raises(NotImplementedError, match="erf"):
        symbolic.symbolic(act).f(symbolic.array([Z]))


def test_unknown_section_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown derivation section"):
        derivations.run(["no_such_section"])


@pytest.mark.parametrize("module", [proof, symbolic, lax_semantics, windowed])
def test_docstring_examples_run(module):
    assert doctest.testmod(module).failed == 0


def test_command_line_check_exits_zero_when_all_agree(capsys):
    from derivations.__main__ import main

    assert main(["--check", "alice"]) == 0
    assert "1/1 derivations agree" in capsys.readouterr().out


def test_the_window_layers_are_derived(all_derivations):
    names = {(d.section, d.name) for d in all_derivations}
    for case in convolution.CASES:
        assert {(convolution.TITLE, f"{case.name}: ∂E/∂{v}") for v in ("x", "w", "β")} <= names
    for case in pooling.CASES:
        assert {(pooling.TITLE, f"{kind}, {case.name}") for kind in ("avg_pool", "max_pool")} <= names
    assert (pooling.TITLE, f"max_pool at ties, {pooling.CASES[0].name}") in names
    assert ("Flatten", "flatten, batch of 2 inputs of shape (2, 3, 1)") in names


def test_an_unflipped_conv_kernel_is_caught_and_named():
    case = convolution.CASES[0]._replace(name="conv, kernel unflipped on purpose", make=unflipped_conv,
                                         implemented_by="tests.test_derivations.unflipped_conv")
    dx, dw, db = settle(convolution.derive_case(case))
    assert dw.ok and db.ok
    assert not dx.ok
    assert [ok for region, ok in dx.proofs if "gradient" in region] == [False]
    assert dict((w, e) for w, e, _ in dx.errors)["nnfunc backward"] > 1e-2
    problems = derivations.failures([dx, dw, db])
    assert problems and all("kernel unflipped on purpose: ∂E/∂x" in p for p in problems)
    assert any("tests.test_derivations.unflipped_conv" in p for p in problems)


def test_a_wrong_max_pool_tie_rule_is_caught():
    case = pooling.CASES[0]
    ties = (np.ones((3, 3), int),)
    right, _ = pooling.derive_ties(case, ties, 0)
    assert right.proofs == (("ties [[1, 1, 1], [1, 1, 1], [1, 1, 1]]: code's δ_x = first-maximum rule", True),)
    [wrong] = settle([pooling.derive_ties(case, ties, 0, make=last_maximum_pool)])
    assert [ok for _, ok in wrong.proofs] == [False]
    errors = dict((w, e) for w, e, _ in wrong.errors)
    assert errors["nnfunc backward"] > 1e-2 and errors["jax.vjp of forward"] < 1e-12


# The stand-ins of derivations.lax_semantics against the real lax, on float64 object arrays.
CONVOLUTIONS = [  # lhs shape, rhs shape, strides, padding, lhs_dilation, rhs_dilation, dimension numbers
    ((1, 3, 3, 1), (2, 2, 1, 1), (1, 1), [(0, 0), (0, 0)], None, None, ("NHWC", "HWIO", "NHWC")),
    ((2, 5, 2), (3, 2, 3), (2,), [(1, 1)], None, None, ("NWC", "WIO", "NWC")),
    ((2, 4, 4, 3), (2, 2, 2, 3), (1, 1), [(0, -1), (1, 0)], None, (2, 2), ("CHWN", "IHWO", "HWNC")),
    ((1, 3, 3, 2), (2, 2, 3, 2), (1, 1), [(1, 2), (1, 1)], (2, 2), None, ("NHWC", "HWOI", "NHWC")),
    ((2, 3, 4, 5), (3, 3, 2, 2), (2, 1), [(2, 0), (0, 1)], (1, 2), (2, 1), ("NCHW", "OIHW", "NCHW")),
    ((2, 5, 4, 3), (2, 3, 3, 4), (1, 2), [(0, 0), (1, 0)], None, None, ("NWHC", "HWIO", "NHWC")),
]


def _close(stand_in, real):
    stand_in = np.asarray(stand_in, np.float64)
    assert stand_in.shape == real.shape
    np.testing.assert_allclose(stand_in, real, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lhs, rhs, strides, padding, lhs_dilation, rhs_dilation, numbers", CONVOLUTIONS)
def test_conv_stand_in_is_lax_conv_general_dilated(lhs, rhs, strides, padding, lhs_dilation, rhs_dilation,
                                                   numbers):
    g = np.random.default_rng(len(lhs) + sum(lhs))
    x, w = g.normal(size=lhs), g.normal(size=rhs)
    settings = dict(lhs_dilation=lhs_dilation, rhs_dilation=rhs_dilation, dimension_numbers=numbers)
    _close(lax_semantics.conv_general_dilated(x.astype(object), w.astype(object), strides, padding, **settings),
           lax.conv_general_dilated(x, w, strides, padding, **settings))


def test_pad_slice_rev_reduce_window_stand_ins_are_lax():
    g = np.random.default_rng(1)
    x = g.normal(size=(2, 5, 4))
    config = [(0, 0, 0), (-1, 2, 1), (2, -3, 2)]
    _close(lax_semantics.pad(x.astype(object), 0.5, config), lax.pad(x, 0.5, config))
    _close(lax_semantics.slice_(x, (0, 1, 0), (2, 5, 4), (1, 2, 3)), lax.slice(x, (0, 1, 0), (2, 5, 4), (1, 2, 3)))
    _close(lax_semantics.rev(x, (1, 2)), lax.rev(x, (1, 2)))
    for init, numpy_op, lax_op, window, strides, pads in [
            (-np.inf, np.maximum, lax.max, (1, 2, 3), (1, 2, 1), [(0, 0), (0, 1), (1, 1)]),
            (0.0, np.add, lax.add, (1, 2, 2), (1, 1, 2), [(0, 0), (1, 1), (0, 1)])]:
        _close(lax_semantics.reduce_window(x.astype(object), init, numpy_op, window, strides, pads),
               lax.reduce_window(x, init, lax_op, window, strides, pads))


def test_stand_ins_name_what_they_do_not_support():
    with pytest.raises(NotImplementedError, match="lax.conv_transpose"):
        symbolic.LAX.conv_transpose
    with pytest.raises(NotImplementedError, match="padding pairs"):
        lax_semantics.conv_general_dilated(np.ones((1, 3, 1)), np.ones((2, 1, 1)), (1,), "SAME",
                                           dimension_numbers=("NWC", "WIO", "NWC"))
