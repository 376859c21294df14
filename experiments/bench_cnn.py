"""Benchmark: one jit-compiled SGD step of the small CNN, hand backprop vs ``jax.grad``.

``python -m experiments.bench_cnn [--repeats N] [--batches 1 64]``

Both steps compute the same thing: categorical cross-entropy of the CNN's softmax
output, its gradient, and ``params - lr * grads``.  One uses :func:`nnfunc.backprop`
(the hand backward passes only), the other ``jax.value_and_grad`` of the same forward
function.  float32, random inputs and one-hot targets; after a warm-up (compilation)
each step is timed ``repeats`` times, alternating the two so that machine load hits
both alike, and the median is reported with the ratio hand / jax.
"""
from __future__ import annotations

import argparse
import statistics
import time

import jax
import jax.numpy as jnp

import nnfunc as nf
from experiments.cnn_model import INPUT_SHAPE, N_CLASSES, cnn

LEARNING_RATE = 0.01


def steps(net: nf.Layer, loss: nf.Loss):
    """The two jit-compiled SGD steps ``(params, x, t) -> (loss, new_params)``: hand and jax."""

    def sgd(params, grads):
        return jax.tree.map(lambda p, g: p - LEARNING_RATE * g, params, grads)

    def objective(params, x, t):
        return loss.value(net.forward(params, x)[0], t)

    def hand_step(params, x, t):
        value, grads = nf.backprop(net, loss)(params, x, t)
        return value, sgd(params, grads)

    def jax_step(params, x, t):
        value, grads = jax.value_and_grad(objective)(params, x, t)
        return value, sgd(params, grads)

    return jax.jit(hand_step), jax.jit(jax_step)


def timed(step, args) -> float:
    start = time.perf_counter()
    jax.block_until_ready(step(*args))
    return time.perf_counter() - start


def bench(batch: int, repeats: int, key) -> dict:
    """Median step times (seconds) of both steps at one batch size, and their ratio."""
    net = cnn()
    k_init, k_x, k_t = jax.random.split(key, 3)
    params, _ = net.init(k_init, INPUT_SHAPE)
    params = jax.tree.map(lambda p: p.astype(jnp.float32), params)
    x = jax.random.uniform(k_x, (batch, *INPUT_SHAPE), jnp.float32)
    t = jax.nn.one_hot(jax.random.randint(k_t, (batch,), 0, N_CLASSES), N_CLASSES, dtype=jnp.float32)
    hand, auto = steps(net, nf.categorical_cross_entropy)
    args = (params, x, t)
    for _ in range(3):
        timed(hand, args), timed(auto, args)
    times = {"hand": [], "jax": []}
    for _ in range(repeats):
        times["hand"].append(timed(hand, args))
        times["jax"].append(timed(auto, args))
    median = {k: statistics.median(v) for k, v in times.items()}
    return {"batch": batch, "hand_s": median["hand"], "jax_s": median["jax"],
            "ratio": median["hand"] / median["jax"]}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m experiments.bench_cnn", description=__doc__)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 64])
    args = parser.parse_args(argv)
    device = jax.devices()[0]
    print(f"device {device.platform}:{device.device_kind}, jax {jax.__version__}, float32, "
          f"median of {args.repeats} steps after warm-up")
    print(f"{'batch':>5} {'hand ms':>9} {'jax.grad ms':>11} {'ratio':>6}")
    for batch in args.batches:
        r = bench(batch, args.repeats, jax.random.key(0))
        print(f"{r['batch']:5d} {1e3 * r['hand_s']:9.3f} {1e3 * r['jax_s']:11.3f} {r['ratio']:6.3f}")


if __name__ == "__main__":
    main()
