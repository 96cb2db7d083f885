"""Starting, stopping and inspecting the geth processes of a local network.

Each node runs in the background in its own session, logs to `nodes/<node>/geth.log` and
records its PID in `nodes/<node>/geth.pid`. A PID counts as ours only while the process behind
it is a geth with that node's data dir on its command line, so `stop` never signals anything
it did not start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psutil
from web3 import IPCProvider, Web3
from web3.exceptions import Web3Exception

from pilotchain.chain.network import HOST, Network, Node, geth_binary, port_is_free
from pilotchain.connection import connect
from pilotchain.errors import ChainError, ConnectionFailed

# Lets one account queue ~1,000 transactions (an orchestration batch) without the pool
# dropping or delaying them; geth's defaults are 16 pending and 64 queued per account.
TXPOOL_FLAGS = [
    "--txpool.accountslots", "2048", "--txpool.accountqueue", "2048",
    "--txpool.globalslots", "8192", "--txpool.globalqueue", "4096",
]
LOG_TAIL_LINES = 3
MAX_SOCKET_PATH = 107  # sun_path of a Unix socket, minus the terminating NUL

# Processes started by this Python process, kept so that they are reaped when they exit.
_children: dict[int, subprocess.Popen] = {}


@dataclass
class NodeStatus:
    name: str
    address: str
    validator: bool
    running: bool
    pid: int | None
    rpc_url: str
    block: int | None
    peers: int | None
    signer: bool


@dataclass
class NetworkStatus:
    dir: str
    chain_id: int
    period: int
    signers: list[str]
    nodes: list[NodeStatus]


def geth_command(net: Network, node: Node) -> list[str]:
    """The command line of a node: loopback only, no discovery, archive state.

    The p2p listen address and static peers are in the node's config.toml.
    """
    data = net.node_dir(node)
    command = [
        str(geth_binary()),
        "--datadir", str(data),
        "--config", str(data / "config.toml"),
        "--networkid", str(net.chain_id),
        "--nodekey", str(data / "nodekey"),
        "--nat", "none", "--nodiscover", "--netrestrict", "127.0.0.0/8",
        "--http", "--http.addr", HOST, "--http.port", str(node.http_port),
        "--http.api", "eth,net,web3,clique,txpool",
        "--authrpc.addr", HOST, "--authrpc.port", str(node.authrpc_port),
        "--ipcpath", str(ipc_path(net, node)),
        # Archive mode writes every block's state at once, so a killed node restarts without
        # having to rewind its head.
        "--syncmode", "full", "--gcmode", "archive", "--cache", "256",
        "--miner.gaslimit", str(net.gas_limit),
        *TXPOOL_FLAGS,
    ]
    if node.validator:
        # Clique signs with the unlocked etherbase once `miner_start` is called (see `start`);
        # --allow-insecure-unlock is geth's consent to unlocking while HTTP RPC is open (on
        # 127.0.0.1, without the personal and miner APIs, which only the IPC socket serves).
        command += [
            "--miner.etherbase", node.address, "--unlock", node.address,
            "--password", str(data / "password"), "--allow-insecure-unlock",
        ]
    return command


def ipc_path(net: Network, node: Node) -> Path:
    """The node's IPC socket (owner-only), through which sealing is switched on."""
    path = net.node_dir(node) / "geth.ipc"
    if len(str(path)) > MAX_SOCKET_PATH:
        raise ChainError(f"the network folder path is too long for geth's IPC socket ({path}); use a shorter --dir")
    return path


def running_pid(net: Network, node: Node) -> int | None:
    """The PID of the node's geth if it is running, else None (a stale PID file is removed)."""
    for child in list(_children.values()):
        if child.poll() is not None:
            del _children[child.pid]
    path = net.pid_path(node)
    try:
        pid = int(path.read_text())
        # A process just launched may not show its command line yet; it is ours regardless.
        process = psutil.Process(pid)
        ours = pid in _children or (
            str(net.node_dir(node)) in process.cmdline() and process.status() != psutil.STATUS_ZOMBIE
        )
    except (FileNotFoundError, ValueError, psutil.Error):
        ours = False
    if not ours:
        path.unlink(missing_ok=True)
        return None
    return pid


def start(net: Network, names: list[str] | None = None, *, timeout: float = 60.0) -> list[Node]:
    """Start the named nodes (default: all) that are not running; wait until each follows the chain.

    Validators begin to seal only once every node started is connected to all running nodes
    and has caught up with those already running: a validator sealing alone after a restart
    forks the chain, and geth resolves such forks only on its 10-second sync cycle.
    Returns the nodes started. If one fails, those started by this call are stopped again.
    """
    selected = [net.node(n) for n in names] if names else net.nodes
    pending = [n for n in selected if running_pid(net, n) is None]
    if not pending:
        return []
    for node in pending:
        for kind, port in node.ports.items():
            if not port_is_free(port):
                raise ChainError(
                    f"port {port} ({node.name} {kind}) is already in use on {HOST}: "
                    "stop whatever listens there, or init the network with another --base-port"
                )
    running = [n for n in net.nodes if n not in pending and running_pid(net, n) is not None]
    target = max((connect(n.rpc_url).eth.block_number for n in running), default=0)
    peers_needed = len(running) + len(pending) - 1
    deadline = time.monotonic() + timeout
    log_offsets: dict[str, int] = {}

    def wait(nodes: list[Node], what: str, ready: Callable[[Web3], bool], until: float = deadline) -> None:
        _wait_for(net, nodes, log_offsets, until, what, ready)

    try:
        for node in pending:
            # One at a time: each node dials the peers already up, and no two nodes dial each
            # other at once (geth then may drop both connections and redial only ~30 s later).
            log_offsets[node.name] = _launch(net, node)
            wait([node], "answer RPC", lambda w3: True)
        wait(pending, "connect to every node and catch up",
             lambda w3: w3.net.peer_count >= peers_needed and w3.eth.block_number >= target)
        try:
            head = min(connect(n.rpc_url).eth.block_number for n in pending)
        except (ConnectionFailed, OSError):  # a node went down just now: report it with its log
            wait(pending, "answer RPC", lambda w3: True)
            head = min(connect(n.rpc_url).eth.block_number for n in pending)
        for node in pending:
            if node.validator:
                try:
                    _ipc(net, node).manager.request_blocking("miner_start", [])
                except (OSError, Web3Exception) as exc:
                    raise ChainError(f"{node.name} did not start sealing: {exc}") from None
        wait(pending, "see a new block", lambda w3: w3.eth.block_number > head)
    except BaseException:
        stop(net, list(log_offsets))
        raise
    return pending


def stop(net: Network, names: list[str] | None = None, *, timeout: float = 20.0) -> list[Node]:
    """Stop the named nodes (default: all): SIGTERM, wait up to `timeout`, then SIGKILL.

    Returns the nodes that were running.
    """
    selected = [net.node(n) for n in names] if names else net.nodes
    processes = {n.name: psutil.Process(pid) for n in selected if (pid := running_pid(net, n)) is not None}
    _halt_sealing(net, [n for n in selected if n.name in processes])
    for process in processes.values():
        process.terminate()
    _, alive = psutil.wait_procs(list(processes.values()), timeout=timeout)
    for process in alive:
        process.kill()
    psutil.wait_procs(alive, timeout=5)
    for node in selected:
        net.pid_path(node).unlink(missing_ok=True)
    for process in processes.values():
        _children.pop(process.pid, None)
    return [n for n in selected if n.name in processes]


def _halt_sealing(net: Network, nodes: list[Node]) -> None:
    """Stop the validators among `nodes` sealing, then give the last block up to one period to
    reach all of `nodes`: a network stopped with its nodes on different heads forks at restart.
    """
    for node in nodes:
        if node.validator:
            try:
                _ipc(net, node).manager.request_blocking("miner_stop", [])
            except (OSError, Web3Exception):
                pass  # not answering: SIGTERM, then SIGKILL, will do
    deadline = time.monotonic() + net.period
    while len(nodes) > 1 and time.monotonic() < deadline:
        try:
            heads = {connect(n.rpc_url, timeout=1).eth.get_block("latest")["hash"] for n in nodes}
        except ConnectionFailed:
            return
        if len(heads) == 1:
            return
        time.sleep(0.1)


def kill(net: Network, name: str) -> None:
    """SIGKILL one node, as a crash would (its PID file stays behind, stale)."""
    pid = running_pid(net, net.node(name))
    if pid is None:
        raise ChainError(f"{name} is not running")
    os.kill(pid, signal.SIGKILL)
    psutil.wait_procs([psutil.Process(pid)], timeout=10)


def status(net: Network) -> NetworkStatus:
    """Each node's process, head, peers and signer role, and the current Clique signer set."""
    signers: list[str] | None = None
    rows = []
    for node in net.nodes:
        pid = running_pid(net, node)
        block = peers = None
        if pid is not None:
            try:
                w3 = connect(node.rpc_url, timeout=3)
                block = w3.eth.block_number
                peers = w3.net.peer_count
                if signers is None:
                    signers = clique_signers(w3)
            except ConnectionFailed:
                pass
        rows.append(NodeStatus(node.name, node.address, node.validator, pid is not None, pid,
                               node.rpc_url, block, peers, False))
    signers = signers or []
    for row in rows:
        row.signer = row.address in signers
    return NetworkStatus(str(net.dir), net.chain_id, net.period, signers, rows)


def clique_signers(w3) -> list[str]:
    """The current signer set (checksummed addresses) as the node sees it."""
    return [w3.to_checksum_address(a) for a in w3.manager.request_blocking("clique_getSigners", ["latest"])]


def log_excerpt(path: Path, offset: int = 0, lines: int = LOG_TAIL_LINES) -> str:
    """What a log says went wrong after `offset`, as one line: geth's `Fatal:` or `panic:`
    line if there is one, else the last non-empty lines joined by " | "."""
    try:
        with open(path, "rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    fatal = [line for line in kept if line.startswith(("Fatal:", "panic:"))]
    return " | ".join(fatal[:1] or kept[-lines:])


def _launch(net: Network, node: Node) -> int:
    """Start the node's geth; return the offset in its log where this run's output begins."""
    with open(net.log_path(node), "ab") as log:
        offset = log.tell()
        process = subprocess.Popen(
            geth_command(net, node),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal does not reach the nodes
        )
    _children[process.pid] = process
    net.pid_path(node).write_text(f"{process.pid}\n")
    return offset


def _ipc(net: Network, node: Node) -> Web3:
    """The node's IPC connection, which alone serves the miner API."""
    return Web3(IPCProvider(ipc_path(net, node), timeout=10))


def _wait_for(net: Network, nodes: list[Node], log_offsets: dict[str, int], deadline: float,
              what: str, ready: Callable[[Web3], bool]) -> None:
    """Poll until `ready(web3 of the node)` holds for every node.

    A node that exits is a `ChainError` quoting its log, and so is passing the deadline.
    """
    waiting = list(nodes)
    while waiting:
        for node in list(waiting):
            if running_pid(net, node) is None:
                excerpt = log_excerpt(net.log_path(node), log_offsets[node.name])
                raise ChainError(f"{node.name} exited at start; {net.log_path(node)} says: {excerpt}")
            try:
                if ready(connect(node.rpc_url, timeout=2)):
                    waiting.remove(node)
            except (ConnectionFailed, OSError):  # not up yet, or went down while asked (requests'
                continue  # errors are OSErrors); the next round tells which
        if not waiting:
            return
        if time.monotonic() > deadline:
            first = waiting[0]
            excerpt = log_excerpt(net.log_path(first), log_offsets[first.name])
            raise ChainError(
                f"{', '.join(n.name for n in waiting)} did not {what} in time (are enough validators "
                f"running?); {net.log_path(first)} ends: {excerpt}"
            )
        time.sleep(0.2)
