"""The library stays readable in small pieces: no file of nnfunc/ over 300 lines, no function over 60.

A function's length is its body without the docstring, nested functions included (a
layer constructor holds its init, forward and backward).  When this fails, split the
file by idea or the function into named steps; do not raise the limits.
"""
import ast
from pathlib import Path

import pytest

LIBRARY = Path(__file__).resolve().parents[1] / "nnfunc"
MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60


def body_lines(function: ast.FunctionDef) -> int:
    """Lines from the first statement after the docstring to the function's last line."""
    body = function.body
    has_docstring = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
        and isinstance(body[0].value.value, str)
    if has_docstring and len(body) == 1:
        return 0
    first = body[1] if has_docstring else body[0]
    return function.end_lineno - first.lineno + 1


def long_functions(source: str, limit: int) -> list[tuple[str, int, int]]:
    """``(name, line, length)`` of every function in ``source`` whose body is over ``limit`` lines."""
    return [(node.name, node.lineno, body_lines(node)) for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and body_lines(node) > limit]


MODULES = sorted(LIBRARY.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(LIBRARY.parent)))
def test_file_and_functions_are_short(path):
    source = path.read_text(encoding="utf-8")
    lines = len(source.splitlines())
    assert lines <= MAX_FILE_LINES, f"{path.relative_to(LIBRARY.parent)} has {lines} lines (at most " \
        f"{MAX_FILE_LINES}): split it by idea"
    too_long = long_functions(source, MAX_FUNCTION_LINES)
    assert not too_long, "; ".join(f"{path.relative_to(LIBRARY.parent)}:{line} {name} has a {n}-line body "
                                   f"(at most {MAX_FUNCTION_LINES})" for name, line, n in too_long)


def test_a_long_function_is_found_and_its_docstring_not_counted():
    statements = "\n".join(f"    x{i} = {i}" for i in range(61))
    source = f'def long():\n    """Doc\n\n    more doc.\n    """\n{statements}\n'
    assert long_functions(source, 60) == [("long", 1, 61)]
    assert long_functions(source, 61) == []
    assert body_lines(ast.parse('def f():\n    """Only a docstring."""\n').body[0]) == 0
