"""Training: the compiled epoch, the ``fit`` loop and its results, predict/evaluate, checkpoints.

One idea per module: :mod:`~nnfunc.training.epoch` (the optimizer step and the
jit-compiled epoch, :func:`nnfunc.make_epoch`), :mod:`~nnfunc.training.fit` (the
loop, :func:`nnfunc.fit`), :mod:`~nnfunc.training.results` (what ``fit`` returns
or raises), :mod:`~nnfunc.training.inference` (:func:`nnfunc.predict`,
:func:`nnfunc.evaluate`), :mod:`~nnfunc.training.compiled` (compiled functions kept
for reuse), :mod:`~nnfunc.training.measures` (loss by name, accuracy by default),
:mod:`~nnfunc.training.checkpoint` (the checkpoint file and its settings) and
:mod:`~nnfunc.training.progress` (the progress bar).  The data checks are in
:mod:`nnfunc.validate_data`, beside the other input checks.
"""
