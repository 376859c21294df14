r"""Weight and bias initialisers for dense and conv: functions ``init(key, shape, dtype) -> array``.

Each constructor here returns such a function; so does every ``jax.nn.initializers``
constructor, and either kind is a layer's ``w_init`` or ``b_init``.

Fans.  A dense weight has shape ``(n_in, n_out)``; a conv kernel, channels last, has
shape ``(*kernel, c_in, c_out)``.  Each output sums :math:`\text{fan-in} = \prod
\text{kernel} \cdot c_{in}` products, and each input reaches :math:`\text{fan-out} =
\prod \text{kernel} \cdot c_{out}` outputs (a dense weight is a kernel of size 1):
see :func:`fans`.

The normal initialisers draw from a plain (untruncated) normal with the stated
standard deviation, as PyTorch's ``kaiming_normal_`` and ``xavier_normal_`` do.
``jax.nn.initializers.glorot_normal``, ``he_normal`` and ``lecun_normal`` instead draw
a normal truncated at two standard deviations and rescaled to the same variance, so
theirs differ in values and in tails, not in variance.

A bias initialiser may need the weight's fan-in (PyTorch's default does): an
initialiser that takes a keyword argument ``fan_in`` is called by the layer as
``b_init(key, (n_out,), dtype, fan_in=...)``; see :func:`takes_fan_in`.
"""
from __future__ import annotations

import inspect
import math

import jax
import jax.numpy as jnp

from nnfunc.validate import default_float, finite_real


def fans(shape) -> tuple[int, int]:
    r"""``(fan_in, fan_out)`` of a dense weight ``(n_in, n_out)`` or a channels-last kernel ``(*kernel, c_in, c_out)``.

    :math:`\text{fan-in} = \prod \text{kernel} \cdot c_{in}`, :math:`\text{fan-out} = \prod \text{kernel} \cdot c_{out}`.

    >>> fans((784, 10)), fans((3, 3, 16, 32))
    ((784, 10), (144, 288))
    >>> fans((5,))
    Traceback (most recent call last):
    ...
    ValueError: fans: shape (5,) has no input axis; a weight is (n_in, n_out) or (*kernel, c_in, c_out)
    """
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError(f"fans: shape {shape} has no input axis; a weight is (n_in, n_out) or (*kernel, c_in, c_out)")
    receptive = math.prod(shape[:-2])
    return receptive * shape[-2], receptive * shape[-1]


def non_negative(value, where: str, what: str):
    """``value`` unchanged if it is a finite real number at least 0, else a clear error naming ``where``.

    >>> non_negative(-1.0, "normal", "stddev")
    Traceback (most recent call last):
    ...
    ValueError: normal: stddev must be at least 0, got -1.0
    """
    finite_real(value, where, what)
    if value < 0:
        raise ValueError(f"{where}: {what} must be at least 0, got {value!r}")
    return value


def normal(stddev: float):
    r"""Initialiser drawing :math:`w \sim \mathcal N(0, \sigma^2)` with :math:`\sigma` = ``stddev``.

    The draw is ``stddev * jax.random.normal(key, shape, dtype)``, what dense and conv
    draw by default with their own :math:`\sigma`.

    >>> import jax
    >>> normal(0.5)(jax.random.key(0), (2, 3), jnp.float32).shape
    (2, 3)
    """
    stddev = non_negative(stddev, "normal", "stddev")

    def init(key, shape, dtype=None):
        return stddev * jax.random.normal(key, shape, dtype or default_float())
    return init


def uniform(scale: float):
    r"""Initialiser drawing :math:`w \sim U(-a, a)` with :math:`a` = ``scale`` (values in :math:`[-a, a)`).

    >>> import jax
    >>> w = uniform(0.1)(jax.random.key(0), (1000,), jnp.float32)
    >>> bool(w.min() >= -0.1 and w.max() < 0.1)
    True
    """
    scale = non_negative(scale, "uniform", "scale")

    def init(key, shape, dtype=None):
        return jax.random.uniform(key, shape, dtype or default_float(), -scale, scale)
    return init


def _scaled(name: str, variance, draw):
    """Initialiser whose spread comes from the fans: ``draw(variance(fan_in, fan_out))`` applied to the shape."""
    def init(key, shape, dtype=None):
        try:
            fan_in, fan_out = fans(shape)
        except ValueError as err:
            raise ValueError(f"{name}: {err}") from None
        return draw(variance(fan_in, fan_out))(key, shape, dtype)
    init.__name__ = name
    return init


def _normal_with_variance(variance):
    return normal(math.sqrt(variance))


def _uniform_with_variance(variance):
    return uniform(math.sqrt(3 * variance))  # U(-a, a) has variance a²/3


def glorot_normal():
    r"""Glorot/Xavier normal: :math:`\mathcal N(0, \sigma^2)`, :math:`\sigma^2 = 2/(\text{fan-in} + \text{fan-out})` (plain normal).

    >>> import jax
    >>> glorot_normal()(jax.random.key(0), (3, 3, 8, 16), jnp.float32).shape
    (3, 3, 8, 16)
    """
    return _scaled("glorot_normal", lambda fan_in, fan_out: 2 / (fan_in + fan_out), _normal_with_variance)


def glorot_uniform():
    r"""Glorot/Xavier uniform: :math:`U(-a, a)`, :math:`a = \sqrt{6/(\text{fan-in} + \text{fan-out})}`.

    >>> import jax
    >>> w = glorot_uniform()(jax.random.key(0), (10, 14), jnp.float32)
    >>> bool(abs(w).max() < 0.5)
    True
    """
    return _scaled("glorot_uniform", lambda fan_in, fan_out: 2 / (fan_in + fan_out), _uniform_with_variance)


def he_normal():
    r"""He/Kaiming normal (for ReLU): :math:`\mathcal N(0, \sigma^2)`, :math:`\sigma^2 = 2/\text{fan-in}` (plain normal).

    >>> import jax
    >>> he_normal()(jax.random.key(0), (4, 2), jnp.float32).dtype
    dtype('float32')
    """
    return _scaled("he_normal", lambda fan_in, fan_out: 2 / fan_in, _normal_with_variance)


def he_uniform():
    r"""He/Kaiming uniform: :math:`U(-a, a)`, :math:`a = \sqrt{6/\text{fan-in}}`.

    >>> import jax
    >>> w = he_uniform()(jax.random.key(0), (24, 5), jnp.float32)
    >>> bool(abs(w).max() < 0.5)
    True
    """
    return _scaled("he_uniform", lambda fan_in, fan_out: 2 / fan_in, _uniform_with_variance)


def lecun_normal():
    r"""LeCun normal: :math:`\mathcal N(0, \sigma^2)`, :math:`\sigma^2 = 1/\text{fan-in}` (plain normal).

    For a dense layer this is the draw ``nf.dense`` makes by default.

    >>> import jax
    >>> lecun_normal()(jax.random.key(0), (4, 2), jnp.float32).shape
    (4, 2)
    """
    return _scaled("lecun_normal", lambda fan_in, fan_out: 1 / fan_in, _normal_with_variance)


def torch_default():
    r"""PyTorch's default weight of ``nn.Linear`` and ``nn.Conv*``: :math:`U(-a, a)`, :math:`a = 1/\sqrt{\text{fan-in}}`.

    PyTorch calls ``kaiming_uniform_(w, a=math.sqrt(5))``: gain :math:`\sqrt{2/(1+a^2)} =
    \sqrt{1/3}`, bound :math:`\text{gain}\cdot\sqrt{3/\text{fan-in}} = \sqrt{6/((1+5)\,\text{fan-in})}
    = 1/\sqrt{\text{fan-in}}`.  Its bias: :func:`torch_default_bias`.

    >>> import jax
    >>> w = torch_default()(jax.random.key(0), (4, 3), jnp.float32)
    >>> bool(abs(w).max() < 0.5)
    True
    """
    return _scaled("torch_default", lambda fan_in, fan_out: 1 / (3 * fan_in), _uniform_with_variance)


def torch_default_bias():
    r"""PyTorch's default bias of ``nn.Linear`` and ``nn.Conv*``: :math:`U(-a, a)`, :math:`a = 1/\sqrt{\text{fan-in}}` of the weight.

    The returned function takes the keyword ``fan_in``, so dense and conv pass it their
    weight's fan-in (see :func:`fans`); called directly it needs it too.

    >>> import jax
    >>> b = torch_default_bias()(jax.random.key(0), (3,), jnp.float32, fan_in=4)
    >>> bool(abs(b).max() < 0.5)
    True
    """
    def init(key, shape, dtype=None, *, fan_in):
        fan_in = non_negative(fan_in, "torch_default_bias", "fan_in")
        return uniform(1 / math.sqrt(fan_in) if fan_in else 0.0)(key, shape, dtype)
    return init


def zeros():
    """Initialiser of zeros, the default bias of dense and conv.

    >>> import jax
    >>> zeros()(jax.random.key(0), (2,), jnp.float32).tolist()
    [0.0, 0.0]
    """
    def init(key, shape, dtype=None):
        return jnp.zeros(shape, dtype or default_float())
    return init


def takes_fan_in(init) -> bool:
    """Whether the initialiser ``init`` takes a keyword argument ``fan_in`` (then the layer passes the weight's).

    >>> takes_fan_in(torch_default_bias()), takes_fan_in(zeros())
    (True, False)
    """
    try:
        parameters = inspect.signature(init).parameters
    except (TypeError, ValueError):  # a callable without a readable signature takes no fan_in
        return False
    return "fan_in" in parameters and parameters["fan_in"].kind in (
        inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
