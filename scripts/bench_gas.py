"""Gas benchmark: `make gas` (= `brownie run scripts/bench_gas.py --network pilot-anvil`, or the ANVIL_NETWORK given)."""

from brownie import accounts, network, project

from pilotchain.bench import gas
from pilotchain.devtools import brownie_dropped_tx


def main():
    brownie_dropped_tx.install()  # Brownie's false "Tx dropped" on a loaded anvil (see the module)
    gas.run(project.get_loaded_projects()[0], accounts, network.show_active())
