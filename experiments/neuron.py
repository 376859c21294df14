"""Article E's numbers: one neuron, the 2-2-1 network, MSE, and Alice's gradient.

Alice's example is checked three ways: nf.backprop (hand delta rule), jax.grad of
the same forward function, and the article's rounded figures.
"""
from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp

import nnfunc as nf
from experiments.runner import Result
from nnfunc.check import check_backprop

NEURON = 0.9990889488055994
NETWORK = 0.7216325609518421
ALICE_OUTPUT = 0.5236951740839997
ALICE_DL_DW1 = 0.02146953526581111


def network_221(w, b) -> tuple:
    """Article E's 2-2-1 sigmoid network with every neuron's weights ``w`` and bias ``b``."""
    hidden = {"w": jnp.array([w, w], float).T, "b": jnp.full(2, b, float)}
    output = {"w": jnp.array([w], float).T, "b": jnp.full(1, b, float)}
    net = nf.serial(nf.dense(2), nf.sigmoid(), nf.dense(1), nf.sigmoid())
    return net, (hidden, {}, output, {})


def alice():
    """Article E's network at all weights 1, biases 0, with Alice's (x, t) = ((−2, −1), 1)."""
    net, params = network_221([1.0, 1.0], 0.0)
    return net, params, jnp.array([[-2.0, -1.0]]), jnp.array([[1.0]])


def alice_gradient():
    """o and ∂L/∂w1 for Alice (x = (−2, −1), t = 1), all weights 1, biases 0, L = (t − o)².

    Returns (o, hand ∂L/∂w1, jax.grad ∂L/∂w1); w1 is params[0]["w"][0, 0], the
    weight from input 1 to hidden neuron 1.
    """
    net, params, x, t = alice()
    o = net.forward(params, x)[0][0, 0]
    _, hand = jax.jit(nf.backprop(net, nf.mse))(params, x, t)
    auto = jax.jit(jax.grad(lambda p: nf.mse.value(net.forward(p, x)[0], t)))(params)
    return float(o), float(hand[0]["w"][0, 0]), float(auto[0]["w"][0, 0])


def run(out_dir: Path, quick: bool = False) -> Result:
    neuron = nf.dense(1)
    y, _ = neuron.forward({"w": [[0], [1]], "b": [4]}, [2, 3])
    single = float(jax.nn.sigmoid(y[0]))
    net, params = network_221([0.0, 1.0], 0.0)
    out = float(net.forward(params, [2, 3])[0][0])
    mse = float(nf.mse.value(jnp.zeros(4), jnp.array([1.0, 0.0, 0.0, 1.0])))
    o, hand, auto = alice_gradient()
    rows = [
        ("neuron w=[0,1], b=4, x=[2,3]", single, NEURON),
        ("2-2-1 network, w=[0,1], b=0", out, NETWORK),
        ("MSE([1,0,0,1], [0,0,0,0])", mse, 0.5),
        ("Alice: o1", o, ALICE_OUTPUT),
        ("Alice: dL/dw1 by nf.backprop", hand, ALICE_DL_DW1),
        ("Alice: dL/dw1 by jax.grad", auto, ALICE_DL_DW1),
    ]
    for label, got, want in rows:
        print(f"{label:32s} {got!r:>22}   article {want!r}")
    rel = max(abs(got - want) / abs(want) for _, got, want in rows)
    print(f"largest relative difference from the article: {rel:.1e}; "
          f"hand vs jax.grad: {abs(hand - auto):.1e}")
    net, params, x, t = alice()
    report = check_backprop(net, nf.mse, params, x, t)
    print(report)
    return Result(
        key_result=f"max rel. diff {rel:.1e}",
        expected="< 1e-14",
        passed=rel < 1e-14 and report.ok,
        data={"numbers": {label: {"got": got, "article": want} for label, got, want in rows},
              "alice_gradient_check": str(report)},
    )
