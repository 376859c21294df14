"""Shared set-ups of the training tests: a small network on article E's people, exact comparison."""
import jax
import numpy as np

import nnfunc as nf
from nnfunc.layer import Layer

KEY = jax.random.key(0)


def small_net():
    return nf.serial(nf.dense(3), nf.tanh(), nf.dense(1), nf.sigmoid())


def people_setup():
    """A 2-3-1 network, its params and article E's people scaled by 1/10: ``(net, params, x, t)``."""
    net = small_net()
    params, _ = net.init(jax.random.key(7), (2,))
    x, t = nf.people()
    return net, params, x / 10.0, t


def assert_trees_equal(a, b):
    for u, v in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
        np.testing.assert_array_equal(np.asarray(u), np.asarray(v))


def counting(layer, counter):
    """``layer`` whose forward counts how often it is traced or called from Python."""
    def forward(params, x):
        counter.append(1)
        return layer.forward(params, x)
    return Layer(layer.init, forward, layer.backward, layer.name, layer.spec)
