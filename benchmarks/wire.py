"""Where a check's bytes go: one lab run, every frame on the router's client-facing interface.

    sudo .venv/bin/python -m benchmarks.wire                  # the healthy scenario
    sudo .venv/bin/python -m benchmarks.wire "calls blocked (UDP dropped)"
    sudo .venv/bin/python -m benchmarks.wire --catalog my.toml

Builds a fresh lab like ``benchmarks.lab_runs`` (the shipped catalog and its own timing),
captures every frame on the router's ``cli0`` (an AF_PACKET socket in the router namespace:
the same bytes ``make bench`` counts, Ethernet headers included) while the real
``conncheck check --json`` runs, and prints one row per destination and port — host names from
the lab's plan — with connections, bytes each way and, for TLS, the bytes the servers sent
before the client's request: the handshake (the certificate is most of it), plus the session
tickets (~0.5 KB) when the server's timing puts them before the request. Not part of ``make bench``
(no ``run()``): it is for finding what to cut (docs/performance.md "Issue 17, part 5").
"""

from __future__ import annotations

import argparse
import collections
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._app import isolated_env
from benchmarks.lab_runs import (
    CHECK_DEADLINE_S,
    CHECK_TIMEOUT_S,
    REPO,
    SCENARIOS,
    router_counters,
)
from tests.lab import netns, profiles
from tests.lab.labcatalog import DEFAULT_CATALOG, LabPlan, build
from tests.lab.netns import Lab

_RECORD = struct.Struct("!BdI")  # outgoing (1 = towards the client), time, frame length
_TLS_PORTS = (443, 853)
_HANDSHAKE, _APPLICATION = 0x16, 0x17


def sniff(device: str, out: Path) -> None:
    """Write every frame on ``device`` to ``out`` until SIGTERM (run in the router namespace)."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
    sock.bind((device, 0))
    sock.settimeout(0.2)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    with out.open("wb") as file:
        print("ready", flush=True)
        while not stop:
            try:
                frame, address = sock.recvfrom(70_000)
            except (TimeoutError, InterruptedError):
                continue
            outgoing = 1 if address[2] == socket.PACKET_OUTGOING else 0
            file.write(_RECORD.pack(outgoing, time.time(), len(frame)) + frame)


@dataclass
class Flow:
    """One connection (TCP) or one client socket's exchange with one server port (UDP)."""

    proto: str
    server: str
    port: int
    up: int = 0  # bytes on the wire, Ethernet headers included
    down: int = 0
    segments: dict[bool, list[tuple[int, float, bytes]]] = field(
        default_factory=lambda: {False: [], True: []})  # towards the client? -> (seq, t, data)


def frames(data: bytes) -> Iterator[tuple[bool, float, bytes]]:
    offset = 0
    while offset + _RECORD.size <= len(data):
        outgoing, at, length = _RECORD.unpack_from(data, offset)
        offset += _RECORD.size
        yield bool(outgoing), at, data[offset:offset + length]
        offset += length


def flows(data: bytes) -> tuple[list[Flow], int]:
    """Every IPv4 TCP/UDP flow in a capture, and the bytes of frames that are neither."""
    found: dict[tuple[int, str, int, int], Flow] = {}
    other = 0
    for down, at, frame in frames(data):
        if frame[12:14] != b"\x08\x00" or frame[23] not in (6, 17):
            other += len(frame)
            continue
        ip = frame[14:]
        l4 = ip[(ip[0] & 0x0F) * 4:]
        source, destination = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
        source_port, destination_port = struct.unpack_from("!HH", l4)
        server, port, client_port = ((source, source_port, destination_port) if down
                                     else (destination, destination_port, source_port))
        key = (ip[9], server, port, client_port)
        flow = found.setdefault(key, Flow("tcp" if ip[9] == 6 else "udp", server, port))
        if down:
            flow.down += len(frame)
        else:
            flow.up += len(frame)
        if ip[9] == 6:
            payload = l4[(l4[12] >> 4) * 4:]
            if payload:
                flow.segments[down].append((struct.unpack_from("!I", l4, 4)[0], at, payload))
    return list(found.values()), other


def tls_records(segments: list[tuple[int, float, bytes]]) -> list[tuple[float, int, int]]:
    """(time of the segment a record starts in, record type, length) of one direction."""
    stream, starts = b"", []
    for _seq, at, payload in sorted({s[0]: s for s in segments}.values()):
        starts.append((len(stream), at))
        stream += payload
    records, position = [], 0
    while position + 5 <= len(stream):
        kind, length = stream[position], struct.unpack_from("!H", stream, position + 3)[0]
        at = next(t for start, t in reversed(starts) if start <= position)
        records.append((at, kind, length + 5))
        position += length + 5
    return records


def tls_handshake_bytes(flow: Flow) -> int | None:
    """TLS bytes the server sent before the client's request (the client's second
    application-data record; its first is Finished); None if this is not TLS."""
    sent = flow.segments[False]
    if flow.port not in _TLS_PORTS or not sent or sent[0][2][:1] != bytes([_HANDSHAKE]):
        return None
    client = [at for at, kind, _ in tls_records(sent) if kind == _APPLICATION]
    request_at = client[1] if len(client) > 1 else float("inf")
    return sum(length for at, _, length in tls_records(flow.segments[True]) if at < request_at)


def table(captured: list[Flow], names: dict[str, str], other: int) -> list[str]:
    """Markdown rows, the biggest destination first."""
    rows: dict[tuple[str, str, int], list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    for flow in captured:
        name = "DNS (system resolver)" if flow.proto == "udp" and flow.port == 53 \
            else names.get(flow.server, flow.server)
        row = rows[(name, flow.proto, flow.port)]
        row[0] += 1
        row[1] += flow.up
        row[2] += flow.down
        row[3] += tls_handshake_bytes(flow) or 0
    lines = ["| destination | proto/port | flows | sent B | recv B | TLS B before the request |",
             "|---|---|---|---|---|---|"]
    for (name, proto, port), (count, up, down, handshake) in sorted(
            rows.items(), key=lambda item: -(item[1][1] + item[1][2])):
        lines.append(f"| {name} | {proto}/{port} | {count} | {up} | {down} | "
                     f"{handshake or ''} |")
    up, down = sum(f.up for f in captured), sum(f.down for f in captured)
    lines.append(f"| **all** (+ {other} B of other frames) | | {len(captured)} | {up} | {down} "
                 f"| {sum(tls_handshake_bytes(f) or 0 for f in captured)} |")
    return lines


def host_names(plan: LabPlan) -> dict[str, str]:
    names: dict[str, list[str]] = collections.defaultdict(list)
    for host, address in sorted(plan.zone.items()):
        names[address].append(host)
    for literal, address in sorted(plan.literals.items()):
        names[address].append(literal)
    return {address: ", ".join(hosts) for address, hosts in names.items()}


def measure(scenario: str, catalog: Path, workdir: Path) -> list[str]:
    plan = build(catalog, workdir, timeout_s=CHECK_TIMEOUT_S, deadline_s=CHECK_DEADLINE_S)
    env = {k: v for k, v in isolated_env(workdir / "home").items() if "proxy" not in k.lower()}
    capture = workdir / "capture.bin"
    with Lab(plan, workdir, SCENARIOS[scenario](plan)) as lab:
        lab.wait_for_turn()
        sniffer = subprocess.Popen(
            ["ip", "netns", "exec", lab.isp, sys.executable, "-m", "benchmarks.wire",
             "--sniff", profiles.TO_CLIENT, str(capture)], stdout=subprocess.PIPE, text=True,
            cwd=REPO)
        try:
            assert sniffer.stdout is not None and sniffer.stdout.readline().strip() == "ready"
            before = router_counters(lab)
            subprocess.run(["ip", "netns", "exec", lab.client, sys.executable, "-m", "app",
                            "check", "--json", "--quiet", "--catalog", plan.catalog],
                           cwd=REPO, env=env, capture_output=True, timeout=120, check=False)
            after = router_counters(lab)
            time.sleep(0.3)  # the last frames
        finally:
            sniffer.send_signal(signal.SIGTERM)
            sniffer.wait(timeout=10)
    captured, other = flows(capture.read_bytes())
    return [f"{scenario}: router counters sent {after[0] - before[0]} B, received "
            f"{after[1] - before[1]} B", "", *table(captured, host_names(plan), other)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wire", description=__doc__)
    parser.add_argument("scenario", nargs="?", default="healthy", choices=list(SCENARIOS))
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG)
    parser.add_argument("--sniff", nargs=2, metavar=("DEVICE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sniff:
        sniff(args.sniff[0], Path(args.sniff[1]))
        return 0
    netns.sweep_stale()
    with tempfile.TemporaryDirectory(prefix="cc-wire-") as workdir:
        print("\n".join(measure(args.scenario, args.catalog, Path(workdir))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
