"""PyTorch twins of the benchmark networks, trained in eager mode: the "PyTorch eager" rows.

Idiomatic PyTorch: ``nn.Sequential`` models, ``torch.optim.SGD``, and per batch
``zero_grad(); loss.backward(); step()``.  The CNN's softmax and categorical
cross-entropy are fused into ``F.cross_entropy`` of the logits, as PyTorch users
write it.  Only imported when torch is installed (``pip install nnfunc[bench]``).

PyTorch runs on ``THREADS`` = 1 intra-op thread.  With its default (one per core)
its OpenMP threads spin-wait for work, and on a loaded machine (more runnable jobs
than cores) that made the same epoch five times slower on the 2-core machine the
benchmarks were written on (article C, batch 1: 0.46–0.57 s with one thread,
2.6–4.5 s with two); they also keep spinning after the epoch ends and slow down
whatever is timed next.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh}
THREADS = 1


def mlp(sizes: tuple[int, ...], activation: str) -> nn.Module:
    """Fully connected ``sizes[0]-sizes[1]-...``, ``activation`` after every layer (as in articles C, E)."""
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), ACTIVATIONS[activation]()]
    return nn.Sequential(*layers)


def cnn() -> nn.Module:
    """experiments.cnn_model's network on NCHW input; its softmax lives in the loss."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(5 * 5 * 64, 10),
    )


def training(network: str, sizes: tuple, activation: str, x: np.ndarray, t: np.ndarray, batch: int,
             epochs: int, learning_rate: float) -> Callable[[], float]:
    """``run()``: ``epochs`` epochs of SGD over ``(x, t)`` in order, batches of ``batch``; returns the last loss.

    ``network`` is ``"mlp"`` (MSE on the activated output) or ``"cnn"`` (``x`` NHWC, ``t`` one-hot).
    """
    torch.manual_seed(0)
    torch.set_num_threads(THREADS)
    if network == "mlp":
        model, inputs, targets, loss_fn = mlp(sizes, activation), torch.from_numpy(x), torch.from_numpy(t), \
            functional.mse_loss
    else:
        model, inputs = cnn(), torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
        targets, loss_fn = torch.from_numpy(t.argmax(axis=1)), functional.cross_entropy
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    stops = range(0, len(x) - len(x) % batch, batch)

    def run() -> float:
        for _ in range(epochs):
            for i in stops:
                optimizer.zero_grad()
                loss = loss_fn(model(inputs[i:i + batch]), targets[i:i + batch])
                loss.backward()
                optimizer.step()
        return float(loss.detach())

    return run
