"""The benchmarks, apart from the article experiments: ``python -m experiments.bench [all|training|cnn|wide]``.

* :mod:`experiments.bench.comparison` (``all``): nf.backprop against ``jax.grad``, the
  articles' NumPy loop and PyTorch eager on every workload, then the wide MLP;
  Markdown report by :mod:`experiments.bench.comparison_report`;
* :mod:`experiments.bench.training` (``training``): article C's epoch against the NumPy loop;
* :mod:`experiments.bench.cnn_step` (``cnn``): one SGD step of the CNN, hand against ``jax.grad``;
* :mod:`experiments.bench.wide_mlp` (``wide``): a wide MLP's training step in TFLOP/s.

What they share: the timing harness (:mod:`experiments.bench.timing`), the
contenders (:mod:`experiments.bench.numpy_loop`, :mod:`experiments.bench.torch_eager`)
and the size of XLA's CPU thread pool (:mod:`experiments.bench.xla_threads`).
"""
