"""Shared test helpers: random data, a kink guard, whether the MNIST-format files are here."""
import jax
import jax.numpy as jnp

import nnfunc as nf

KINKED = ("step", "sign", "relu", "leaky_relu", "elu")


def normal(seed: int, shape, dtype=jnp.float64):
    """Standard normal array from an explicit seed."""
    return jax.random.normal(jax.random.key(seed), shape, dtype)


def pre_activations(net, params, x):
    """Every kinked elementwise layer's input z, found in the serial network's caches."""
    _, caches = net.forward(params, x)
    layers = net.spec["layers"]
    return [cache[0] for layer, cache in zip(layers, caches)
            if isinstance(layer.spec, nf.Activation) and layer.spec.name.startswith(KINKED)]


def min_distance_to_kink(net, params, x) -> float:
    """The smallest |z| over all kinked activations of ``net`` (inf if none)."""
    zs = pre_activations(net, params, x)
    return min((float(jnp.min(jnp.abs(z))) for z in zs), default=float("inf"))


def mnist_like_present() -> bool:
    """Whether ``nf.load_mnist_like()`` finds its four files (e.g. Debian's dataset-fashion-mnist)."""
    try:
        nf.load_mnist_like()
    except FileNotFoundError:
        return False
    return True
