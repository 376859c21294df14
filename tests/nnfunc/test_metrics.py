"""Accuracy: a single output thresholded at 0.5, several compared by arg-max, a fraction of the rows."""
import jax.numpy as jnp
import pytest

import nnfunc as nf


@pytest.mark.parametrize("y, t, want", [
    ([[0.5], [0.49], [0.9]], [[1.0], [0.0], [0.0]], 2 / 3),     # 0.5 counts as class 1, on both sides
    ([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]], [[0, 1, 0], [0, 0, 1]], 1 / 2),
    ([[0.2, 0.7, 0.1]], [[0, 1, 0]], 1.0),
])
def test_accuracy_is_the_fraction_of_rows_with_the_target_class(y, t, want):
    got = nf.accuracy(jnp.asarray(y), jnp.asarray(t, float))
    assert float(got) == pytest.approx(want, rel=1e-15) and got.dtype == jnp.result_type(float)
