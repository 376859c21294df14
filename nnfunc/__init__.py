"""nnfunc: neural networks as pure JAX functions with hand-derived backward passes.

>>> import jax, nnfunc as nf
>>> net = nf.serial(nf.dense(2), nf.sigmoid(), nf.dense(1), nf.sigmoid())
>>> params, _ = net.init(jax.random.key(0), (2,))
>>> loss, grads = nf.backprop(net, nf.mse)(params, [[-2.0, -1.0]], [[1.0]])
"""
from nnfunc.activations import (
    ACTIVATIONS, Activation, activation, elementwise, elu, identity, leaky_relu, relu,
    sigmoid, sign, sine, softmax, softplus, step, tanh,
)
from nnfunc.conv import conv
from nnfunc.dense import dense
from nnfunc.flatten import flatten
from nnfunc.layer import Layer, backprop, hand_vjp, serial
from nnfunc.losses import (
    LOSSES, Loss, binary_cross_entropy, categorical_cross_entropy, half_sse, loss, mse,
    softmax_cross_entropy, sse, sum_abs_errors, sum_errors,
)
from nnfunc.pool import avg_pool, max_pool

__all__ = [
    "ACTIVATIONS", "Activation", "LOSSES", "Layer", "Loss", "activation", "avg_pool", "backprop",
    "binary_cross_entropy", "categorical_cross_entropy", "conv", "dense", "elementwise", "elu",
    "flatten", "half_sse", "hand_vjp", "identity", "leaky_relu", "loss", "max_pool", "mse", "relu",
    "serial", "sigmoid", "sign", "sine", "softmax", "softmax_cross_entropy", "softplus", "sse",
    "step", "sum_abs_errors", "sum_errors", "tanh",
]
