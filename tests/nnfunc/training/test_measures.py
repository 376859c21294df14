"""The loss by object or by name, and accuracy on by default for classification."""
import pytest
from training_cases import KEY, assert_trees_equal, people_setup

import nnfunc as nf


def test_a_loss_may_be_given_by_name():
    net, params, x, t = people_setup()
    by_name, by_object = (nf.fit(net, params, (x, t), loss, key=KEY, epochs=2, progress=False).params
                          for loss in ("mse", nf.mse))
    assert_trees_equal(by_name, by_object)
    with pytest.raises(ValueError, match="unknown loss 'l2'"):
        nf.fit(net, params, (x, t), "l2", key=KEY, progress=False)
    with pytest.raises(TypeError, match="loss must be an nnfunc Loss"):
        nf.evaluate(net, params, (x, t), len)
