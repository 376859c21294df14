r"""Activation layers: each a scalar function and its derivative in the articles' form.

An :class:`Activation` holds ``f`` and ``df``; ``df(z, a)`` receives both the
weighted input ``z`` and the activation ``a = f(z)`` so that derivatives read as
the articles write them: :math:`\sigma' = \sigma(1-\sigma)`, :math:`\tanh' = 1-\tanh^2`.

The layer's backward pass is the elementwise delta rule
:math:`\delta_z = \delta \odot f'(z)`, with :math:`\delta = \partial E/\partial a`
the δ of the layer's output and :math:`\delta_z` that of its input.

Kinks, each an activation's :class:`Kink` (the convention is the left-hand
derivative, the same as ``jax.grad`` of these definitions):

* ``relu'(0) = 0``, ``leaky_relu'(0) = alpha``, ``elu'(0) = alpha``;
* ``step(0) = 1`` and ``step'(z) = 0`` everywhere (its Dirac spike at 0 is dropped);
* ``sign(0) = +1`` (article B: −1 if z < 0 else +1) and ``sign'(z) = 0`` everywhere.

NaN and infinities, the same rule for every activation: NaN in gives NaN out (never a
number that hides it: ``relu(nan)``, ``step(nan)`` and ``sign(nan)`` are NaN, written so
that NaN fails every comparison and takes the branch that returns ``z``).  At
:math:`\pm\infty` each gives its limit: at ``+inf``, ``identity``, ``relu``,
``leaky_relu``, ``softplus`` and ``elu`` give ``+inf`` and ``sigmoid``, ``tanh``,
``step`` and ``sign`` give 1; at ``-inf``, ``relu``, ``sigmoid``, ``step`` and
``softplus`` give 0, ``tanh`` and ``sign`` −1, ``elu`` −α, ``identity`` and
``leaky_relu`` ``-inf``; ``sine`` has no limit and gives NaN at both.  (Softmax: a row
holding NaN or ``+inf`` is NaN throughout; a ``-inf`` entry gets 0.)
The backward pass at a NaN input is not promised to be NaN; the forward pass is.

Proof: docs/derivations.md, section "Activations".  GELU, its tanh approximation and SiLU
are in :mod:`nnfunc.smooth_activations`; softmax and log-softmax, the activations that are
not elementwise, in :mod:`nnfunc.softmax` and :mod:`nnfunc.log_softmax`.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp

from nnfunc.layer import Layer
from nnfunc.log_softmax import log_softmax
from nnfunc.softmax import softmax
from nnfunc.validate import as_array, finite_real, input_shape_of, require_delta_shape, require_key, require_no_params


class Kink(NamedTuple):
    """The point ``at`` where an activation is not smooth, and the convention the code follows there.

    ``jumps``: whether ``f`` itself jumps at ``at`` (step, sign; then ``f(at)`` is the
    value on the right and ``f' = 0`` on both sides and at the point); otherwise only
    the slope jumps and ``f'(at)`` is the slope on the left.

    >>> RELU.kink.at, RELU.kink.jumps
    (0.0, False)
    """

    at: float
    convention: str
    jumps: bool = False


class Activation(NamedTuple):
    """A scalar activation ``a = f(z)``, its hand derivative ``df(z, a) = f'(z)``, and its kink.

    ``kink`` is ``None`` for an activation smooth everywhere.  As a layer
    (:func:`elementwise`) the Activation is the layer's ``spec``.

    Proof: docs/derivations.md, section "Activations".

    >>> import jax.numpy as jnp
    >>> float(SIGMOID.derivative(jnp.array(0.0)))
    0.25
    """

    name: str
    f: Callable
    df: Callable
    kink: Kink | None = None

    def derivative(self, z):
        """f'(z), computed through ``df(z, f(z))``."""
        return self.df(z, self.f(z))


def elementwise(act: Activation) -> Layer:
    r"""The parameter-free layer applying ``act`` to every element.

    forward: :math:`a = f(z)`; backward: :math:`\delta_z = \delta \odot f'(z)`.  The layer's
    ``spec`` is ``act``.

    Proof: docs/derivations.md, section "Activations".

    >>> import jax.numpy as jnp
    >>> layer = elementwise(TANH)
    >>> y, cache = layer.forward({}, jnp.zeros((1, 2)))
    >>> layer.backward({}, cache, jnp.ones((1, 2)))[1].tolist()
    [[1.0, 1.0]]
    """

    def init(key, input_shape):
        require_key(key, act.name)
        return {}, input_shape_of(input_shape, act.name)

    def forward(params, z):
        require_no_params(params, act.name)
        z = as_array(z, act.name)
        a = act.f(z)
        return a, (z, a)

    def backward(params, cache, delta):
        require_no_params(params, act.name)
        # forward was a = f(z), elementwise; so δ_z = ∂E/∂z = δ ⊙ f'(z), with f'(z) = df(z, a)
        z, a = cache
        require_delta_shape(delta, a.shape, act.name)
        return {}, delta * act.df(z, a)

    return Layer(init, forward, backward, act.name, act)


# --- the scalar functions ------------------------------------------------------

IDENTITY = Activation("identity", lambda z: z, lambda z, a: jnp.ones_like(z))

STEP = Activation(
    "step",
    lambda z: jnp.where(z >= 0, 1.0, jnp.where(z < 0, 0.0, z)).astype(z.dtype),
    lambda z, a: jnp.zeros_like(z),
    Kink(0.0, "step(0) = 1; step'(z) = 0 for every z, 0 included", jumps=True),
)

SIGN = Activation(
    "sign",
    lambda z: jnp.where(z < 0, -1.0, jnp.where(z >= 0, 1.0, z)).astype(z.dtype),
    lambda z, a: jnp.zeros_like(z),
    Kink(0.0, "sign(0) = +1; sign'(z) = 0 for every z, 0 included", jumps=True),
)

SIGMOID = Activation("sigmoid", jax.nn.sigmoid, lambda z, a: a * (1 - a))

TANH = Activation("tanh", jnp.tanh, lambda z, a: 1 - a**2)

RELU = Activation(
    "relu",
    lambda z: jnp.where(z <= 0, 0.0, z).astype(z.dtype),
    lambda z, a: jnp.where(z > 0, 1.0, 0.0).astype(z.dtype),
    Kink(0.0, "relu'(0) = 0"),
)

SOFTPLUS = Activation("softplus", jax.nn.softplus, lambda z, a: jax.nn.sigmoid(z))

SINE = Activation("sine", jnp.sin, lambda z, a: jnp.cos(z))


def leaky_relu_activation(alpha: float = 0.01) -> Activation:
    r"""f(z) = z for z > 0 else αz; f'(z) = 1 for z > 0 else α (so f'(0) = α)."""
    return Activation(
        f"leaky_relu({alpha})",
        lambda z: jnp.where(z > 0, z, alpha * z),
        lambda z, a: jnp.where(z > 0, 1.0, alpha).astype(z.dtype),
        Kink(0.0, f"leaky_relu'(0) = alpha = {alpha}"),
    )


def elu_activation(alpha: float = 1.0) -> Activation:
    r"""f(z) = z for z > 0 else α(eᶻ − 1); f'(z) = 1 for z > 0 else f(z) + α (so f'(0) = α).

    ``expm1`` sees 0 in place of z > 0, so a large z cannot overflow in the unused branch.
    """
    return Activation(
        f"elu({alpha})",
        lambda z: jnp.where(z > 0, z, alpha * jnp.expm1(jnp.where(z > 0, 0.0, z))),
        lambda z, a: jnp.where(z > 0, 1.0, a + alpha).astype(z.dtype),
        Kink(0.0, f"elu'(0) = alpha = {alpha}"),
    )


# --- layer constructors ---------------------------------------------------------

def identity() -> Layer:
    """a = z; δ_z = δ.

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(IDENTITY)


def step() -> Layer:
    """Heaviside threshold a = 1 if z ≥ 0 else 0 (McCulloch–Pitts); δ_z = 0.

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(STEP)


def sign() -> Layer:
    """Article B's sign unit a = −1 if z < 0 else +1; δ_z = 0.

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(SIGN)


def sigmoid() -> Layer:
    """σ(z) = 1/(1 + e^(−z)); δ_z = δ σ(1 − σ).

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(SIGMOID)


def tanh() -> Layer:
    """tanh(z); δ_z = δ (1 − tanh²).

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(TANH)


def relu() -> Layer:
    """The ramp max(0, z); δ_z = δ [z > 0].

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(RELU)


def leaky_relu(alpha: float = 0.01) -> Layer:
    """z for z > 0 else αz; δ_z = δ (1 if z > 0 else α).

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(leaky_relu_activation(finite_real(alpha, "leaky_relu", "alpha")))


def softplus() -> Layer:
    """log(1 + eᶻ); δ_z = δ σ(z).

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(SOFTPLUS)


def elu(alpha: float = 1.0) -> Layer:
    """z for z > 0 else α(eᶻ − 1); δ_z = δ (1 if z > 0 else a + α).

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(elu_activation(finite_real(alpha, "elu", "alpha")))


def sine() -> Layer:
    """Article C's example layer sin(z); its backward multiplies by cos(z).

    Proof: docs/derivations.md, section "Activations".
    """
    return elementwise(SINE)


# the gated ones are built on Activation and elementwise, defined above
from nnfunc.smooth_activations import gelu, gelu_tanh, silu  # noqa: E402

ACTIVATIONS: dict[str, Callable[..., Layer]] = {
    "identity": identity, "step": step, "sign": sign, "sigmoid": sigmoid, "tanh": tanh,
    "relu": relu, "leaky_relu": leaky_relu, "softplus": softplus, "elu": elu,
    "sine": sine, "gelu": gelu, "gelu_tanh": gelu_tanh, "silu": silu, "softmax": softmax,
    "log_softmax": log_softmax,
}


def activation(name: str, **kwargs) -> Layer:
    """The activation layer called ``name`` (keyword arguments go to its constructor).

    >>> activation("leaky_relu", alpha=0.1).name
    'leaky_relu(0.1)'
    """
    try:
        make = ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(sorted(ACTIVATIONS))}") from None
    return make(**kwargs)
