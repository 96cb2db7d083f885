import pytest


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    """Every contract test starts from the module's deployment and is rolled back after."""
