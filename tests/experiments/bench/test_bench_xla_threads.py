"""``--xla-threads N``: XLA's CPU pool sized before JAX's client exists, every thread keeping all its CPUs."""
import doctest
import os
import subprocess
import sys
from pathlib import Path

import jax
import pytest

import experiments
from experiments.bench import xla_threads

ROOT = Path(experiments.__file__).parents[1]   # where this run imports the experiments from


@pytest.mark.parametrize("threads", [0, 10_000])
def test_an_impossible_thread_count_is_refused(threads):
    with pytest.raises(SystemExit, match="--xla-threads must be between 1 and"):
        xla_threads.size_xla_pool(threads)


def test_a_pool_that_exists_is_not_resized():
    jax.devices()
    with pytest.raises(SystemExit, match="already exists"):
        xla_threads.size_xla_pool(1)


SIZE_ONE_THREAD_POOL = """
import os
from experiments.bench.xla_threads import size_xla_pool
allowed = os.sched_getaffinity(0)
threads = size_xla_pool(1)
tasks = os.listdir("/proc/self/task")
print(threads, all(os.sched_getaffinity(int(tid)) == allowed for tid in tasks), len(tasks) > 1)
"""


def test_a_one_thread_xla_pool_leaves_every_thread_all_its_cpus():
    """A fresh process: one XLAEigen thread, and no thread (that one included) kept on fewer CPUs."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", SIZE_ONE_THREAD_POOL], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1", "True", "True"]


def test_docstring_examples():
    result = doctest.testmod(xla_threads)
    assert result.attempted > 0 and result.failed == 0
