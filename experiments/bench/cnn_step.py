"""Benchmark: one jit-compiled SGD step of the small CNN, hand backprop vs ``jax.grad``.

``python -m experiments.bench cnn [--quick] [--repeats N] [--batches 1 64] [--xla-threads N] [--out DIR]``

Both steps compute the same thing: categorical cross-entropy of the CNN's softmax
output, its gradient, and ``params - lr * grads``.  One uses :func:`nnfunc.backprop`
(the hand backward passes only), the other ``jax.value_and_grad`` of the same forward
function.  float32, random inputs and one-hot targets; after a warm-up (compilation)
each step is timed ``repeats`` times (50; 10 with ``--quick``) in interleaved rounds
(:func:`experiments.bench.timing.measure`) so that machine load hits both alike, and the
median is reported with the median per-round ratio hand / jax.  ``python -m
experiments.bench all`` times the same CNN through nf.fit's epoch, beside PyTorch.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

import nnfunc as nf
from experiments.cnn_model import INPUT_SHAPE, N_CLASSES, cnn
from experiments.bench.timing import measure, ratio

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


def bench(batch: int, repeats: int, key) -> dict:
    """Median step times (seconds) of both steps at one batch size, and their ratio."""
    net = cnn()
    k_init, k_x, k_t = jax.random.split(key, 3)
    params, _ = net.init(k_init, INPUT_SHAPE)
    params = jax.tree.map(lambda p: p.astype(jnp.float32), params)
    x = jax.random.uniform(k_x, (batch, *INPUT_SHAPE), jnp.float32)
    t = jax.nn.one_hot(jax.random.randint(k_t, (batch,), 0, N_CLASSES), N_CLASSES, dtype=jnp.float32)
    hand, auto = steps(net, nf.categorical_cross_entropy)
    timings = measure({"hand": lambda: hand(params, x, t), "jax": lambda: auto(params, x, t)}, repeats, warmup=3)
    return {"batch": batch, "hand_s": timings["hand"].median_s, "jax_s": timings["jax"].median_s,
            "ratio": ratio(timings["hand"], timings["jax"]).median_s}


def run(args) -> dict:
    """``cnn``: both steps at every batch size of ``args.batches``; prints a table, returns the record."""
    repeats = args.repeats or (10 if args.quick else 50)
    device = jax.devices()[0]
    print(f"device {device.platform}:{device.device_kind}, jax {jax.__version__}, float32, "
          f"median of {repeats} steps after warm-up")
    print(f"{'batch':>5} {'hand ms':>9} {'jax.grad ms':>11} {'ratio':>6}")
    steps_by_batch = []
    for batch in args.batches:
        r = bench(batch, repeats, jax.random.key(0))
        print(f"{r['batch']:5d} {1e3 * r['hand_s']:9.3f} {1e3 * r['jax_s']:11.3f} {r['ratio']:6.3f}")
        steps_by_batch.append(r)
    return {"repeats": repeats, "steps": steps_by_batch}
