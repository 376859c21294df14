"""predict refuses NaN and infinity in its inputs, as fit and evaluate do."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nnfunc as nf

NET = nf.serial(nf.dense(1))
PARAMS = ({"w": [[1.0], [2.0]], "b": [0.5]},)


@pytest.mark.parametrize("bad, row", [(float("nan"), 0), (float("inf"), 0), (-float("inf"), 0)])
@pytest.mark.parametrize("at", [0, 2])
def test_predict_refuses_a_non_finite_input_naming_the_sample(bad, row, at):
    x = np.ones((3, 2))
    x[at, 1] = bad
    with pytest.raises(ValueError) as info:
        nf.predict(NET, PARAMS, x)
    assert str(info.value) == f"predict(serial(dense(1))): x contains NaN or infinity (first in sample {at})"


def test_predict_agrees_with_evaluate_on_what_it_refuses():
    x = [[1.0, 2.0], [float("nan"), 0.0]]
    with pytest.raises(ValueError, match="contain"):
        nf.evaluate(NET, PARAMS, (x, [[1.0], [1.0]]), nf.mse)
    with pytest.raises(ValueError, match="contains NaN or infinity"):
        nf.predict(NET, PARAMS, x)


def test_predict_of_finite_inputs_is_unchanged_and_runs_inside_jit():
    x = jnp.array([[1.0, 2.0], [0.0, -1.0]])
    expected = [[5.5], [-1.5]]
    assert nf.predict(NET, PARAMS, x).tolist() == expected
    # inside a user's jit x is traced: no check, no host sync, same numbers
    assert jax.jit(lambda x: nf.predict(NET, PARAMS, x))(x).tolist() == expected
