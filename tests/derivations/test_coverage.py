"""Every registered layer, activation and loss is proved by a derivation section that says so.

Each section module of ``derivations.SECTIONS`` declares ``PROVES``: the registry names
whose code its derivations run on symbols.  The declarations must cover
``nnfunc.LAYERS``, ``ACTIVATIONS`` and ``LOSSES``, name only registered things, and be
true: a claimed name appears in the name or the ``implemented_by`` of one of that
section's derivations.
"""
import importlib
import re

import pytest

import derivations
import nnfunc as nf

REGISTRIES = {"nf.LAYERS": nf.LAYERS, "nf.ACTIVATIONS": nf.ACTIVATIONS, "nf.LOSSES": nf.LOSSES}
SECTIONS = {name: importlib.import_module(module) for name, module in derivations.SECTIONS.items()}
HOW = ('README "Adding a layer", step 4: write a module in derivations/ whose derive() runs nnfunc\'s {name} '
       "on SymPy symbols (see derivations/flatten.py for a short one), put {name!r} in its PROVES and add it "
       "to derivations.SECTIONS in derivations/__init__.py")


def claims() -> dict[str, set[str]]:
    """Section name -> the registry names its module claims to prove."""
    return {name: set(getattr(module, "PROVES", None) or ()) for name, module in SECTIONS.items()}


def unproved(registries: dict, claimed: dict) -> list[str]:
    """One line per registered name that no section claims, saying what to add."""
    proved = set().union(*claimed.values())
    return [f"{registry}[{name!r}] has no derivation: " + HOW.format(name=name)
            for registry, entries in registries.items() for name in entries if name not in proved]


def mentions(name: str, text: str) -> bool:
    """``name`` occurs in ``text`` as a whole identifier (``conv`` in ``nnfunc.conv(1, ...)``,
    not ``relu`` in ``leaky_relu``)."""
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None


def test_every_section_declares_what_it_proves():
    missing = [f"{module.__name__} ({module.__file__})" for module in SECTIONS.values()
               if not isinstance(getattr(module, "PROVES", None), tuple)]
    assert not missing, ("these derivation sections have no PROVES tuple (the registry names whose code they "
                         f"run on symbols; () for none): {missing}")


def test_every_registered_layer_activation_and_loss_has_a_derivation():
    problems = unproved(REGISTRIES, claims())
    assert not problems, "\n".join(problems)


def test_a_section_claims_only_registered_names():
    known = set().union(*REGISTRIES.values())
    strays = [f"{SECTIONS[section].__file__}: PROVES names {name!r}, which is in none of {', '.join(REGISTRIES)}"
              for section, names in claims().items() for name in sorted(names - known)]
    assert not strays, "\n".join(strays)


def test_what_a_section_claims_is_among_its_derivations(all_derivations):
    titles = {name: module.TITLE for name, module in SECTIONS.items()}
    false = [f"{SECTIONS[section].__file__} claims {name!r} in PROVES, but none of its derivations names it "
             "(in Derivation.name or implemented_by): derive it there, or move the claim to the section that does"
             for section, names in claims().items() for name in sorted(names)
             if not any(mentions(name, f"{d.name} {d.implemented_by}")
                        for d in all_derivations if d.section == titles[section])]
    assert not false, "\n".join(false)


def test_a_layer_docstring_names_the_section_that_proves_it():
    claimed = claims()
    problems = []
    for registry in ("nf.LAYERS", "nf.ACTIVATIONS"):
        for name, make in REGISTRIES[registry].items():
            titles = [SECTIONS[section].TITLE for section, names in claimed.items() if name in names]
            if titles and not any(f'"{title}"' in (make.__doc__ or "")
                                  for title in titles):
                problems.append(f"{make.__module__}.{make.__name__}: its docstring does not say where it is proved; "
                                f'add `Proof: docs/derivations.md, section "{titles[0]}".` (README "Adding a layer", '
                                "step 1)")
    assert not problems, "\n".join(problems)


def test_a_layer_without_a_section_is_named_with_the_step_to_take():
    claimed = claims()
    claimed["pooling"] = claimed["pooling"] - {"avg_pool"}
    [problem] = unproved(REGISTRIES, claimed)
    assert problem.startswith("nf.LAYERS['avg_pool'] has no derivation")
    assert "step 4" in problem and "derivations.SECTIONS" in problem


@pytest.mark.parametrize("name, text, found", [
    ("conv", "nnfunc.conv(1, (2, 2), 1, 'VALID').backward: dx", True),
    ("relu", "leaky_relu", False),
    ("dense", "nnfunc.backprop(serial(dense, act, ...), half_sse)", True),
    ("sse", "nnfunc.losses.half_sse.grad", False),
])
def test_a_claim_must_name_the_layer_as_a_whole_identifier(name, text, found):
    assert mentions(name, text) is found
