r"""Classification accuracy: the fraction of examples whose predicted class is the target's.

With several outputs the class is the index of the largest one,
:math:`\hat c = \arg\max_k y_k`, compared with :math:`\arg\max_k t_k` of the
one-hot target.  With a single output ``y`` is read as the probability of class 1
(a sigmoid output, article E's "1 = F") and thresholded at 0.5 on both sides.
"""
from __future__ import annotations

import jax.numpy as jnp

from nnfunc.validate import default_float


def accuracy(y, t):
    r"""Fraction of rows of ``y`` that pick the class of ``t``: :math:`\frac1m\sum [\hat c = c]`.

    ``y`` and ``t`` have shape ``(m, k)``; ``k = 1`` thresholds at 0.5, ``k > 1``
    compares arg-maxes.

    >>> import jax.numpy as jnp
    >>> float(accuracy(jnp.array([[0.9], [0.2], [0.6]]), jnp.array([[1.0], [0.0], [0.0]])))
    0.6666666666666666
    >>> float(accuracy(jnp.array([[0.1, 0.7, 0.2]]), jnp.array([[0.0, 1.0, 0.0]])))
    1.0
    """
    y, t = jnp.asarray(y), jnp.asarray(t)
    if y.shape[-1] == 1:
        hit = (y[..., 0] >= 0.5) == (t[..., 0] >= 0.5)
    else:
        hit = jnp.argmax(y, axis=-1) == jnp.argmax(t, axis=-1)
    return jnp.mean(hit, dtype=default_float())
