"""The softmax layer: its backward is the Jacobian–vector product, against jax.vjp and finite differences."""
import jax.numpy as jnp
import numpy as np

import nnfunc as nf
from nnfunc.check import check_layer
from tests.helpers import normal


def test_softmax_backward_is_jacobian_vector_product():
    z, delta = normal(5, (2, 4)), normal(6, (2, 4))
    s, cache = nf.softmax().forward({}, z)
    _, delta_z = nf.softmax().backward({}, cache, delta)
    for i in range(2):
        jacobian = jnp.diag(s[i]) - jnp.outer(s[i], s[i])  # ∂s_a/∂z_b = s_a(1_ab − s_b)
        np.testing.assert_allclose(delta_z[i], jacobian.T @ delta[i], rtol=1e-13)


def test_softmax_matches_jax_vjp_and_finite_differences_over_leading_axes():
    for shape in [(3,), (2, 4), (2, 3, 5)]:
        check_layer(nf.softmax(), {}, normal(8, shape), delta=normal(9, shape)).assert_ok()


def test_softmax_spec_names_the_axis():
    assert nf.softmax().spec == nf.SoftmaxSpec(axis=-1)
