"""XLA's CPU thread pool, sized from outside: ``--xla-threads N`` of the benchmarks.

JAX's CPU client has no option for the size of XLA's intra-op thread pool: XLA sizes
it from the CPUs the process may use (``sched_getaffinity``) when the client is
created, and a thread inherits the CPUs of the thread that starts it.  So
:func:`size_xla_pool` narrows the calling thread to N CPUs, creates the client, and
gives every thread of the process (the pool's included) all its CPUs back: the
process still runs on every core, only the pool has N threads.  Linux only (it reads
``/proc/self/task``).  It is for benchmarks and scripts, which own their process: a
library must not change a process's threads.
"""
from __future__ import annotations

import os
from pathlib import Path

import jax

XLA_POOL_THREAD = "XLAEigen"  # XLA's intra-op pool threads are named ...XLAEigen (tf_XLAEigen in jax 0.10)
TASKS = Path("/proc/self/task")   # one entry per thread of this process (Linux)


def thread_names() -> dict[int, str]:
    """{thread id: name} for the threads of this process (Linux ``/proc``); a thread that ends meanwhile is left out."""
    names = {}
    for tid in os.listdir(TASKS):
        try:
            names[int(tid)] = (TASKS / tid / "comm").read_text().strip()
        except FileNotFoundError:
            continue
    return names


def xla_pool_threads() -> int | None:
    """How many threads of XLA's intra-op pool this process has (0 before JAX's CPU client exists; None off Linux).

    >>> import jax; _ = jax.devices()
    >>> xla_pool_threads() >= 1
    True
    """
    if not TASKS.is_dir():
        return None
    return sum(XLA_POOL_THREAD in name for name in thread_names().values())


def size_xla_pool(n: int | None) -> int:
    """Create JAX's CPU client with an intra-op pool of ``n`` threads (XLA's default when ``None``); return the pool size.

    Must run before JAX's first computation; refuses (``SystemExit``, naming the
    ``--xla-threads`` flag) if the client already exists, since its pool can no
    longer change, or if ``n`` is not between 1 and the CPUs this process may use.
    A script's first lines, before anything runs on JAX::

        from experiments.bench.xla_threads import size_xla_pool
        size_xla_pool(1)   # XLA's pool: one thread; the process keeps every core
    """
    if n is None:
        jax.devices()
        return xla_pool_threads()
    if not TASKS.is_dir() or not hasattr(os, "sched_setaffinity"):
        raise SystemExit("--xla-threads needs Linux (thread affinity and /proc/self/task)")
    allowed = sorted(os.sched_getaffinity(0))
    if not 1 <= n <= len(allowed):
        raise SystemExit(f"--xla-threads must be between 1 and {len(allowed)} "
                         f"(the CPUs this process may use), got {n}")
    if xla_pool_threads():
        raise SystemExit("--xla-threads: JAX's CPU client already exists; its thread pool can no longer change")
    os.sched_setaffinity(0, allowed[:n])
    try:
        jax.devices()
    finally:
        for tid in thread_names():
            try:
                os.sched_setaffinity(tid, allowed)
            except ProcessLookupError:  # the thread ended meanwhile
                continue
    return xla_pool_threads()
