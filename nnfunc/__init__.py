"""nnfunc: neural networks as pure JAX functions with hand-derived backward passes.

>>> import jax, nnfunc as nf
>>> net = nf.serial(nf.dense(2), nf.sigmoid(), nf.dense(1), nf.sigmoid())
>>> params, _ = net.init(jax.random.key(0), (2,))
>>> loss, grads = nf.backprop(net, nf.mse)(params, [[-2.0, -1.0]], [[1.0]])

The public names, grouped as ``__all__`` lists them: the layer contract, layers,
activations, losses, training, checking, data.  The registries :data:`LAYERS`,
:data:`ACTIVATIONS` and :data:`LOSSES` name every built-in layer, activation and
loss constructor; the tests and the derivations are driven by them, so a new
one is checked as soon as it is registered.
"""

from nnfunc import augment, classic, initializers
from nnfunc.activations import (
    Activation, activation, ACTIVATIONS, elementwise, elu, identity, Kink, leaky_relu, relu, sigmoid,
    sign, sine, softmax, softplus, step, tanh,
)
from nnfunc.log_softmax import log_softmax, LogSoftmaxSpec
from nnfunc.smooth_activations import gelu, gelu_tanh, silu
from nnfunc.check import check_backprop, check_layer, check_loss, LeafCheck, Report
from nnfunc.conv import conv, ConvSpec
from nnfunc.data import (
    GATES, logic_gate, one_hot, PEOPLE, people, scale_to_unit, standardize, train_test_split,
    truth_table, truth_table_xy_or_not_z,
)
from nnfunc.dense import dense, DenseSpec
from nnfunc.flatten import flatten, FlattenSpec
from nnfunc.idx import IdxError, load_mnist_like, read_idx
from nnfunc.layer import backprop, hand_vjp, Layer, serial, SerialSpec
from nnfunc.losses import (
    binary_cross_entropy, categorical_cross_entropy, half_sse, Loss, loss, LOSSES, mse,
    softmax_cross_entropy, sse, sum_abs_errors, sum_errors,
)
from nnfunc.metrics import accuracy
from nnfunc.pool import avg_pool, max_pool, PoolSpec
from nnfunc.softmax import SoftmaxSpec
from nnfunc.training.checkpoint import CheckpointError, Checkpoints, CheckpointWriteError
from nnfunc.training.epoch import EpochOutput, make_epoch
from nnfunc.training.fit import fit
from nnfunc.training.inference import evaluate, Evaluation, predict
from nnfunc.training.results import FitResult, History, TrainingDiverged

#: Every built-in layer constructor that is not an activation, by name (activations: ACTIVATIONS).
LAYERS = {
    "dense": dense, "conv": conv, "max_pool": max_pool, "avg_pool": avg_pool, "flatten": flatten,
    "serial": serial,
}

__all__ = [
    # the layer contract and the hand-derived gradient
    "Layer", "serial", "SerialSpec", "backprop", "hand_vjp", "LAYERS",
    # layers, each with the type of its Layer.spec
    "dense", "DenseSpec", "conv", "ConvSpec", "max_pool", "avg_pool", "PoolSpec", "flatten", "FlattenSpec",
    "initializers",  # the w_init and b_init of dense and conv
    # activations (an elementwise layer's spec is its Activation; softmax's a SoftmaxSpec)
    "Activation", "Kink", "activation", "ACTIVATIONS", "elementwise", "SoftmaxSpec", "identity", "step",
    "sign", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "elu", "sine", "softmax",
    "gelu", "gelu_tanh", "silu", "log_softmax", "LogSoftmaxSpec",
    # losses
    "Loss", "loss", "LOSSES", "sum_errors", "sum_abs_errors", "sse", "half_sse", "mse",
    "binary_cross_entropy", "categorical_cross_entropy", "softmax_cross_entropy",
    # training
    "fit", "FitResult", "History", "TrainingDiverged", "Checkpoints", "make_epoch", "EpochOutput",
    "predict", "evaluate", "Evaluation", "accuracy", "augment", "CheckpointError", "CheckpointWriteError",
    # checking
    "check_layer", "check_loss", "check_backprop", "Report", "LeafCheck",
    # data
    "people", "PEOPLE", "logic_gate", "GATES", "truth_table", "truth_table_xy_or_not_z", "one_hot",
    "scale_to_unit", "standardize", "train_test_split", "load_mnist_like", "read_idx", "IdxError",
    # the articles' classic units (threshold, perceptron, Hebbian, gates)
    "classic",
]
