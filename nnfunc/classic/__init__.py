"""Classic models from the articles, built from nnfunc layers; all pure and jit-compatible.

* :mod:`~nnfunc.classic.threshold`: the McCulloch–Pitts unit and Rosenblatt's perceptron rule (article C);
* :mod:`~nnfunc.classic.hebbian`: Hebbian couplings and the recurrent sign update (article B);
* :mod:`~nnfunc.classic.gates`: four neurons multiplying two reals, one neuron three bits (article B).

>>> import jax, nnfunc as nf
>>> fit = nf.classic.perceptron_fit(jax.random.key(0), [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 1])
>>> bool(fit.converged)
True
"""
from nnfunc.classic.gates import multiplication_gate, second_derivative, three_bit_product
from nnfunc.classic.hebbian import flip_bits, hebbian_couplings, recall
from nnfunc.classic.threshold import (
    PerceptronFit, mcculloch_pitts, perceptron_epoch, perceptron_fit, threshold_net,
)

__all__ = [
    "PerceptronFit", "flip_bits", "hebbian_couplings", "mcculloch_pitts", "multiplication_gate",
    "perceptron_epoch", "perceptron_fit", "recall", "second_derivative", "three_bit_product",
    "threshold_net",
]
