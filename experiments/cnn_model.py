"""The small CNN used by the CNN experiment and the benchmarks (input 28×28×1, 10 classes).

conv 3×3×32 – relu – max-pool 2 – conv 3×3×64 – relu – max-pool 2 – flatten – dense 128 –
relu – dense 10 – softmax; "VALID" convolutions, so the shapes run 28 → 26 → 13 → 11 → 5
and the first dense layer sees 5·5·64 = 1600 features.
"""
from __future__ import annotations

import nnfunc as nf

INPUT_SHAPE = (28, 28, 1)
HIDDEN = 128
N_CLASSES = 10


def logit_layers() -> tuple:
    """The layers up to the dense layer's output (the logits), for training with softmax cross-entropy."""
    return (nf.conv(32, (3, 3)), nf.relu(), nf.max_pool((2, 2)),
            nf.conv(64, (3, 3)), nf.relu(), nf.max_pool((2, 2)),
            nf.flatten(), nf.dense(HIDDEN), nf.relu(), nf.dense(N_CLASSES))


def cnn() -> nf.Layer:
    """The network (:func:`logit_layers`, then softmax) as one :func:`nnfunc.serial` layer; init it with ``INPUT_SHAPE``.

    >>> import jax
    >>> params, out_shape = cnn().init(jax.random.key(0), INPUT_SHAPE)
    >>> out_shape
    (10,)
    """
    return nf.serial(*logit_layers(), nf.softmax())
