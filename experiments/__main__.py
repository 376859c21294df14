"""``python -m experiments NAME [NAME ...]`` or ``python -m experiments all``.

JAX's persistent compilation cache is on, in ``$NNFUNC_CACHE_DIR`` (default
``~/.cache/nnfunc/jax``; ``NNFUNC_CACHE_DIR=off`` turns it off), so a second run
loads its compiled programs instead of compiling them again.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jax

from experiments import EXPERIMENTS, NOT_IN_ALL
from experiments.compilation import cache_dir, enable_cache
from experiments.runner import run_one, summary_table, verdict


def main(argv: list[str] | None = None, cache: Path | None = None) -> int:
    """Run the experiments named in ``argv``; with ``cache`` a directory, JAX's persistent cache is on there."""
    parser = argparse.ArgumentParser(prog="python -m experiments", description=__doc__)
    parser.add_argument("names", nargs="+", help=f"'all' (every one but {', '.join(sorted(NOT_IN_ALL))}) or any of: "
                             f"{', '.join(EXPERIMENTS)}")
    parser.add_argument("--out", type=Path, default=Path("results"),
                        help="directory for the JSON records and plots (default: ./results)")
    parser.add_argument("--quick", action="store_true", help="reduced runs (fewer epochs and samples)")
    args = parser.parse_args(argv)
    # The article numbers are given to 16 digits: experiments compute in float64
    # unless they cast to float32 themselves for speed.
    jax.config.update("jax_enable_x64", True)
    enable_cache(cache)
    names = [name for name in EXPERIMENTS if name not in NOT_IN_ALL] if args.names == ["all"] else args.names
    records = [run_one(name, args.out, args.quick) for name in names]
    print()
    print(summary_table(records))
    print(f"\nrecords and plots in {args.out.resolve()}; compilation cache: {cache or 'off'}")
    return 0 if all(verdict(r) != "FAIL" for r in records) else 1


if __name__ == "__main__":
    sys.exit(main(cache=cache_dir()))
