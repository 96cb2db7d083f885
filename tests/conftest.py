"""Shared pytest setup: every module in tests/fixtures/ is a fixture plugin.

Contract tests (tests/unit) run under `brownie test --network pilot-anvil|pilot-ganache`;
integration tests (tests/integration) run under plain pytest against their own geth network.
"""

from pathlib import Path

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in Path(__file__).parent.joinpath("fixtures").glob("*.py")
    if path.stem != "__init__"
)
