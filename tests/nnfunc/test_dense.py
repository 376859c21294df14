"""The dense layer: shapes, unbatched and extra leading axes, against jax.vjp and finite differences."""
import jax

import nnfunc as nf
from nnfunc.check import check_layer
from tests.helpers import normal


def test_dense_unbatched_and_extra_leading_axes():
    layer = nf.dense(2)
    params, shape = layer.init(jax.random.key(5), (3,))
    assert shape == (2,) and params["w"].shape == (3, 2) and params["b"].shape == (2,)
    check_layer(layer, params, normal(11, (3,))).assert_ok()
    check_layer(layer, params, normal(12, (2, 4, 3))).assert_ok()
