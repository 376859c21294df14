"""The benchmarks' timing harness: warm-up, interleaved repeats, median and range.

Every figure is the median of ``repeats`` timed samples after ``warmup`` untimed
rounds, with the minimum and maximum beside it.  A call is timed until its result
is ready (:func:`jax.block_until_ready`; NumPy and PyTorch results are ready on
return), so JAX's asynchronous dispatch cannot hide work.  A sample of a short
function is several calls back to back (as many as fill ``min_sample_s``, fixed
from one calibration call), reported per call: the first call after another
program runs on cold caches, and a sub-millisecond program would otherwise be
timed mostly cold.  Several functions are timed in *rounds* (one sample of each
per round), so that a shared machine's load hits all of them alike; a ratio is
the median of the per-round ratios.

>>> t = measure({"sum": lambda: sum(range(1000))}, repeats=3, warmup=1)["sum"]
>>> len(t.times_s), len(t.cpu_s), t.min_s <= t.median_s <= t.max_s
(3, 3, True)
"""
from __future__ import annotations

import math
import os
import platform
import statistics
import time
from typing import Callable, Mapping, NamedTuple

import jax

from experiments.bench.xla_threads import xla_pool_threads


class Timing(NamedTuple):
    """Wall seconds of each timed call, in the order they ran, and the process's CPU seconds.

    CPU seconds (all threads of this process) say how much work a call did whatever
    else ran on the machine; a multi-threaded call can use more CPU than wall time.
    """

    times_s: tuple[float, ...]
    cpu_s: tuple[float, ...] = ()
    calls: int = 1  # calls per sample; the times are per call

    @property
    def median_s(self) -> float:
        return statistics.median(self.times_s)

    @property
    def min_s(self) -> float:
        return min(self.times_s)

    @property
    def max_s(self) -> float:
        return max(self.times_s)

    def summary(self) -> dict:
        """``{"median_s", "min_s", "max_s", "times_s"}`` (and the CPU seconds' median and list) for JSON."""
        cpu = {"cpu_median_s": statistics.median(self.cpu_s), "cpu_s": list(self.cpu_s)} if self.cpu_s else {}
        return {"median_s": self.median_s, "min_s": self.min_s, "max_s": self.max_s,
                "times_s": list(self.times_s), **cpu, "calls_per_sample": self.calls}


def default_repeats(quick: bool) -> int:
    """Timed rounds of a benchmark not told otherwise: 7, or 3 in a ``--quick`` run."""
    return 3 if quick else 7


def seconds(fn: Callable[[], object]) -> float:
    """Wall seconds of one call of ``fn``, until its result is ready."""
    return wall_and_cpu(fn)[0]


def wall_and_cpu(fn: Callable[[], object], calls: int = 1) -> tuple[float, float]:
    """Wall and process CPU seconds per call of ``calls`` calls of ``fn``, each until its result is ready."""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        jax.block_until_ready(fn())
    return (time.perf_counter() - start) / calls, (time.process_time() - cpu) / calls


def measure(fns: Mapping[str, Callable[[], object]], repeats: int, warmup: int = 1,
            min_sample_s: float = 0.02, rewarm_s: float = 0.1) -> dict[str, Timing]:
    """Time every function in ``fns`` ``repeats`` times after one calibration call and ``warmup`` rounds.

    A sample is ``ceil(min_sample_s / t₁)`` calls, ``t₁`` the calibration call's time
    (one call for anything slower than ``min_sample_s``).  Each round takes one sample
    of every function; round ``r`` starts with the ``r``-th function (in rotation), so
    that none always comes first.  A function whose call takes under ``rewarm_s`` gets
    one untimed call just before each sample: after another program has run, the
    first milliseconds of a program are slower (cold caches), which is a large part
    of a short sample.  Measured on article E's 2-2-1 training (0.3 ms a call, 20
    calls a sample, after the NumPy loop): whichever of two equal programs ran first
    read 10–15% slower.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"measure: need repeats >= 1 and warmup >= 0, got {repeats} and {warmup}")
    names = list(fns)
    first_call = {name: max(seconds(fns[name]), 1e-9) for name in names}
    calls = {name: max(1, math.ceil(min_sample_s / first_call[name])) for name in names}
    times = {name: ([], []) for name in names}
    for round_ in range(warmup + repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            if first_call[name] < rewarm_s:
                seconds(fns[name])
            wall, cpu = wall_and_cpu(fns[name], calls[name])
            if round_ >= warmup:
                times[name][0].append(wall)
                times[name][1].append(cpu)
    return {name: Timing(tuple(wall), tuple(cpu), calls[name]) for name, (wall, cpu) in times.items()}


def ratio(numerator: Timing, denominator: Timing) -> Timing:
    """Per-round ratios ``numerator / denominator`` (same rounds of :func:`measure`), as a Timing.

    >>> ratio(Timing((2.0, 4.0, 9.0), (1.0, 1.0, 1.0)), Timing((1.0, 1.0, 3.0), (2.0, 2.0, 2.0)))
    Timing(times_s=(2.0, 4.0, 3.0), cpu_s=(0.5, 0.5, 0.5), calls=1)
    """
    def per_round(a, b):
        return tuple(x / y if y else float("inf") for x, y in zip(a, b, strict=True))
    return Timing(per_round(numerator.times_s, denominator.times_s), per_round(numerator.cpu_s, denominator.cpu_s))


class Compiled(NamedTuple):
    """A compiled program ready to time, and what compiling it cost.

    ``compile_s`` covers tracing, lowering and XLA compilation (or loading it from
    the persistent cache); ``first_result_s`` adds the first run, i.e. what a user
    waits for before the first result; ``cost`` is XLA's own estimate of the
    program's work (``flops``, ``bytes accessed``, ``transcendentals``; a loop's body
    is counted once, whatever its trip count).  ``run()`` calls the executable.
    """

    run: Callable[[], object]
    compile_s: float
    first_result_s: float
    cost: dict


def compiled(jitted, *args) -> Compiled:
    """Compile ``jitted`` (a ``jax.jit`` function) for ``args``, run it once, and say what it cost.

    >>> import jax.numpy as jnp
    >>> c = compiled(jax.jit(lambda a: a @ a), jnp.ones((4, 4)))
    >>> c.cost["flops"], 0 < c.compile_s < c.first_result_s, c.run().shape
    (128.0, True, (4, 4))
    """
    start = time.perf_counter()
    executable = jitted.lower(*args).compile()
    compile_s = time.perf_counter() - start
    jax.block_until_ready(executable(*args))
    first_result_s = time.perf_counter() - start
    analysis = executable.cost_analysis() or {}
    analysis = analysis[0] if isinstance(analysis, list) else analysis
    cost = {key: analysis.get(key) for key in ("flops", "bytes accessed", "transcendentals")}
    return Compiled(lambda: executable(*args), compile_s, first_result_s, cost)


def machine() -> dict:
    """The machine and its load: processor, cores, load averages (1, 5, 15 min), accelerator, XLA's CPU threads."""
    processor = platform.processor()
    try:
        with open("/proc/cpuinfo") as info:
            processor = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    device = jax.devices()[0]
    return {"system": platform.system(), "machine": platform.machine(), "processor": processor,
            "cpu_count": os.cpu_count(), "load_average": list(os.getloadavg()),
            "device": f"{device.platform}:{device.device_kind}", "platform": device.platform,
            "xla_pool_threads": xla_pool_threads()}
