"""The small CNN used by the CNN experiment and the benchmarks (input 28×28×1, 10 classes).

conv 3×3×32 – relu – max-pool 2 – conv 3×3×64 – relu – max-pool 2 – flatten – dense 10 –
softmax; "VALID" convolutions, so the shapes run 28 → 26 → 13 → 11 → 5 and the dense
layer sees 5·5·64 = 1600 features.
"""
from __future__ import annotations

import nnfunc as nf

INPUT_SHAPE = (28, 28, 1)
N_CLASSES = 10


def cnn() -> nf.Layer:
    """The network as one :func:`nnfunc.serial` layer; init it with ``INPUT_SHAPE``.

    >>> import jax
    >>> params, out_shape = cnn().init(jax.random.key(0), INPUT_SHAPE)
    >>> out_shape
    (10,)
    """
    return nf.serial(
        nf.conv(32, (3, 3)), nf.relu(), nf.max_pool((2, 2)),
        nf.conv(64, (3, 3)), nf.relu(), nf.max_pool((2, 2)),
        nf.flatten(), nf.dense(N_CLASSES), nf.softmax(),
    )
