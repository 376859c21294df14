r"""Gradient verification: a hand backward pass against two independent witnesses.

Point :func:`check_layer` at any :class:`~nnfunc.layer.Layer` (your own included),
:func:`check_loss` at a loss, or :func:`check_backprop` at a network and a loss.
Each returns a :class:`Report`; ``report.ok`` is the verdict, ``str(report)`` a
table, and ``report.assert_ok()`` raises with the layer, the leaf, the worst
element and both values.

The witnesses, for a random upstream gradient :math:`\delta = \partial E/\partial y` (never all ones):

1. ``jax.vjp`` of the layer's forward function:
   :math:`\delta^\top \partial y/\partial\theta`, compared leaf by leaf.
2. Central finite differences of :math:`s(\theta, x) = \langle \delta, f(\theta, x)\rangle`:
   :math:`\partial s/\partial\theta_i \approx (s(\theta + h e_i) - s(\theta - h e_i)) / 2h`
   at up to ``fd_samples`` random elements of every leaf (float64 only).

The error of a leaf is normwise: :math:`\max_i |a_i - r_i| / \max(\max_i |a_i|, \max_i |r_i|)`
(0 when both are exactly zero); against finite differences the denominator is at least
:math:`10^{-4}\max(1, |s|)`, above their rounding noise :math:`\approx \varepsilon |s| / h`.  Defaults: 1e-10 against ``jax.vjp`` in float64,
1e-5 in float32, 1e-6 against finite differences (float64, h = ε^{1/3}·max(1, |θ_i|)).
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.flatten_util
import jax.numpy as jnp
import numpy as np

from nnfunc.layer import Layer, require_layer
from nnfunc.losses import as_loss
from nnfunc.validate import as_array, require_key, require_shape

JAX_RTOL = {np.dtype("float64"): 1e-10, np.dtype("float32"): 1e-5}
FD_RTOL = 1e-6
FD_FLOOR = 1e-4  # central differences carry rounding noise ≈ ε|s|/h ≈ 2e-11|s|: errors are
                 # measured against at least 1e-4·max(1, |s|), so that noise stays below FD_RTOL


class LeafCheck(NamedTuple):
    """One leaf compared with one witness."""

    layer: str
    leaf: str
    witness: str
    error: float
    worst_index: tuple
    hand: float
    reference: float
    tol: float

    @property
    def ok(self) -> bool:
        return bool(self.error <= self.tol)

    def __str__(self) -> str:
        verdict = "ok  " if self.ok else "FAIL"
        return (f"{verdict} {self.layer} {self.leaf} vs {self.witness}: error {self.error:.2e} "
                f"(tol {self.tol:.0e}); worst element {self.worst_index}: "
                f"hand {self.hand!r}, {self.witness} {self.reference!r}")


class Report(NamedTuple):
    """All leaf checks of one verification, plus notes (e.g. a skipped witness)."""

    name: str
    checks: tuple
    notes: tuple = ()

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def worst(self) -> LeafCheck:
        """The check with the largest error relative to its tolerance."""
        return max(self.checks, key=lambda c: c.error / c.tol)

    def __str__(self) -> str:
        lines = [f"gradient check of {self.name}: {'PASS' if self.ok else 'FAIL'}"]
        lines += [f"  {c}" for c in self.checks]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def assert_ok(self) -> "Report":
        """Raise ``AssertionError`` naming every failing leaf; return self when all pass."""
        failed = [c for c in self.checks if not c.ok]
        if failed:
            raise AssertionError("\n".join([f"gradient check of {self.name} failed:"]
                                           + [f"  {c}" for c in failed]))
        return self


def compare(layer: str, leaf: str, witness: str, hand, reference, tol: float, floor: float = 0.0) -> LeafCheck:
    """Normwise relative error of ``hand`` against ``reference``, with the worst element.

    ``floor`` is the smallest scale the error is measured against (the noise level of
    the witness); 0 for exact witnesses.
    """
    a = np.asarray(hand, dtype=np.float64)
    r = np.asarray(reference, dtype=np.float64)
    if a.shape != r.shape:
        raise AssertionError(f"{layer} {leaf}: hand gradient has shape {a.shape}, "
                             f"{witness} has shape {r.shape}")
    if a.size == 0:
        return LeafCheck(layer, leaf, witness, 0.0, (), 0.0, 0.0, tol)
    diff = np.abs(a - r)
    scale = max(np.max(np.abs(a)), np.max(np.abs(r)), floor)
    if not np.all(np.isfinite(diff)):
        error = float("inf")
        flat = int(np.argmax(~np.isfinite(diff)))
    else:
        error = float(np.max(diff) / scale) if scale > 0 else 0.0
        flat = int(np.argmax(diff))
    index = tuple(int(i) for i in np.unravel_index(flat, a.shape))
    return LeafCheck(layer, leaf, witness, error, index, float(a[index]), float(r[index]), tol)


def _paths(args: tuple, names: tuple[str, ...]) -> list[str]:
    """Readable leaf labels such as ``params[1]['w']`` and ``x``."""
    return [names[path[0].idx] + jax.tree_util.keystr(path[1:])
            for path, _ in jax.tree_util.tree_flatten_with_path(args)[0]]


def _pick_elements(key, args, samples: int) -> list[np.ndarray]:
    """For every leaf of ``args``, up to ``samples`` distinct flat indices, drawn from ``key``."""
    rng = np.random.default_rng(np.asarray(jax.random.key_data(key)).ravel().tolist())
    return [np.sort(rng.choice(leaf.size, min(samples, leaf.size), replace=False))
            for leaf in jax.tree_util.tree_leaves(args)]


def _central_differences(scalar, args, picks):
    r"""∂s/∂a_i ≈ (s(a + h e_i) − s(a − h e_i)) / 2h at the picked elements of every leaf.

    h = ε^{1/3}·max(1, |a_i|) balances truncation (O(h²)) against rounding (O(ε/h)).
    All leaves are raveled into one vector and every ±h·e_i is evaluated in one
    ``vmap``, padded to a power of two so that checks of similar layers share
    compiled shapes.
    """
    flat, unravel = jax.flatten_util.ravel_pytree(args)
    sizes = [leaf.size for leaf in jax.tree_util.tree_leaves(args)]
    offsets = np.cumsum([0, *sizes[:-1]])
    where = np.concatenate([offset + pick for offset, pick in zip(offsets, picks)]).astype(int)
    n = len(where)
    padded = np.resize(where, max(8, 1 << (n - 1).bit_length()))
    h = jnp.finfo(flat.dtype).eps ** (1 / 3) * jnp.maximum(1.0, jnp.abs(flat[padded]))
    steps = jax.nn.one_hot(padded, flat.size, dtype=flat.dtype) * h[:, None]
    values = jax.vmap(lambda step: scalar(*unravel(flat + step)))(jnp.concatenate([steps, -steps]))
    return ((values[: len(padded)] - values[len(padded):]) / (2 * h))[:n]


def _verify(name: str, fn: Callable, args: tuple, names: tuple, hand: tuple, delta, key, rtol, fd_samples):
    """Compare ``hand`` (cotangents of ``args``) with jax.vjp and finite differences of ``fn``.

    Both witnesses are computed in one jit-compiled function: one compilation per
    check rather than one per operation and shape (eagerly, dozens of small ones).
    """
    dtype = np.dtype(jax.tree_util.tree_leaves(args)[-1].dtype)
    tol = JAX_RTOL.get(dtype, 1e-5) if rtol is None else rtol
    if jax.tree_util.tree_structure(hand) != jax.tree_util.tree_structure(args):
        raise AssertionError(f"{name}: hand gradient has structure {jax.tree_util.tree_structure(hand)}, "
                             f"expected the structure of the inputs {jax.tree_util.tree_structure(args)}")
    use_fd = dtype == np.float64 and fd_samples > 0
    picks = _pick_elements(key, args, fd_samples) if use_fd else []

    def scalar(*a):
        return jnp.sum(delta * fn(*a))

    @jax.jit
    def witnesses(args, delta):
        reference = jax.vjp(fn, *args)[1](delta)
        return reference, _central_differences(scalar, args, picks) if use_fd else jnp.zeros(0), scalar(*args)

    reference, estimates, s = witnesses(args, delta)
    fd = np.split(np.asarray(estimates), np.cumsum([len(pick) for pick in picks])[:-1]) if use_fd else []
    floor = FD_FLOOR * max(1.0, abs(float(s))) if use_fd else 0.0
    labels = _paths(args, names)
    hand_leaves = jax.tree_util.tree_leaves(hand)
    checks = [compare(name, label, "jax.vjp", a, r, tol)
              for label, a, r in zip(labels, hand_leaves, jax.tree_util.tree_leaves(reference))]
    for label, g, pick, estimate, leaf in zip(labels, hand_leaves, picks, fd, jax.tree_util.tree_leaves(args)):
        check = compare(name, label, "finite differences", np.asarray(g).reshape(-1)[pick], estimate, FD_RTOL, floor)
        element = np.unravel_index(pick[check.worst_index[0]], leaf.shape) if pick.size else ()
        checks.append(check._replace(worst_index=tuple(int(i) for i in element)))
    notes = () if use_fd else (f"finite differences skipped ({dtype}; they need float64)",)
    return Report(name, tuple(checks), notes)


def _upstream(key, shape, dtype):
    """A random upstream gradient δ ~ N(0, 1): never all ones."""
    return jax.random.normal(key, shape, dtype)


def _checked_key(key, where: str):
    """``key``, or PRNG key 0 when ``None``; any other non-key a ``TypeError`` naming ``where``."""
    if key is None:
        return jax.random.key(0)
    require_key(key, where)
    return key


def check_layer(layer: Layer, params: Any, x, key=None, delta=None, rtol=None, fd_samples: int = 16) -> Report:
    r"""Verify ``layer.backward`` at ``(params, x)`` against ``jax.vjp`` and finite differences.

    Leaves are labelled ``params...`` for the parameter gradients and ``x`` for δ_x.

    Arguments:
        layer: any :class:`~nnfunc.layer.Layer`, your own included.
        params, x: the point to check at (lists of numbers are accepted).
        key: PRNG key for the random δ and the finite-difference elements (default key 0).
        delta: the upstream gradient δ = ∂E/∂y to use instead of a random one (shape of y;
            another shape is a ``ValueError`` naming both).
        rtol: the tolerance against ``jax.vjp`` (default 1e-10 in float64, 1e-5 in float32).
        fd_samples: how many elements of each leaf finite differences check.

    >>> import jax, nnfunc as nf
    >>> jax.config.update("jax_enable_x64", True)
    >>> layer = nf.dense(3)
    >>> params, _ = layer.init(jax.random.key(0), (4,))
    >>> x = jax.random.normal(jax.random.key(1), (5, 4))
    >>> check_layer(layer, params, x, jax.random.key(2)).ok
    True
    """
    require_layer(layer, "check_layer")
    k_delta, k_fd = jax.random.split(_checked_key(key, f"check_layer({layer.name})"))
    x = as_array(x, layer.name)
    params = jax.tree_util.tree_map(lambda p: as_array(p, layer.name, "params"), params)
    y, cache = layer.forward(params, x)
    if delta is None:
        delta = _upstream(k_delta, y.shape, y.dtype)
    else:
        delta = jnp.asarray(as_array(delta, f"check_layer({layer.name})", "delta"), y.dtype)
        require_shape(delta, y.shape, f"check_layer({layer.name})", "delta (∂E/∂y, shaped as the layer's output)")
    hand = layer.backward(params, cache, delta)

    def fn(p, xx):
        return layer.forward(p, xx)[0]

    return _verify(layer.name, fn, (params, x), ("params", "x"), hand, delta, k_fd, rtol, fd_samples)


def check_loss(loss, y, t, key=None, rtol=None, fd_samples: int = 16) -> Report:
    r"""Verify ``loss.grad`` against ``jax.vjp`` of ``loss.value`` (and finite differences) at ``y``.

    The upstream gradient of a scalar loss is a random scalar.  ``loss`` is a
    :class:`~nnfunc.losses.Loss` or its name, as :func:`nnfunc.fit` takes it.

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> check_loss(nf.mse, jnp.array([0.1, 0.7]), jnp.array([0.0, 1.0])).ok
    True
    """
    loss = as_loss(loss, "check_loss")
    k_delta, k_fd = jax.random.split(_checked_key(key, f"check_loss({loss.name})"))
    y = as_array(y, loss.name, "output")
    t = as_array(t, loss.name, "targets")
    delta = _upstream(k_delta, (), y.dtype)
    hand = (delta * loss.grad(y, t),)
    return _verify(loss.name, lambda yy: loss.value(yy, t), (y,), ("y",), hand, delta, k_fd, rtol, fd_samples)


def check_backprop(net: Layer, loss, params, x, t, key=None, rtol=None, fd_samples: int = 16) -> Report:
    r"""Verify :func:`nnfunc.backprop` (all hand derivatives, end to end) against ``jax.grad``.

    ``loss`` is a :class:`~nnfunc.losses.Loss` or its name, as :func:`nnfunc.fit` takes it.

    >>> import jax, nnfunc as nf
    >>> net = nf.serial(nf.dense(2), nf.tanh(), nf.dense(1))
    >>> params, _ = net.init(jax.random.key(0), (3,))
    >>> x = jax.random.normal(jax.random.key(1), (4, 3))
    >>> t = jax.random.normal(jax.random.key(2), (4, 1))
    >>> check_backprop(net, nf.half_sse, params, x, t).ok
    True
    """
    from nnfunc.layer import backprop

    require_layer(net, "check_backprop")
    loss = as_loss(loss, f"check_backprop({net.name})")
    key = _checked_key(key, f"check_backprop({net.name})")
    x = as_array(x, net.name)
    t = as_array(t, net.name, "targets")
    params = jax.tree_util.tree_map(lambda p: as_array(p, net.name, "params"), params)
    _, grads = backprop(net, loss)(params, x, t)

    def fn(p):
        return loss.value(net.forward(p, x)[0], t)

    one = jnp.ones((), jax.tree_util.tree_leaves(params)[0].dtype)
    return _verify(f"backprop({net.name}, {loss.name})", fn, (params,), ("params",), (grads,), one, key, rtol, fd_samples)
