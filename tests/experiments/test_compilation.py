"""JAX's persistent compilation cache: its directory from the environment, off on request; the compile clock."""
import doctest
from pathlib import Path

from experiments import compilation


def test_cache_dir_from_the_environment(tmp_path):
    assert compilation.cache_dir({}) == Path(compilation.DEFAULT_CACHE_DIR).expanduser()
    assert compilation.cache_dir({"NNFUNC_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert compilation.cache_dir({"NNFUNC_CACHE_DIR": "OFF"}) is None
    assert compilation.enable_cache(None) is None


def test_docstring_examples():
    result = doctest.testmod(compilation)
    assert result.attempted > 0 and result.failed == 0
