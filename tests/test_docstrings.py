"""Every example in the library's docstrings runs and prints what it claims."""
import doctest
import importlib
import pkgutil

import pytest

import nnfunc

MODULES = sorted(m.name for m in pkgutil.walk_packages(nnfunc.__path__, "nnfunc."))


@pytest.mark.parametrize("name", ["nnfunc", *MODULES])
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_every_public_function_has_a_docstring():
    missing = [name for name in nnfunc.__all__
               if callable(getattr(nnfunc, name)) and not (getattr(nnfunc, name).__doc__ or "").strip()]
    assert not missing, f"public names without a docstring: {missing}"
