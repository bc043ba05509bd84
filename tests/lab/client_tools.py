"""Tiny clients the lab's own tests run inside the client namespace (not the app's probes).

``python -m tests.lab.client_tools OP ARGS...`` prints one JSON object. They check that the
lab itself behaves (a rule bites, a server answers) independently of the app's code.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import ssl
import struct
import sys
from collections.abc import Callable
from typing import Any

import dns.message

COOKIE = 0x2112A442


def fetch(host: str, port: str, path: str, ca: str, timeout: str = "3") -> dict[str, Any]:
    """HTTP(S) GET through the system resolver; counts body bytes until EOF/error/timeout."""
    result: dict[str, Any] = {"bytes": 0, "status": None, "error": None}
    data = b""
    try:
        sock = socket.create_connection((host, int(port)), timeout=float(timeout))
        if ca != "-":
            ctx = ssl.create_default_context(cafile=ca)
            sock = ctx.wrap_socket(sock, server_hostname=host)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        while chunk := sock.recv(65536):
            data += chunk
    except OSError as exc:
        result["error"] = type(exc).__name__ + ": " + str(exc)
    head, _, body = data.partition(b"\r\n\r\n")
    if head:
        result["status"] = int(head.split()[1])
        result["location"] = next((line.split(b":", 1)[1].strip().decode()
                                   for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"location:")), None)
    result["bytes"] = len(body)
    return result


def resolve(name: str) -> dict[str, Any]:
    try:
        infos = socket.getaddrinfo(name, 443, socket.AF_INET, socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return {"addresses": [], "error": str(exc)}
    return {"addresses": sorted({i[4][0] for i in infos}), "error": None}


def doh(ip: str, name: str, ca: str) -> dict[str, Any]:
    query = base64.urlsafe_b64encode(dns.message.make_query(name, "A").to_wire()).rstrip(b"=")
    ctx = ssl.create_default_context(cafile=ca)
    with socket.create_connection((ip, 443), timeout=3) as raw, \
            ctx.wrap_socket(raw, server_hostname=ip) as sock:
        sock.sendall(f"GET /dns-query?dns={query.decode()} HTTP/1.1\r\nHost: {ip}\r\n"
                     "Accept: application/dns-message\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    reply = dns.message.from_wire(data.partition(b"\r\n\r\n")[2])
    return {"addresses": sorted(str(r) for rrset in reply.answer for r in rrset)}


def _udp(ip: str, port: int, payload: bytes) -> bytes | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1.0)
        for _ in range(2):
            sock.sendto(payload, (ip, port))
            try:
                return sock.recv(2048)
            except TimeoutError:
                continue
    return None


def stun(ip: str, port: str) -> dict[str, Any]:
    """A STUN Binding request; returns the XOR-MAPPED-ADDRESS, or null on no answer."""
    txid = os.urandom(12)
    reply = _udp(ip, int(port), struct.pack(">HHI", 1, 0, COOKIE) + txid)
    if reply is None or reply[8:20] != txid:
        return {"mapped": None}
    pos = 20
    while pos + 4 <= len(reply):
        kind, length = struct.unpack(">HH", reply[pos:pos + 4])
        if kind == 0x0020:
            xport = struct.unpack(">H", reply[pos + 6:pos + 8])[0] ^ (COOKIE >> 16)
            xaddr = bytes(a ^ b for a, b in zip(reply[pos + 8:pos + 12],
                                                 struct.pack(">I", COOKIE), strict=True))
            return {"mapped": f"{socket.inet_ntoa(xaddr)}:{xport}"}
        pos += 4 + length + (-length % 4)
    return {"mapped": None}


def echo(ip: str, port: str) -> dict[str, Any]:
    payload = b"lab echo " + os.urandom(8).hex().encode()
    return {"echoed": _udp(ip, int(port), payload) == payload}


def echo_burst(ip: str, port: str, count: str) -> dict[str, Any]:
    """``count`` echo round trips on ONE socket (one flow); how many came back."""
    answered = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.5)
        for index in range(int(count)):
            sock.sendto(b"burst %d" % index, (ip, int(port)))
            try:
                answered += sock.recv(2048) == b"burst %d" % index
            except TimeoutError:
                pass
    return {"answered": answered}


def turn_allocate(ip: str, port: str, transport: str) -> dict[str, Any]:
    """An unauthenticated TURN Allocate: a long-term-credential server answers 401 + realm."""
    txid = os.urandom(12)
    attr = struct.pack(">HHB3x", 0x0019, 4, 17)  # REQUESTED-TRANSPORT: UDP
    request = struct.pack(">HHI", 0x0003, len(attr), COOKIE) + txid + attr
    if transport == "udp":
        reply = _udp(ip, int(port), request)
    else:
        with socket.create_connection((ip, int(port)), timeout=3) as sock:
            sock.sendall(request)
            reply = sock.recv(2048)
    if not reply or reply[8:20] != txid:
        return {"type": None}
    result: dict[str, Any] = {"type": struct.unpack(">H", reply[:2])[0]}
    pos = 20
    while pos + 4 <= len(reply):
        kind, length = struct.unpack(">HH", reply[pos:pos + 4])
        value = reply[pos + 4:pos + 4 + length]
        if kind == 0x0009:  # ERROR-CODE
            result["error_code"] = value[2] * 100 + value[3]
        elif kind == 0x0014:  # REALM
            result["realm"] = value.decode()
        pos += 4 + length + (-length % 4)
    return result


OPS: dict[str, Callable[..., dict[str, Any]]] = {
    "fetch": fetch, "resolve": resolve, "doh": doh, "stun": stun, "echo": echo,
    "echo_burst": echo_burst, "turn_allocate": turn_allocate,
}

if __name__ == "__main__":
    print(json.dumps(OPS[sys.argv[1]](*sys.argv[2:])))
