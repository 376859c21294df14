"""Shared test helpers: random data, a kink guard, whether the MNIST-format files are here."""
import jax
import jax.numpy as jnp

import nnfunc as nf

def normal(seed: int, shape, dtype=jnp.float64):
    """Standard normal array from an explicit seed."""
    return jax.random.normal(jax.random.key(seed), shape, dtype)


def is_kinked(layer) -> bool:
    """Whether ``layer`` is an elementwise activation with a kink (its Activation says so)."""
    return isinstance(layer.spec, nf.Activation) and layer.spec.kink is not None


def distances_to_kinks(net, params, x):
    """|z − kink| for every kinked elementwise layer's input z, found in the serial network's caches."""
    _, caches = net.forward(params, x)
    return [jnp.abs(cache[0] - layer.spec.kink.at)
            for layer, cache in zip(net.spec.layers, caches) if is_kinked(layer)]


def min_distance_to_kink(net, params, x) -> float:
    """The smallest |z − kink| over all kinked activations of ``net`` (inf if none)."""
    return min((float(jnp.min(d)) for d in distances_to_kinks(net, params, x)), default=float("inf"))


def mnist_like_present() -> bool:
    """Whether ``nf.load_mnist_like()`` finds its four files (e.g. Debian's dataset-fashion-mnist)."""
    try:
        nf.load_mnist_like()
    except FileNotFoundError:
        return False
    return True
