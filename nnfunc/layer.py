r"""The layer contract, composition, and the hand-derived training gradient.

A layer is three pure functions (shapes exclude the batch axis)::

    init(key, input_shape)         -> (params, output_shape)
    forward(params, x)             -> (y, cache)
    backward(params, cache, delta) -> (grads, delta_x)

``backward`` is the delta rule written by hand: given the upstream gradient
:math:`\delta = \partial E/\partial y` it returns
:math:`\partial E/\partial \theta` (same pytree structure as ``params``) and
:math:`\delta_x = \partial E/\partial x`.  It never updates anything.

What the code may call.  ``derivations/`` proves the code that ships, not a copy:
it reruns ``forward`` and ``backward`` (an activation's ``f`` and ``df``, a loss's
``value`` and ``grad``) on SymPy symbols, with ``jnp``, ``jax`` and ``lax`` bound to
stand-ins (:mod:`derivations.symbolic`).  So that code may use only

* ``jnp.X``, ``jax.nn.X`` and ``lax.X`` for the names that have a stand-in
  (``derivations.symbolic.stand_in_names()``), imported under exactly these three names;
* as values (an Activation's ``f``), only the JAX functions of
  ``derivations.symbolic.STORED_AS_VALUES``;
* ``as_array`` (the derivations replace it), Python arithmetic and indexing, and the
  array methods that NumPy arrays share (``reshape``, ``astype``, ``sum``).

Anything else is found by ``tests/derivations/test_stand_ins.py``, which names the
function, file and line, rather than by a proof failing.  ``init`` functions are
exempt: they are never run on symbols (they draw with ``jax.random``).  README
"Adding a layer" lists the files a new layer touches and the test that guards each.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax

from nnfunc.losses import as_loss
from nnfunc.validate import as_array, input_shape_of, require_key


class Layer(NamedTuple):
    """A layer: ``init``, ``forward`` and hand-written ``backward``, all pure.

    ``backward(params, cache, delta) -> (grads, delta_x)`` takes δ = ∂E/∂y of the
    layer's output and gives ∂E/∂θ (the structure of ``params``) and δ_x = ∂E/∂x.

    ``name`` is used in error messages and reports.  ``spec`` says what the layer is,
    as a NamedTuple of a type stated per kind, defined beside its constructor:

    * :class:`SerialSpec` ``(layers)`` for :func:`serial`;
    * :class:`nnfunc.dense.DenseSpec` ``(n_out, w_scale, w_init, b_init)``;
    * :class:`nnfunc.conv.ConvSpec` ``(n_out, kernel, stride, padding, w_scale, w_init, b_init)``;
    * :class:`nnfunc.pool.PoolSpec` ``(kind, window, stride, padding)``, ``kind`` ``"max"`` or ``"avg"``;
    * :class:`nnfunc.flatten.FlattenSpec` ``()``;
    * :class:`nnfunc.softmax.SoftmaxSpec` ``(axis)``;
    * :class:`nnfunc.log_softmax.LogSoftmaxSpec` ``(axis)``;
    * the :class:`nnfunc.activations.Activation` itself (scalar function, derivative,
      kink) for an elementwise activation layer.

    A layer of one's own may use any NamedTuple (or ``None``).

    Example::

        >>> import jax, nnfunc as nf
        >>> net = nf.serial(nf.dense(3), nf.sigmoid(), nf.dense(1))
        >>> params, out_shape = net.init(jax.random.key(0), (2,))
        >>> y, cache = net.forward(params, [[2.0, 3.0]])
        >>> grads, delta_x = net.backward(params, cache, y)
        >>> out_shape, y.shape, delta_x.shape
        ((1,), (1, 1), (1, 2))
        >>> [layer.spec for layer in net.spec.layers][:2]
        [DenseSpec(n_out=3, w_scale=None, w_init=None, b_init=None), Activation(name='sigmoid', ...)]
    """

    init: Callable[..., Any]
    forward: Callable[..., Any]
    backward: Callable[..., Any]
    name: str = "layer"
    spec: tuple | None = None


class SerialSpec(NamedTuple):
    """What a :func:`serial` network is: its layers, first to last."""

    layers: tuple


def require_layer(layer, where: str) -> None:
    """Raise ``TypeError`` naming ``where`` unless ``layer`` is a :class:`Layer`; a layer's
    constructor passed uncalled (``nf.tanh``) gets the hint to call it.

    >>> import nnfunc as nf
    >>> require_layer(nf.tanh, "hand_vjp")
    Traceback (most recent call last):
    ...
    TypeError: hand_vjp: got the function tanh, not a Layer; did you forget the call, nf.tanh(...)?
    """
    if isinstance(layer, Layer):
        return
    if callable(layer) and hasattr(layer, "__name__"):
        raise TypeError(f"{where}: got the function {layer.__name__}, not a Layer; "
                        f"did you forget the call, nf.{layer.__name__}(...)?")
    raise TypeError(f"{where}: got {type(layer).__name__}, not a Layer")


def serial(*layers: Layer) -> Layer:
    r"""Compose layers left to right; the result is itself a :class:`Layer`.

    Forward: :math:`a^{(l)} = f_l(a^{(l-1)})`, caches kept in a tuple.
    Backward is article D's recursion: starting from :math:`\delta^{(L)} = \partial E/\partial y`,
    each layer turns the δ of its output into its parameter gradients and the δ of
    its input, which is the δ handed to the layer before it:
    :math:`\delta^{(l-1)} = \mathrm{backward}_l(\delta^{(l)})`.

    Params are a tuple with one entry per layer; the spec is :class:`SerialSpec`.

    Proof: docs/derivations.md, section "Delta rule".

    >>> import nnfunc as nf
    >>> nf.serial(nf.dense(2), nf.tanh()).name
    'serial(dense(2), tanh)'
    """
    if not layers:
        raise ValueError("serial() needs at least one layer")
    for i, layer in enumerate(layers):
        require_layer(layer, f"serial(): argument {i}")
    name = "serial(" + ", ".join(layer.name for layer in layers) + ")"

    def init(key, input_shape):
        require_key(key, name)
        keys = jax.random.split(key, len(layers))
        params, shape = [], input_shape_of(input_shape, name)
        for layer, k in zip(layers, keys):
            p, shape = layer.init(k, shape)
            params.append(p)
        return tuple(params), shape

    def forward(params, x):
        if not isinstance(params, (tuple, list)) or len(params) != len(layers):
            got = f"{type(params).__name__} of length {len(params)}" if isinstance(params, (tuple, list)) \
                else type(params).__name__
            raise TypeError(f"{name}: params must be a tuple with one entry per layer "
                            f"({len(layers)}), got {got}")
        caches = []
        for layer, p in zip(layers, params):
            x, cache = layer.forward(p, x)
            caches.append(cache)
        return x, tuple(caches)

    def backward(params, caches, delta):
        # forward was a⁽ˡ⁾ = f_l(a⁽ˡ⁻¹⁾) for l = 1..L, with y = a⁽ᴸ⁾ and δ = δ⁽ᴸ⁾ = ∂E/∂y
        grads = [None] * len(layers)
        for i in reversed(range(len(layers))):
            # layer l turns δ⁽ˡ⁾ into ∂E/∂θ_l and δ⁽ˡ⁻¹⁾ = ∂E/∂a⁽ˡ⁻¹⁾, the δ of the layer before
            grads[i], delta = layers[i].backward(params[i], caches[i], delta)
        # after the first layer, δ⁽⁰⁾ = ∂E/∂x: the network's δ_x
        return tuple(grads), delta

    return Layer(init, forward, backward, name, SerialSpec(layers))


def backprop(net: Layer, loss) -> Callable:
    r"""The whole training gradient from the hand-written backward passes alone.

    Returns a pure function ``(params, x, t) -> (loss_value, grads)``::

        y, cache = net.forward(params, x)
        E        = loss.value(y, t)
        δ        = loss.grad(y, t)             # ∂E/∂y by hand
        grads, _ = net.backward(params, cache, δ)

    No ``jax.grad`` is used; compare with :func:`jax.value_and_grad` to verify.
    ``loss`` is a :class:`nnfunc.losses.Loss` or its name (``"mse"``).  Targets must have
    exactly the shape of the network's output, and the batch must hold at least one
    example (an empty batch has no mean; it is a ``ValueError``, not a NaN loss).

    Proof: docs/derivations.md, sections "Delta rule" and "Worked examples".

    >>> import jax, nnfunc as nf
    >>> net = nf.serial(nf.dense(1), nf.sigmoid())
    >>> params, _ = net.init(jax.random.key(0), (2,))
    >>> value, grads = jax.jit(nf.backprop(net, nf.mse))(params, [[2.0, 3.0]], [[1.0]])
    >>> jax.tree.structure(grads) == jax.tree.structure(params)
    True
    """
    require_layer(net, "backprop")
    loss = as_loss(loss, f"backprop({net.name}, ...)")
    where = f"backprop({net.name}, {loss.name})"

    def value_and_grad(params, x, t):
        x = as_array(x, where)
        if x.ndim >= 1 and x.shape[0] == 0:
            raise ValueError(f"{where}: the batch is empty (input shape {tuple(x.shape)}); "
                             "it needs at least one example")
        y, cache = net.forward(params, x)
        t = as_array(t, where, "targets")
        if t.shape != y.shape:
            raise ValueError(f"{where}: targets have shape {tuple(t.shape)} "
                             f"but the network's output has shape {tuple(y.shape)}")
        # δ = ∂E/∂y from the loss; the network's backward carries it down to ∂E/∂θ
        grads, _ = net.backward(params, cache, loss.grad(y, t))
        return loss.value(y, t), grads

    return value_and_grad


def hand_vjp(layer: Layer) -> Callable:
    """``apply(params, x) -> y`` whose JAX derivative *is* the hand backward pass.

    Wraps ``layer.forward`` in :func:`jax.custom_vjp` with ``layer.backward`` as the
    rule, so ``jax.grad``, ``jax.vjp``, optax and any JAX tool see the hand
    derivatives.

    >>> import jax, jax.numpy as jnp, nnfunc as nf
    >>> apply = nf.hand_vjp(nf.sine())
    >>> float(jax.grad(lambda x: apply({}, x).sum())(jnp.zeros(1))[0])
    1.0

    The cotangents JAX receives have the dtypes of ``params`` and ``x`` (as ``jax.vjp`` of
    the forward pass gives them), whatever dtype the hand backward computed in.
    """
    require_layer(layer, "hand_vjp")

    @jax.custom_vjp
    def apply_arrays(params, x):
        return layer.forward(params, x)[0]

    def fwd(params, x):
        y, cache = layer.forward(params, x)
        return y, (params, x, cache)

    def bwd(res, delta):
        # JAX's cotangent of y is δ = ∂E/∂y; the hand backward returns (∂E/∂θ, δ_x), JAX's (params, x) order
        params, x, cache = res
        grads, delta_x = layer.backward(params, cache, delta)
        return jax.tree.map(lambda g, p: g.astype(p.dtype), grads, params), delta_x.astype(x.dtype)

    apply_arrays.defvjp(fwd, bwd)

    def apply(params, x):
        return apply_arrays(params, as_array(x, layer.name))

    return apply
