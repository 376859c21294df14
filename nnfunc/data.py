"""The articles' toy data sets and the usual preparation: one-hot, scaling, splits.

Every function returns NumPy arrays (data stays on the host until training);
inputs are ``(n, features)`` and targets ``(n, outputs)``, ready for :func:`nnfunc.fit`.
"""
from __future__ import annotations

import itertools
import numbers
from typing import Callable

import jax
import numpy as np

from nnfunc.validate import require_key

PEOPLE = ("Alice", "Bob", "Charlie", "Diana")

GATES: dict[str, Callable[[int, int], int]] = {
    "AND": lambda a, b: a & b,
    "OR": lambda a, b: a | b,
    "NAND": lambda a, b: 1 - (a & b),
    "NOR": lambda a, b: 1 - (a | b),
    "XOR": lambda a, b: a ^ b,
    "XNOR": lambda a, b: 1 - (a ^ b),
}


def people() -> tuple[np.ndarray, np.ndarray]:
    """Article E's four people: x = (weight − 135 lb, height − 66 in), t = 1 for F.

    Rows in the order of :data:`PEOPLE` (Alice, Bob, Charlie, Diana).

    >>> x, t = people()
    >>> x.tolist(), t.ravel().tolist()
    ([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]], [1.0, 0.0, 0.0, 1.0])
    """
    x = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]], float)
    return x, np.array([[1], [0], [0], [1]], float)


def truth_table(f: Callable[..., int], n_inputs: int) -> tuple[np.ndarray, np.ndarray]:
    """Every 0/1 input row in binary counting order (000, 001, ...) and ``f`` of it.

    >>> x, t = truth_table(lambda a, b: a | b, 2)
    >>> x.tolist(), t.ravel().tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 1.0])
    """
    rows = list(itertools.product((0, 1), repeat=n_inputs))
    return np.array(rows, float), np.array([[f(*row)] for row in rows], float)


def truth_table_xy_or_not_z() -> tuple[np.ndarray, np.ndarray]:
    """Article A's Boolean function F(x, y, z) = x·y + ¬z over its 8 rows.

    >>> x, t = truth_table_xy_or_not_z()
    >>> t.ravel().tolist()
    [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0]
    """
    return truth_table(lambda x, y, z: (x & y) | (1 - z), 3)


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input gate: AND, OR, NAND, NOR, XOR or XNOR (article D).

    >>> logic_gate("XOR")[1].ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    try:
        gate = GATES[name.upper()]
    except (KeyError, AttributeError):
        raise ValueError(f"logic_gate: unknown gate {name!r}; known: {', '.join(GATES)}") from None
    return truth_table(gate, 2)


def one_hot(labels, n_classes: int | None = None) -> np.ndarray:
    """Integer labels ``(n,)`` as rows of a ``(n, n_classes)`` identity (article C: 5 -> [0,0,0,0,0,1,0,0,0,0]).

    ``n_classes`` defaults to ``max(labels) + 1``.

    >>> one_hot([5], 10).tolist()
    [[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]]
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"one_hot: labels must be a non-empty 1-d array of ints, got dtype {labels.dtype} "
                         f"shape {labels.shape}")
    if n_classes is not None and (not isinstance(n_classes, numbers.Integral) or isinstance(n_classes, bool)):
        raise TypeError(f"one_hot: n_classes must be an int (or None for max(labels) + 1), "
                        f"got {type(n_classes).__name__} {n_classes!r}")
    n_classes = int(labels.max()) + 1 if n_classes is None else n_classes
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"one_hot: labels must lie in [0, {n_classes}), got range "
                         f"[{labels.min()}, {labels.max()}]")
    return np.eye(n_classes)[labels]


def scale_to_unit(x, low: float | None = None, high: float | None = None) -> np.ndarray:
    """Map ``[low, high]`` linearly onto ``[0, 1]``: (x − low) / (high − low).

    ``low`` and ``high`` default to the data's minimum and maximum; for 8-bit images
    pass ``low=0, high=255`` (article C's pixel scaling).

    >>> scale_to_unit([0, 51, 255], 0, 255).tolist()
    [0.0, 0.2, 1.0]
    """
    x = np.asarray(x, float)
    low = x.min() if low is None else low
    high = x.max() if high is None else high
    if not high > low:
        raise ValueError(f"scale_to_unit: need high > low, got low={low}, high={high}")
    return (x - low) / (high - low)


def standardize(x, mean=None, std=None) -> np.ndarray:
    """Per feature (axis 0): (x − mean) / std, with a constant feature's std taken as 1.

    ``mean`` and ``std`` default to the data's own; pass the training set's to treat
    a test set the same way.

    >>> standardize([[1.0, 5.0], [3.0, 5.0]]).tolist()
    [[-1.0, 0.0], [1.0, 0.0]]
    """
    x = np.asarray(x, float)
    mean = x.mean(axis=0) if mean is None else np.asarray(mean, float)
    std = x.std(axis=0) if std is None else np.asarray(std, float)
    return (x - mean) / np.where(std > 0, std, 1.0)


def train_test_split(x, t, key, test_fraction: float = 0.2):
    """Shuffle with ``key`` and split into ``(x_train, t_train, x_test, t_test)``.

    The test set has ``round(test_fraction · n)`` samples (at least 1 and at most n − 1).

    >>> import jax
    >>> x_train, t_train, x_test, t_test = train_test_split(*logic_gate("OR"), jax.random.key(0), 0.25)
    >>> x_train.shape, x_test.shape
    ((3, 2), (1, 2))
    """
    require_key(key, "train_test_split")
    if not isinstance(test_fraction, numbers.Real) or isinstance(test_fraction, bool):
        raise TypeError(f"train_test_split: test_fraction must be a number in (0, 1), "
                        f"got {type(test_fraction).__name__} {test_fraction!r}")
    x, t = np.asarray(x), np.asarray(t)
    if x.ndim == 0 or t.ndim == 0:
        raise ValueError(f"train_test_split: x and t need a sample axis (one row per sample), "
                         f"got shapes {x.shape} and {t.shape}")
    if len(x) != len(t):
        raise ValueError(f"train_test_split: x has {len(x)} samples but t has {len(t)}")
    if len(x) < 2 or not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: need at least 2 samples and 0 < test_fraction < 1, "
                         f"got {len(x)} samples and test_fraction={test_fraction}")
    n_test = min(max(round(test_fraction * len(x)), 1), len(x) - 1)
    order = np.asarray(jax.random.permutation(key, len(x)))
    test, train = order[:n_test], order[n_test:]
    return x[train], t[train], x[test], t[test]
