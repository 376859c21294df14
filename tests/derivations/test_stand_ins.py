"""nnfunc's symbolic code uses only JAX names that derivations/symbolic.py can translate.

The derivations rerun the library's own functions on SymPy symbols, with ``jnp``,
``jax`` and ``lax`` bound to stand-ins (see :mod:`derivations.symbolic`).  A JAX name
without a stand-in is otherwise found only when a proof runs.  Here it is found
statically: starting from every registered layer, activation and loss, and from
``nf.backprop``, the test follows what their code refers to (module globals that are
nnfunc functions or NamedTuples of them, nested functions) but never enters an
``init`` (run only on real arrays), nor a name the derivations rebind (``as_array``).
In each function reached, every ``jnp.X``, ``jax.X.Y`` or ``lax.X`` must have a stand-in;
a JAX function reached as a value (an Activation's ``f``) must be one the derivations
translate by identity; JAX bound under any other name is an error.
"""
import ast
import types
from functools import cache
from pathlib import Path

import jax
import jax.numpy as jnp
import jax.numpy as numpy_of_jax  # planted below: JAX under a name the derivations do not rebind
import pytest
from jax import lax

import nnfunc as nf
from derivations import symbolic
from derivations.symbolic import (
    REPLACED_GLOBALS, STORED_AS_VALUES, is_jax_function, stand_in_names, translates, under_proof,
)

NAMESPACES = ("jnp", "jax", "lax")
REPOSITORY = Path(nf.__file__).resolve().parents[1]
ROOTS = {
    **{f"nf.LAYERS[{n!r}]": v for n, v in nf.LAYERS.items()},
    **{f"nf.ACTIVATIONS[{n!r}]": v for n, v in nf.ACTIVATIONS.items()},
    **{f"nf.LOSSES[{n!r}]": v for n, v in nf.LOSSES.items()},
    "nf.backprop": nf.backprop,  # the delta-rule derivations run it on symbols
}
HOW = ("has no SymPy stand-in in derivations/symbolic.py: add one to JNP, JAX or LAX there (with a test in "
       "tests/derivations comparing it to JAX), or write it with names that have one "
       '(README "Adding a layer", step 5)')


def shown(fn) -> str:
    """``fn``'s name as the library would write it: ``jax.nn.sigmoid``, ``jnp.tanh``, ``lax.pad``."""
    for prefix, namespace in (("jnp", jnp), ("jax.nn", jax.nn), ("lax", lax)):
        if getattr(namespace, getattr(fn, "__name__", ""), None) is fn:
            return f"{prefix}.{fn.__name__}"
    return f"{fn.__module__}.{getattr(fn, '__qualname__', fn)}"


def functions_in(value) -> list:
    """The functions a value holds: itself, or the fields of a NamedTuple (an Activation, a Loss)."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return [v for v in value if callable(v)]
    return [value] if callable(value) and not isinstance(value, type) else []


def reached(roots: dict):
    """Walk the code the derivations may run, as :func:`derivations.symbolic.symbolic` would rebind it.

    Returns ``(code, module globals)`` of every function reached, and one line per JAX object
    reached that the derivations cannot translate."""
    problems, seen, stack = [], set(), []

    def visit(value, where):
        for fn in functions_in(value):
            if under_proof(fn):
                stack.append((fn.__code__, fn.__globals__))
            elif is_jax_function(fn) and not translates(fn):
                problems.append(f"{where} holds {shown(fn)}, a JAX function stored as a value: derivations/"
                                f"symbolic.py translates only {', '.join(STORED_AS_VALUES)} that way; add its "
                                "name to STORED_AS_VALUES there (it needs a stand-in as well), or call it in a "
                                "lambda")

    for where, root in roots.items():
        visit(root, where)
    codes = []
    while stack:
        code, module_globals = stack.pop()
        if code in seen:
            continue
        seen.add(code)
        codes.append((code, module_globals))
        stack.extend((c, module_globals) for c in code.co_consts
                     if isinstance(c, types.CodeType) and c.co_name != "init")
        for name in code.co_names:
            if name in REPLACED_GLOBALS or name not in module_globals:
                continue
            value = module_globals[name]
            where = f"{module_globals['__name__']}.{name} (used by {code.co_qualname})"
            if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] == "jax":
                problems.append(f"{where} is the JAX module {value.__name__} under a name the derivations do "
                                f"not rebind; import it as one of {', '.join(NAMESPACES)}")
            else:
                visit(value, where)
    return codes, problems


@cache
def definitions(filename: str) -> dict:
    """``(first line, name) -> [function or lambda nodes]`` of one source file."""
    out = {}
    for node in ast.walk(ast.parse(Path(filename).read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            out.setdefault((first, node.name), []).append(node)
        elif isinstance(node, ast.Lambda):
            out.setdefault((node.lineno, "<lambda>"), []).append(node)
    return out


def jax_names(node) -> list[tuple[str, int]]:
    """``(dotted name, line)`` of every ``jnp``/``jax``/``lax`` reference in a function's own body
    (not in functions nested in it: those are reached on their own)."""
    found = []

    def walk(child):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return
        name = dotted(child)
        if name and name.split(".")[0] in NAMESPACES:
            found.append((name, child.lineno))
            return
        for grandchild in ast.iter_child_nodes(child):
            walk(grandchild)

    for statement in [node.body] if isinstance(node, ast.Lambda) else node.body:
        walk(statement)
    return found


def dotted(node) -> str | None:
    """``jax.nn.sigmoid`` for the expression ``jax.nn.sigmoid``; None for anything but a dotted name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    return ".".join([node.id, *parts]) if isinstance(node, ast.Name) else None


def violations(roots: dict) -> list[str]:
    """Every JAX name reached from ``roots`` that the derivations cannot translate, one line each."""
    allowed = stand_in_names()
    codes, problems = reached(roots)
    for code, _ in codes:
        if code.co_name.startswith("<") and code.co_name != "<lambda>":
            continue  # a comprehension: its text is in the function around it
        path = Path(code.co_filename)
        shown_path = path.relative_to(REPOSITORY) if path.is_relative_to(REPOSITORY) else path
        for node in definitions(code.co_filename).get((code.co_firstlineno, code.co_name), []):
            problems += [f"{shown_path}:{line} in {code.co_qualname}: {name} {HOW}"
                         for name, line in jax_names(node) if name not in allowed]
    return sorted(set(problems))


def test_the_library_calls_only_jax_names_with_a_sympy_stand_in():
    problems = violations(ROOTS)
    assert not problems, "\n".join(problems)


def test_the_walk_reaches_every_forward_and_backward_but_no_init():
    codes, _ = reached(ROOTS)
    names = {code.co_qualname for code, _ in codes}
    assert {"dense.<locals>.backward", "conv.<locals>.backward", "serial.<locals>.backward",
            "_pool.<locals>.backward", "flatten.<locals>.backward", "elementwise.<locals>.backward",
            "row_layer.<locals>.backward", "softmax.<locals>.route", "log_softmax.<locals>.route",
            "backprop.<locals>.value_and_grad", "scatter", "_sce_grad"} <= names
    assert not any(name.endswith("init") for name in names)
    assert "as_array" not in names  # rebound by the derivations, never run on symbols


def _square_backward():
    def backward(params, cache, delta):
        return {}, delta * jnp.square(cache)
    return backward


def _backward_through_another_name(params, cache, delta):
    return {}, delta * numpy_of_jax.tanh(cache)


def test_a_backward_calling_a_function_without_stand_in_is_named():
    [problem] = violations({"planted": nf.Layer(None, None, _square_backward())})
    assert problem.startswith("tests/derivations/test_stand_ins.py:")
    assert "in _square_backward.<locals>.backward: jnp.square has no SymPy stand-in" in problem
    assert "step 5" in problem


def test_a_new_stand_in_is_allowed_at_once(monkeypatch):
    monkeypatch.setitem(vars(symbolic.JNP), "square", lambda x: x * x)
    assert "jnp.square" in stand_in_names()
    assert violations({"planted": nf.Layer(None, None, _square_backward())}) == []


def test_an_untranslated_jax_function_stored_as_a_value_is_named():
    act = nf.Activation("erf", jax.scipy.special.erf, lambda z, a: a)
    [problem] = violations({"an erf activation": act})
    assert problem.startswith("an erf activation holds ") and "erf, a JAX function stored as a value" in problem
    assert "STORED_AS_VALUES" in problem


def test_jax_under_another_name_is_named():
    [problem] = violations({"planted": _backward_through_another_name})
    assert problem.startswith(f"{__name__}.numpy_of_jax (used by _backward_through_another_name) is the JAX "
                              "module jax.numpy")


@pytest.mark.parametrize("name", STORED_AS_VALUES)
def test_every_value_translated_has_a_stand_in(name):
    assert name in stand_in_names()
    first, *rest = name.split(".")
    real = {"jnp": jnp, "jax": jax, "lax": lax}[first]
    for attribute in rest:
        real = getattr(real, attribute)
    assert translates(real) and shown(real) == name


def test_erf_sqrt_and_pi_stand_ins_agree_with_jax():
    """The stand-ins GELU needs, evaluated at numbers, against JAX's own."""
    from derivations.symbolic import JNP, LAX
    points = [-2.5, -0.3, 0.0, 0.7, 3.1]
    assert [float(v) for v in LAX.erf(points)] == pytest.approx(lax.erf(jnp.array(points)).tolist(), rel=1e-14)
    assert [float(v) for v in JNP.sqrt([2, 0.5])] == pytest.approx(jnp.sqrt(jnp.array([2, 0.5])).tolist(), rel=1e-15)
    assert float(JNP.pi) == jnp.pi
