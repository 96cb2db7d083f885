"""The local proof-of-authority network: several geth 1.13 validators sealing by Clique on loopback.

`init_network` creates a network folder, `start`/`stop`/`status` manage its processes,
`add_validator`/`remove_validator` change the signer set by Clique vote, and `operator_account`
gives scripts the keystore and password of the prefunded deployer and operators.
"""

from pilotchain.chain.clique import add_validator, block_signer, raw_block, remove_validator
from pilotchain.chain.network import (
    DEFAULT_DIR,
    Network,
    Node,
    free_base_port,
    init_network,
    network_dir,
    operator_account,
)
from pilotchain.chain.nodes import NetworkStatus, NodeStatus, clique_signers, kill, start, status, stop

__all__ = [
    "DEFAULT_DIR",
    "Network",
    "NetworkStatus",
    "Node",
    "NodeStatus",
    "add_validator",
    "block_signer",
    "clique_signers",
    "free_base_port",
    "init_network",
    "kill",
    "network_dir",
    "operator_account",
    "raw_block",
    "remove_validator",
    "start",
    "status",
    "stop",
]
