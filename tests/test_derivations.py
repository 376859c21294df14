"""derivations/: every hand form agrees with SymPy, the checker catches wrong ones, the document is current."""
import doctest

import jax
import jax.numpy as jnp
import pytest
import sympy as sp

import derivations
from derivations import proof, symbolic
from derivations.__main__ import DOCUMENT, report
from derivations.numeric import settle
from derivations.render import render
from derivations.scalar import BOTH_SIDES, EVERYWHERE, Case, Z, derive_activation
from nnfunc.activations import Activation

# Deliberately wrong hand forms: the checker must name them.
WRONG_SIGMOID = Activation("sigmoid", jax.nn.sigmoid, lambda z, a: a * (1 + a))
# Right on both sides of the kink, wrong at it: relu'(0) must be the left-hand derivative 0.
WRONG_KINK_RELU = Activation("relu", lambda z: jnp.maximum(z, 0),
                             lambda z, a: jnp.where(z >= 0, 1.0, 0.0).astype(z.dtype))


@pytest.fixture(scope="module")
def all_derivations():
    return derivations.run()


def test_every_derivation_agrees_with_the_code(all_derivations):
    assert len(all_derivations) >= 25
    assert derivations.failures(all_derivations) == []
    for d in all_derivations:
        assert d.proofs and d.errors, f"{d.section} / {d.name} has no proof or no numeric witness"


def test_document_is_up_to_date(all_derivations):
    assert DOCUMENT.read_text(encoding="utf-8") == render(all_derivations), (
        "docs/derivations.md is out of date with the code: run `python -m derivations` and commit it")


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
        derivations.run(["convolution_not_yet"])


@pytest.mark.parametrize("module", [proof, symbolic])
def test_docstring_examples_run(module):
    assert doctest.testmod(module).failed == 0


def test_command_line_check_exits_zero_when_all_agree(capsys):
    from derivations.__main__ import main

    assert main(["--check", "alice"]) == 0
    assert "1/1 derivations agree" in capsys.readouterr().out
