r"""Sliding-window geometry shared by the convolution and pooling layers.

Along one spatial axis of length :math:`n`, a window of :math:`k` elements moved
with stride :math:`s` over the input padded by :math:`l` elements before and
:math:`h` after (:math:`\tilde x`, length :math:`l + n + h`) sees output position
:math:`i` at padded positions :math:`s\,i + j`, :math:`0 \le j < k`.

* ``"VALID"``: no padding, :math:`m = \lfloor (n - k)/s \rfloor + 1` outputs; needs :math:`k \le n`.
* ``"SAME"``: :math:`m = \lceil n/s \rceil` outputs; the padding
  :math:`p = \max((m-1)s + k - n, 0)` is split :math:`l = \lfloor p/2 \rfloor`,
  :math:`h = p - l` (the extra element goes after, as in XLA and TensorFlow).

The forward pass may leave :math:`r = l + n + h - ((m-1)s + k)` trailing rows
unread (``"VALID"`` with a stride that does not divide :math:`n - k`); their
gradient is zero.

Channels are last: an input is ``(batch, length, channels)`` or
``(batch, height, width, channels)``.
"""
from __future__ import annotations

import itertools
from typing import NamedTuple

from jax import lax

from nnfunc.validate import positive_int

PADDINGS = ("VALID", "SAME")
EXPECTED_BATCHED = "(batch, length, channels) or (batch, height, width, channels)"
EXPECTED_UNBATCHED = "(length, channels) or (height, width, channels)"


class Sliding(NamedTuple):
    """A layer's window settings; ``rank`` (1 or 2 spatial axes) is ``None`` until an input fixes it."""

    where: str
    window: int | tuple
    stride: int | tuple
    padding: str
    rank: int | None


class Plan(NamedTuple):
    """The geometry along every spatial axis for one input shape."""

    window: tuple
    stride: tuple
    pads: tuple  # ((l, h), ...)
    in_sizes: tuple
    out_sizes: tuple

    @property
    def unread(self) -> tuple:
        """Trailing padded rows r the forward pass never reads, per axis."""
        return tuple(lo + n + hi - ((m - 1) * s + k)
                     for (lo, hi), n, m, s, k in zip(self.pads, self.in_sizes, self.out_sizes,
                                                     self.stride, self.window))

    def offsets(self):
        """Every position j inside the window, in row-major order."""
        return itertools.product(*(range(k) for k in self.window))

    def full_pads(self, interior: bool = False) -> list:
        """``self.pads`` with no padding on the batch and channel axes, as lax.pad wants them."""
        edge = (0, 0, 0) if interior else (0, 0)
        return [edge, *((lo, hi, 0) if interior else (lo, hi) for lo, hi in self.pads), edge]


def _positive_ints(value, what: str, where: str):
    """An int, or a tuple/list of 1 or 2 ints, all positive (Python or NumPy ints, not bools);
    else ``TypeError``/``ValueError`` naming ``where``."""
    if not isinstance(value, (tuple, list)):
        return positive_int(value, where, f"{what} (an int or a tuple of 1 or 2 ints)")
    if not 1 <= len(value) <= 2:
        raise ValueError(f"{where}: {what} must be an int or a tuple of 1 or 2 positive ints, got {value!r}")
    return tuple(positive_int(v, where, f"every entry of {what} {tuple(value)!r}") for v in value)


def sliding(where: str, window, stride, padding: str) -> Sliding:
    """Check a layer's settings once, at construction; a tuple fixes the spatial rank.

    >>> sliding("max_pool(2)", 2, (2, 2), "SAME").rank
    2
    """
    window = _positive_ints(window, "window", where)
    stride = _positive_ints(stride, "stride", where)
    if padding not in PADDINGS:
        raise ValueError(f"{where}: padding must be 'VALID' or 'SAME', got {padding!r}")
    ranks = {len(v) for v in (window, stride) if isinstance(v, tuple)}
    if len(ranks) > 1:
        raise ValueError(f"{where}: window {window!r} and stride {stride!r} have different lengths")
    return Sliding(where, window, stride, padding, ranks.pop() if ranks else None)


def per_axis(value, rank: int) -> tuple:
    """An int setting repeated along ``rank`` axes; a tuple as it is."""
    return value if isinstance(value, tuple) else (value,) * rank


def plan(s: Sliding, shape: tuple, batched: bool = True) -> Plan:
    """The geometry for an input of ``shape`` (with the batch axis when ``batched``), or ValueError.

    >>> plan(sliding("conv", 3, 2, "SAME"), (8, 5, 1)).pads
    ((1, 1),)
    >>> plan(sliding("conv", 3, 2, "VALID"), (8, 6, 1)).unread
    (1,)
    """
    shape = tuple(shape)
    spatial = shape[1:-1] if batched else shape[:-1]
    rank = s.rank if s.rank is not None else len(spatial)
    if rank not in (1, 2) or len(spatial) != rank:
        wanted = EXPECTED_BATCHED if batched else EXPECTED_UNBATCHED
        if s.rank is not None:
            wanted = wanted.split(" or ")[rank - 1]
        raise ValueError(f"{s.where}: input has shape {shape}, expected {wanted}")
    window, stride = per_axis(s.window, rank), per_axis(s.stride, rank)
    if s.padding == "VALID":
        if any(k > n for k, n in zip(window, spatial)):
            raise ValueError(f"{s.where}: window {window} is larger than the unpadded input "
                             f"{spatial} (input shape {shape}, padding 'VALID')")
        out = tuple((n - k) // st + 1 for n, k, st in zip(spatial, window, stride))
        pads = ((0, 0),) * rank
    else:
        out = tuple(-(-n // st) for n, st in zip(spatial, stride))
        total = [max((m - 1) * st + k - n, 0) for m, st, k, n in zip(out, stride, window, spatial)]
        pads = tuple((p // 2, p - p // 2) for p in total)
    return Plan(window, stride, pads, spatial, out)


def patch(x_padded, p: Plan, offset: tuple):
    r"""The strided slice :math:`\tilde x[b, s\,i + j, c]` over all outputs i, for one window offset j."""
    start = (0, *offset, 0)
    limit = (x_padded.shape[0], *((m - 1) * s + j + 1 for m, s, j in zip(p.out_sizes, p.stride, offset)),
             x_padded.shape[-1])
    return lax.slice(x_padded, start, limit, (1, *p.stride, 1))


def scatter(part, p: Plan, offset: tuple):
    r"""The transpose of :func:`patch`, padding removed: place ``part[b, i, c]`` at input row
    :math:`s\,i + j - l`, zeros elsewhere; rows that fall in the padding are dropped.

    One ``lax.pad`` with interior padding :math:`s - 1` and (possibly negative) edges.
    """
    config = [(0, 0, 0)]
    for (lo, _), n, m, s, j in zip(p.pads, p.in_sizes, p.out_sizes, p.stride, offset):
        low = j - lo
        config.append((low, n - low - ((m - 1) * s + 1), s - 1))
    config.append((0, 0, 0))
    return lax.pad(part, lax.full((), 0, part.dtype), config)
