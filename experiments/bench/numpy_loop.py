"""The "NumPy loop" of the benchmarks: the articles' plain NumPy networks, trained one sample at a time.

Written the way the article writes it: one object per layer with ``forward`` and
``backward``; ``backward`` gets the output error, updates its own weights in place
and returns the input error.  Fully connected: ``y = x W + b``; tanh: ``1 − tanh²``;
sigmoid: ``σ(1 − σ)``;
MSE: ``mean((y − t)²)`` with derivative ``2(y − t)/n``.
"""
from __future__ import annotations

import numpy as np


class FullyConnected:
    """``y = x W + b``; backward: δx = δ Wᵀ, W −= η xᵀδ, b −= η δ."""

    def __init__(self, n_in: int, n_out: int, rng: np.random.Generator, dtype=np.float64):
        self.weights = (rng.random((n_in, n_out)) - 0.5).astype(dtype)
        self.bias = (rng.random((1, n_out)) - 0.5).astype(dtype)

    def forward(self, x):
        self.input = x
        return x @ self.weights + self.bias

    def backward(self, output_error, learning_rate):
        input_error = output_error @ self.weights.T
        self.weights -= learning_rate * (self.input.T @ output_error)
        self.bias -= learning_rate * output_error
        return input_error


class Tanh:
    """``y = tanh(x)``; backward: δx = (1 − tanh²(x)) δ."""

    def forward(self, x):
        self.input = x
        return np.tanh(x)

    def backward(self, output_error, learning_rate):
        return (1 - np.tanh(self.input) ** 2) * output_error


class Sigmoid:
    """``y = σ(x)``; backward: δx = σ(1 − σ) δ (article E)."""

    def forward(self, x):
        self.output = 1 / (1 + np.exp(-x))
        return self.output

    def backward(self, output_error, learning_rate):
        return self.output * (1 - self.output) * output_error


def article_e_network(rng: np.random.Generator, dtype=np.float64) -> list:
    """2-2-1 with a sigmoid after both layers, as article E trains on its four people."""
    return [FullyConnected(2, 2, rng, dtype), Sigmoid(), FullyConnected(2, 1, rng, dtype), Sigmoid()]


def article_c_network(rng: np.random.Generator, dtype=np.float64) -> list:
    """784-100 tanh-50 tanh-10 tanh, as article C trains on MNIST."""
    return [FullyConnected(784, 100, rng, dtype), Tanh(), FullyConnected(100, 50, rng, dtype), Tanh(),
            FullyConnected(50, 10, rng, dtype), Tanh()]


def train_epoch(layers: list, x, t, learning_rate: float = 0.1) -> float:
    """One epoch of per-sample SGD on MSE; returns the mean sample loss."""
    total = 0.0
    for j in range(len(x)):
        output = x[j:j + 1]
        for layer in layers:
            output = layer.forward(output)
        total += np.mean((output - t[j:j + 1]) ** 2)
        error = 2 * (output - t[j:j + 1]) / output.size
        for layer in reversed(layers):
            error = layer.backward(error, learning_rate)
    return total / len(x)
