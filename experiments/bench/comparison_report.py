"""The comparison's record (see :mod:`experiments.bench.comparison`) as Markdown tables.

>>> duration(0.01234), duration(12.345), duration(None)
('12.3 ms', '12.3 s', '–')
"""
from __future__ import annotations


def duration(seconds: float | None) -> str:
    """Seconds to three significant digits, in ms below one second."""
    if seconds is None:
        return "–"
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def spread(summary: dict, fmt=duration) -> str:
    """``median (min–max)`` of a timing or ratio summary."""
    return f"{fmt(summary['median_s'])} ({fmt(summary['min_s'])}–{fmt(summary['max_s'])})"


def times(value: float) -> str:
    """A ratio as a factor: ``3.45×``."""
    return f"{value:.3g}×"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """The lines of a Markdown table with this header row and these rows."""
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows]


def header(record: dict) -> list[str]:
    """The report's opening list: date, machine and load, device, versions, method, agreement, compilation."""
    env, machine = record["environment"], record["environment"]["machine"]
    versions = ", ".join(f"{name} {v}" for name, v in env["versions"].items() if v is not None)
    load = "/".join(f"{x:.2f}" for x in machine["load_average"])
    load_end = "/".join(f"{x:.2f}" for x in env["load_average_end"])
    compilation = record["compilation"]
    agreement = max((w["hand_vs_jax_params_max_rel_diff"] for w in record["workloads"].values()), default=0.0)
    return [
        f"- Date: {env['date_utc']}; total {record['seconds']:.0f} s",
        f"- Machine: {machine['processor']}, {machine['cpu_count']} cores ({machine['machine']}, "
        f"{machine['system']}); load average (1/5/15 min) {load} at the start, {load_end} at the end"
        + (" — the machine was shared with other jobs" if machine["load_average"][0] > 0.5 * machine["cpu_count"]
           else ""),
        f"- Device: {machine['device']}"
        + (f"; XLA's CPU thread pool: {machine['xla_pool_threads']} thread(s)" if machine.get("xla_pool_threads") else ""),
        f"- Versions: {versions}, torch {env['torch'] or 'not installed'}",
        f"- Method: {record['dtype']}; every time is the median (min–max) of {record['repeats']} timed runs after "
        f"{record['warmup']} warm-up round(s) (a sample of a program shorter than 20 ms is several back-to-back "
        "calls, reported per call; a program shorter than 100 ms is called once, untimed, just before each "
        "sample, so that it is not timed cold); the implementations of a workload run in interleaved rounds, and a "
        "ratio is the median (min–max) of the per-round ratios. CPU time: this process, all threads (median). "
        "Compile = tracing + lowering + XLA "
        "(or loading from the persistent cache); first result = compile + the first run.",
        f"- Same work: in every workload the params trained by nf.backprop and by jax.grad agree to "
        f"{agreement:.1e} (largest relative difference, float32).",
        f"- JAX compilation in this run: {compilation['total_s']:.1f} s over {compilation['compiles']} "
        f"compilations, {compilation['cache_hits']} of them loaded from the persistent cache.",
    ]


def workload_rows(record: dict) -> list[list[str]]:
    """One row per workload and implementation (times, compile, first result, ÷ nf.backprop), then the skips."""
    rows = []
    for key, w in record["workloads"].items():
        hand = w["rows"]["nf.backprop"]["median_s"]
        for name, row in w["rows"].items():
            rows.append([w["title"], name, spread(row), duration(row["cpu_median_s"]), duration(row["compile_s"]),
                         duration(row["first_result_s"]), times(row["median_s"] / hand)])
        rows += [[w["title"], name, f"skipped: {why}", "", "", "", ""] for name, why in w["skipped"].items()]
    return rows


def target_rows(record: dict) -> list[list[str]]:
    """One row per checked target: the ratio's wall and CPU medians and whether each meets it."""
    titles = {key: w["title"] for key, w in record["workloads"].items()}
    return [[t["ratio"], titles[t["workload"]], t["bound"],
             f"{t['median']:.3g} ({t['min']:.3g}–{t['max']:.3g})", "yes" if t["met"] else "**no**",
             f"{t['cpu_median']:.3g}", "yes" if t["met_cpu"] else "**no**"]
            for t in record["targets"]]


def wide_rows(record: dict) -> list[list[str]]:
    """One row per wide-MLP size, dtype and gradients: step time, TFLOP/s, the peak and its share."""
    rows = []
    for run in record["wide_mlp"]:
        size = f"{run['width']}-{run['width']}-{run['width']}-10, batch {run['batch']}"
        for name, row in run["rows"].items():
            peak = "–" if run["peak_tflops"] is None else f"{run['peak_tflops']:g}"
            share = "–" if row["fraction_of_peak"] is None else f"{100 * row['fraction_of_peak']:.1f} %"
            rows.append([size, run["dtype"], name, spread(row), f"{row['tflops']:.3g}", peak, share,
                         duration(row["compile_s"])])
    return rows


def cost_rows(record: dict) -> list[list[str]]:
    """XLA's cost analysis of both compiled trainings per workload, nf.backprop / jax.grad."""
    rows = []
    for w in record["workloads"].values():
        hand, auto = w["rows"]["nf.backprop"]["xla_cost"], w["rows"]["jax.grad"]["xla_cost"]
        rows.append([w["title"], *(f"{hand[key]:.4g} / {auto[key]:.4g}" if hand[key] is not None else "–"
                                   for key in ("flops", "transcendentals", "bytes accessed"))])
    return rows


def markdown(record: dict) -> str:
    """The whole report: header, workloads, targets, wide MLP."""
    gpu = record["environment"]["machine"]["platform"] == "gpu"
    lines = ["## Benchmark", "", *header(record), "", "### Training time per workload", "",
             *table(["workload", "implementation", "wall time, median (min–max)", "CPU time", "compile",
                     "first result", "÷ nf.backprop"], workload_rows(record)),
             "", "### Targets", "",
             "Judged on the median wall-time ratio (the target as set) and, beside it, on the median "
             "CPU-time ratio, which a shared machine's load disturbs less.", "",
             *table(["ratio", "workload", "target", "wall, median (min–max)", "met", "CPU, median", "met (CPU)"],
                    target_rows(record)),
             "", "### The same program?", "",
             "XLA's cost analysis of the two compiled trainings, nf.backprop / jax.grad (a loop body counted "
             "once). Equal work means that differences in the times above are the machine's, not the gradients'.",
             "", *table(["workload", "flops", "transcendentals", "bytes accessed"], cost_rows(record)),
             "", "### Wide MLP training step", "",
             "FLOPs per step = 6·B·P (B the batch, P the parameters; forward 2·B·P, backward 4·B·P); "
             "TFLOP/s = FLOPs / median step time.",
             "" if gpu else "No GPU in this run: **GPU figures have not been measured here** "
             "(the peak column stays empty on a CPU).", "", *wide_table(record), ""]
    return "\n".join(lines)


def wide_table(record: dict) -> list[str]:
    """The wide MLP's Markdown table, from a record with the ``"wide_mlp"`` runs."""
    return table(["network", "dtype", "gradients", "step, median (min–max)", "TFLOP/s", "peak TFLOP/s",
                  "of peak", "compile"], wide_rows(record))
