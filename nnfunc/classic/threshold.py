r"""Article C's threshold unit (McCulloch–Pitts) and Rosenblatt's perceptron rule.

A threshold unit is a dense neuron followed by the step activation,

.. math:: y = \mathrm{step}(x \cdot w + b) = \begin{cases} 1 & x\cdot w + b \ge 0 \\ 0 & \text{else,}\end{cases}

so it is the nnfunc network ``serial(dense(1), step())`` with params
``({"w": (d, 1), "b": (1,)}, {})``.  ``step(0) = 1``: a unit whose weighted sum
reaches its threshold exactly fires.

Rosenblatt's rule (article C), for one example at a time: compute the output
:math:`y`; if it should be 1 but is 0, raise the weights of the active inputs and
the bias; if it should be 0 but is 1, lower them.  With learning rate η and
target :math:`t`, both cases are one update,

.. math:: w \leftarrow w + \eta\,(t - y)\,x, \qquad b \leftarrow b + \eta\,(t - y),

which leaves every weight of an inactive input (:math:`x_i = 0`) untouched.
Passes over the data (epochs) repeat until all outputs are right, or until
``max_epochs``.  The rule converges on linearly separable data (AND, OR, NAND)
and never on XOR, which no single threshold unit computes.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

from nnfunc.activations import step
from nnfunc.dense import dense
from nnfunc.layer import Layer, serial
from nnfunc.validate import as_array


def threshold_net() -> Layer:
    """The threshold unit as an nnfunc network: ``serial(dense(1), step())``.

    >>> import nnfunc as nf
    >>> nf.classic.threshold_net().name
    'serial(dense(1), step)'
    """
    return serial(dense(1), step())


def mcculloch_pitts(weights, threshold: float) -> tuple[Layer, tuple]:
    r"""A McCulloch–Pitts unit: fires (1) when :math:`\sum_i w_i x_i \ge \theta`, else 0.

    Returns ``(net, params)`` with ``net = threshold_net()`` and bias :math:`b = -\theta`.

    >>> import nnfunc as nf
    >>> net, params = nf.classic.mcculloch_pitts([1, 1], threshold=2)   # AND
    >>> net.forward(params, [[0, 0], [0, 1], [1, 0], [1, 1]])[0][:, 0].tolist()
    [0.0, 0.0, 0.0, 1.0]
    """
    w = as_array(weights, "mcculloch_pitts", "weights")
    if w.ndim != 1:
        raise ValueError(f"mcculloch_pitts: weights must be a vector (one per input), got shape {tuple(w.shape)}")
    return threshold_net(), ({"w": w[:, None], "b": jnp.full((1,), -threshold, w.dtype)}, {})


class PerceptronFit(NamedTuple):
    """What :func:`perceptron_fit` returns.

    ``params``: the learned unit, for ``threshold_net()``; ``epochs``: how many
    passes with corrections ran (0 if the initial weights were already right);
    ``converged``: whether all outputs are right with ``params``; ``mistakes``:
    shape ``(max_epochs,)``, the corrections made in each pass (0 after the last).
    """

    params: tuple
    epochs: jax.Array
    converged: jax.Array
    mistakes: jax.Array


def _checked_data(x, t, where: str):
    x = as_array(x, where, "inputs")
    t = as_array(t, where, "targets")
    if x.ndim != 2:
        raise ValueError(f"{where}: inputs must have shape (examples, features), got {tuple(x.shape)}")
    if t.shape not in ((x.shape[0],), (x.shape[0], 1)):
        raise ValueError(f"{where}: targets have shape {tuple(t.shape)} but inputs have shape "
                         f"{tuple(x.shape)}: expected ({x.shape[0]},) or ({x.shape[0]}, 1)")
    return x, t.reshape(-1)


def perceptron_epoch(params, x, t, learning_rate: float = 1.0):
    r"""One pass of Rosenblatt's rule over the examples, in order.

    For each example: :math:`y = \mathrm{step}(x \cdot w + b)`, then
    :math:`w \leftarrow w + \eta (t - y) x`, :math:`b \leftarrow b + \eta (t - y)`.
    Targets are 0 or 1, shape ``(n,)`` or ``(n, 1)``.  Returns ``(params, mistakes)``,
    the number of examples that needed a correction.

    >>> import jax.numpy as jnp, nnfunc as nf
    >>> zero = ({"w": jnp.zeros((2, 1)), "b": jnp.zeros(1)}, {})
    >>> (p, _), mistakes = nf.classic.perceptron_epoch(zero, [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])
    >>> p["w"][:, 0].tolist(), p["b"].tolist(), int(mistakes)
    ([1.0, 1.0], [0.0], 2)
    """
    x, t = _checked_data(x, t, "perceptron_epoch")
    unit = threshold_net()

    def one_example(params, example):
        xi, ti = example
        y = unit.forward(params, xi[None])[0][0, 0]
        change = learning_rate * (ti - y)
        p = params[0]
        return ({"w": p["w"] + change * xi[:, None], "b": p["b"] + change}, {}), y != ti

    params, wrong = lax.scan(one_example, params, (x, t))
    return params, jnp.sum(wrong)


def perceptron_fit(key, x, t, max_epochs: int = 100, learning_rate: float = 1.0) -> PerceptronFit:
    r"""Rosenblatt's perceptron: random weights, then epochs of the rule until all outputs are right.

    Initial weights and bias are drawn uniformly from [−1, 1) with ``key``.  Before
    each pass the unit is applied to all examples; if every output equals its target
    the loop stops (``lax.while_loop``, so the whole fit is jit- and vmap-compatible;
    ``max_epochs`` must be a Python int).

    >>> import jax, nnfunc as nf
    >>> x, nand = [[0, 0], [0, 1], [1, 0], [1, 1]], [1, 1, 1, 0]
    >>> fit = nf.classic.perceptron_fit(jax.random.key(0), x, nand)
    >>> bool(fit.converged), nf.classic.threshold_net().forward(fit.params, x)[0][:, 0].tolist()
    (True, [1.0, 1.0, 1.0, 0.0])
    >>> xor = [0, 1, 1, 0]
    >>> fit = nf.classic.perceptron_fit(jax.random.key(0), x, xor, max_epochs=50)
    >>> bool(fit.converged), int(fit.epochs)
    (False, 50)
    """
    x, t = _checked_data(x, t, "perceptron_fit")
    if not isinstance(max_epochs, int) or max_epochs < 1:
        raise ValueError(f"perceptron_fit: max_epochs must be a positive int, got {max_epochs!r}")
    unit = threshold_net()
    w = jax.random.uniform(key, (x.shape[1] + 1,), x.dtype, minval=-1.0, maxval=1.0)
    params = ({"w": w[:-1, None], "b": w[-1:]}, {})

    def all_right(params):
        return jnp.all(unit.forward(params, x)[0][:, 0] == t)

    def keep_going(state):
        params, epoch, _ = state
        return (epoch < max_epochs) & ~all_right(params)

    def one_epoch(state):
        params, epoch, mistakes = state
        params, wrong = perceptron_epoch(params, x, t, learning_rate)
        return params, epoch + 1, mistakes.at[epoch].set(wrong.astype(jnp.int32))

    start = (params, jnp.zeros((), jnp.int32), jnp.zeros((max_epochs,), jnp.int32))
    params, epochs, mistakes = lax.while_loop(keep_going, one_epoch, start)
    return PerceptronFit(params, epochs, all_right(params), mistakes)
