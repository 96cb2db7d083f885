"""Member hosts on one machine, for the multi-host tests, the benchmark and the README's example.

Each member is a Linux network namespace with one address of a private range (10.77.<n>.0/24,
`<n>` drawn per run), plugged by a veth pair into a bridge made for the run; the machine itself
holds the bridge's address (.1), the operator's seat from which `chain status` reaches every
node. No namespace has a route anywhere else. The links between members carry the latency of
`LATENCY_MS` through Toxiproxy (the kernel has no sch_netem): each host runs a toxiproxy-server
on its own address with one proxy per other member, and the topology's `links` make each node
dial its peers through its own host's proxies. `cut` and `rejoin` take a host's link down and
up (`ip link set … down`), which is what a partition is.

Needs root (`ip netns`); `Hosts.remove` kills every process left in the namespaces by PID and
deletes the namespaces and the bridge, also after a failure.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
import yaml

from pilotchain import toolchain
from pilotchain.errors import ChainError

TOXIPROXY = toolchain.CACHE_BIN / "toxiproxy-server"
TOXIPROXY_API_PORT = 8474
RELAY_BASE_PORT = 40_000  # host i reaches member j through its own proxy at 40000 + j
# Round-trip time between the members' cities, ms (half of it is added in each direction).
LATENCY_MS = {
    ("beijing", "shanghai"): 30, ("beijing", "guangzhou"): 40, ("beijing", "wuhan"): 20,
    ("beijing", "chengdu"): 35, ("shanghai", "guangzhou"): 25, ("shanghai", "wuhan"): 15,
    ("shanghai", "chengdu"): 30, ("guangzhou", "wuhan"): 20, ("guangzhou", "chengdu"): 25,
    ("wuhan", "chengdu"): 20, ("hangzhou", "beijing"): 30, ("hangzhou", "shanghai"): 10,
    ("hangzhou", "guangzhou"): 25, ("hangzhou", "wuhan"): 20, ("hangzhou", "chengdu"): 35,
}
CITIES = ("beijing", "shanghai", "guangzhou", "wuhan", "chengdu")
NODE_PORTS = {"http": 8545, "p2p": 30303, "authrpc": 8551, "metrics": 6060}


def root_problem() -> str | None:
    """Why these hosts cannot be built here, or None."""
    if os.geteuid() != 0:
        return "needs root: network namespaces (`ip netns`) are made by root only; run as root (CI does)"
    if not TOXIPROXY.exists():
        return f"toxiproxy-server is not built ({TOXIPROXY}): run `make {TOXIPROXY.relative_to(toolchain.ROOT)}`"
    return None


def latency_ms(a: str, b: str) -> int:
    return LATENCY_MS.get((a, b)) or LATENCY_MS[(b, a)]


class Hosts:
    """The namespaces, bridge and toxiproxies of one run; `create` builds, `remove` removes."""

    def __init__(self, cities: tuple[str, ...] = CITIES, *, prefix: str = "pc", standby: tuple[str, ...] = ()):
        """`prefix` begins every namespace and link name (runs beside each other use their own);
        the validators of `standby` cities are outside the genesis (see the topology)."""
        self.cities = cities
        self.standby = standby
        tag = f"{os.getpid() % 100000}"
        self.bridge = f"{prefix}br{tag}"
        self.namespaces = {city: f"{prefix}{tag}-{city}" for city in cities}
        self.veths = {city: f"{prefix}{tag}v{i}" for i, city in enumerate(cities)}
        self.subnet = f"10.77.{random.randrange(1, 255)}"
        self.address = {city: f"{self.subnet}.{11 + i}" for i, city in enumerate(cities)}
        self.operator = f"{self.subnet}.1"
        self.proxies: dict[str, subprocess.Popen] = {}

    @property
    def network(self) -> str:
        return f"{self.subnet}.0/24"

    def create(self) -> Hosts:
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.operator}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        for city in self.cities:
            ns = self.namespaces[city]
            _ip("netns", "add", ns)
            _ip("link", "add", self.veths[city], "type", "veth", "peer", "name", "eth0", "netns", ns)
            _ip("link", "set", self.veths[city], "master", self.bridge, "up")
            _ip("-n", ns, "addr", "add", f"{self.address[city]}/24", "dev", "eth0")
            _ip("-n", ns, "link", "set", "eth0", "up")
            _ip("-n", ns, "link", "set", "lo", "up")
        return self

    def remove(self) -> None:
        """Kill every process in the namespaces (by PID), delete them and the bridge."""
        for ns in self.namespaces.values():
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            for pid in map(int, pids):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for process in self.proxies.values():
            process.wait(timeout=10)
        for veth in self.veths.values():  # both ends; a namespace may outlive its name a while
            _ip("link", "del", veth, check=False)
        for ns in self.namespaces.values():
            _ip("netns", "del", ns, check=False)
        _ip("link", "del", self.bridge, check=False)
        # The kernel tears a deleted namespace down in the background.
        deadline = time.monotonic() + 10
        while self.left_behind() and time.monotonic() < deadline:
            time.sleep(0.1)

    def left_behind(self) -> list[str]:
        """Namespaces and links of this run that still exist (empty after `remove`)."""
        namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        return [name for name in [*self.namespaces.values(), self.bridge, *self.veths.values()]
                if name in namespaces or f" {name}:" in links or f" {name}@" in links]

    def run(self, city: str, argv: list[str], **kwargs) -> subprocess.Popen:
        """A process on `city`'s host (its network namespace)."""
        return subprocess.Popen(["ip", "netns", "exec", self.namespaces[city], *argv], **kwargs)

    def pilotchain(self, city: str, *args: str, log: Path) -> subprocess.Popen:
        """`pilotchain ARGS` on `city`'s host, from this checkout, output to `log`."""
        with open(log, "ab") as out:
            return self.run(city, [sys.executable, "-m", "pilotchain", *args], stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, cwd=toolchain.ROOT)

    def cut(self, *cities: str) -> None:
        for city in cities:
            _ip("link", "set", self.veths[city], "down")

    def rejoin(self, *cities: str) -> None:
        for city in cities:
            _ip("link", "set", self.veths[city], "up")

    def topology(self, *, period: int, chain_id: int) -> dict:
        """One validator per member on its host address (the `standby` ones outside the genesis),
        each dialling its peers through its own host's proxy; node 1 (Beijing) also serves
        applications."""
        return {
            "chain_id": chain_id,
            "period": period,
            "network": self.network,
            "members": [
                {"organisation": city.capitalize(), "host": self.address[city],
                 "nodes": [{"name": city, "roles": ["validator", "rpc"] if i == 0 else ["validator"],
                            "ports": NODE_PORTS, "standby": city in self.standby}]}
                for i, city in enumerate(self.cities)
            ],
            "links": [
                {"from": a, "to": b, "via": f"{self.address[a]}:{RELAY_BASE_PORT + j}"}
                for a in self.cities for j, b in enumerate(self.cities) if a != b
            ],
        }

    def write_topology(self, path: Path, **settings) -> Path:
        path.write_text(yaml.safe_dump(self.topology(**settings), sort_keys=False))
        return path

    def start_proxies(self, folder: Path) -> None:
        """On each host a toxiproxy-server with a proxy to every other member's p2p port, the
        link's latency added half on the way there and half on the way back."""
        for city in self.cities:
            proxies = [
                {"name": other, "listen": f"{self.address[city]}:{RELAY_BASE_PORT + j}",
                 "upstream": f"{self.address[other]}:{NODE_PORTS['p2p']}", "enabled": True}
                for j, other in enumerate(self.cities) if other != city
            ]
            config = folder / f"toxiproxy-{city}.json"
            config.write_text(json.dumps(proxies))
            with open(folder / f"toxiproxy-{city}.log", "ab") as log:
                self.proxies[city] = self.run(city, [str(TOXIPROXY), "-host", self.address[city], "-port",
                                                     str(TOXIPROXY_API_PORT), "-config", str(config)],
                                              stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        for city in self.cities:
            api = f"http://{self.address[city]}:{TOXIPROXY_API_PORT}"
            _until(lambda: _answers(f"{api}/version"), f"toxiproxy on {city}")
            for other in self.cities:
                if other == city:
                    continue
                half = latency_ms(city, other) // 2
                for stream in ("upstream", "downstream"):
                    reply = requests.post(f"{api}/proxies/{other}/toxics", timeout=5, json={
                        "name": f"latency_{stream}", "type": "latency", "stream": stream,
                        "attributes": {"latency": half, "jitter": 0}})
                    reply.raise_for_status()


def _ip(*args: str, check: bool = True) -> None:
    result = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise ChainError(f"ip {' '.join(args)} failed: {result.stderr.strip()}")


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except requests.RequestException:
        return False


def _until(condition, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise ChainError(f"{what} did not come up in {timeout:.0f} s")
        time.sleep(0.1)
