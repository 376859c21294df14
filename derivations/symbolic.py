r"""Run nnfunc's own code on SymPy symbols.

The hand derivatives are never retyped here.  :func:`symbolic` takes an object of
the library (a function, an :class:`~nnfunc.activations.Activation`, a
:class:`~nnfunc.losses.Loss`, a layer constructor) and returns the same object
whose functions run the *same bytecode* with a different global namespace: the
names ``jnp`` and ``jax`` are bound to :data:`JNP` and :data:`JAX`, stand-ins that
compute with NumPy object arrays of SymPy expressions, and ``as_array`` (input
validation) only wraps its argument in such an array.  Closure variables (an
activation's ``alpha``, a layer's ``act``) are converted the same way, so
``symbolic(nnfunc.activations.SIGMOID).df(z, a)`` returns ``a*(1 - a)`` for symbols
``z, a``: the expression the library computes, read back as mathematics.

The stand-ins translate each JAX function to its mathematical definition
(``jax.nn.sigmoid(z)`` to :math:`1/(1+e^{-z})`, ``jnp.where(c, a, b)`` to a
``Piecewise``, ``jnp.clip`` to ``Min(Max(...))``, ``x == y`` to ``Eq``); the name
``lax`` is bound to :data:`LAX`, whose convolution, padding, slicing and window
reductions are :mod:`derivations.lax_semantics` (written from the documented
semantics, compared with ``jax.lax`` by the tests).  A JAX function without a stand-in
raises ``NotImplementedError`` naming it instead of computing something else.
Whether the translation itself is right is checked numerically by every
derivation: the symbolic result is evaluated at random float64 points and compared
with the library's real output.

Hence the contract of :mod:`nnfunc.layer`: code that runs here (a forward, a
backward, an activation's ``f``/``df``, a loss's ``value``/``grad``) may use only the
JAX names of :func:`stand_in_names`, and may store as values only those of
:data:`STORED_AS_VALUES`.  ``tests/derivations/test_stand_ins.py`` checks nnfunc
against both, statically, naming the function, file and line of any other.

>>> import sympy as sp, nnfunc
>>> z, a = sp.symbols("z a")
>>> symbolic(nnfunc.activations.TANH).df(array([z]), array([a]))[0]
1 - a**2
"""
from __future__ import annotations

import sys
import types
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp
from jax import lax

from derivations import lax_semantics

class SymArray(np.ndarray):
    """An object array of SymPy expressions whose comparisons stay symbolic.

    NumPy turns ``object_array > 0`` into booleans (and SymPy refuses to say whether
    ``z > 0``); here the comparison is kept as an array of SymPy relations.
    """

    def __gt__(self, other):
        return np.greater(self, other, dtype=object)

    def __ge__(self, other):
        return np.greater_equal(self, other, dtype=object)

    def __lt__(self, other):
        return np.less(self, other, dtype=object)

    def __le__(self, other):
        return np.less_equal(self, other, dtype=object)

    def __eq__(self, other):
        return _elementwise(sp.Eq)(self, other)

    def __ne__(self, other):
        return _elementwise(sp.Ne)(self, other)


def array(x) -> SymArray:
    """``x`` (expressions, numbers, nested lists) as a :class:`SymArray`."""
    return np.asarray(x, dtype=object).view(SymArray)


def _elementwise(f):
    vectorized = np.vectorize(f, otypes=[object])
    return lambda *args: array(vectorized(*args))


def _piecewise(cond, a, b):
    return sp.Piecewise((sp.sympify(a), sp.sympify(bool(cond)) if isinstance(cond, (bool, np.bool_)) else cond),
                        (sp.sympify(b), True))


def _sigmoid(z):
    return 1 / (1 + sp.exp(-z))


def _reduce(reduce):
    return lambda x, axis=None, keepdims=False: reduce(array(x), axis=axis, keepdims=keepdims)


_sum = _reduce(np.sum)


def _softmax(z, axis=-1):
    e = _exp(z)
    return e / _sum(e, axis=axis, keepdims=True)


_exp = _elementwise(sp.exp)
_maximum = _elementwise(sp.Max)
_minimum = _elementwise(sp.Min)


class _StandIn(types.SimpleNamespace):
    """A namespace that names the missing function instead of an AttributeError deep in a trace."""

    def __getattr__(self, name):
        if name.startswith("__"):  # introspection (doctest, inspect) asks for dunders
            raise AttributeError(name)
        raise NotImplementedError(f"derivations.symbolic: no SymPy stand-in for {self.prefix}.{name}")


JNP = _StandIn(
    prefix="jnp",
    ones_like=lambda x: array(np.ones_like(array(x))), zeros_like=lambda x: array(np.zeros_like(array(x))),
    where=_elementwise(_piecewise), maximum=_maximum, minimum=_minimum,
    clip=lambda x, lo, hi: _minimum(_maximum(x, lo), hi),
    exp=_exp, log=_elementwise(sp.log), log1p=_elementwise(lambda x: sp.log(1 + x)),
    expm1=_elementwise(lambda x: sp.exp(x) - 1), tanh=_elementwise(sp.tanh), sin=_elementwise(sp.sin),
    cos=_elementwise(sp.cos), sqrt=_elementwise(sp.sqrt), pi=sp.pi, sign=_elementwise(sp.sign), abs=_elementwise(sp.Abs),
    sum=_sum, mean=_reduce(np.mean), finfo=lambda dtype: np.finfo(np.float64),
    inf=sp.oo, result_type=lambda *args: np.dtype(object), array=lambda x, dtype=None: array(x),
    zeros=lambda shape, dtype=None: array(np.full(shape, sp.false if dtype is bool else 0, dtype=object)),
    stack=lambda arrays, axis=0: array(np.stack([array(a) for a in arrays], axis)),
    tensordot=lambda a, b, axes=2: array(np.tensordot(array(a), array(b), axes)),
    swapaxes=lambda x, axis1, axis2: array(np.swapaxes(array(x), axis1, axis2)),
)
JAX = _StandIn(prefix="jax", nn=_StandIn(
    prefix="jax.nn", sigmoid=_elementwise(_sigmoid), softplus=_elementwise(lambda z: sp.log(1 + sp.exp(z))),
    softmax=_softmax,
    logsumexp=lambda z, axis=None, keepdims=False: _elementwise(sp.log)(_sum(_exp(z), axis=axis, keepdims=keepdims)),
))



def _wrapped(fn):
    return lambda *args, **kwargs: array(fn(*args, **kwargs))


LAX = _StandIn(
    prefix="lax", max=_maximum, erf=_elementwise(sp.erf), add=_elementwise(lambda a, b: a + b),
    full=lambda shape, fill_value, dtype=None: array(np.full(shape, fill_value, dtype=object)),
    pad=_wrapped(lax_semantics.pad), slice=_wrapped(lax_semantics.slice_), rev=_wrapped(lax_semantics.rev),
    reduce_window=_wrapped(lax_semantics.reduce_window),
    conv_general_dilated=_wrapped(lax_semantics.conv_general_dilated),
)

#: The names the library's modules bind that :func:`symbolic` rebinds: the three JAX
#: namespaces to their stand-ins, and ``as_array`` (input validation) to a plain wrap.
REPLACED_GLOBALS = {"jnp": JNP, "jax": JAX, "lax": LAX, "as_array": lambda x, where, what="input": array(x)}
_REAL = {"jnp": jnp, "jax": jax, "lax": lax}


def _leaves(namespace: _StandIn):
    for attribute, value in vars(namespace).items():
        if isinstance(value, _StandIn):
            yield from _leaves(value)
        elif attribute != "prefix":
            yield f"{namespace.prefix}.{attribute}"


def stand_in_names() -> set[str]:
    """Every JAX name the library's symbolic code may use: ``{"jnp.where", "jax.nn.sigmoid", "lax.pad", ...}``.

    Read from :data:`JNP`, :data:`JAX` and :data:`LAX` themselves, so a new stand-in is
    allowed the moment it is written there (``tests/derivations/test_stand_ins.py``
    holds nnfunc to this set).

    >>> {"jnp.where", "jax.nn.softmax", "lax.conv_general_dilated"} <= stand_in_names()
    True
    """
    return {name for namespace in (JNP, JAX, LAX) for name in _leaves(namespace)}


def _resolve(name: str, namespaces: dict):
    first, *rest = name.split(".")
    value = namespaces[first]
    for attribute in rest:
        value = getattr(value, attribute)
    return value


#: The JAX functions the library may store as values (an Activation's ``f``, say): a
#: value is not looked up by name when the code runs, so it is translated by identity.
STORED_AS_VALUES = ("jax.nn.sigmoid", "jax.nn.softplus", "jnp.tanh", "jnp.sin")
_JAX_FUNCTIONS = {id(_resolve(name, _REAL)): _resolve(name, REPLACED_GLOBALS) for name in STORED_AS_VALUES}
_namespaces: dict[int, dict] = {}
_INSTALLED = tuple(Path(p).resolve() for p in {sys.prefix, sys.base_prefix, sys.exec_prefix})


def under_proof(fn) -> bool:
    """Whether :func:`symbolic` reruns ``fn``'s code on symbols: a Python function of nnfunc or
    of a reader's own module (outside the Python installation); never one of the tools (JAX,
    NumPy, SymPy, the standard library, pytest) nor of this package."""
    if not isinstance(fn, types.FunctionType):
        return False
    name = fn.__module__ or ""
    if name == "nnfunc" or name.startswith("nnfunc."):
        return True
    path = getattr(sys.modules.get(name), "__file__", None)
    if path is None or name.split(".")[0] == "derivations":
        return False
    return not any(Path(path).resolve().is_relative_to(prefix) for prefix in _INSTALLED)


def _namespace(module_globals: dict) -> dict:
    """A copy of a module's globals with the stand-ins bound and its own objects converted."""
    key = id(module_globals)
    if key not in _namespaces:
        namespace = _namespaces[key] = dict(module_globals)
        for name, value in module_globals.items():
            namespace[name] = REPLACED_GLOBALS[name] if name in REPLACED_GLOBALS else symbolic(value)
    return _namespaces[key]


def is_jax_function(value) -> bool:
    """Whether ``value`` is a JAX function (or other callable JAX object, not a class)."""
    return callable(value) and not isinstance(value, type) and \
        (getattr(value, "__module__", None) or "").startswith("jax")


def translates(value) -> bool:
    """Whether :func:`symbolic` translates the JAX function ``value`` met as a value (see
    :data:`STORED_AS_VALUES`); any other raises ``NotImplementedError`` when called."""
    return id(value) in _JAX_FUNCTIONS


def _unsupported(fn):
    def raise_(*args, **kwargs):
        raise NotImplementedError(f"derivations.symbolic: no SymPy stand-in for {fn.__module__}.{fn.__name__}")
    return raise_


def symbolic(value):
    """``value`` with every function of nnfunc inside it rebound to compute on SymPy arrays.

    Functions of nnfunc (and of a reader's own modules, see :func:`under_proof`) keep their
    code, defaults and closure (converted); tuples, NamedTuples, lists and dicts are
    converted element by element; everything else is returned as it is.
    """
    if under_proof(value):
        closure = None if value.__closure__ is None else tuple(
            types.CellType(symbolic(cell.cell_contents)) for cell in value.__closure__)
        rebound = types.FunctionType(value.__code__, _namespace(value.__globals__), value.__name__,
                                     value.__defaults__, closure)
        rebound.__kwdefaults__ = value.__kwdefaults__
        return rebound
    if translates(value):
        return _JAX_FUNCTIONS[id(value)]
    if is_jax_function(value):
        return _unsupported(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*map(symbolic, value))
    if isinstance(value, (tuple, list)):
        return type(value)(map(symbolic, value))
    if isinstance(value, dict):
        return {k: symbolic(v) for k, v in value.items()}
    return value


def expression(x) -> sp.Expr:
    """A scalar result of the code (a 0-d or 1-element array, a number) as one SymPy expression."""
    return sp.sympify(x.item() if isinstance(x, np.ndarray) else x)
