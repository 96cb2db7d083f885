"""Deploy the pilotchain suite: `brownie run scripts/deploy.py --network <network>`.

Idempotent: a second run on the same chain sends no transaction and says so. The record is
written to .pilotchain/deployments/<chain id>.json.
"""

from brownie import accounts, network, web3

from pilotchain.deploy import deploy_with_brownie


def main():
    return deploy_with_brownie(network.show_active(), web3, accounts)
