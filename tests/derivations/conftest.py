"""The derivations, run once for every test of this folder that reads them (about a minute)."""
import pytest

import derivations


@pytest.fixture(scope="session")
def all_derivations():
    """Every derivation of every section, in registry order."""
    return derivations.run()
