"""Separate hosts on this machine for tests: Linux network namespaces joined by veth pairs.

Each :class:`Host` is a network namespace with only its loopback and point-to-point veth links
to the hosts it must reach, each link a /30 of its own in 10.231.0.0/16 (chosen free per run):
no bridge, no forwarding, no route off the machine, so its traffic goes only where a link
says. The root namespace (this process, the machine's PostgreSQL) is the host ``ROOT``; a
service there that listens on loopback only is reached through :func:`relay`, a TCP relay on
the root end of links. Tearing a host down kills every process in its namespace (SIGKILL, as
a machine that loses power) and deletes it, which removes its links.

Needs root and iproute2 (``ip netns``); :func:`unavailable` says why not, for a skip.

Run as ``python tests/netns.py relay LISTEN=TARGET ...`` (``host:port`` each) it is the relay.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = "root"  # the root namespace, where this process runs
BLOCKS = ipaddress.ip_network("10.231.0.0/16")


def unavailable() -> str | None:
    """Why hosts cannot be made here (for ``pytest.skip``), or None."""
    if os.geteuid() != 0:
        return "network namespaces need root (ip netns add)"
    if shutil.which("ip") is None:
        return "no `ip` command (iproute2) for network namespaces"
    probe = f"isprobe-{uuid.uuid4().hex[:8]}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"`ip netns add` failed: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def _ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")


@dataclass
class Host:
    """One namespace: ``exec`` wraps a command to run in it."""

    name: str
    namespace: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def exec(self, command: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.namespace, *command]

    def popen(self, command: Sequence[str], **kw: object) -> subprocess.Popen[bytes]:
        """Start ``command`` in this host (own session); kept to be reaped at tear-down."""
        proc = subprocess.Popen(self.exec(command), start_new_session=True, **kw)  # type: ignore[call-overload]
        self.processes.append(proc)
        return proc

    def pids(self) -> list[int]:
        """Every process in the namespace, whoever started it."""
        found = subprocess.run(
            ["ip", "netns", "pids", self.namespace], capture_output=True, text=True
        )
        return [int(p) for p in found.stdout.split()]


@dataclass
class Network:
    """Hosts and the links between them; :meth:`close` removes everything it made."""

    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    hosts: dict[str, Host] = field(default_factory=dict)
    addresses: dict[tuple[str, str], str] = field(default_factory=dict)
    _subnets: Iterator[ipaddress.IPv4Network] | None = None
    _links: int = 0

    def add(self, name: str) -> Host:
        host = Host(name, f"is-{self.tag}-{name}")
        _ip("netns", "add", host.namespace)
        self.hosts[name] = host
        _ip("-n", host.namespace, "link", "set", "lo", "up")
        return host

    def link(self, a: str, b: str) -> None:
        """A veth pair between hosts ``a`` and ``b`` (either may be ROOT), a /30 of its own."""
        subnet = next(self._free_subnets())
        first, second = (str(h) for h in subnet.hosts())
        ends = []
        for host, addr in ((a, first), (b, second)):
            dev = f"v{self.tag}{self._links}{'ab'[len(ends)]}"
            ends.append((host, dev, addr))
        self._links += 1
        _ip("link", "add", ends[0][1], "type", "veth", "peer", "name", ends[1][1])
        for host, dev, addr in ends:
            prefix: list[str] = []
            if host != ROOT:
                _ip("link", "set", dev, "netns", self.hosts[host].namespace)
                prefix = ["-n", self.hosts[host].namespace]
            _ip(*prefix, "addr", "add", f"{addr}/30", "dev", dev)
            _ip(*prefix, "link", "set", dev, "up")
        self.addresses[(a, b)] = first
        self.addresses[(b, a)] = second

    def address(self, of: str, seen_from: str) -> str:
        """The address of host ``of`` on its link with ``seen_from``."""
        return self.addresses[(of, seen_from)]

    def _free_subnets(self) -> Iterator[ipaddress.IPv4Network]:
        """A /27 of 10.231.0.0/16 that no interface of this machine uses, cut in /30s."""
        if self._subnets is None:
            used = subprocess.run(["ip", "-o", "-4", "addr"], capture_output=True, text=True)
            rng = random.SystemRandom()
            blocks = list(BLOCKS.subnets(new_prefix=27))
            while True:
                block = rng.choice(blocks)
                if not any(str(a) + "/" in used.stdout for a in block):
                    break
            self._subnets = block.subnets(new_prefix=30)
        return self._subnets

    def tear_down(self, name: str) -> None:
        """Kill every process in the host at once (SIGKILL: nothing in it reports anything) and
        delete its namespace, and with it its links."""
        host = self.hosts.pop(name)
        deadline = time.monotonic() + 10
        while (pids := host.pids()) and time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            for proc in host.processes:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=0.2)
        for proc in host.processes:  # reaped: no zombie keeps the namespace
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        subprocess.run(["ip", "netns", "del", host.namespace], capture_output=True)

    def close(self) -> None:
        for name in list(self.hosts):
            self.tear_down(name)


@contextlib.contextmanager
def network() -> Iterator[Network]:
    net = Network()
    try:
        yield net
    finally:
        net.close()


@contextlib.contextmanager
def relay(routes: dict[str, str], log: Path) -> Iterator[None]:
    """A TCP relay in this (root) namespace: each ``listen host:port`` forwards to ``target
    host:port``, e.g. from the root end of links to a service listening on loopback only."""
    args = [f"{listen}={target}" for listen, target in routes.items()]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "relay", *args],
            stdout=subprocess.PIPE,
            stderr=out,
            start_new_session=True,
        )
    try:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"the relay did not start: {log.read_text()[-2000:]}")
        yield
    finally:
        proc.kill()
        proc.wait()


def _split(addr: str) -> tuple[str, int]:
    host, _, port = addr.rpartition(":")
    return host, int(port)


async def _relay(routes: list[tuple[tuple[str, int], tuple[str, int]]]) -> None:
    async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
        except OSError:
            pass
        finally:
            dst.close()

    def handler(target: tuple[str, int]):  # type: ignore[no-untyped-def]
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                t_reader, t_writer = await asyncio.open_connection(*target)
            except OSError:
                writer.close()
                return
            await asyncio.gather(pipe(reader, t_writer), pipe(t_reader, writer))

        return handle

    servers = [await asyncio.start_server(handler(t), *listen) for listen, t in routes]
    print("ready", flush=True)
    async with contextlib.AsyncExitStack() as stack:
        for server in servers:
            await stack.enter_async_context(server)
        await asyncio.Event().wait()


if __name__ == "__main__" and sys.argv[1:2] == ["relay"]:
    pairs = [arg.split("=", 1) for arg in sys.argv[2:]]
    asyncio.run(_relay([(_split(listen), _split(target)) for listen, target in pairs]))
