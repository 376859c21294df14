"""The benchmarks, one per run: ``python -m experiments.bench [BENCHMARK] [options]``.

With no benchmark named, ``all`` runs.  The record goes to ``DIR/bench*.json``
(default ``./results``).  ``--xla-threads N`` sizes XLA's CPU thread pool before
JAX's first computation (experiments/bench/xla_threads.py).  JAX's persistent
compilation cache is on, as for the experiments: ``$NNFUNC_CACHE_DIR`` (default
``~/.cache/nnfunc/jax``; ``NNFUNC_CACHE_DIR=off`` turns it off, for cold compile
times).  ``python -m experiments.bench BENCHMARK --help`` describes each one.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from experiments.bench import cnn_step, comparison, training, wide_mlp
from experiments.bench.xla_threads import size_xla_pool
from experiments.compilation import cache_dir, enable_cache
from experiments.help_text import plain
from experiments.output_dir import output_dir_problem


class Benchmark(NamedTuple):
    """A subcommand: the module whose ``run(args) -> dict`` makes the record, the record's file, a line of help."""

    module: ModuleType
    record: str
    help: str


BENCHMARKS = {
    "all": Benchmark(comparison, "bench.json",
                     "every workload: nf.backprop, jax.grad, the NumPy loop, PyTorch eager; then the wide MLP "
                     "(also writes bench.md)"),
    "training": Benchmark(training, "bench_training.json",
                          "article C's epoch at batch 1 and 32 against the articles' NumPy loop"),
    "cnn": Benchmark(cnn_step, "bench_cnn.json", "one SGD step of the CNN: hand backward passes against jax.grad"),
    "wide": Benchmark(wide_mlp, "bench_wide.json", "the wide MLP's training step in TFLOP/s, float32 and bfloat16"),
}


def parser() -> argparse.ArgumentParser:
    """The command line: a subcommand per benchmark, each with the common options and its own."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quick", action="store_true", help="a reduced run (fewer samples and repeats)")
    common.add_argument("--repeats", type=int, default=None, metavar="N",
                        help="timed rounds after the warm-up (default: 7, 3 with --quick; cnn: 50, 10 with --quick)")
    common.add_argument("--xla-threads", type=int, default=None, metavar="N",
                        help="threads in XLA's CPU thread pool (default: XLA's choice, one per CPU)")
    common.add_argument("--out", type=Path, default=Path("results"), metavar="DIR",
                        help="directory for the record (default: ./results)")
    top = argparse.ArgumentParser(prog="python -m experiments.bench", description=plain(__doc__),
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="benchmark", title="benchmarks", metavar="{" + ",".join(BENCHMARKS) + "}")
    sub = {name: commands.add_parser(name, parents=[common], help=b.help, description=plain(b.module.__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
           for name, b in BENCHMARKS.items()}
    sub["training"].add_argument("--samples", type=int, default=None, metavar="N",
                                 help="samples in the epoch (default: 1000, 200 with --quick)")
    sub["training"].add_argument("--dtype", choices=("float32", "float64"), default="float32")
    sub["cnn"].add_argument("--batches", type=int, nargs="+", default=[1, 64], help="batch sizes (default: 1 64)")
    return top


def with_default_benchmark(argv: list[str]) -> list[str]:
    """``argv`` with ``all`` put first when it names no benchmark there (a lone ``-h``/``--help`` is kept).

    >>> with_default_benchmark(["--quick"]), with_default_benchmark(["cnn"]), with_default_benchmark(["-h"])
    (['all', '--quick'], ['cnn'], ['-h'])
    """
    if argv[:1] in (["-h"], ["--help"]) or argv[:1] and argv[0] in BENCHMARKS:
        return argv
    return ["all", *argv]


def main(argv: list[str] | None = None, cache: Path | None = None) -> dict:
    """Run the benchmark ``argv`` names and write its record; with ``cache`` a directory, JAX's cache is on there."""
    command_line = parser()
    args = command_line.parse_args(with_default_benchmark(sys.argv[1:] if argv is None else argv))
    problem = output_dir_problem(args.out)
    if problem:
        command_line.exit(2, f"{command_line.prog}: error: {problem}\n")
    size_xla_pool(args.xla_threads)
    enable_cache(cache)
    benchmark = BENCHMARKS[args.benchmark]
    record = {"benchmark": args.benchmark, "quick": args.quick, **benchmark.module.run(args)}
    path = args.out / benchmark.record
    path.write_text(json.dumps(record, indent=2, default=str) + "\n")
    print(f"record: {path.resolve()}; compilation cache: {cache or 'off'}")
    return record


if __name__ == "__main__":
    main(cache=cache_dir())
