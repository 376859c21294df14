r"""Article B's universality gates: four neurons multiply two reals; one neuron three bits.

The four-neuron gate (``nnfunc.classic.multiplication_gate``, derivation in its
module docstring) has error :math:`\lambda^2\,\sigma''''(a)/(6\sigma''(a))\,xy(x^2+y^2)`,
so on :math:`[-1, 1]^2` the largest error is predicted as
:math:`\lambda^2 |\sigma''''(a)/\sigma''(a)|/3` (at x = y = ±1).

ELU (α = 1) at a = 0 has a kink in σ'' (1 on the left, 0 on the right).  Its even
part is :math:`\sigma(u) + \sigma(-u) = u^2/2 - |u|^3/6 + \dots`, so the gate
normalised by the mean curvature 1/2 still multiplies, with error
:math:`-\lambda(|x+y|^3 - |x-y|^3)/12`, largest :math:`2\lambda/3`: first order only.

tanh and the sigmoid have σ''(0) = 0: σ(u) + σ(−u) is constant, so at a = 0 the
four-neuron sum is 0 for every x, y and carries no product
(``multiplication_gate`` refuses them); a bias a ≠ 0 cures it.

Below :math:`\lambda \approx \varepsilon^{1/4}` rounding in the four-term sum wins
and the error grows again like :math:`\lambda^{-2}` (float64 and float32 shown);
the best error is about :math:`\sqrt{\varepsilon}`.  ELU escapes this in the range
measured: ELU(0) = 0, so there is no large offset σ(a) to cancel, the rounding
error is only about :math:`\varepsilon/\lambda`, and its curve stays first order
down to λ = 1e-7 (its "rounding slope" is the truncation slope, 1).
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

import nnfunc as nf
from experiments import plots
from experiments.runner import Result
from nnfunc.layer import Layer

GRID = np.array(list(itertools.product(np.linspace(-1, 1, 21), repeat=2)))
PRODUCT = GRID[:, 0] * GRID[:, 1]
REFERENCE_SCALE = 1e-2
ZERO_FLOOR = 1e-20  # exact zeros are drawn here on the log axis


class Config(NamedTuple):
    """One gate to measure: the activation layer, the bias a, the σ'' it is normalised by
    (None: σ''(a)), the power of λ in its error, and its predicted largest error at λ."""

    layer: Layer
    bias: float
    curvature: float | None
    order: int
    predicted: Callable[[float], float]


def derivative(f, order: int, z: float) -> float:
    """The ``order``-th derivative of the scalar function ``f`` at ``z``, by nested ``jax.grad``."""
    for _ in range(order):
        f = jax.grad(f)
    return float(jax.jit(f)(jnp.asarray(z, jnp.float64)))


def smooth(layer: Layer, bias: float) -> Config:
    """A gate where σ is smooth: largest error λ² |σ''''(a) / σ''(a)| / 3 on [−1, 1]²."""
    ratio = abs(derivative(layer.spec.f, 4, bias) / derivative(layer.spec.f, 2, bias))
    return Config(layer, bias, None, 2, lambda lam: lam**2 * ratio / 3)


def configs() -> dict[str, Config]:
    """The gates measured: article B's a = 0 where σ''(0) ≠ 0, tanh and sigmoid moved off 0, ELU's kink."""
    return {
        "softplus, a = 0": smooth(nf.softplus(), 0.0),
        "sigmoid, a = 1": smooth(nf.sigmoid(), 1.0),
        "tanh, a = 0.5": smooth(nf.tanh(), 0.5),
        "elu(1), a = 0 (kink)": Config(nf.elu(1.0), 0.0, 0.5, 1, lambda lam: 2 * lam / 3),
    }


def gate_outputs(layer: Layer, scales, bias: float, curvature=None, dtype=jnp.float64) -> np.ndarray:
    """The gate's outputs on the 21 × 21 grid over [−1, 1]², one row per λ in ``scales``, computed in ``dtype``."""
    if curvature is None:
        curvature = nf.classic.second_derivative(layer.spec, bias)

    def outputs(lam):
        net, params = nf.classic.multiplication_gate(layer, lam, bias, curvature)
        params = jax.tree.map(lambda leaf: leaf.astype(dtype), params)
        return net.forward(params, jnp.asarray(GRID, dtype))[0][:, 0]

    return np.asarray(jax.jit(jax.vmap(outputs))(jnp.asarray(scales)), np.float64)


def gate_errors(layer: Layer, scales, bias: float, curvature=None, dtype=jnp.float64) -> list[float]:
    """Largest |gate(x, y) − xy| over the grid, per λ."""
    return np.max(np.abs(gate_outputs(layer, scales, bias, curvature, dtype) - PRODUCT), axis=1).tolist()


def four_neuron_sums(layer: Layer, scales) -> list[float]:
    """Largest |σ(λ(x+y)) + σ(−λ(x+y)) − σ(λ(x−y)) − σ(−λ(x−y))| over the grid (a = 0), per λ.

    The gate normalised by curvature 1 outputs this sum divided by 4λ².
    """
    largest = np.max(np.abs(gate_outputs(layer, scales, 0.0, curvature=1.0)), axis=1)
    return (largest * 4 * np.asarray(scales) ** 2).tolist()


def slope(scales, errors, lo: float, hi: float) -> float:
    """Least-squares slope of log error against log λ, over λ in [lo, hi]."""
    scales, errors = np.asarray(scales), np.asarray(errors)
    inside = (scales >= lo * (1 - 1e-9)) & (scales <= hi * (1 + 1e-9))
    return float(np.polyfit(np.log10(scales[inside]), np.log10(errors[inside]), 1)[0])


def continuous_gate(scales: np.ndarray) -> tuple[dict, dict]:
    """Error against λ per gate; fitted slopes, measured vs predicted error at λ = 1e-2, the minimum."""
    curves, fits = {}, {}
    reference = int(np.argmin(np.abs(np.log10(scales / REFERENCE_SCALE))))
    for label, c in configs().items():
        curves[label] = gate_errors(c.layer, scales, c.bias, c.curvature)
        fits[label] = {"slope": slope(scales, curves[label], 10**-2.5, 1e-1), "expected_slope": c.order,
                       "error_at_1e-2": curves[label][reference], "predicted_at_1e-2": c.predicted(scales[reference]),
                       "rounding_slope": slope(scales, curves[label], 1e-7, 10**-5.5)}
    curves["softplus, a = 0, float32"] = gate_errors(nf.softplus(), scales, 0.0, dtype=jnp.float32)
    for label, curve in curves.items():
        fits.setdefault(label, {}).update(min_error=min(curve), argmin_scale=float(scales[int(np.argmin(curve))]))
    return curves, fits


def odd_activations(scales: np.ndarray) -> tuple[dict, dict]:
    """tanh and sigmoid at a = 0: whether ``multiplication_gate`` refuses them, and their four-neuron
    sums against λ (softplus beside them for scale)."""
    odd = {"tanh, a = 0": nf.tanh(), "sigmoid, a = 0": nf.sigmoid()}
    refusals = {}
    for label, layer in odd.items():
        try:
            nf.classic.multiplication_gate(layer, REFERENCE_SCALE)
        except ValueError as err:
            refusals[label] = str(err)
    sums = {label: four_neuron_sums(layer, scales)
            for label, layer in {**odd, "softplus, a = 0": nf.softplus()}.items()}
    return refusals, sums


def three_bit_table(steepness_values=(5.0, 10.0, 20.0, 40.0)) -> dict:
    """The three-bit neuron's outputs on all 8 inputs, its largest error and the predicted 1/(1 + e^{k/2})."""
    bits = np.array(list(itertools.product([0.0, 1.0], repeat=3)))
    product = bits.prod(axis=1)
    table = {}
    for k in steepness_values:
        net, params = nf.classic.three_bit_product(k)
        y = np.asarray(net.forward(params, bits)[0][:, 0])
        table[k] = {"outputs": y.tolist(), "max_error": float(np.max(np.abs(y - product))),
                    "predicted": float(1 / (1 + np.exp(k / 2))), "rounded_is_xyz": bool(np.all(np.round(y) == product))}
    return table


def report(fits: dict, refusals: dict, sums: dict, table: dict) -> None:
    """Print the tables."""
    print("four-neuron gate: largest |gate(x, y) - xy| on [-1, 1]^2; slopes of log error against log λ "
          "over λ in [3e-3, 1e-1] and (rounding) [1e-7, 3e-6]")
    print(f"{'gate':26s} {'slope':>5s} {'expect':>6s} {'err(1e-2)':>9s} {'predicted':>9s} "
          f"{'min err':>8s} {'at λ':>7s} {'rounding slope':>14s}")
    for label, fit in fits.items():
        if "slope" in fit:
            print(f"{label:26s} {fit['slope']:5.2f} {fit['expected_slope']:6d} {fit['error_at_1e-2']:9.3e} "
                  f"{fit['predicted_at_1e-2']:9.3e} {fit['min_error']:8.1e} {fit['argmin_scale']:7.1e} "
                  f"{fit['rounding_slope']:14.2f}")
        else:
            print(f"{label:26s} {'':32s} {fit['min_error']:8.1e} {fit['argmin_scale']:7.1e}")
    for name, dtype in (("float64", np.float64), ("float32", np.float32)):
        eps = float(np.finfo(dtype).eps)
        print(f"{name}: ε^(1/4) = {eps**0.25:.1e} (best λ), √ε = {eps**0.5:.1e} (best error, up to a constant)")
    print(f"σ''(0) = 0, refused by multiplication_gate: {', '.join(refusals) or 'NONE'}")
    print("largest |four-neuron sum| over the grid and all λ: "
          + ", ".join(f"{label} {max(sums[label]):.1e}" for label in refusals)
          + f"; softplus (a = 0) from {min(sums['softplus, a = 0']):.1e} to {max(sums['softplus, a = 0']):.2f}")
    print("three-bit neuron σ(k(x + y + z - 2.5)), k = 20:  (x, y, z) xyz -> output")
    for bits, out in zip(itertools.product([0, 1], repeat=3), table[20.0]["outputs"]):
        print(f"  {bits} {bits[0] * bits[1] * bits[2]} -> {out:.6f}")
    for k, row in table.items():
        print(f"  k = {k:4g}: largest error {row['max_error']:.3e}, 1/(1+e^(k/2)) = {row['predicted']:.3e}")


def run(out_dir: Path, quick: bool = False) -> Result:
    scales = np.logspace(-7, 0, 15 if quick else 29)
    curves, fits = continuous_gate(scales)
    refusals, sums = odd_activations(scales)
    table = three_bit_table()
    report(fits, refusals, sums, table)

    error_plot = plots.line_plot({label: (scales, curve) for label, curve in curves.items()},
                                 out_dir / "multiplication_error.png", xlabel="input scale λ",
                                 ylabel="largest |gate(x, y) − xy| on [−1, 1]²", logx=True, logy=True,
                                 title="Four-neuron multiplication gate")
    odd_plot = plots.line_plot({label: (scales, np.maximum(s, ZERO_FLOOR)) for label, s in sums.items()},
                               out_dir / "multiplication_odd.png", xlabel="input scale λ",
                               ylabel="largest |four-neuron sum|  (exact 0 drawn at 1e-20)", logx=True,
                               logy=True, title="σ''(0) = 0: the tanh and sigmoid sums carry no product")

    measured = {label: fit for label, fit in fits.items() if "slope" in fit}
    slopes_ok = all(abs(fit["slope"] - fit["expected_slope"]) < 0.1
                    and abs(fit["error_at_1e-2"] / fit["predicted_at_1e-2"] - 1) < 0.02 for fit in measured.values())
    softplus = fits["softplus, a = 0"]
    rises = curves["softplus, a = 0"][0] > 100 * softplus["min_error"]
    odd_largest = max(max(sums[label]) for label in refusals) if refusals else float("nan")
    odd_ok = len(refusals) == 2 and odd_largest < 1e-15
    # absolute: the 111 row's error 1 − σ(k/2) loses its relative accuracy to rounding near 1
    bits_ok = all(row["rounded_is_xyz"] and abs(row["max_error"] - row["predicted"]) < 1e-15
                  for row in table.values())
    return Result(
        key_result=f"slopes {', '.join(format(fit['slope'], '.2f') for fit in measured.values())}; "
                   f"softplus min err {softplus['min_error']:.0e} at λ={softplus['argmin_scale']:.0e}; "
                   f"tanh/sigmoid sums at a=0 <= {odd_largest:.0e}; 3-bit " + ("exact" if bits_ok else "WRONG"),
        expected="slopes 2, 2, 2, 1 (elu kink), err(1e-2) = prediction ± 2%; error rises below λ ≈ 1e-4; "
                 "tanh/sigmoid refused, sums < 1e-15; 3-bit error = 1/(1+e^(k/2)) ± 1e-15",
        passed=slopes_ok and rises and odd_ok and bits_ok,
        data={"scales": scales.tolist(), "errors": curves, "fits": fits, "four_neuron_sums": sums,
              "refused": refusals, "three_bit": {str(k): row for k, row in table.items()},
              "plots": [error_plot.name, odd_plot.name]},
    )
