"""nnfunc: neural networks as pure JAX functions with hand-derived backward passes.

>>> import jax, nnfunc as nf
>>> net = nf.serial(nf.dense(2), nf.sigmoid(), nf.dense(1), nf.sigmoid())
>>> params, _ = net.init(jax.random.key(0), (2,))
>>> loss, grads = nf.backprop(net, nf.mse)(params, [[-2.0, -1.0]], [[1.0]])
"""

from nnfunc import augment, classic
from nnfunc.activations import (
    Activation, activation, ACTIVATIONS, elementwise, elu, identity, leaky_relu, relu, sigmoid,
    sign, sine, softmax, softplus, step, tanh,
)
from nnfunc.checkpoint import CheckpointError
from nnfunc.conv import conv
from nnfunc.data import (
    GATES, logic_gate, one_hot, PEOPLE, people, scale_to_unit, standardize, train_test_split,
    truth_table, truth_table_xy_or_not_z,
)
from nnfunc.dense import dense
from nnfunc.flatten import flatten
from nnfunc.idx import IdxError, load_mnist_like, read_idx
from nnfunc.layer import backprop, hand_vjp, Layer, serial
from nnfunc.losses import (
    binary_cross_entropy, categorical_cross_entropy, half_sse, Loss, loss, LOSSES, mse,
    softmax_cross_entropy, sse, sum_abs_errors, sum_errors,
)
from nnfunc.metrics import accuracy
from nnfunc.pool import avg_pool, max_pool
from nnfunc.train import evaluate, Evaluation, fit, FitResult, History, predict, TrainingDiverged

__all__ = [
    "accuracy", "Activation", "activation", "ACTIVATIONS", "augment", "avg_pool", "backprop",
    "binary_cross_entropy", "categorical_cross_entropy", "CheckpointError", "classic", "conv",
    "dense", "elementwise", "elu", "evaluate", "Evaluation", "fit", "FitResult", "flatten", "GATES",
    "half_sse", "hand_vjp", "History", "identity", "IdxError", "Layer", "leaky_relu",
    "load_mnist_like", "logic_gate", "Loss", "loss", "LOSSES", "max_pool", "mse", "one_hot",
    "PEOPLE", "people", "predict", "read_idx", "relu", "scale_to_unit", "serial", "sigmoid", "sign",
    "sine", "softmax", "softmax_cross_entropy", "softplus", "sse", "standardize", "step",
    "sum_abs_errors", "sum_errors", "tanh", "train_test_split", "TrainingDiverged", "truth_table",
    "truth_table_xy_or_not_z",
]
