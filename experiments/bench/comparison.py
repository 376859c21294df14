r"""The main benchmark: nf.backprop against jax.grad, the articles' NumPy loop and PyTorch; a wide MLP's TFLOP/s.

``python -m experiments.bench [all] [--quick] [--repeats N] [--xla-threads N] [--out DIR]`` writes
``bench.json`` (the record) and ``bench.md`` (the tables) to the output directory.

Workloads (float32, random data of the articles' shapes; article E's own four people):

* article E's 2-2-1 sigmoid network, MSE, per-sample SGD (η = 0.1), 1000 epochs of 4 samples;
* article C's 784-100-50-10 tanh network, MSE, SGD (η = 0.1): one epoch of 1000 samples
  at batch 1, and of 60 000 samples at batch 32 and at batch 256;
* the CNN of :mod:`experiments.cnn_model`, categorical cross-entropy, SGD (η = 0.01), at
  batch 1 and 64.

Implementations, timed in the same process in interleaved rounds
(:mod:`experiments.bench.timing`):

* ``nf.backprop`` and ``jax.grad``: :func:`nnfunc.make_epoch` (what ``nf.fit``
  runs; the epoch is one ``lax.scan``) with ``gradients="backprop"`` or ``"jax"``, the
  epochs in one ``lax.fori_loop``, all under one ``jax.jit``; compile time and time to
  first result are measured apart;
* ``NumPy loop``: :mod:`experiments.bench.numpy_loop`, the articles' per-sample loop (batch 1 only);
* ``PyTorch eager``: :mod:`experiments.bench.torch_eager` (skipped with a note without torch).

Targets on CPU: nf.backprop / jax.grad ≤ 1 (median); NumPy loop / nf.backprop ≥ 10 at
batch 1; PyTorch eager / nf.backprop ≥ 2 at batch 32.  Then a wide MLP training step
(:mod:`experiments.bench.wide_mlp`) in float32 and bfloat16.

JAX's 64-bit mode is on, as it was when this benchmark ran under the article runner:
every array is cast to float32 (bfloat16) all the same, and the index arithmetic of
the compiled epochs stays what it was.
"""
from __future__ import annotations

import importlib.util
import time
from importlib.metadata import version
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

import nnfunc as nf
from experiments.bench import comparison_report, numpy_loop, wide_mlp
from experiments.bench.timing import compiled, default_repeats, machine, measure, ratio, seconds
from experiments.cnn_model import INPUT_SHAPE, N_CLASSES, cnn
from experiments.compilation import CompileClock
from experiments.runner import environment
from nnfunc import make_epoch

SEED = 0
HAND, JAX, NUMPY, TORCH = "nf.backprop", "jax.grad", "NumPy loop", "PyTorch eager"


class Workload(NamedTuple):
    """One training run to time: ``epochs`` epochs over ``samples`` samples in batches of ``batch``."""

    key: str
    title: str
    network: str                 # "mlp" or "cnn"
    sizes: tuple[int, ...]       # mlp: (n_in, ..., n_out); cnn: ()
    activation: str              # mlp: after every layer
    loss: str
    learning_rate: float
    samples: int
    batch: int
    epochs: int


class Config(NamedTuple):
    """How much to run: the workloads, repeats and warm-up rounds, the wide MLP's sizes and dtypes."""

    workloads: tuple[Workload, ...]
    repeats: int
    warmup: int
    wide: tuple[tuple[int, int], ...]   # (width, batch), each run in every one of wide_dtypes
    wide_dtypes: tuple[str, ...] = wide_mlp.DTYPES


def workloads(quick: bool) -> tuple[Workload, ...]:
    """The workloads of the issue; ``quick`` cuts samples and epochs (not the networks)."""
    article_c = dict(network="mlp", sizes=(784, 100, 50, 10), activation="tanh", loss="mse", learning_rate=0.1,
                     epochs=1)
    convnet = dict(network="cnn", sizes=(), activation="relu", loss="categorical_cross_entropy",
                   learning_rate=0.01, epochs=1)
    big = 6000 if quick else 60_000
    return (
        Workload("e_221", f"E 2-2-1 sigmoid, {200 if quick else 1000} epochs x 4 samples, batch 1", "mlp",
                 (2, 2, 1), "sigmoid", "mse", 0.1, 4, 1, 200 if quick else 1000),
        Workload("c_b1", f"C 784-100-50-10 tanh, {200 if quick else 1000} samples, batch 1",
                 samples=200 if quick else 1000, batch=1, **article_c),
        Workload("c_b32", f"C 784-100-50-10 tanh, {big} samples, batch 32", samples=big, batch=32, **article_c),
        Workload("c_b256", f"C 784-100-50-10 tanh, {big} samples, batch 256", samples=big, batch=256,
                 **article_c),
        Workload("cnn_b1", f"CNN, {20 if quick else 200} samples, batch 1", samples=20 if quick else 200, batch=1,
                 **convnet),
        Workload("cnn_b64", f"CNN, {128 if quick else 320} samples, batch 64", samples=128 if quick else 320,
                 batch=64, **convnet),
    )


def config(quick: bool, repeats: int | None = None) -> Config:
    """The configuration of a full or a ``--quick`` run on this machine's device (``repeats``: 7, quick 3)."""
    return Config(workloads(quick), repeats=repeats or default_repeats(quick), warmup=1,
                  wide=wide_mlp.sizes(jax.devices()[0].platform, quick))


def network(w: Workload) -> tuple[nf.Layer, tuple[int, ...]]:
    """The nnfunc network of ``w`` and its input shape."""
    if w.network == "cnn":
        return cnn(), INPUT_SHAPE
    layers = []
    for n_out in w.sizes[1:]:
        layers += [nf.dense(n_out), nf.activation(w.activation)]
    return nf.serial(*layers), (w.sizes[0],)


def data(w: Workload, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """float32 (x, t): article E's people, else uniform [0, 1) inputs and random one-hot targets."""
    if w.key == "e_221":
        x, t = nf.people()
    else:
        shape = INPUT_SHAPE if w.network == "cnn" else (w.sizes[0],)
        n_classes = N_CLASSES if w.network == "cnn" else w.sizes[-1]
        x, t = rng.random((w.samples, *shape)), np.eye(n_classes)[rng.integers(0, n_classes, w.samples)]
    return x.astype(np.float32), t.astype(np.float32)


def jax_training(w: Workload, net: nf.Layer, gradients: str) -> Callable:
    """jit of ``(params, opt_state, key, x, t) -> (params, last epoch's loss)``: ``w.epochs`` epochs of nf.fit's epoch."""
    optimizer = optax.sgd(w.learning_rate)
    epoch = make_epoch(net, nf.loss(w.loss), optimizer, w.batch, gradients=gradients, shuffle=False)

    def train(params, opt_state, key, x, t):
        def body(_, state):
            out = epoch(*state[:3], x, t)
            return out.params, out.opt_state, out.key, out.loss
        state = jax.lax.fori_loop(0, w.epochs, body, (params, opt_state, key, jnp.zeros((), x.dtype)))
        return state[0], state[3]

    return jax.jit(train)


def runs(w: Workload, x: np.ndarray, t: np.ndarray, torch_note: str | None) -> tuple[dict, dict, dict]:
    """``(run functions, {name: compile_s, first_result_s[, xla_cost]}, {skipped name: why})`` for ``w``."""
    net, input_shape = network(w)
    params, _ = net.init(jax.random.key(SEED), input_shape)
    params = jax.tree.map(lambda a: a.astype(jnp.float32), params)
    args = (params, optax.sgd(w.learning_rate).init(params), jax.random.key(SEED), jnp.asarray(x), jnp.asarray(t))
    fns, first, skipped = {}, {}, {}
    for name, gradients in ((HAND, "backprop"), (JAX, "jax")):
        program = compiled(jax_training(w, net, gradients), *args)
        fns[name] = program.run
        first[name] = {"compile_s": program.compile_s, "first_result_s": program.first_result_s,
                       "xla_cost": program.cost}
    numpy_network = {"e_221": numpy_loop.article_e_network,
                     "c_b1": numpy_loop.article_c_network}.get(w.key)
    if numpy_network is None:
        skipped[NUMPY] = "the articles' NumPy loop exists for their per-sample MLPs only"
    else:
        layers = numpy_network(np.random.default_rng(SEED), np.float32)
        fns[NUMPY] = lambda: [numpy_loop.train_epoch(layers, x, t, w.learning_rate)
                              for _ in range(w.epochs)][-1]
    if torch_note is not None:
        skipped[TORCH] = torch_note
    else:
        from experiments.bench import torch_eager  # torch is optional: imported only when installed
        fns[TORCH] = torch_eager.training(w.network, w.sizes, w.activation, x, t, w.batch, w.epochs,
                                          w.learning_rate)
    for name in fns.keys() - first.keys():
        first[name] = {"compile_s": None, "first_result_s": seconds(fns[name])}
    return fns, first, skipped


def bench_workload(w: Workload, cfg: Config, torch_note: str | None, rng: np.random.Generator) -> dict:
    """Time every implementation of ``w``; the record with timings, ratios to nf.backprop and skips."""
    x, t = data(w, rng)
    fns, first, skipped = runs(w, x, t, torch_note)
    same = same_training(fns[HAND](), fns[JAX]())
    timings = measure(fns, cfg.repeats, cfg.warmup)
    rows = {name: {**timings[name].summary(), **first[name]} for name in fns}
    ratios = {f"{HAND} / {JAX}": ratio(timings[HAND], timings[JAX]).summary()}
    ratios.update({f"{name} / {HAND}": ratio(timings[name], timings[HAND]).summary()
                   for name in (NUMPY, TORCH) if name in timings})
    print(f"  {w.title}: " + ", ".join(f"{name} {1e3 * timings[name].median_s:.1f} ms" for name in fns))
    return {"title": w.title, "workload": w._asdict(), "rows": rows, "ratios": ratios, "skipped": skipped,
            "hand_vs_jax_params_max_rel_diff": same}


def same_training(hand, auto) -> float:
    """Largest relative difference between the params trained by nf.backprop and by jax.grad.

    Both runs start from the same params and see the same batches, so they must agree
    to float32 rounding (accumulated over the run): the two rows time the same training.
    """
    diffs = [float(jnp.max(jnp.abs(a - b)) / (jnp.max(jnp.abs(b)) + 1e-30))
             for a, b in zip(jax.tree.leaves(hand[0]), jax.tree.leaves(auto[0]), strict=True)]
    return max(diffs)


TARGETS = (
    # (ratio, workload keys, at most / at least, bound)
    (f"{HAND} / {JAX}", None, "<=", 1.0),
    (f"{NUMPY} / {HAND}", ("e_221", "c_b1"), ">=", 10.0),
    (f"{TORCH} / {HAND}", ("c_b32",), ">=", 2.0),
)


def within(value: float, sense: str, bound: float) -> bool:
    """Whether ``value`` meets the bound: ``sense`` is ``"<="`` (at most) or ``">="`` (at least)."""
    return bool(value <= bound if sense == "<=" else value >= bound)


def targets(records: dict) -> list[dict]:
    """Every target checked on the median ratio of every workload it names (all for None).

    ``met`` judges the wall-time ratio (the target as set); ``met_cpu`` the CPU-time ratio,
    which a shared machine's load disturbs less.
    """
    checked = []
    for name, keys, sense, bound in TARGETS:
        for key, record in records.items():
            if (keys is None or key in keys) and name in record["ratios"]:
                median, cpu = record["ratios"][name]["median_s"], record["ratios"][name]["cpu_median_s"]
                checked.append({"ratio": name, "workload": key, "bound": f"{sense} {bound:g}",
                                "median": median, "min": record["ratios"][name]["min_s"],
                                "max": record["ratios"][name]["max_s"], "cpu_median": cpu,
                                "met": within(median, sense, bound), "met_cpu": within(cpu, sense, bound)})
    return checked


def torch_availability() -> tuple[str | None, str | None]:
    """``(torch version, None)`` or ``(None, why the PyTorch rows are skipped)``."""
    if importlib.util.find_spec("torch") is None:
        return None, "torch not installed (pip install 'nnfunc[bench]')"
    from experiments.bench import torch_eager
    return f"{version('torch')} ({torch_eager.THREADS} intra-op thread)", None


def bench(cfg: Config) -> dict:
    """Run the whole configuration; the JSON-ready record (without the output paths)."""
    start = time.perf_counter()
    torch_version, torch_note = torch_availability()
    env = {**environment(), "machine": machine(), "torch": torch_version,
           "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}
    rng = np.random.default_rng(SEED)
    with CompileClock() as clock:
        records = {w.key: bench_workload(w, cfg, torch_note, rng) for w in cfg.workloads}
        wide = [wide_mlp.bench(width, batch, dtype, cfg.repeats, cfg.warmup)
                for width, batch in cfg.wide for dtype in cfg.wide_dtypes]
    env["load_average_end"] = list(machine()["load_average"])
    return {"environment": env, "repeats": cfg.repeats, "warmup": cfg.warmup, "dtype": "float32",
            "workloads": records, "targets": targets(records), "wide_mlp": wide,
            "compilation": clock.summary(), "seconds": time.perf_counter() - start}


def run(args) -> dict:
    """``all``: the whole comparison as ``args`` asks; writes ``args.out/bench.md``, prints it, returns the record."""
    jax.config.update("jax_enable_x64", True)   # see the module docstring
    record = bench(config(args.quick, args.repeats))
    markdown = comparison_report.markdown(record)
    (args.out / "bench.md").write_text(markdown)
    print(markdown)
    met = sum(t["met"] for t in record["targets"])
    print(f"{met}/{len(record['targets'])} targets met")
    return {**record, "seed": SEED, "markdown": "bench.md"}
