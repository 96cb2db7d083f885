"""Starting, stopping and inspecting the geth processes of a local network.

Each node runs in the background in its own session, logs to `nodes/<node>/geth.log` and
records its PID in `nodes/<node>/geth.pid`. A PID counts as ours only while the process behind
it is a geth with that node's data dir on its command line, so `stop` never signals anything
it did not start.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psutil
from web3 import IPCProvider, Web3
from web3._utils.threads import Timeout as IpcTimeout  # what IPCProvider raises when no answer comes
from web3.exceptions import Web3Exception

from pilotchain.chain.network import MAX_VALIDATORS, Network, Node, dialled_peers, geth_binary, port_is_free
from pilotchain.chain.seal import recent_sealers
from pilotchain.connection import connect
from pilotchain.errors import ChainError, ChainStalled, ConnectionFailed

# Lets one account queue ~1,000 transactions (an orchestration batch) without the pool
# dropping or delaying them; geth's defaults are 16 pending and 64 queued per account.
TXPOOL_FLAGS = [
    "--txpool.accountslots", "2048", "--txpool.accountqueue", "2048",
    "--txpool.globalslots", "8192", "--txpool.globalqueue", "4096",
]
LOG_TAIL_LINES = 3
MAX_SOCKET_PATH = 107  # sun_path of a Unix socket, minus the terminating NUL
# Clique delays an out-of-turn seal by a random 0 to (signers / 2 + 1) x 500 ms: at most 2 s for
# the 7 validators a network may have.
MAX_WIGGLE_S = (MAX_VALIDATORS // 2 + 1) * 0.5
# A head that no node moves for this many block periods (plus the wiggle) has stalled.
STALL_PERIODS = 4
# How far past the head at start every node must get before `start` returns: the start race
# happens at head + 1, and the deadlock it can cause shows as nobody sealing head + 2.
PROOF_BLOCKS = 2
# `status` gives each validator's share of this many latest blocks.
SHARE_WINDOW = 100

log = logging.getLogger(__name__)

# Processes started by this Python process, kept so that they are reaped when they exit.
_children: dict[int, subprocess.Popen] = {}


@dataclass
class NodeStatus:
    name: str
    address: str
    validator: bool
    running: bool  # its process runs here, or (a node of another host) it answers on its RPC address
    pid: int | None  # of a process on this host
    rpc_url: str
    block: int | None
    peers: int | None
    signer: bool  # in the current Clique signer set
    host: str = ""
    lag: int | None = None  # blocks behind the highest head any node reports
    sealing: bool | None = None  # sealing switched on (eth_mining)
    share: float | None = None  # its part of the last `SHARE_WINDOW` blocks, 0-1
    since_sealed_s: float | None = None  # since the newest of them it sealed (None: none of them)


@dataclass
class NetworkStatus:
    dir: str
    chain_id: int
    period: int
    signers: list[str]
    nodes: list[NodeStatus]


def geth_command(net: Network, node: Node) -> list[str]:
    """The command line of a node: its own address only, no discovery, archive state.

    The p2p listen address and static peers are in the node's config.toml.
    """
    data = net.node_dir(node)
    command = [
        str(geth_binary()),
        "--datadir", str(data),
        "--config", str(data / "config.toml"),
        "--networkid", str(net.chain_id),
        "--nodekey", str(data / "nodekey"),
        "--nat", "none", "--nodiscover", "--netrestrict", net.netrestrict,
        "--http", "--http.addr", node.host, "--http.port", str(node.http_port),
        "--http.api", "eth,net,web3,clique,txpool",
        "--authrpc.addr", node.host, "--authrpc.port", str(node.authrpc_port),
        "--ipcpath", str(ipc_path(net, node)),
        # Archive mode writes every block's state at once, so a killed node restarts without
        # having to rewind its head.
        "--syncmode", "full", "--gcmode", "archive", "--cache", "256",
        "--miner.gaslimit", str(net.gas_limit),
        *TXPOOL_FLAGS,
    ]
    if node.metrics_port is not None:
        # Prometheus scrapes /debug/metrics/prometheus here (see the README).
        command += ["--metrics", "--metrics.addr", node.host, "--metrics.port", str(node.metrics_port)]
    if node.validator:
        # Clique signs with the unlocked etherbase once `miner_start` is called (see `start`);
        # --allow-insecure-unlock is geth's consent to unlocking while HTTP RPC is open (on
        # the node's own address, without the personal and miner APIs, which only the IPC socket serves).
        command += [
            "--miner.etherbase", node.address, "--unlock", node.address,
            "--password", str(data / "password"), "--allow-insecure-unlock",
            "--miner.recommit", f"{recommit_interval(net):g}s",
        ]
    return command


def recommit_interval(net: Network) -> float:
    """Seconds between geth's rebuilds of the block a validator is sealing: longer than a block
    interval can last (period + out-of-turn wiggle) plus a second.

    geth rebuilds that block every --miner.recommit (default 2 s) while transactions arrive;
    when the rebuild lands as the first seal fires, both are sealed and the validator signs two
    blocks at one height (seen at a 2 s period in 3 of 26 runs of 1,000 transactions). A new
    head restarts the timer, so with this interval a rebuild never meets a pending seal; the
    cost is that a transaction arriving after a head was built waits for the next block, which
    it did anyway whenever the rebuild came too late for the seal.
    """
    return net.period + MAX_WIGGLE_S + 1


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
    """Start the named nodes (default: all) that are not running; return once the chain grows.

    Validators begin to seal only once every node started is connected to all running nodes
    and has caught up with those already running: a validator sealing alone after a restart
    forks the chain, and geth resolves such forks only on its 10-second sync cycle. They begin
    in the order of `sealing_order`. `start` returns once every running node has passed the
    highest head a started node came back with by `PROOF_BLOCKS`; a head that stops moving is
    recovered (see `_until_grown`), else `ChainStalled` says in one line what happened and what
    to do. With every named node already running, it only checks that the chain grows (and
    recovers it if not).
    Returns the nodes started. If one fails, those started by this call are stopped again.
    """
    selected = [net.node(n) for n in names] if names else net.nodes
    pending = [n for n in selected if running_pid(net, n) is None]
    log_offsets: dict[str, int] = {}
    if not pending:
        running = [n for n in net.nodes if running_pid(net, n) is not None]
        if running:
            head = max(_head(n) for n in running)
            _until_grown(net, running, head + 1, log_offsets, timeout)
        return []
    for node in pending:
        for kind, port in node.ports.items():
            if not port_is_free(port, node.host):
                raise ChainError(
                    f"port {port} ({node.name} {kind}) is already in use on {node.host}: "
                    "stop whatever listens there, or init the network with another --base-port"
                )
    running = [n for n in net.nodes if n not in pending and running_pid(net, n) is not None]
    target = max((_head(n) for n in running), default=0)
    peers_needed = len(running) + len(pending) - 1
    deadline = time.monotonic() + timeout

    def wait(nodes: list[Node], what: str, ready: Callable[[Web3], bool], until: float = deadline) -> None:
        _wait_for(net, nodes, log_offsets, until, what, ready)

    try:
        for node in pending:
            # One at a time, in the network file's order: each node dials those before it
            # (`dialled_peers`), which are up by then.
            log_offsets[node.name] = _launch(net, node)
            wait([node], "answer RPC", lambda w3: True)
        wait(pending, "connect to every node and catch up",
             lambda w3: w3.net.peer_count >= peers_needed and w3.eth.block_number >= target)
        # The highest head: after a SIGKILL a node may come back blocks behind the others, and
        # with fewer than five peers geth syncs it only on its 10-second cycle.
        try:
            head = max(_head(n) for n in pending)
        except (ConnectionFailed, OSError):  # a node went down just now: report it with its log
            wait(pending, "answer RPC", lambda w3: True)
            head = max(_head(n) for n in pending)
        try:
            _start_sealing(net, sealing_order(net, [n for n in pending if n.validator], head))
        except ChainError:  # a node went down while asked: report it with its log if so
            wait(pending, "answer RPC", lambda w3: True)
            raise
        _until_grown(net, running + pending, head + PROOF_BLOCKS, log_offsets, timeout)
    except BaseException:
        stop(net, list(log_offsets))
        raise
    return pending


def join(net: Network, nodes: list[Node], *, timeout: float = 120.0) -> list[Node]:
    """Start `nodes`, the ones this host runs of a network spread over hosts, and switch their
    sealing on; return once each has passed the head it started from by `PROOF_BLOCKS`.

    The multi-host form of `start`: the other hosts are out of reach, so each node waits for one
    peer and for its sync to finish, and a validator that is the in-turn signer of head + 1
    switches sealing on only once every other validator that answers on its RPC address seals
    (`eth_mining`), up to a stall's time; the start race of `sealing_order` is the same across
    hosts. A head that stops moving is recovered as in `start` (sealing restarted, then every
    peer re-dialled). Returns the nodes started; those already running are only checked.
    """
    pending = [n for n in nodes if running_pid(net, n) is None]
    for node in pending:
        for kind, port in node.ports.items():
            if not port_is_free(port, node.host):
                raise ChainError(f"port {port} ({node.name} {kind}) is already in use on {node.host}")
    log_offsets: dict[str, int] = {}
    deadline = time.monotonic() + timeout
    peers_needed = min(1, len(net.nodes) - len(nodes))
    try:
        for node in pending:
            log_offsets[node.name] = _launch(net, node)
            _wait_for(net, [node], log_offsets, deadline, "answer RPC", lambda w3: True)
        target = max(_heads_elsewhere(net, nodes), default=0)
        _wait_for(net, nodes, log_offsets, deadline, "connect to a peer and catch up",
                  lambda w3: w3.net.peer_count >= peers_needed and w3.eth.block_number >= target)
        head = min(_head(n) for n in nodes)
        for node in sealing_order(net, [n for n in nodes if n.validator], head):
            if node is _in_turn(net, [node], head):
                _await_other_sealers(net, node, time.monotonic() + stall_seconds(net))
            _ipc_call(net, node, "miner_start")
        _until_grown(net, nodes, head + PROOF_BLOCKS, log_offsets, timeout, reconnect=_redial)
    except BaseException:
        stop(net, list(log_offsets))
        raise
    return pending


def _heads_elsewhere(net: Network, nodes: list[Node]) -> list[int]:
    """The heads of the network's other nodes that answer on their RPC address now (geth's
    eth_syncing is no help here: at genesis it reports a sync in progress, and a node just
    connected may report none before its first sync begins)."""
    heads = []
    for other in net.nodes:
        if other not in nodes:
            try:
                heads.append(connect(other.rpc_url, timeout=1).eth.block_number)
            except (ConnectionFailed, OSError, Web3Exception):
                continue
    return heads


def _in_turn(net: Network, validators: list[Node], head: int) -> Node | None:
    """The one of `validators` that is the in-turn signer of head + 1, if any."""
    signers = _sorted_signers(net, validators, head)
    in_turn = signers[(head + 1) % len(signers)].lower() if signers else None
    return next((n for n in validators if n.address.lower() == in_turn), None)


def _await_other_sealers(net: Network, node: Node, until: float) -> None:
    """Wait until every other validator that answers on its RPC address reports sealing, or `until`."""
    others = [n for n in net.validators if n is not node]
    while time.monotonic() < until:
        answers = []
        for other in others:
            try:
                answers.append(sealing(connect(other.rpc_url, timeout=1)))
            except (ConnectionFailed, OSError, Web3Exception):
                continue
        if all(answers):
            return
        time.sleep(0.2)


def _redial(net: Network, nodes: list[Node], log_offsets: dict[str, int], deadline: float) -> None:
    """Drop every peer of `nodes` and dial again the ones they dial (see `_reconnect`: the
    handshake announces the real total difficulty); the others, on hosts out of reach, dial
    them again on their own."""
    for node in nodes:
        for other in net.nodes:
            if other is not node:
                _ipc_call(net, node, "admin_removePeer", node.enode_for(other))
        for other in dialled_peers(net, node):
            _ipc_call(net, node, "admin_addPeer", node.enode_for(other))
    _wait_for(net, nodes, log_offsets, deadline, "reconnect to a peer",
              lambda w3: w3.net.peer_count >= min(1, len(net.nodes) - len(nodes)))


def sealing_order(net: Network, validators: list[Node], head: int) -> list[Node]:
    """`validators` in the order to switch sealing on when the chain is at `head`: the in-turn
    signer of head + 1 (`signers[(head + 1) % n]`, signers sorted as Clique sorts them) last.

    A node discards propagated blocks until it counts itself synced, which for a validator
    happens at `miner_start` (geth 1.13 eth/handler.go). If the in-turn signer seals head + 1 at
    once, before the others listen, each of them seals its own head + 1 out of turn; a received
    block credits its sender only with the parent's total difficulty, so no one ever syncs the
    heavier block, and "signed recently" forbids everyone head + 2: the chain stalls for good.
    With the others sealing first, they all accept the in-turn block (1 stall in 9 fresh starts
    before this order, 0 in 30 with it).
    """
    signers = _sorted_signers(net, validators, head)
    if not signers:
        return list(validators)
    in_turn = signers[(head + 1) % len(signers)]
    return sorted(validators, key=lambda n: n.address.lower() == in_turn.lower())


def _sorted_signers(net: Network, validators: list[Node], head: int) -> list[str]:
    """The signer set at `head` as any of `validators` reports it, ascending as Clique keeps it."""
    for node in validators:
        try:
            signers = connect(node.rpc_url, timeout=3).manager.request_blocking("clique_getSigners", [hex(head)])
        except (ConnectionFailed, OSError, Web3Exception):
            continue
        return sorted(signers, key=lambda a: int(a, 16))
    return []


def _start_sealing(net: Network, validators: list[Node]) -> None:
    for node in validators:
        _ipc_call(net, node, "miner_start")


def _ipc_call(net: Network, node: Node, method: str, *params):
    try:
        return _ipc(net, node).manager.request_blocking(method, list(params))
    except (OSError, Web3Exception, IpcTimeout) as exc:  # IpcTimeout: the node died while asked
        raise ChainError(f"{node.name} did not answer {method}: {exc}") from None


def _until_grown(net: Network, nodes: list[Node], target: int, log_offsets: dict[str, int], timeout: float,
                 *, reconnect: Callable | None = None) -> None:
    """Wait until every node in `nodes` has block `target`. A head that stops moving is met
    with each remedy in turn (`_restart_sealing`, then `reconnect`, by default `_reconnect`);
    `ChainStalled` if none helps.
    """
    remedies = [("restarting sealing", _restart_sealing)]
    if reconnect is not None:
        remedies.append(("re-dialling the peers", reconnect))
    elif len(nodes) > 1:
        remedies.append(("re-connecting the peers", _reconnect))
    tried: list[str] = []
    while True:
        try:
            _await_head(net, nodes, target, log_offsets, time.monotonic() + timeout)
            return
        except _Stalled as stalled:
            if len(tried) == len(remedies):
                raise ChainStalled(_stall_message(net, nodes, stalled, tried)) from None
            name, remedy = remedies[len(tried)]
            log.warning("the head stopped moving (%s); %s", stalled, name)
            remedy(net, nodes, log_offsets, time.monotonic() + timeout)
            tried.append(name)


class _Stalled(Exception):
    def __init__(self, heads: dict[str, int], seconds: float):
        super().__init__(f"heads {heads} unchanged for {seconds:.0f} s")
        self.heads = heads
        self.seconds = seconds


def stall_seconds(net: Network) -> float:
    """How long no node's head may stay put before the chain counts as stalled."""
    return STALL_PERIODS * net.period + MAX_WIGGLE_S


def _await_head(net: Network, nodes: list[Node], target: int, log_offsets: dict[str, int], deadline: float) -> None:
    """Poll until every node's head is at least `target`; `_Stalled` if no head moves for
    `stall_seconds`, `ChainError` if a node exits or `deadline` passes."""
    heads: dict[str, int] = {}
    moved_at = time.monotonic()
    while True:
        for node in nodes:
            if running_pid(net, node) is None:
                excerpt = log_excerpt(net.log_path(node), log_offsets.get(node.name, 0))
                raise ChainError(f"{node.name} exited; {net.log_path(node)} says: {excerpt}")
            try:
                number = _head(node)
            except (ConnectionFailed, OSError):
                continue  # went down just now: the next round tells
            if number != heads.get(node.name):
                heads[node.name] = number
                moved_at = time.monotonic()
        if len(heads) == len(nodes) and min(heads.values()) >= target:
            return
        now = time.monotonic()
        if now - moved_at > stall_seconds(net):
            raise _Stalled(heads, now - moved_at)
        if now > deadline:
            lagging = ", ".join(n.name for n in nodes if heads.get(n.name, -1) < target)
            raise ChainError(f"{lagging} did not reach block {target} in time although the chain grows; "
                             f"see {net.log_path(nodes[0])}")
        time.sleep(0.2)


def _restart_sealing(net: Network, nodes: list[Node], log_offsets: dict[str, int], deadline: float) -> None:
    """Switch sealing on at every validator, in `sealing_order` (a no-op where it is on)."""
    validators = [n for n in nodes if n.validator]
    _start_sealing(net, sealing_order(net, validators, min(_head(n) for n in nodes)))


def _reconnect(net: Network, nodes: list[Node], log_offsets: dict[str, int], deadline: float) -> None:
    """Drop and re-dial every peer connection among `nodes`. The handshake announces each
    node's real total difficulty, which a propagated block never does (its sender is credited
    with the parent's), so every node then syncs to the heaviest chain. This ends the start
    deadlock of `sealing_order`. geth re-dials a node it dialled in the last ~35 s only once
    that time is up, so this can take as long."""
    for node in nodes:
        for other in nodes:
            if other is not node:
                _ipc_call(net, node, "admin_removePeer", node.enode_for(other))
    _wait_for(net, nodes, log_offsets, deadline, "drop its peers", lambda w3: w3.net.peer_count == 0)
    for node in nodes:  # each pair from one side, as configured (`dialled_peers`)
        for other in dialled_peers(net, node):
            if other in nodes:
                _ipc_call(net, node, "admin_addPeer", node.enode_for(other))
    _wait_for(net, nodes, log_offsets, deadline, "reconnect to every node",
              lambda w3: w3.net.peer_count >= len(nodes) - 1)


def _stall_message(net: Network, nodes: list[Node], stalled: _Stalled, tried: list[str]) -> str:
    """One line: where the chain stopped, what was tried, and what to do about it."""
    head = max(stalled.heads.values(), default=0)
    signers = {s.lower() for s in _sorted_signers(net, [n for n in nodes if n.validator] or nodes, head)}
    online = [n for n in nodes if n.validator and n.address.lower() in signers]
    needed = len(signers) // 2 + 1
    folder = f" --dir {net.dir}"
    what = (f"the chain is stuck at block {head}: no node's head moved for {stalled.seconds:.0f} s "
            f"(a stall is {stall_seconds(net):.0f} s: {STALL_PERIODS} periods and the out-of-turn delay), "
            f"even after {' and '.join(tried)}")
    if signers and len(online) < needed:
        return (f"{what}; Clique needs {needed} of the {len(signers)} signers online and only "
                f"{len(online)} run: start the others with `pilotchain chain start{folder}`")
    return (f"{what}; stop the network with `pilotchain chain stop{folder}` and start it again "
            f"(`pilotchain chain start{folder}`), and if it stalls again read {net.log_path(nodes[0])}")


def _head(node: Node) -> int:
    return connect(node.rpc_url, timeout=2).eth.block_number


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
    """Each node's process, head, lag, peers, whether it seals, its share of the last
    `SHARE_WINDOW` blocks and the time since it last sealed one; and the Clique signer set.

    A node whose data dir is not in this folder runs on another host (a bundle or the
    operator's folder of `chain init --topology`): it is asked on its RPC address.
    """
    signers: list[str] | None = None
    rows = []
    best: tuple[int, Web3] | None = None
    for node in net.nodes:
        pid = running_pid(net, node)
        here = net.node_dir(node).is_dir()
        row = NodeStatus(node.name, node.address, node.validator, pid is not None, pid, node.rpc_url,
                         None, None, False, host=node.host)
        if pid is not None or not here:
            try:
                w3 = connect(node.rpc_url, timeout=3)
                row.block = w3.eth.block_number
                row.peers = w3.net.peer_count
                row.sealing = sealing(w3)
                row.running = True
                if signers is None:
                    signers = clique_signers(w3)
                if best is None or row.block > best[0]:
                    best = (row.block, w3)
            except (ConnectionFailed, OSError, Web3Exception):
                pass
        rows.append(row)
    signers = signers or []
    shares = recent_sealers(best[1], best[0], SHARE_WINDOW) if best else {}
    window = min(SHARE_WINDOW, best[0]) if best else 0
    now = time.time()
    for row in rows:
        row.signer = row.address in signers
        if row.block is not None:
            row.lag = best[0] - row.block
        if window and (share := shares.get(row.address)):
            row.share = share.blocks / window
            row.since_sealed_s = now - share.last_timestamp
        elif window:
            row.share = 0.0
    return NetworkStatus(str(net.dir), net.chain_id, net.period, signers, rows)


def sealing(w3) -> bool:
    """Whether the node has sealing switched on (geth 1.13's eth_mining; web3 7 dropped its wrapper)."""
    return w3.manager.request_blocking("eth_mining", [])


def clique_signers(w3) -> list[str]:
    """The current signer set (checksummed addresses) as the node sees it."""
    return [w3.to_checksum_address(a) for a in w3.manager.request_blocking("clique_getSigners", ["latest"])]


@dataclass
class SealingRecord:
    """What the nodes' logs say about sealing since given offsets (see `log_sizes`)."""

    sealed: int  # blocks sealed, counted per sealing event
    double_seals: list[tuple[str, int]]  # (node, height) where the node sealed two different blocks
    reorgs: int  # "Chain reorg detected" lines, summed over the nodes
    deepest_reorg: int  # most blocks one reorg dropped


SEALED_LINE = re.compile(r"Successfully sealed new block\s.*?\bnumber=(\d+).*?\bhash=(\S+)")
REORG_LINE = re.compile(r"[Cc]hain reorg detected\s.*?\bdrop=(\d+)")


def log_sizes(net: Network) -> dict[str, int]:
    """The current size of each node's log, to read `sealing_record` from."""
    return {n.name: net.log_path(n).stat().st_size if net.log_path(n).exists() else 0 for n in net.nodes}


def sealing_record(net: Network, since: dict[str, int] | None = None) -> SealingRecord:
    """Blocks sealed, double seals and reorgs in the nodes' logs after the offsets `since`.

    A double seal is one validator sealing two different blocks at one height: geth logs every
    seal ("Successfully sealed new block number=… hash=…"), also the one that loses.
    """
    since = since or {}
    sealed = 0
    doubles: list[tuple[str, int]] = []
    reorgs = deepest = 0
    for node in net.nodes:
        try:
            with open(net.log_path(node), "rb") as log:
                log.seek(since.get(node.name, 0))
                text = log.read().decode(errors="replace")
        except FileNotFoundError:
            continue
        hashes: dict[int, set[str]] = {}
        for line in text.splitlines():
            if match := SEALED_LINE.search(line):
                sealed += 1
                hashes.setdefault(int(match[1]), set()).add(match[2])
            elif match := REORG_LINE.search(line):
                reorgs += 1
                deepest = max(deepest, int(match[1]))
        doubles += [(node.name, number) for number, seen in sorted(hashes.items()) if len(seen) > 1]
    return SealingRecord(sealed, doubles, reorgs, deepest)


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
                excerpt = log_excerpt(net.log_path(node), log_offsets.get(node.name, 0))
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
            excerpt = log_excerpt(net.log_path(first), log_offsets.get(first.name, 0))
            raise ChainError(
                f"{', '.join(n.name for n in waiting)} did not {what} in time (are enough validators "
                f"running?); {net.log_path(first)} ends: {excerpt}"
            )
        time.sleep(0.2)
