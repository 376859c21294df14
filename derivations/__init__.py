"""SymPy proves every hand-written derivative of nnfunc, and renders the derivations.

``python -m derivations`` writes ``docs/derivations.md``; ``python -m derivations --check``
exits non-zero naming every derivation that disagrees with the code.  Each section is a
module with ``TITLE``, ``PROVES`` (the names, in ``nnfunc.LAYERS``, ``ACTIVATIONS`` or
``LOSSES``, of what its derivations run on symbols; each must appear in the name or the
``implemented_by`` of one of them) and ``derive() -> list[Derivation]``; to add one,
write the module and add a line to :data:`SECTIONS`.  ``tests/derivations/test_coverage.py``
fails for a registered layer, activation or loss that no section proves.  This package
only reads the library; the library never imports it.

The hand forms are never retyped: :mod:`derivations.symbolic` runs the library's own
functions (``Activation.df``, ``Loss.grad``, layer backward passes, ``backprop``) on
SymPy symbols (``jnp``, ``jax`` and ``lax`` calls through stand-ins), and
:mod:`derivations.proof` proves "hand form minus SymPy's derivative is 0".  Every
derivation is also checked numerically in float64 against the library and ``jax.grad``.
"""
from __future__ import annotations

import importlib

from derivations.numeric import require_x64
from derivations.proof import Derivation

SECTIONS = {
    "activations": "derivations.scalar",
    "softmax": "derivations.softmax",
    "losses": "derivations.losses",
    "delta_rule": "derivations.delta_rule",
    "alice": "derivations.worked",
    "gate": "derivations.gate",
    "convolution": "derivations.convolution",
    "pooling": "derivations.pooling",
    "flatten": "derivations.flatten",
}


def titles() -> dict[str, str]:
    """Each section's title in the document (its module's ``TITLE``), by registry name."""
    return {name: importlib.import_module(module).TITLE for name, module in SECTIONS.items()}


def section_names(names) -> list[str]:
    """The registry names of the sections ``names`` call, in order, each once.

    A section is called by its registry name (``delta_rule``) or its title in the
    document (``Delta rule``), in any case; a title shared by several sections
    (``Worked examples``) calls them all.  ``ValueError`` names any unknown name.
    """
    by_name = titles()
    called: dict[str, list[str]] = {}
    for name, title in by_name.items():
        for key in (name, title):
            called.setdefault(key.casefold(), []).append(name)
    unknown = [name for name in names if name.casefold() not in called]
    if unknown:
        raise ValueError(f"unknown derivation section(s) {', '.join(map(repr, unknown))}; known: "
                         f"{', '.join(by_name)} (or a title: {', '.join(dict.fromkeys(by_name.values()))})")
    return list(dict.fromkeys(section for name in names for section in called[name.casefold()]))


def run(names=None) -> list[Derivation]:
    """The derivations of the sections ``names`` (default: all, in registry order).

    Names are registry names or document titles, as :func:`section_names` reads them.
    """
    require_x64()
    chosen = section_names(names) if names else SECTIONS
    return [d for name in chosen for d in importlib.import_module(SECTIONS[name]).derive()]


def failures(derivations) -> list[str]:
    """Every disagreement, each naming its derivation (empty when all agree)."""
    return [line for d in derivations for line in d.failures()]
