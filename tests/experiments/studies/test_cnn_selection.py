"""The CNN's recipe is chosen on held-out training images: the split is fixed, disjoint and complete."""
import numpy as np

from experiments import cnn
from experiments.studies.cnn_selection import CANDIDATES, validation_split


def test_the_validation_split_is_fixed_disjoint_and_complete():
    x = np.arange(100.0).reshape(100, 1, 1, 1)
    t = np.eye(10)[np.arange(100) % 10]
    (x_fit, t_fit), (x_val, t_val) = validation_split((x, t), 10)
    assert len(x_val) == 10 and len(x_fit) == 90
    assert sorted(np.concatenate([x_fit, x_val]).ravel().tolist()) == x.ravel().tolist()
    np.testing.assert_array_equal(t_val.argmax(axis=1), x_val.ravel().astype(int) % 10)   # pairs kept
    again = validation_split((x, t), 10)[1][0]
    np.testing.assert_array_equal(again, x_val)


def test_the_cnn_experiment_trains_by_one_of_the_candidates():
    assert cnn.CHOSEN in CANDIDATES


def test_a_recipe_describes_itself():
    assert cnn.Recipe(15, max_shift=2, weight_decay=0.05).describe() == (
        "15 epochs, random mirror + shift <= 2 px, AdamW weight decay 0.05")
    assert cnn.Recipe(8, mirror_copies=True).describe() == "8 epochs, every image + its mirror image"
