"""Test session set-up: float64 everywhere, asserted, so gradients are compared exactly."""
import jax
import pytest

jax.config.update("jax_enable_x64", True)


@pytest.fixture(autouse=True)
def _x64_is_on():
    assert jax.config.jax_enable_x64, "the gradient tests need float64 (jax_enable_x64)"
    yield
