"""Article data sets, preparation helpers, and the IDX reader on hand-written files."""
import gzip
import struct

import jax
import numpy as np
import pytest

import nnfunc as nf
from nnfunc.idx import DEFAULT_DIR, FILES


def test_people_are_article_e_table():
    x, t = nf.people()
    table = {"Alice": (133, 65, 1), "Bob": (160, 72, 0), "Charlie": (152, 70, 0), "Diana": (120, 60, 1)}
    for name, row, target in zip(nf.PEOPLE, x, t):
        weight, height, female = table[name]
        assert row.tolist() == [weight - 135, height - 66] and target.tolist() == [female]


def test_truth_table_of_f_is_xy_or_not_z():
    x, t = nf.truth_table_xy_or_not_z()
    assert x.shape == (8, 3) and t.shape == (8, 1)
    assert len({tuple(r) for r in x.tolist()}) == 8
    for (a, b, c), f in zip(x.astype(bool), t[:, 0]):
        assert f == float((a and b) or not c)
    assert t[x.tolist().index([1.0, 0.0, 1.0]), 0] == 0.0  # article A's worked row (1, 0, 1) -> 0


@pytest.mark.parametrize("gate, column", [
    ("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0]),
    ("NOR", [1, 0, 0, 0]), ("XOR", [0, 1, 1, 0]), ("xnor", [1, 0, 0, 1]),
])
def test_logic_gates(gate, column):
    x, t = nf.logic_gate(gate)
    assert x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert t[:, 0].tolist() == column


def test_unknown_gate_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown gate 'IMPLIES'"):
        nf.logic_gate("IMPLIES")


def test_one_hot_and_its_errors():
    assert nf.one_hot([2, 0]).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert np.argmax(nf.one_hot(np.arange(10), 10), axis=1).tolist() == list(range(10))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        nf.one_hot([3], 3)
    with pytest.raises(ValueError, match="ints"):
        nf.one_hot([0.5])


def test_scaling_and_standardising():
    x = np.array([[2.0, -1.0], [4.0, 3.0], [6.0, 5.0]])
    unit = nf.scale_to_unit(x)
    assert unit.min() == 0.0 and unit.max() == 1.0
    np.testing.assert_allclose(nf.scale_to_unit(x), (x + 1) / 7)
    z = nf.standardize(x)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(z.std(axis=0), 1, rtol=1e-14)
    np.testing.assert_allclose(nf.standardize([[9.0]], mean=[4.0], std=[2.0]), [[2.5]])
    with pytest.raises(ValueError, match="high > low"):
        nf.scale_to_unit([1.0, 1.0])


def test_train_test_split_is_a_keyed_partition():
    x = np.arange(20.0).reshape(10, 2)
    t = np.arange(10.0)[:, None]
    a = nf.train_test_split(x, t, jax.random.key(0), 0.3)
    b = nf.train_test_split(x, t, jax.random.key(0), 0.3)
    c = nf.train_test_split(x, t, jax.random.key(1), 0.3)
    x_train, t_train, x_test, t_test = a
    assert len(x_test) == 3 and len(x_train) == 7
    assert sorted(np.concatenate([t_train, t_test])[:, 0].tolist()) == list(range(10))
    assert (x_train[:, 0] == 2 * t_train[:, 0]).all() and (x_test[:, 0] == 2 * t_test[:, 0]).all()
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[2], c[2])
    with pytest.raises(ValueError, match="x has 10 samples but t has 9"):
        nf.train_test_split(x, t[:9], jax.random.key(0))


# --- IDX files, written byte by byte here ----------------------------------------------

def idx_bytes(type_code, dims, payload):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def write(path, data, zipped=False):
    path.write_bytes(gzip.compress(data) if zipped else data)
    return path


def test_read_idx_ubyte_and_big_endian_types(tmp_path):
    images = write(tmp_path / "img", idx_bytes(0x08, (2, 2, 3), bytes(range(12))))
    assert nf.read_idx(images).tolist() == [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]
    shorts = write(tmp_path / "s.gz", idx_bytes(0x0B, (2,), struct.pack(">hh", -2, 300)), zipped=True)
    assert nf.read_idx(shorts).tolist() == [-2, 300]
    floats = write(tmp_path / "f", idx_bytes(0x0D, (1,), struct.pack(">f", 1.5)))
    assert nf.read_idx(floats).tolist() == [1.5]


@pytest.mark.parametrize("data, zipped, message", [
    (idx_bytes(0x08, (2, 3), bytes(5)), False, r"dimensions \(2, 3\) of uint8 need 6 data bytes, the file has 5"),
    (idx_bytes(0x08, (2,), bytes(3)), True, "need 2 data bytes, the file has 3"),
    (b"\x08\x03\x00\x00" + bytes(8), False, "not an IDX file"),
    (bytes([0, 0, 0x07, 1, 0, 0, 0, 1, 0]), False, "unknown IDX type code 0x07"),
    (bytes([0, 0, 0x08, 3, 0, 0]), False, "truncated header"),
    (b"", False, "not an IDX file"),
])
def test_damaged_idx_files_name_the_file(tmp_path, data, zipped, message):
    path = write(tmp_path / "broken-idx", data, zipped)
    with pytest.raises(nf.IdxError, match=message) as info:
        nf.read_idx(path)
    assert str(path) in str(info.value)


def test_truncated_gzip_names_the_file(tmp_path):
    good = gzip.compress(idx_bytes(0x08, (100,), bytes(100)))
    path = write(tmp_path / "cut.gz", good[: len(good) // 2])
    with pytest.raises(nf.IdxError, match=r"cut\.gz: the gzip stream is truncated or corrupt"):
        nf.read_idx(path)


def fake_mnist(directory, n_train=3, n_test=2, zipped=True):
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for stem, n in zip(FILES, (n_train, n_train, n_test, n_test)):
        if "images" in stem:
            data = idx_bytes(0x08, (n, 4, 5), rng.integers(0, 256, n * 20, dtype=np.uint8).tobytes())
        else:
            data = idx_bytes(0x08, (n,), bytes(range(n)))
        write(directory / (stem + (".gz" if zipped else "")), data, zipped)


@pytest.mark.parametrize("zipped", [True, False])
def test_load_mnist_like_from_a_directory(tmp_path, zipped):
    fake_mnist(tmp_path, zipped=zipped)
    x_train, y_train, x_test, y_test = nf.load_mnist_like(tmp_path)
    assert x_train.shape == (3, 4, 5) and x_test.shape == (2, 4, 5) and x_train.dtype == np.uint8
    assert y_train.tolist() == [0, 1, 2] and y_test.tolist() == [0, 1]


def test_load_mnist_like_reads_the_environment_variable(tmp_path, monkeypatch):
    fake_mnist(tmp_path / "elsewhere")
    monkeypatch.setenv("NNFUNC_DATA", str(tmp_path / "elsewhere"))
    assert nf.load_mnist_like()[0].shape == (3, 4, 5)


def test_missing_files_say_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="no train-images-idx3-ubyte.*NNFUNC_DATA.*dataset-fashion-mnist"):
        nf.load_mnist_like(tmp_path)


def test_images_and_labels_must_agree(tmp_path):
    fake_mnist(tmp_path)
    write(tmp_path / "t10k-labels-idx1-ubyte.gz", idx_bytes(0x08, (5,), bytes(5)), zipped=True)
    with pytest.raises(nf.IdxError, match="has 2 images but .*t10k-labels-idx1-ubyte.gz has 5 labels"):
        nf.load_mnist_like(tmp_path)


@pytest.mark.skipif(not (DEFAULT_DIR / "t10k-labels-idx1-ubyte.gz").exists(), reason="Fashion-MNIST not installed")
def test_installed_fashion_mnist_is_found_by_default(monkeypatch):
    monkeypatch.delenv("NNFUNC_DATA", raising=False)
    x_train, y_train, x_test, y_test = nf.load_mnist_like()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert sorted(set(y_test.tolist())) == list(range(10))
