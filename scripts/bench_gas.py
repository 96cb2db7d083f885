"""Gas benchmark: `brownie run scripts/bench_gas.py --network pilot-anvil` (or `make gas`)."""

from brownie import accounts, network, project

from pilotchain.bench import gas


def main():
    gas.run(project.get_loaded_projects()[0], accounts, network.show_active())
