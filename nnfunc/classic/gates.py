r"""Article B's universality gates: four neurons multiply two reals, one neuron three bits.

**Continuous multiplication.**  Let σ be smooth at an operating point :math:`a` with
:math:`\sigma''(a) \ne 0`.  Taylor expansion gives the even part

.. math:: \sigma(a+u) + \sigma(a-u) = 2\sigma(a) + \sigma''(a)\,u^2 + \tfrac{1}{12}\sigma''''(a)\,u^4 + O(u^6).

With :math:`u = \lambda(x+y)` and :math:`u = \lambda(x-y)`, and
:math:`(x+y)^2-(x-y)^2 = 4xy`, :math:`(x+y)^4-(x-y)^4 = 8xy(x^2+y^2)`:

.. math::
    \frac{\sigma(a+\lambda(x+y)) + \sigma(a-\lambda(x+y)) - \sigma(a+\lambda(x-y)) - \sigma(a-\lambda(x-y))}
         {4\lambda^2\sigma''(a)}
    = xy + \lambda^2\,\frac{\sigma''''(a)}{6\,\sigma''(a)}\,xy\,(x^2+y^2) + O(\lambda^4).

So the product is exact as the input scale λ → 0, with an error shrinking like λ².
That is a 2-4-1 network: ``dense(4)`` with weights
:math:`\lambda\,[[1,-1,1,-1],[1,-1,-1,1]]` and bias :math:`a`, the activation, then
``dense(1)`` with weights :math:`[1,1,-1,-1]/(4\lambda^2\sigma''(a))`.  Article B's
form is :math:`a = 0`.  For an activation with :math:`\sigma - \sigma(0)` odd (tanh,
and the sigmoid: :math:`\sigma(u) + \sigma(-u) = 1`) :math:`\sigma''(0) = 0`, the
four terms cancel identically and :math:`a = 0` carries no product at all; a
non-zero bias :math:`a` cures it.

In floating point the numerator is a difference of four numbers of size
:math:`|\sigma(a)|` that agree to about :math:`\lambda^2`; its rounding error,
:math:`\sim\varepsilon|\sigma(a)|`, is divided by :math:`4\lambda^2\sigma''(a)`, so
below :math:`\lambda \approx \varepsilon^{1/4}` the error grows again like
:math:`\lambda^{-2}` (about :math:`10^{-4}` in float64, :math:`10^{-2}` in float32).

**Three bits.**  For :math:`x, y, z \in \{0, 1\}`, one sigmoid neuron with a threshold,
:math:`\sigma(k(x+y+z-2.5))`, is :math:`\sigma(k/2)` when all three are 1 and at most
:math:`\sigma(-k/2)` otherwise: it computes :math:`xyz` with error
:math:`1/(1+e^{k/2})`.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from nnfunc.activations import Activation, elementwise, sigmoid
from nnfunc.dense import dense
from nnfunc.layer import Layer, serial
from nnfunc.validate import default_float


def _positive(value, where: str, what: str) -> float:
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{where}: {what} must be a positive finite number, got {value!r}")
    return float(value)


def _scale(value, where: str):
    """λ as given; a concrete value must be a positive finite scalar (a traced one is taken on trust)."""
    if isinstance(value, jax.core.Tracer):
        return value
    v = np.asarray(value)
    if v.shape != () or v.dtype.kind not in "iuf" or not np.isfinite(v) or v <= 0:
        raise ValueError(f"{where}: scale must be a positive finite number, got {value!r}")
    return value


def second_derivative(act: Activation, z: float) -> float:
    r""":math:`\sigma''(z)`: ``jax.grad`` of the activation's hand derivative ``df``.

    >>> from nnfunc.activations import SOFTPLUS, TANH
    >>> second_derivative(SOFTPLUS, 0.0), second_derivative(TANH, 0.0) == 0
    (0.25, True)
    """
    return float(jax.grad(act.derivative)(jnp.asarray(z, default_float())))


def multiplication_gate(act: Layer, scale: float, bias: float = 0.0,
                        curvature: float | None = None) -> tuple[Layer, tuple]:
    r"""Four ``act`` neurons whose weighted sum approximates :math:`xy` (article B).

    Returns ``(net, params)``: ``net = serial(dense(4), act, dense(1))`` maps inputs of
    shape ``(batch, 2)`` to :math:`\approx x y` of shape ``(batch, 1)``.  ``scale`` is
    λ (a Python number, or a traced scalar so that the gate can be built under
    ``jax.jit``/``jax.vmap`` across scales), ``bias`` the operating point :math:`a`;
    ``curvature`` is the
    :math:`\sigma''(a)` used to normalise (default: :func:`second_derivative`; pass it
    for an activation whose second derivative is not defined at :math:`a`).  Raises
    ``ValueError`` when it is 0: then there is no product to normalise.

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> net, params = nf.classic.multiplication_gate(nf.softplus(), scale=1e-3)
    >>> y, _ = net.forward(params, jnp.array([[0.5, -0.8], [2.0, 3.0]]))
    >>> [round(v, 4) for v in y[:, 0].tolist()]
    [-0.4, 6.0]

    Across many scales at once (one compiled program); the error is
    :math:`-\lambda^2 xy(x^2+y^2)/12` for softplus, +0.0297 λ² here:

    >>> import jax
    >>> def gate(lam):
    ...     net, params = nf.classic.multiplication_gate(nf.softplus(), lam, curvature=0.25)
    ...     return net.forward(params, jnp.array([[0.5, -0.8]]))[0][0, 0]
    >>> [round(v, 6) for v in jax.jit(jax.vmap(gate))(jnp.array([1e-1, 1e-2, 1e-3])).tolist()]
    [-0.399704, -0.399997, -0.4]
    """
    where = f"multiplication_gate({act.name})" if isinstance(act, Layer) else f"multiplication_gate({act!r})"
    if not isinstance(act, Layer) or not isinstance(act.spec, Activation):
        raise TypeError(f"{where}: needs an elementwise activation layer such as nf.softplus()")
    lam = _scale(scale, where)
    if curvature is None:
        curvature = second_derivative(act.spec, bias)
    if curvature == 0:
        raise ValueError(f"{where}: sigma''({bias}) = 0, so the four terms cancel and carry no product; "
                         "choose a bias (operating point) where the second derivative is not 0")
    dtype = default_float()
    hidden = {"w": lam * jnp.array([[1, -1, 1, -1], [1, -1, -1, 1]], dtype), "b": jnp.full(4, bias, dtype)}
    output = {"w": jnp.array([[1], [1], [-1], [-1]], dtype) / (4 * lam**2 * curvature), "b": jnp.zeros(1, dtype)}
    return serial(dense(4), elementwise(act.spec), dense(1)), (hidden, {}, output)


def three_bit_product(steepness: float = 20.0) -> tuple[Layer, tuple]:
    r"""One sigmoid neuron :math:`\sigma(k(x + y + z - 2.5))` computing the product (AND) of three bits.

    Returns ``(net, params)`` with ``net = serial(dense(1), sigmoid())``, weights
    :math:`k(1, 1, 1)` and bias :math:`-2.5k`; the error on any of the 8 bit
    patterns is at most :math:`1/(1 + e^{k/2})`.

    >>> import itertools, nnfunc as nf
    >>> net, params = nf.classic.three_bit_product(steepness=20.0)
    >>> y, _ = net.forward(params, list(itertools.product([0, 1], repeat=3)))
    >>> [round(v, 4) for v in y[:, 0].tolist()]
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    """
    k = _positive(steepness, "three_bit_product", "steepness")
    dtype = default_float()
    return serial(dense(1), sigmoid()), ({"w": jnp.full((3, 1), k, dtype), "b": jnp.full(1, -2.5 * k, dtype)}, {})
