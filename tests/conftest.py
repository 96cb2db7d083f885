"""Shared pytest setup: every module in tests/fixtures/ is a fixture plugin.

Contract tests (tests/unit) run under `brownie test --network pilot-anvil|pilot-ganache`;
integration tests (tests/integration) run under plain pytest against their own geth network.
"""

from pathlib import Path

from pilotchain.devtools import brownie_dropped_tx

# Brownie 1.22.2 declares a transaction mined on a loaded anvil "dropped without known
# replacement" (its wait loop sees the nonce before anvil serves the receipt): see the module.
brownie_dropped_tx.install()

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in Path(__file__).parent.joinpath("fixtures").glob("*.py")
    if path.stem != "__init__"
)
