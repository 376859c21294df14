r"""Article B's recurrent sign network with Hebbian couplings ("fire together, wire together").

Storing :math:`P` patterns :math:`\xi_p \in \{-1, +1\}^N`:

.. math:: W = \frac{1}{N} \sum_{p=1}^{P} \xi_p \xi_p^\top, \qquad W_{ii} = 0,

so two neurons that agree across the patterns are coupled positively.  Recall is
article B's update, **synchronous**: the whole state vector is multiplied by the
coupling matrix and the sign unit is applied to every element at once,

.. math:: s \leftarrow \mathrm{sign}(W s), \qquad \mathrm{sign}(h) = -1 \text{ if } h < 0 \text{ else } +1,

(nnfunc's ``sign`` activation, so a neuron whose field is exactly 0 becomes +1),
repeated until the state stops changing.  The update is the network
``serial(dense(N), sign())`` with weights :math:`W^\top` (= W) and zero bias,
applied again and again.  Synchronous updates can end in a 2-cycle instead of a
fixed point (asynchronous, one-neuron-at-a-time updates cannot); ``recall`` then
stops at ``max_steps``.  Below about :math:`0.138\,N` random patterns
(Amit–Gutfreund–Sompolinsky) the stored patterns are recovered from corrupted
copies.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from nnfunc.activations import sign
from nnfunc.dense import dense
from nnfunc.layer import serial
from nnfunc.validate import as_array


def hebbian_couplings(patterns):
    r"""The Hebbian coupling matrix :math:`W = \frac1N \sum_p \xi_p \xi_p^\top` with zero diagonal.

    ``patterns`` has shape ``(P, N)``, entries ±1.

    >>> import nnfunc as nf
    >>> nf.classic.hebbian_couplings([[1, 1, -1, -1]]).tolist()
    [[0.0, 0.25, -0.25, -0.25], [0.25, 0.0, -0.25, -0.25], [-0.25, -0.25, 0.0, 0.25], [-0.25, -0.25, 0.25, 0.0]]
    """
    xi = as_array(patterns, "hebbian_couplings", "patterns")
    if xi.ndim != 2:
        raise ValueError(f"hebbian_couplings: patterns must have shape (P, N), got {tuple(xi.shape)}")
    n = xi.shape[1]
    w = xi.T @ xi / n
    return w * (1 - jnp.eye(n, dtype=w.dtype))


def recall(couplings, state, max_steps: int = 100):
    r"""Synchronous recall :math:`s \leftarrow \mathrm{sign}(W s)` until no neuron changes.

    ``state`` has shape ``(N,)`` or ``(batch, N)`` (entries ±1); the loop stops when
    every state in the batch is a fixed point, or after ``max_steps`` updates.
    Returns ``(state, steps)``: ``steps`` counts the updates made, the last of which
    changed nothing if the recall converged.  Pure and jit-compatible (``lax.while_loop``).

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> pattern = jnp.array([1., -1., 1., 1., -1., -1., 1., -1.])
    >>> w = nf.classic.hebbian_couplings(pattern[None])
    >>> noisy = pattern.at[:2].multiply(-1)                  # two bits flipped
    >>> s, steps = nf.classic.recall(w, noisy)
    >>> bool((s == pattern).all()), int(steps)
    (True, 2)
    """
    if not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"recall: max_steps must be a positive int, got {max_steps!r}")
    w = as_array(couplings, "recall", "couplings")
    s = as_array(state, "recall", "state")
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(f"recall: couplings must be a square (N, N) matrix, got shape {tuple(w.shape)}")
    if s.ndim not in (1, 2) or s.shape[-1] != w.shape[0]:
        raise ValueError(f"recall: state has shape {tuple(s.shape)} but couplings have shape "
                         f"{tuple(w.shape)}: expected ({w.shape[0]},) or (batch, {w.shape[0]})")
    update = serial(dense(w.shape[0]), sign())
    params = ({"w": w.T, "b": jnp.zeros(w.shape[0], w.dtype)}, {})

    def changing(carry):
        s, previous, steps = carry
        return (steps < max_steps) & jnp.any(s != previous)

    def one_step(carry):
        s, _, steps = carry
        return update.forward(params, s)[0], s, steps + 1

    first = update.forward(params, s)[0]
    s, _, steps = lax.while_loop(changing, one_step, (first, s, jnp.ones((), jnp.int32)))
    return s, steps


def flip_bits(key, pattern, n_flips):
    """``pattern`` (±1, shape ``(N,)``) with exactly ``n_flips`` randomly chosen entries negated.

    ``n_flips`` may be a traced integer (vmap over corruption levels).

    >>> import jax, jax.numpy as jnp, nnfunc as nf
    >>> noisy = nf.classic.flip_bits(jax.random.key(1), jnp.ones(10), 3)
    >>> int((noisy == -1).sum())
    3
    """
    p = as_array(pattern, "flip_bits", "pattern")
    if p.ndim != 1:
        raise ValueError(f"flip_bits: pattern must be a vector (N,), got shape {tuple(p.shape)}")
    return jnp.where(jax.random.permutation(key, p.shape[0]) < n_flips, -p, p)
