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


def run(names=None) -> list[Derivation]:
    """The derivations of the sections ``names`` (default: all, in registry order)."""
    require_x64()
    unknown = set(names or ()) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown derivation section(s) {sorted(unknown)}; known: {', '.join(SECTIONS)}")
    return [d for name in (names or SECTIONS) for d in importlib.import_module(SECTIONS[name]).derive()]


def failures(derivations) -> list[str]:
    """Every disagreement, each naming its derivation (empty when all agree)."""
    return [line for d in derivations for line in d.failures()]
