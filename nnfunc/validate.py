"""Input checks that turn bad input into a clear Python error at the call.

Every check runs while JAX traces a function, on shapes and dtypes only, so it
costs nothing in the compiled program and fires under ``jax.jit`` as well as
eagerly.  Messages name the layer and both shapes involved.
"""
from __future__ import annotations

from collections.abc import Mapping

import jax
import jax.numpy as jnp
import numpy as np


def default_float():
    """The float dtype JAX uses now: float64 with x64 enabled, else float32."""
    return jnp.result_type(float)


def as_array(x, where: str, what: str = "input"):
    """Return ``x`` as a floating JAX array, or raise a clear error.

    Plain lists of numbers and integer or boolean arrays are accepted, the way the
    articles write their data (``x = [2, 3]``), and converted to the default float
    dtype; float arrays (bfloat16 too) keep their dtype.  Strings, ``None`` and ragged lists raise
    ``TypeError``/``ValueError`` naming ``where``.

    >>> as_array([2, 3], "dense(2)").dtype in (jnp.float32, jnp.float64)
    True
    """
    if isinstance(x, jax.Array):
        arr = x
    elif isinstance(x, (list, tuple)) and any(isinstance(v, jax.Array) for v in jax.tree_util.tree_leaves(x)):
        arr = jnp.asarray(x)  # a list holding traced values (a list passed through jax.jit)
    else:
        if x is None:
            raise TypeError(f"{where}: {what} is None; expected an array of numbers")
        try:
            arr = np.asarray(x)
        except ValueError as err:  # ragged nested lists
            raise ValueError(f"{where}: {what} is ragged (rows of different lengths): {err}") from None
    if jnp.issubdtype(arr.dtype, jnp.floating):  # bfloat16 included (NumPy kind "V")
        return jnp.asarray(arr)
    if np.dtype(arr.dtype).kind not in "biu":
        raise TypeError(
            f"{where}: {what} must be numeric, got dtype {arr.dtype} "
            f"(shape {tuple(np.shape(arr))}); strings, None and objects are not data"
        )
    return jnp.asarray(arr, dtype=default_float())


def require_mapping(params, keys: tuple[str, ...], where: str) -> None:
    """Raise ``TypeError`` unless ``params`` is a dict with exactly ``keys``."""
    if not isinstance(params, Mapping) or set(params) != set(keys):
        got = sorted(params) if isinstance(params, Mapping) else type(params).__name__
        raise TypeError(f"{where}: params must be a dict with keys {sorted(keys)}, got {got}")


def require_shape(arr, shape: tuple[int, ...], where: str, what: str) -> None:
    """Raise ``ValueError`` unless ``arr.shape == shape``, naming both shapes."""
    if tuple(arr.shape) != tuple(shape):
        raise ValueError(f"{where}: {what} has shape {tuple(arr.shape)}, expected {tuple(shape)}")


def require_key(key, where: str) -> None:
    """Raise ``TypeError`` naming ``where`` unless ``key`` is one JAX PRNG key.

    Accepted: a new-style key (``jax.random.key(0)``, dtype ``key<...>``, shape
    ``()``) and a legacy raw key (``jax.random.PRNGKey(0)``: uint32 of shape ``(2,)``).
    The check reads only dtype and shape, so it also fires under ``jax.jit``.

    >>> require_key(jax.random.key(0), "fit"); require_key(jax.random.PRNGKey(0), "fit")
    >>> require_key(0, "fit")
    Traceback (most recent call last):
    ...
    TypeError: fit: key must be a JAX PRNG key such as jax.random.key(0), got int 0
    """
    dtype, shape = getattr(key, "dtype", None), getattr(key, "shape", None)
    if dtype is not None and jax.dtypes.issubdtype(dtype, jax.dtypes.prng_key) and shape == ():
        return
    if dtype == np.uint32 and shape == (2,):
        return
    shown = f"{type(key).__name__} {key!r}" if dtype is None else f"an array of dtype {dtype} and shape {tuple(shape)}"
    raise TypeError(f"{where}: key must be a JAX PRNG key such as jax.random.key(0), got {shown}")


def positive_int(value, where: str, what: str) -> int:
    """``value`` as an ``int`` if it is a positive integer (Python or NumPy, never a bool), else a clear error.

    ``TypeError`` for a value that is not an integer, ``ValueError`` for one below 1.

    >>> positive_int(np.int64(3), "dense", "n_out")
    3
    >>> positive_int(True, "dense", "n_out")
    Traceback (most recent call last):
    ...
    TypeError: dense: n_out must be a positive int, got bool True
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: {what} must be a positive int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{where}: {what} must be a positive int, got {int(value)}")
    return int(value)


def finite_real(value, where: str, what: str):
    """``value`` unchanged if it is a finite real number (Python or NumPy, never a bool), else a clear error.

    >>> finite_real(0.5, "elu", "alpha")
    0.5
    >>> finite_real(float("nan"), "elu", "alpha")
    Traceback (most recent call last):
    ...
    ValueError: elu: alpha must be a finite real number, got nan
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: {what} must be a finite real number, got {type(value).__name__} {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{where}: {what} must be a finite real number, got {value!r}")
    return value


def input_shape_of(input_shape, where: str) -> tuple[int, ...]:
    """``input_shape`` (the shape without the batch axis) as a tuple of ints, or a clear error.

    It must be a tuple or list of positive integers; an int alone is a ``TypeError``
    that suggests the tuple.

    >>> input_shape_of([28, 28, np.int64(1)], "conv(8, 3)")
    (28, 28, 1)
    >>> input_shape_of(3, "dense(2)")
    Traceback (most recent call last):
    ...
    TypeError: dense(2): input_shape must be a tuple of positive ints (without the batch axis), got int 3; write (3,)
    """
    if not isinstance(input_shape, (tuple, list)):
        hint = f"; write ({input_shape},)" if isinstance(input_shape, (int, np.integer)) else ""
        raise TypeError(f"{where}: input_shape must be a tuple of positive ints (without the batch axis), "
                        f"got {type(input_shape).__name__} {input_shape!r}{hint}")
    return tuple(positive_int(n, where, f"every size in input_shape {tuple(input_shape)!r}") for n in input_shape)


def require_no_params(params, where: str) -> None:
    """Raise ``TypeError`` unless ``params`` is ``{}``, what a parameter-free layer's ``init`` returns.

    >>> require_no_params({}, "relu")
    >>> require_no_params({"w": 1.0}, "relu")
    Traceback (most recent call last):
    ...
    TypeError: relu: the layer has no parameters, so params must be {} (what its init returns), got a dict with keys ['w']
    """
    if not (isinstance(params, Mapping) and len(params) == 0):
        got = f"a dict with keys {sorted(map(str, params))}" if isinstance(params, Mapping) else type(params).__name__
        raise TypeError(f"{where}: the layer has no parameters, so params must be {{}} (what its init returns), "
                        f"got {got}")


def require_delta_shape(delta, shape: tuple, where: str) -> None:
    """Raise ``ValueError`` unless the upstream gradient δ has ``shape``, that of the layer's output.

    Reads the shape only, so it works on JAX arrays, tracers, the derivations' SymPy arrays and lists.

    >>> require_delta_shape(np.zeros((2, 3)), (2, 4), "dense(4)")
    Traceback (most recent call last):
    ...
    ValueError: dense(4): delta has shape (2, 3) but the layer's output has shape (2, 4)
    """
    got = tuple(delta.shape if hasattr(delta, "shape") else np.shape(delta))  # np.shape would convert a tracer
    if got != tuple(shape):
        raise ValueError(f"{where}: delta has shape {got} but the layer's output "
                         f"has shape {tuple(shape)}")
