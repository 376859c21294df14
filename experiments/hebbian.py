"""Article B: Hebbian couplings and the recurrent sign update as an associative memory.

P random ±1 patterns of N = 100 bits are stored in W = Σ ξ ξᵀ / N (zero diagonal).
Each probe is a stored pattern with a given number of bits flipped; synchronous
recall s ← sign(W s) runs until nothing changes, and the bits that then agree
with the stored pattern are counted.  Below the capacity P ≈ 0.138 N (Amit,
Gutfreund, Sompolinsky) the memory cleans up heavy corruption; above it, even
an uncorrupted pattern is not stable.

Expected, from the signal-to-noise argument (field (1 − 2f) against crosstalk of
standard deviation √(P/N)): at P/N = 0.05, ≥ 99 of 100 bits recovered for every
corruption up to 25 %; at P/N = 0.2 bits lost even from the stored patterns.
"""
from __future__ import annotations

import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import nnfunc as nf
from experiments import plots
from experiments.runner import Result

SEED = 0
N = 100
LOADS = (0.05, 0.1, 0.2)
CORRUPTION = np.round(np.arange(0.0, 0.51, 0.05), 2)
MAX_STEPS = 50


def bits_recovered(key, n_patterns, n_flips):
    """Store ``n_patterns`` random patterns, probe each with ``n_flips[i]`` bits flipped, recall.

    Returns, per probe, the bits equal to its stored pattern after recall.  Patterns
    are drawn for the largest load and the rows past ``n_patterns`` zeroed (they add
    nothing to W), so every load runs in the same compiled program.
    """
    pattern_key, probe_key = jax.random.split(key)
    most = round(max(LOADS) * N)
    patterns = jax.random.rademacher(pattern_key, (most, N), float)
    couplings = nf.classic.hebbian_couplings(patterns * (jnp.arange(most) < n_patterns)[:, None])
    targets = patterns[jnp.arange(n_flips.shape[0]) % n_patterns]
    noisy = jax.vmap(nf.classic.flip_bits)(jax.random.split(probe_key, n_flips.shape[0]), targets, n_flips)
    recalled, _ = nf.classic.recall(couplings, noisy, MAX_STEPS)
    return jnp.sum(recalled == targets, axis=1)


def run(out_dir: Path, quick: bool = False) -> Result:
    probes_per_level = 20 if quick else 200
    flips = np.round(CORRUPTION * N).astype(int)
    n_flips = jnp.asarray(np.repeat(flips, probes_per_level))
    keys = jax.random.split(jax.random.key(SEED), len(LOADS))
    n_patterns = jnp.asarray([round(load * N) for load in LOADS])
    start = time.perf_counter()
    recover = jax.jit(jax.vmap(bits_recovered, (0, 0, None))).lower(keys, n_patterns, n_flips).compile()
    compile_s = time.perf_counter() - start
    correct = np.asarray(recover(keys, n_patterns, n_flips)).reshape(len(LOADS), len(flips), -1)
    curves, table = {}, {}
    for load, p, c in zip(LOADS, n_patterns.tolist(), correct):
        table[p] = {"mean_bits_correct": c.mean(axis=1).tolist(), "fully_recovered": (c == N).mean(axis=1).tolist()}
        curves[f"P = {p} (P/N = {load})"] = (CORRUPTION, c.mean(axis=1) / N)
    curves["before recall"] = (CORRUPTION, 1 - CORRUPTION)

    print(f"N = {N} neurons, synchronous recall; mean bits correct out of {N} after recall "
          f"({probes_per_level} probes per level; in brackets: share of probes recovered exactly)")
    print("flipped  " + "  ".join(f"{f'P = {p}':>14s}" for p in table))
    for i, f in enumerate(flips):
        print(f"{f:7d}  " + "  ".join(f"{t['mean_bits_correct'][i]:6.2f} [{t['fully_recovered'][i]:6.1%}]"
                                      for t in table.values()))
    plot = plots.line_plot(curves, out_dir / "hebbian_recall.png", xlabel="fraction of bits flipped in the probe",
                           ylabel="fraction of bits right after recall",
                           title=f"Hebbian memory, N = {N}, synchronous sign updates")

    low, high = table[round(LOADS[0] * N)], table[round(LOADS[-1] * N)]
    upto = int(np.searchsorted(CORRUPTION, 0.25, side="right"))
    worst_low = min(low["mean_bits_correct"][:upto])
    return Result(
        key_result=f"P/N = {LOADS[0]}: >= {worst_low:.2f}/{N} bits up to 25% flipped; "
                   f"P/N = {LOADS[-1]}: {high['mean_bits_correct'][0]:.2f}/{N} from the stored patterns",
        expected=f">= 99/{N} at P/N = {LOADS[0]}; < {N}/{N} at P/N = {LOADS[-1]} (above capacity 0.138)",
        passed=worst_low >= 99 and high["mean_bits_correct"][0] < N,
        data={"neurons": N, "corruption": CORRUPTION.tolist(), "bits_flipped": flips.tolist(),
              "probes_per_level": probes_per_level, "patterns": table, "update": "synchronous",
              "max_steps": MAX_STEPS, "plots": [plot.name]},
        seed=SEED,
        compile_s=compile_s,
    )
