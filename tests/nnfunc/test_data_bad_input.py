"""Data helpers given bad arguments: one_hot, train_test_split, read_idx; IDX sizes past 2**64."""
import struct

import jax
import numpy as np
import pytest

import nnfunc as nf
from nnfunc.idx import IdxError, read_idx


@pytest.mark.parametrize("n_classes", [2.5, 3.0, "3", True, [3]])
def test_one_hot_names_a_class_count_that_is_not_an_int(n_classes):
    with pytest.raises(TypeError) as info:
        nf.one_hot([0, 1], n_classes)
    assert str(info.value) == (f"one_hot: n_classes must be an int (or None for max(labels) + 1), "
                               f"got {type(n_classes).__name__} {n_classes!r}")


@pytest.mark.parametrize("n_classes", [3, np.int64(3), None])
def test_one_hot_takes_python_and_numpy_ints(n_classes):
    assert nf.one_hot([0, 2], n_classes).tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


X, T = nf.logic_gate("OR")


@pytest.mark.parametrize("fraction", ["0.25", None, True, [0.25]])
def test_train_test_split_names_a_fraction_that_is_not_a_number(fraction):
    with pytest.raises(TypeError) as info:
        nf.train_test_split(X, T, jax.random.key(0), fraction)
    assert str(info.value) == (f"train_test_split: test_fraction must be a number in (0, 1), "
                               f"got {type(fraction).__name__} {fraction!r}")


@pytest.mark.parametrize("x, t", [(3.0, T), (X, 1.0), (np.float64(2), np.float64(1))])
def test_train_test_split_names_data_without_a_sample_axis(x, t):
    with pytest.raises(ValueError) as info:
        nf.train_test_split(x, t, jax.random.key(0))
    assert str(info.value) == (f"train_test_split: x and t need a sample axis (one row per sample), "
                               f"got shapes {np.shape(x)} and {np.shape(t)}")


@pytest.mark.parametrize("key, got", [(0, "int 0"), (None, "NoneType None"), ("key", "str 'key'")])
def test_train_test_split_names_a_bad_key(key, got):
    with pytest.raises(TypeError) as info:
        nf.train_test_split(X, T, key)
    assert str(info.value) == f"train_test_split: key must be a JAX PRNG key such as jax.random.key(0), got {got}"


@pytest.mark.parametrize("key", [jax.random.key(1), jax.random.PRNGKey(1)])
def test_train_test_split_takes_both_kinds_of_key(key):
    assert [a.shape for a in nf.train_test_split(X, T, key, 0.5)] == [(2, 2), (2, 1), (2, 2), (2, 1)]


@pytest.mark.parametrize("path", [None, 3, b"file"])
def test_read_idx_names_a_path_that_is_not_a_path(path):
    with pytest.raises(TypeError) as info:
        read_idx(path)
    assert str(info.value) == (f"read_idx: path must be a file path (str or pathlib.Path), "
                               f"got {type(path).__name__} {path!r}")


@pytest.mark.parametrize("dims, data_bytes", [
    ((65536, 65536, 65536, 65536), 0),  # 2**64 elements: wrapped to 0 in uint64
    ((65536, 65536, 65536, 65537), 16),
    ((4294967295,) * 3, 1),
])
def test_idx_sizes_past_two_to_the_64_are_refused_with_the_true_size(tmp_path, dims, data_bytes):
    path = tmp_path / "huge-idx-ubyte"
    path.write_bytes(bytes([0, 0, 8, len(dims)]) + struct.pack(f">{len(dims)}I", *dims) + bytes(data_bytes))
    with pytest.raises(IdxError) as info:
        read_idx(path)
    size = 1
    for d in dims:
        size *= d
    assert str(info.value) == (f"{path}: dimensions {dims} of uint8 need {size} data bytes, "
                               f"the file has {data_bytes} (truncated or corrupt)")
