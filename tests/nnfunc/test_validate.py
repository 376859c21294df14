"""as_array keeps every float dtype, bfloat16 included (its NumPy kind is "V", not "f")."""
import jax
import jax.numpy as jnp

import nnfunc as nf
from nnfunc.validate import as_array


def test_bfloat16_passes_through_a_dense_layer_and_its_backward():
    layer = nf.dense(3)
    params, _ = layer.init(jax.random.key(0), (2,))
    params = jax.tree.map(lambda a: a.astype(jnp.bfloat16), params)
    x = jax.random.normal(jax.random.key(1), (4, 2), jnp.bfloat16)
    y, cache = layer.forward(params, x)
    grads, delta_x = layer.backward(params, cache, jax.random.normal(jax.random.key(2), (4, 3), jnp.bfloat16))
    assert y.dtype == delta_x.dtype == grads["w"].dtype == grads["b"].dtype == jnp.bfloat16
    assert as_array(x, "where").dtype == jnp.bfloat16
