r"""Random data augmentation for image batches: pure functions ``(key, x) -> x``, for ``fit(augment=...)``.

Images are channels last, as the conv layers take them: ``(batch, length, channels)``
or ``(batch, height, width, channels)``; the *spatial* axes are those between the
batch axis and the channel axis.  Each image draws its own transformation from the
key, so the same key and batch always give the same result.

>>> import jax, jax.numpy as jnp, nnfunc as nf
>>> flip_and_shift = nf.augment.compose(nf.augment.random_mirror(), nf.augment.random_shift(2))
>>> flip_and_shift(jax.random.key(0), jnp.ones((8, 28, 28, 1))).shape
(8, 28, 28, 1)
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp

from nnfunc.validate import require_key

Augment = Callable[[jax.Array, jax.Array], jax.Array]


def _spatial_batch(key, x, name: str) -> jax.Array:
    require_key(key, name)
    x = jnp.asarray(x)
    if x.ndim < 3:
        raise ValueError(f"{name}: expected a batch of images (batch, *spatial, channels) with at least one "
                         f"spatial axis, got shape {tuple(x.shape)}")
    return x


def random_mirror() -> Augment:
    r"""Flip each image left to right (the last spatial axis) with probability 1/2.

    :math:`x'_{b,\dots,j,c} = x_{b,\dots,W-1-j,c}` if :math:`u_b < 1/2`, else
    :math:`x'_b = x_b`, with :math:`u_b \sim U[0, 1)` drawn per image.

    >>> import jax, jax.numpy as jnp
    >>> x = jnp.arange(3.0).reshape(1, 1, 3, 1)          # one image, one row: 0 1 2
    >>> sorted({tuple(random_mirror()(jax.random.key(k), x).ravel().tolist()) for k in range(8)})
    [(0.0, 1.0, 2.0), (2.0, 1.0, 0.0)]
    """
    def mirror(key, x):
        x = _spatial_batch(key, x, "random_mirror")
        flip = jax.random.bernoulli(key, 0.5, (x.shape[0],)).reshape(-1, *(1,) * (x.ndim - 1))
        return jnp.where(flip, jnp.flip(x, axis=x.ndim - 2), x)

    return mirror


def random_shift(max_shift: int) -> Augment:
    r"""Translate each image by a random whole number of pixels along every spatial axis, filling with zeros.

    For each image and spatial axis an offset :math:`s \in \{-m, \dots, m\}`
    (:math:`m` = ``max_shift``) is drawn uniformly, and
    :math:`x'_{\dots,i,\dots} = x_{\dots,i-s,\dots}` where :math:`0 \le i - s < n`, else 0:
    the content moves by :math:`s` (towards higher indices for :math:`s > 0`).

    >>> import jax, jax.numpy as jnp
    >>> x = jnp.array([1.0, 2.0, 3.0]).reshape(1, 3, 1)  # one 1-D image of length 3
    >>> sorted({tuple(random_shift(1)(jax.random.key(k), x).ravel().tolist()) for k in range(16)})
    [(0.0, 1.0, 2.0), (1.0, 2.0, 3.0), (2.0, 3.0, 0.0)]
    """
    if not isinstance(max_shift, int) or max_shift < 0:
        raise ValueError(f"random_shift: max_shift must be a non-negative int, got {max_shift!r}")

    def shift(key, x):
        x = _spatial_batch(key, x, "random_shift")
        spatial = x.shape[1:-1]
        pad = [(0, 0)] + [(max_shift, max_shift)] * len(spatial) + [(0, 0)]
        padded = jnp.pad(x, pad)
        # an offset s becomes the start max_shift - s of the window cut from the padded image
        starts = jax.random.randint(key, (x.shape[0], len(spatial)), 0, 2 * max_shift + 1)

        def cut(image, start):
            return jax.lax.dynamic_slice(image, (*start, 0), (*spatial, x.shape[-1]))

        return jax.vmap(cut)(padded, starts)

    return shift


def compose(*augments: Augment) -> Augment:
    """Apply ``augments`` in order, each with its own key split from the one given.

    >>> import jax, jax.numpy as jnp
    >>> compose()(jax.random.key(0), jnp.ones((2, 4, 1))).tolist() == jnp.ones((2, 4, 1)).tolist()
    True
    """
    for i, augment in enumerate(augments):
        if not callable(augment):
            raise TypeError(f"compose: augment {i} is {type(augment).__name__} {augment!r}; expected a function "
                            "(key, x) -> x such as random_mirror() or random_shift(2)")

    def composed(key, x):
        require_key(key, "compose")
        for augment, k in zip(augments, jax.random.split(key, len(augments))):
            x = augment(k, x)
        return x

    return composed
