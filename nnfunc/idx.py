"""Reader for IDX files, the format of MNIST and Fashion-MNIST (gzipped or not).

An IDX file is a 4-byte magic number ``0x00 0x00 TYPE NDIM``, then NDIM big-endian
uint32 dimensions, then the values, big-endian, row-major.  The reader checks the
magic, the type code and that the data is exactly ``prod(dims)`` values long; any
damage raises :class:`IdxError` naming the file.

:func:`load_mnist_like` finds the four standard files in, in order: the directory
passed, the directory in the environment variable ``NNFUNC_DATA``, and
``/usr/share/datasets/fashion-mnist`` (Debian's ``dataset-fashion-mnist``).
"""
from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path

import numpy as np

TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
ENV_VAR = "NNFUNC_DATA"
DEFAULT_DIR = Path("/usr/share/datasets/fashion-mnist")
FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


class IdxError(ValueError):
    """An IDX file that is truncated, corrupt or not IDX at all."""


def _read_bytes(path: Path) -> bytes:
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as err:
        raise IdxError(f"{path}: the gzip stream is truncated or corrupt ({err})") from None


def read_idx(path) -> np.ndarray:
    """The array stored in the IDX file ``path`` (``.gz`` detected by content), native byte order.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "tiny-idx1-ubyte"
    >>> _ = p.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    >>> read_idx(p).tolist()
    [7, 8, 9]
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_idx: path must be a file path (str or pathlib.Path), got {type(path).__name__} {path!r}")
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise IdxError(f"{path}: not an IDX file (magic number {raw[:4].hex() or 'missing'}, "
                       "expected 0000 then type and rank)")
    type_code, ndim = raw[2], raw[3]
    if type_code not in TYPES:
        raise IdxError(f"{path}: unknown IDX type code 0x{type_code:02x}; known: "
                       + ", ".join(f"0x{c:02x}" for c in TYPES))
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise IdxError(f"{path}: truncated header: rank {ndim} needs {header} header bytes, file has {len(raw)}")
    dims = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(TYPES[type_code])
    expected = math.prod(dims) * dtype.itemsize  # Python ints: no wrap past 2**64
    if len(raw) - header != expected:
        raise IdxError(f"{path}: dimensions {dims} of {dtype.name} need {expected} data bytes, "
                       f"the file has {len(raw) - header} (truncated or corrupt)")
    return np.frombuffer(raw, dtype, offset=header).reshape(dims).astype(dtype.newbyteorder("="))


def _find(directory: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        if (directory / name).is_file():
            return directory / name
    return None


def missing_files(directory) -> list[str]:
    """The names in ``FILES`` that ``directory`` holds neither plain nor gzipped (all four if it does not exist).

    >>> missing_files("/nonexistent") == list(FILES)
    True
    """
    return [stem for stem in FILES if _find(Path(directory), stem) is None]


def data_dir(directory=None) -> Path:
    """The directory to read: ``directory``, else ``$NNFUNC_DATA``, else the Debian location.

    >>> data_dir("/data/mnist").as_posix()
    '/data/mnist'
    """
    if directory is not None:
        return Path(directory)
    return Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else DEFAULT_DIR


def load_mnist_like(directory=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x_train, y_train, x_test, y_test)`` from the four MNIST-format files, as uint8 arrays.

    Images ``(n, 28, 28)`` (any size the files declare), labels ``(n,)``.  Each file
    may be gzipped (``NAME.gz``) or not.  Scale with ``scale_to_unit(x, 0, 255)``
    and encode labels with ``one_hot``.

    >>> load_mnist_like("/nonexistent")
    Traceback (most recent call last):
    ...
    FileNotFoundError: load_mnist_like: no train-images-idx3-ubyte[.gz], ... in /nonexistent. ...
    """
    where = data_dir(directory)
    missing = missing_files(where)
    if missing:
        raise FileNotFoundError(
            f"load_mnist_like: no {', '.join(stem + '[.gz]' for stem in missing)} in {where}. Put the four files "
            f"{', '.join(FILES)} (gzipped or not) in a directory and pass it, or set {ENV_VAR}=that directory. "
            "Fashion-MNIST: `apt install dataset-fashion-mnist` (Debian/Ubuntu, installs to "
            f"{DEFAULT_DIR}) or https://github.com/zalandoresearch/fashion-mnist; "
            "MNIST: https://yann.lecun.com/exdb/mnist/")
    paths = [_find(where, stem) for stem in FILES]
    x_train, y_train, x_test, y_test = (read_idx(p) for p in paths)
    for images, labels, ip, lp in ((x_train, y_train, paths[0], paths[1]), (x_test, y_test, paths[2], paths[3])):
        if images.ndim != 3 or labels.ndim != 1:
            raise IdxError(f"{ip} / {lp}: expected images of rank 3 and labels of rank 1, "
                           f"got shapes {images.shape} and {labels.shape}")
        if len(images) != len(labels):
            raise IdxError(f"{ip} has {len(images)} images but {lp} has {len(labels)} labels")
    return x_train, y_train, x_test, y_test
