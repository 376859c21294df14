"""Many trained copies of one network (one per seed, say), evaluated together."""
from __future__ import annotations

from typing import Sequence

import jax
import numpy as np

import nnfunc as nf


def predict_each(net: nf.Layer, params: Sequence, x) -> np.ndarray:
    """``nf.predict(net, p, x)`` for every ``p`` in ``params`` (same structure and shapes), stacked.

    One compiled program (``jax.vmap`` over the stacked params) instead of one per copy.
    Returns shape ``(len(params), *nf.predict(net, params[0], x).shape)``.

    >>> import jax, numpy as np, nnfunc as nf
    >>> net = nf.serial(nf.dense(1))
    >>> copies = [({"w": np.array([[w]]), "b": np.zeros(1)},) for w in (1.0, 2.0)]
    >>> predict_each(net, copies, [[3.0]]).tolist()
    [[[3.0]], [[6.0]]]
    """
    stacked = jax.tree.map(lambda *leaves: np.stack(leaves), *params)
    return np.asarray(jax.vmap(lambda p: nf.predict(net, p, x))(stacked))
