r"""A wide MLP's training step: achieved TFLOP/s in float32 and bfloat16, against the device's peak.

The network is ``w-w-w-10`` (input width :math:`w`, two ReLU layers of :math:`w`, ten
logits), softmax cross-entropy, one SGD step on a batch of :math:`B`: nf.fit's epoch
(:func:`nnfunc.make_epoch`) over exactly :math:`B` samples, with the hand
backward passes and with ``jax.grad``.  FLOPs per step are counted as

.. math:: F = 6\,B\,P,\qquad P = \text{number of parameters} = w^2 + w + w^2 + w + 10w + 10

(forward :math:`2BP`; backward :math:`4BP` for :math:`\delta_x = \delta W^\top` and
:math:`\partial E/\partial W = x^\top\delta`).  That overstates the matrix work
slightly: the first layer's :math:`\delta_x` is never needed, and XLA drops it.
TFLOP/s = :math:`F` / median step time.

``python -m experiments.bench wide [--quick] [--repeats N] [--xla-threads N] [--out DIR]``
times it alone, as the comparison (:mod:`experiments.bench.comparison`) does after its
workloads: every size of :func:`sizes` in every dtype of ``DTYPES``, JAX's 64-bit
mode on as there.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

import nnfunc as nf
from experiments.bench import comparison_report
from experiments.bench.timing import compiled, default_repeats, measure, ratio
from nnfunc import make_epoch

DTYPES = ("float32", "bfloat16")
WARMUP = 1   # untimed rounds, as in the comparison
GPU_SIZE = (4096, 4096)
# Dense (no sparsity) tensor-core peaks in TFLOP/s, from NVIDIA's datasheets (SXM unless named).
# float32 is the TF32 peak: at JAX's default matmul precision XLA may run float32 dots in TF32.
PEAK_TFLOPS = {
    "H100 PCIe": {"float32": 378.0, "bfloat16": 756.0},
    "H100": {"float32": 494.7, "bfloat16": 989.4},
    "H200": {"float32": 494.7, "bfloat16": 989.4},
    "A100": {"float32": 156.0, "bfloat16": 312.0},
}


def sizes(platform: str, quick: bool) -> tuple[tuple[int, int], ...]:
    """``((width, batch),)``: 4096 and 4096 on an accelerator; on a CPU 1024 (256 with ``quick``).

    >>> sizes("gpu", True), sizes("cpu", True)
    (((4096, 4096),), ((256, 256),))
    """
    if platform != "cpu":
        return (GPU_SIZE,)
    return ((256, 256),) if quick else ((1024, 1024),)


def flops_per_step(width: int, batch: int) -> int:
    """:math:`6BP` for the ``width-width-width-10`` MLP (see the module docstring).

    >>> flops_per_step(4096, 4096) == 6 * 4096 * (2 * 4096 * 4096 + 2 * 4096 + 10 * 4096 + 10)
    True
    """
    params = 2 * (width * width + width) + 10 * width + 10
    return 6 * batch * params


def peak_tflops(device_kind: str, dtype: str) -> float | None:
    """The peak of ``PEAK_TFLOPS`` whose name occurs in ``device_kind`` (first match), else None.

    >>> peak_tflops("NVIDIA H100 80GB HBM3", "bfloat16"), peak_tflops("cpu", "float32")
    (989.4, None)
    """
    for name, peaks in PEAK_TFLOPS.items():
        if name in device_kind:
            return peaks[dtype]
    return None


def bench(width: int, batch: int, dtype: str, repeats: int, warmup: int) -> dict:
    """Median step time and TFLOP/s of nf.backprop and jax.grad for one size and dtype (e.g. "bfloat16")."""
    dtype = jnp.dtype(dtype)
    net = nf.serial(nf.dense(width), nf.relu(), nf.dense(width), nf.relu(), nf.dense(10))
    key_init, key_x, key_t = jax.random.split(jax.random.key(0), 3)
    params, _ = net.init(key_init, (width,))
    params = jax.tree.map(lambda a: a.astype(dtype), params)
    x = jax.random.normal(key_x, (batch, width), dtype)
    t = jax.nn.one_hot(jax.random.randint(key_t, (batch,), 0, 10), 10, dtype=dtype)
    optimizer = optax.sgd(0.01)
    args = (params, optimizer.init(params), jax.random.key(1), x, t)
    fns, first = {}, {}
    for name, gradients in (("nf.backprop", "backprop"), ("jax.grad", "jax")):
        epoch = make_epoch(net, nf.softmax_cross_entropy, optimizer, batch, gradients=gradients, shuffle=False)
        program = compiled(epoch, *args)
        fns[name] = program.run
        first[name] = {"compile_s": program.compile_s, "first_result_s": program.first_result_s,
                       "xla_cost": program.cost}
    timings = measure(fns, repeats, warmup)
    flops = flops_per_step(width, batch)
    device = jax.devices()[0]
    peak = peak_tflops(device.device_kind, dtype.name)
    rows = {name: {**timings[name].summary(), **first[name], "tflops": flops / timings[name].median_s / 1e12}
            for name in fns}
    for row in rows.values():
        row["fraction_of_peak"] = None if peak is None else row["tflops"] / peak
    print(f"  wide MLP {width}-{width}-{width}-10, batch {batch}, {dtype.name}: "
          + ", ".join(f"{name} {row['tflops']:.3f} TFLOP/s" for name, row in rows.items()))
    return {"width": width, "batch": batch, "dtype": dtype.name, "flops_per_step": flops,
            "peak_tflops": peak, "rows": rows,
            "ratio": ratio(timings["nf.backprop"], timings["jax.grad"]).summary()}


def run(args) -> dict:
    """``wide``: every size of :func:`sizes` in every dtype of ``DTYPES``; prints the table, returns the record."""
    jax.config.update("jax_enable_x64", True)   # as in the comparison
    n = args.repeats or default_repeats(args.quick)
    record = {"repeats": n, "warmup": WARMUP,
              "wide_mlp": [bench(width, batch, dtype, n, WARMUP)
                           for width, batch in sizes(jax.devices()[0].platform, args.quick) for dtype in DTYPES]}
    print("\n".join(comparison_report.wide_table(record)))
    return record
