"""Evaluating SymPy results in float64 with JAX, the way the library computes."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from derivations.proof import relative_error

SEED = 0
TOL = 1e-12


def require_x64() -> None:
    """Raise unless JAX computes in float64 (``python -m derivations`` and the tests turn it on)."""
    if not jax.config.jax_enable_x64:
        raise RuntimeError("derivations need float64: jax.config.update('jax_enable_x64', True)")


def rng(salt: int) -> np.random.Generator:
    """The fixed random stream of one derivation (``salt`` keeps derivations independent)."""
    return np.random.default_rng([SEED, salt])


def lambdified(symbols, expr):
    """``expr`` as a JAX function of ``symbols`` (``lambdify(..., modules="jax", cse=True)``), float64 out.

    SymPy's JAX printer has no ``erf``; it is given ``jax.scipy.special.erf``.

    A list of expressions gives a stacked array whose trailing axes are the arguments'
    broadcast shape (a constant element is broadcast too).
    """
    fn = sp.lambdify(symbols, expr, modules=[{"erf": jax.scipy.special.erf}, "jax"], cse=True)

    def evaluate(*args):
        shape = jnp.broadcast_shapes(*(jnp.shape(a) for a in args))
        out = fn(*args)
        if isinstance(expr, (list, tuple)):
            return jnp.stack([jnp.broadcast_to(jnp.asarray(v, jnp.float64), shape) for v in out])
        return jnp.broadcast_to(jnp.asarray(out, jnp.float64), shape)

    return evaluate


def settle(pending, tol: float = TOL) -> list:
    """Derivations with their numeric verdicts, every computation compiled as one program.

    ``pending``: ``(derivation, computation)`` pairs; ``computation()`` returns
    ``(witness, found, expected)`` triples of JAX arrays.  All computations run inside
    one ``jax.jit`` (a handful of small programs each compiled on its own cost more
    than the derivations).  Each witness keeps its worst normwise relative error,
    judged against ``tol``.
    """
    witnesses = []  # the names are Python strings: recorded while tracing, kept out of the program

    def run_all():
        arrays = []
        for _, computation in pending:
            triples = computation()
            witnesses.append([witness for witness, _, _ in triples])
            arrays.append([(found, expected) for _, found, expected in triples])
        return arrays

    results = jax.device_get(jax.jit(run_all)())
    settled = []
    for (derivation, _), names, pairs in zip(pending, witnesses, results):
        worst: dict[str, float] = {}
        for witness, (found, expected) in zip(names, pairs):
            worst[witness] = max(worst.get(witness, 0.0), relative_error(found, expected))
        settled.append(derivation._replace(errors=tuple((w, e, tol) for w, e in worst.items())))
    return settled
