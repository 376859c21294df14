"""Run experiments, record each as JSON beside its plots, and print one summary table.

Every experiment module has ``run(out_dir: Path, quick: bool) -> Result``.  The
runner adds what every record needs (versions, device, seed, wall and CPU time) and writes
``out_dir/NAME.json``, with JAX's own account of the time spent compiling
(:class:`experiments.compilation.CompileClock`: tracing, lowering, XLA, cache hits).
An experiment lists the PNG files it wrote in
``Result.data["plots"]`` (names relative to ``out_dir``); the runner checks that
they exist and prints where every output went.  :func:`summary_table` fits the run in
``TABLE_WIDTH`` columns.
"""
from __future__ import annotations

import importlib
import json
import platform
import textwrap
import time
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import jax

from experiments import EXPERIMENTS
from experiments.compilation import CompileClock

TABLE_WIDTH = 100   # characters per line of the summary: fits a 100-column terminal without wrapping


@dataclass
class Result:
    """What an experiment found: its key result beside the expected one, and a verdict.

    ``data`` holds everything else worth keeping (numbers, histories, and under
    ``"plots"`` the names of the PNG files written to the output directory);
    ``seed`` the PRNG seed the experiment used (None if it draws nothing at random);
    ``compile_s`` the part of the wall time spent compiling, where it was measured.
    ``skipped`` marks an experiment that could not run here (its data files are
    missing, say): ``key_result`` says why and how to fix it; it is shown as
    "skipped", is not a failure, and ``passed`` is false.
    """

    key_result: str
    expected: str
    passed: bool
    data: dict = field(default_factory=dict)
    seed: int | None = None
    compile_s: float | None = None
    skipped: bool = False


def verdict(record: dict) -> str:
    """"pass", "FAIL" or "skipped" for a record written by :func:`run_one`."""
    if record.get("skipped"):
        return "skipped"
    return "pass" if record["passed"] else "FAIL"


def environment() -> dict:
    """Versions and device of this run."""
    versions = {"python": platform.python_version()}
    for package in ("jax", "jaxlib", "optax", "sympy", "numpy"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    device = jax.devices()[0]
    return {"versions": versions, "device": f"{device.platform}:{device.device_kind}",
            "machine": platform.machine(), "x64": bool(jax.config.jax_enable_x64)}


def run_one(name: str, out_dir: Path, quick: bool = False) -> dict:
    """Run experiment ``name``, write ``out_dir/NAME.json`` and return its record."""
    if name not in EXPERIMENTS:
        raise SystemExit(f"unknown experiment {name!r}; known: {', '.join(EXPERIMENTS)}")
    module = importlib.import_module(EXPERIMENTS[name])
    out_dir.mkdir(parents=True, exist_ok=True)
    start, cpu_start = time.perf_counter(), time.process_time()
    with CompileClock() as clock:
        result: Result = module.run(out_dir, quick)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    plots = [out_dir / plot for plot in result.data.get("plots", [])]
    missing = [str(plot) for plot in plots if not plot.is_file()]
    if missing:
        raise FileNotFoundError(f"experiment {name!r} lists plots it did not write: {', '.join(missing)}")
    record = {"experiment": name, "quick": quick, **asdict(result), "wall_s": wall, "cpu_s": cpu,
              "wall_s_without_compile": None if result.compile_s is None else wall - result.compile_s,
              "compilation": clock.summary(),
              **environment()}
    (out_dir / f"{name}.json").write_text(json.dumps(record, indent=2, default=str) + "\n")
    print(f"{name}: wrote {', '.join(str(p) for p in [out_dir / f'{name}.json', *plots])}")
    return record


def summary_table(records: list[dict], width: int = TABLE_WIDTH) -> str:
    """The run in lines of at most ``width`` characters: a table, then what each experiment expected.

    The table has experiment, pass/FAIL/skipped, seconds, of them compiling, and the key
    result (wrapped); its last row adds up the seconds and counts the compilations the
    persistent cache answered.
    """
    hits = sum(r["compilation"]["cache_hits"] for r in records)
    compiles = sum(r["compilation"]["compiles"] for r in records)
    rows = [("experiment", "verdict", "seconds", "compiling", "key result")]
    rows += [(r["experiment"], verdict(r), f"{r['wall_s']:.1f}", f"{r['compilation']['total_s']:.1f}",
              r["key_result"]) for r in records]
    rows.append(("total", "", f"{sum(r['wall_s'] for r in records):.1f}",
                 f"{sum(r['compilation']['total_s'] for r in records):.1f}",
                 f"{len(records)} experiments; {hits} of {compiles} compilations from the cache"))
    table = wrapped_columns(rows, width, right_aligned={2, 3})
    table.insert(1, "-" * max(map(len, table)))
    expected = wrapped_columns([("", r["experiment"], r["expected"]) for r in records], width)
    return "\n".join([*table, "", "expected:", *expected])


def wrapped_columns(rows: list[tuple[str, ...]], width: int, right_aligned: set = frozenset()) -> list[str]:
    """``rows`` as lines of at most ``width`` characters: columns two apart, the last one wrapped in the room left.

    >>> wrapped_columns([("a", "1", "one two three"), ("bb", "22", "four")], 14, right_aligned={1})
    ['a    1  one', '        two', '        three', 'bb  22  four']
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    indent = sum(widths) + 2 * len(widths)
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if i in right_aligned else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        last = textwrap.wrap(row[-1], max(width - indent, 1), break_on_hyphens=False) or [""]
        lines.append("  ".join([*cells, last[0]]).rstrip())
        lines += [(" " * indent + more).rstrip() for more in last[1:]]
    return lines
