"""The local proof-of-authority network: several geth 1.13 validators sealing by Clique on loopback.

`init_network` creates a network folder, `start`/`stop`/`status` manage its processes,
`add_validator`/`remove_validator` change the signer set by Clique vote, `operator_account`
gives scripts the keystore and password of the prefunded deployer and operators, and
`sealing_record` counts double seals and reorgs in the nodes' logs. `init_topology` and
`join_bundle` spread a network over several hosts (one bundle per host).

`start` logs a warning on the `pilotchain.chain` logger when it recovers a stalled head; like
any library it prints nothing unless the application configures logging.
"""

import logging

from pilotchain.chain.clique import add_validator, remove_validator
from pilotchain.chain.network import (
    DEFAULT_DIR,
    Network,
    Node,
    free_base_port,
    init_network,
    network_dir,
    operator_account,
)
from pilotchain.chain.nodes import (
    NetworkStatus,
    NodeStatus,
    SealingRecord,
    clique_signers,
    kill,
    log_sizes,
    sealing_order,
    sealing_record,
    start,
    status,
    stop,
)
from pilotchain.chain.seal import block_signer, raw_block, raw_blocks, recent_sealers
from pilotchain.chain.topology import init_topology, join_bundle, load_topology

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_DIR",
    "Network",
    "NetworkStatus",
    "Node",
    "NodeStatus",
    "SealingRecord",
    "add_validator",
    "block_signer",
    "clique_signers",
    "free_base_port",
    "init_network",
    "init_topology",
    "join_bundle",
    "load_topology",
    "kill",
    "log_sizes",
    "network_dir",
    "operator_account",
    "raw_block",
    "raw_blocks",
    "recent_sealers",
    "remove_validator",
    "sealing_order",
    "sealing_record",
    "start",
    "status",
    "stop",
]
