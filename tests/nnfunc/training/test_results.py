"""What fit returns or raises: the history's arrays and the divergence error's message and state."""
import numpy as np

import nnfunc as nf
from nnfunc.training.results import history_from


def test_the_history_holds_float_arrays_and_accuracy_only_when_measured():
    records = {"loss": [0.5, 0.25], "accuracy": [float("nan"), float("nan")], "seconds": [0.1, 0.2]}
    plain, measured = history_from(records, accuracy=False), history_from(records, accuracy=True)
    assert plain.accuracy is None and measured.accuracy.shape == (2,)
    assert plain.loss.dtype == np.float64 and plain.loss.tolist() == [0.5, 0.25]
    records["loss"].append(0.125)
    assert plain.loss.tolist() == [0.5, 0.25], "the history is a copy, not a view of the records"


def test_training_diverged_names_the_epoch_and_holds_the_last_good_result():
    good = nf.FitResult(params=(), opt_state=(), key=None, history=history_from(
        {"loss": [1.0, 2.0], "accuracy": [], "seconds": [0.1, 0.1]}, accuracy=False), epochs=2,
        stopped_early=False, compile_s=0.0)
    error = nf.TrainingDiverged(3, good)
    assert isinstance(error, FloatingPointError) and error.epoch == 3 and error.result is good
    assert "during epoch 3" in str(error) and "(after epoch 2)" in str(error)
