"""Test session set-up: float64 everywhere, asserted, so gradients are compared exactly."""
import jax
import pytest

jax.config.update("jax_enable_x64", True)


@pytest.fixture(autouse=True)
def _x64_is_on():
    assert jax.config.jax_enable_x64, "the gradient tests need float64 (jax_enable_x64)"
    yield


# Hypothesis explores shapes and seeds; derandomized so that CI sees the same examples
# on every run (a failure is reproducible, never a flake), with no per-example deadline
# because the first call of each shape includes JAX's compilation.
from hypothesis import settings  # noqa: E402

settings.register_profile("nnfunc", derandomize=True, deadline=None, max_examples=25)
settings.load_profile("nnfunc")
