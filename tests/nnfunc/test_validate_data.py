"""Bad data sets and params are a clear error in fit and evaluate, before anything is compiled."""
import jax
import numpy as np
import pytest

import nnfunc as nf
from nnfunc.validate_data import checked_params

KEY = jax.random.key(0)


@pytest.mark.parametrize("data, message", [
    (([[1.0, 2.0], [3.0, 4.0]], [[1.0]]), "data has 2 samples but targets have 1"),
    (([[1.0, 2.0]], [[1.0, 0.0]]), r"each target has shape \(2,\) but .* outputs \(1,\)"),
    ((np.zeros((0, 2)), np.zeros((0, 1))), "empty"),
    (([[1.0, 2.0], [np.nan, 4.0]], [[1.0], [0.0]]), r"data contain NaN or infinity \(first in sample 1\)"),
    (([[1.0, 2.0]], [[np.inf]]), "targets contain NaN or infinity"),
    (([[1.0, 2.0]],), "data must be a pair"),
])
def test_bad_data_is_a_clear_error(data, message):
    net = nf.serial(nf.dense(1), nf.sigmoid())
    params, _ = net.init(KEY, (2,))
    with pytest.raises((ValueError, TypeError), match=message):
        nf.fit(net, params, data, nf.mse, key=KEY, progress=False)
    with pytest.raises((ValueError, TypeError), match=message):
        nf.evaluate(net, params, data, nf.mse)


def test_params_that_are_not_numbers_are_a_clear_error_naming_the_caller():
    with pytest.raises(TypeError, match="evaluate: params must be numeric"):
        checked_params({"w": "0.5"}, "evaluate")
