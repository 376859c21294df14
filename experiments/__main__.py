"""Run the articles' experiments: ``python -m experiments NAME [NAME ...]``.

Each experiment writes ``DIR/NAME.json`` (its record) and its plots; a table of
all of them is printed at the end, then what each one expected.  Before any
experiment runs, the names are checked, ``DIR`` is created, and matplotlib and
the data directory are looked for.  Exit status: 0 if none failed (a skipped one
is no failure), 1 if one failed, 2 if the run could not start.

JAX's persistent compilation cache is on, in ``$NNFUNC_CACHE_DIR`` (default
``~/.cache/nnfunc/jax``; ``NNFUNC_CACHE_DIR=off`` turns it off), so a second run
loads its compiled programs instead of compiling them again.  ``mnist`` and
``cnn`` read the four MNIST-format files in ``$NNFUNC_DATA``, or else in
``/usr/share/datasets/fashion-mnist`` (skipped if that is empty).
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import jax

from experiments import EXPERIMENTS, NEEDS_DATA, NOT_IN_ALL
from experiments.compilation import cache_dir, enable_cache
from experiments.help_text import plain
from experiments.mnist_like import named_data_dir_error
from experiments.output_dir import output_dir_problem
from experiments.runner import run_one, summary_table, verdict

ALL = [name for name in EXPERIMENTS if name not in NOT_IN_ALL]
NAMES_HELP = (f"experiments to run, in order: {', '.join(EXPERIMENTS)}; or 'all' for every one but "
              f"{', '.join(sorted(NOT_IN_ALL))}, which may be followed by more names ('all cnn' runs every one); "
              "a name given twice runs once")


def expanded(names: list[str]) -> list[str]:
    """``names`` in order with 'all' replaced by the experiments it stands for, each name once.

    >>> expanded(["cnn", "all", "neuron"])[:3], len(expanded(["all", "cnn"])) == len(EXPERIMENTS)
    (['cnn', 'neuron', 'costs'], True)
    """
    return list(dict.fromkeys(name for given in names for name in (ALL if given == "all" else [given])))


def refusal(names: list[str], out: Path) -> str | None:
    """Why the run cannot start, in one line, or None; creates ``out`` (the one sure test that it can be)."""
    unknown = [name for name in names if name != "all" and name not in EXPERIMENTS]
    if unknown:
        return (f"unknown experiment{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown))}; the names are "
                f"{', '.join(EXPERIMENTS)} and all (every one but {', '.join(sorted(NOT_IN_ALL))})")
    problem = output_dir_problem(out)
    if problem:
        return problem
    if importlib.util.find_spec("matplotlib") is None:
        return "matplotlib is missing (the experiments draw their plots with it): pip install -e '.[experiments]'"
    return named_data_dir_error() if NEEDS_DATA & set(expanded(names)) else None


def main(argv: list[str] | None = None, cache: Path | None = None) -> int:
    """Run the experiments named in ``argv``; with ``cache`` a directory, JAX's persistent cache is on there."""
    parser = argparse.ArgumentParser(prog="python -m experiments", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="+", metavar="NAME", help=NAMES_HELP)
    parser.add_argument("--out", type=Path, default=Path("results"), metavar="DIR",
                        help="directory for the JSON records and plots (default: ./results)")
    parser.add_argument("--quick", action="store_true", help="reduced runs (fewer epochs and samples)")
    args = parser.parse_args(argv)
    problem = refusal(args.names, args.out)
    if problem:
        parser.exit(2, f"{parser.prog}: error: {problem}\n")
    # The article numbers are given to 16 digits: experiments compute in float64
    # unless they cast to float32 themselves for speed.
    jax.config.update("jax_enable_x64", True)
    enable_cache(cache)
    records = [run_one(name, args.out, args.quick) for name in expanded(args.names)]
    print()
    print(summary_table(records))
    print(f"\nrecords and plots in {args.out.resolve()}; compilation cache: {cache or 'off'}")
    return 0 if all(verdict(r) != "FAIL" for r in records) else 1


if __name__ == "__main__":
    sys.exit(main(cache=cache_dir()))
