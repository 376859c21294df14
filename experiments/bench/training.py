"""Benchmark: one epoch of article C's 784-100-50-10 tanh network over 1000 samples.

``python -m experiments.bench training [--quick] [--repeats N] [--samples N] [--dtype float32|float64]
[--xla-threads N] [--out DIR]``

Compares nnfunc's compiled epoch (what :func:`nnfunc.fit` runs once per epoch:
per-sample SGD as one ``lax.scan``, then the loss of the whole set) with the NumPy
per-sample loop of :mod:`experiments.bench.numpy_loop`, in this process, in the same
dtype, on the same data (the first samples of Fashion-MNIST when installed, else
random pixels).  After one warm-up epoch each, they are timed in interleaved rounds
(:func:`experiments.bench.timing.measure`) so that all see the same machine load; the
report gives the medians, the median of the per-pair ratios, the compile time
apart, and the epoch time at batch 32.  ``--quick``: 200 samples, 3 repeats.

``--xla-threads N`` gives XLA's CPU runtime an intra-op thread pool of N threads
(:mod:`experiments.bench.xla_threads`; Linux): both contenders may still run on every
core, only the size of XLA's pool changes, as ``torch.set_num_threads`` does for
PyTorch.  One per-sample step is some twenty kernels of a few microseconds; with a
pool of two or more threads XLA's runtime hands them from thread to thread, and the
hand-offs (and the weights moving between the cores' caches) cost more than the
kernels, so the epoch runs faster with one thread.  The NumPy loop is
single-threaded either way, so ``--xla-threads 1`` compares one thread with one
thread.
"""
from __future__ import annotations

import os
import statistics
import time

import jax
import numpy as np
import optax

import nnfunc as nf
from experiments.bench import numpy_loop
from experiments.bench.timing import default_repeats, measure, ratio
from experiments.bench.xla_threads import xla_pool_threads
from nnfunc import make_epoch


def data(n: int, dtype):
    """(x, t, source): n images scaled to [0, 1] and flattened, one-hot labels."""
    try:
        x, y = nf.load_mnist_like()[:2]
        source = "Fashion-MNIST"
    except FileNotFoundError:
        rng = np.random.default_rng(0)
        x, y = rng.integers(0, 256, (n, 28, 28)), rng.integers(0, 10, n)
        source = "random pixels (Fashion-MNIST not found)"
    x = nf.scale_to_unit(x[:n].reshape(n, -1), 0, 255).astype(dtype)
    return x, nf.one_hot(y[:n].astype(int), 10).astype(dtype), source


def compiled_epoch(x, t, batch_size: int):
    """(run(): one epoch, blocking; compile seconds) for nnfunc's epoch at ``batch_size``."""
    net = nf.serial(nf.dense(100), nf.tanh(), nf.dense(50), nf.tanh(), nf.dense(10), nf.tanh())
    params, _ = net.init(jax.random.key(0), (784,))
    params = jax.tree.map(lambda a: a.astype(x.dtype), params)
    optimizer = optax.sgd(0.1)
    state = [params, optimizer.init(params), jax.random.key(1)]
    x, t = jax.device_put(x), jax.device_put(t)
    tic = time.perf_counter()
    epoch = make_epoch(net, nf.mse, optimizer, batch_size).lower(*state, x, t).compile()
    compile_s = time.perf_counter() - tic

    def run():
        out = epoch(*state, x, t)
        state[:] = out.params, out.opt_state, out.key
        float(out.loss)  # fit reads the loss every epoch: the same synchronisation

    return run, compile_s


def run(args) -> dict:
    """``training``: article C's epoch at batch 1 and 32 against the NumPy loop; prints a report, returns the record."""
    repeats = args.repeats or default_repeats(args.quick)
    samples = args.samples or (200 if args.quick else 1000)
    xla_threads = xla_pool_threads()
    if args.dtype == "float64":
        jax.config.update("jax_enable_x64", True)
    x, t, source = data(samples, np.dtype(args.dtype))
    layers = numpy_loop.article_c_network(np.random.default_rng(0), x.dtype)
    reference = lambda: numpy_loop.train_epoch(layers, x, t, 0.1)  # noqa: E731
    per_sample, compile_1 = compiled_epoch(x, t, 1)
    batch32, compile_32 = compiled_epoch(x, t, 32)
    timings = measure({"numpy": reference, "per_sample": per_sample, "batch32": batch32}, repeats, warmup=1)
    times = {name: list(t.times_s) for name, t in timings.items()}
    cpu = {name: list(t.cpu_s) for name, t in timings.items()}
    med = {name: t.median_s for name, t in timings.items()}
    med_cpu = {name: statistics.median(t.cpu_s) for name, t in timings.items()}
    speedup = ratio(timings["numpy"], timings["per_sample"]).median_s
    device = jax.devices()[0]
    print(f"article C network 784-100 tanh-50 tanh-10 tanh, MSE, SGD lr 0.1; {samples} samples of {source}; "
          f"{args.dtype}; {device.platform} ({device.device_kind}), {len(os.sched_getaffinity(0))} cores, "
          f"XLA thread pool of {xla_threads}; "
          f"medians of {repeats} epochs after 1 warm-up, timed alternately")
    print(f"  {'':34s} {'wall ms':>9s} {'CPU ms':>9s}   (per epoch, medians)")
    for name, label in (("numpy", "NumPy per-sample loop (article C)"), ("per_sample", "nnfunc epoch, batch_size=1"),
                        ("batch32", "nnfunc epoch, batch_size=32")):
        print(f"  {label:34s} {med[name] * 1e3:9.1f} {med_cpu[name] * 1e3:9.1f}")
    print(f"  compile (or loading from JAX's persistent cache): {compile_1:.2f} s (batch 1), {compile_32:.2f} s "
          "(batch 32), not in the times above")
    print(f"  speed-up per-sample SGD, nnfunc vs NumPy: x{speedup:.1f} wall (median of per-round ratios), "
          f"x{med_cpu['numpy'] / med_cpu['per_sample']:.1f} CPU time (ratio of medians)")
    return {"median_s": med, "median_cpu_s": med_cpu, "speedup_per_sample": speedup,
            "compile_s": {"batch1": compile_1, "batch32": compile_32}, "times_s": times, "cpu_s": cpu,
            "source": source, "samples": samples, "repeats": repeats, "dtype": args.dtype, "xla_threads": xla_threads}
