"""Turn the shipped catalog into a lab catalog: same services, ids and roles, lab addresses.

Every host name keeps its name (the lab's ISP resolver answers it with a lab address); every
IP literal is replaced by a lab address; ports stay. The result trusts the lab CA through
``extra_ca`` and declares the lab's range as ordinary addresses, so nothing in the app needs
a special case for the lab.

By hand::

    .venv/bin/python -m tests.lab.labcatalog resources/catalog/default.toml /tmp/lab

writes /tmp/lab/lab.toml, /tmp/lab/plan.json and the lab certificates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.lab.pki import LabPki, make_pki

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CATALOG = REPO / "resources" / "catalog" / "default.toml"

LAB_RANGE = "198.18.0.0/15"
RESOLVER_IP = "198.19.0.53"  # the ISP's resolver (system DNS of the client)
PORTAL_IP = "198.19.0.80"  # captive portal / block page
# A provider's block page at an ordinary (public-looking) address, with a certificate for its
# own name only: where a lying resolver sends a service's name (dns_lie "blockpage").
BLOCKPAGE_IP = "198.19.0.81"
TURN_IP = "198.19.4.1"  # coturn
ECHO_IP = "198.19.4.7"  # UDP echo on port 7, a neutral UDP service
DOMESTIC_NET = "198.19.1.0/24"
INTERNATIONAL_NET = "198.19.2.0/23"
BOGON_ANSWER = "10.10.34.35"  # what a lying resolver answers: never contacted
TURN_USER, TURN_PASSWORD, TURN_REALM = "lab", "labpass", "lab"  # coturn's static account

_DOMESTIC_SERVICES = {"yandex", "yandex maps", "2gis", "vk", "max", "mail.ru", "rutube"}
_DOMESTIC_SUFFIXES = (".ru", ".su", ".xn--p1ai", "yandex.net", "yandex.com", "2gis.com",
                      "vk.com", "userapi.com", "mycdn.me")
_DOMESTIC_NETS = tuple(ipaddress.ip_network(n) for n in (
    "77.88.0.0/18", "5.255.192.0/18", "87.250.224.0/19", "213.180.192.0/19", "95.108.128.0/17",
))

_PORT_PROTO = {"https": "tls", "tls": "tls", "doh": "tls", "http": "http", "tcp": "hold",
               "echo_call": "echo_peer"}
_UDP_ECHO_KINDS = {"udp", "call_flow", "call_shapes"}  # answered by a UDP echo
_TURN_URL = re.compile(r"^(turns?):(\[[^\]]+\]|[^:?]+)(?::(\d+))?(\?.*)?$")
_PROTO_RANK = {"echo_peer": 4, "tls": 3, "http": 2, "hold": 1}


@dataclass
class LabPlan:
    """Everything the lab's world and router need to know about one generated catalog."""

    catalog: str  # path of the lab catalog
    ca_cert: str
    server_cert: str
    server_key: str
    rogue_cert: str
    rogue_key: str
    zone: dict[str, str] = field(default_factory=dict)  # host name -> lab address
    literals: dict[str, str] = field(default_factory=dict)  # original IP literal -> lab address
    # ip -> port -> tls|http|hold|echo_peer (the app's echo peer: HTTP + UDP echo, one port)
    tcp: dict[str, dict[str, str]] = field(default_factory=dict)
    udp: dict[str, dict[str, str]] = field(default_factory=dict)  # ip -> port -> stun|echo
    domestic: list[str] = field(default_factory=list)  # lab addresses of domestic hosts
    services: dict[str, list[str]] = field(default_factory=dict)  # service -> its lab addresses
    service_hosts: dict[str, list[str]] = field(default_factory=dict)  # service -> host names
    status_paths: dict[str, int] = field(default_factory=dict)  # URL path -> status to answer
    resolver_ip: str = RESOLVER_IP
    portal_ip: str = PORTAL_IP
    turn_ip: str = TURN_IP
    echo_ip: str = ECHO_IP

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LabPlan:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def addresses(self) -> list[str]:
        """Every lab address a world server answers on."""
        found = {*self.zone.values(), *self.literals.values(), *self.tcp, *self.udp}
        found |= {RESOLVER_IP, PORTAL_IP, BLOCKPAGE_IP, TURN_IP, ECHO_IP}
        return sorted(found, key=ipaddress.ip_address)

    def international(self) -> list[str]:
        return [a for a in self.addresses()
                if ipaddress.ip_address(a) in ipaddress.ip_network(INTERNATIONAL_NET)]

    def ips_of(self, *services: str) -> list[str]:
        return sorted({ip for s in services for ip in self.services.get(s, [])})

    def hosts_of(self, *services: str) -> list[str]:
        return sorted({h for s in services for h in self.service_hosts.get(s, [])})


class _Allocator:
    def __init__(self) -> None:
        self.domestic = ipaddress.ip_network(DOMESTIC_NET).hosts()
        self.international = ipaddress.ip_network(INTERNATIONAL_NET).hosts()

    def next(self, domestic: bool) -> str:
        return str(next(self.domestic if domestic else self.international))


def _is_domestic(service: str, role: str, original: str) -> bool:
    if role == "control_domestic" or service.lower() in _DOMESTIC_SERVICES:
        return True
    try:
        address = ipaddress.ip_address(original)
    except ValueError:
        return original.lower().rstrip(".").endswith(_DOMESTIC_SUFFIXES)
    return any(address in net for net in _DOMESTIC_NETS)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _wants_stun(check: dict[str, Any]) -> bool:
    """Calls checks answered by a STUN server, not an echo (app/engine/calls/, docs/catalog.md)."""
    payload = check.get("payload")
    if check["kind"] == "call_flow":
        return payload in (None, "stun")
    return check["kind"] == "udp" and payload == "stun_classic"


def build(source: Path, out_dir: Path, *, timeout_s: float = 3.0, deadline_s: float = 20.0,
          overrides: dict[str, Any] | None = None, pki: LabPki | None = None) -> LabPlan:
    """Write ``out_dir/lab.toml`` (+ certificates, plan.json) from the catalog ``source``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    alloc = _Allocator()
    zone: dict[str, str] = {}
    literals: dict[str, str] = {}
    tcp: dict[str, dict[str, str]] = {}
    udp: dict[str, dict[str, str]] = {}
    domestic: set[str] = {RESOLVER_IP}
    services: dict[str, set[str]] = {}
    service_hosts: dict[str, set[str]] = {}
    status_paths: dict[str, int] = {}

    def lab_address(original: str, service: str, role: str) -> str:
        table = literals if _is_ip(original) else zone
        key = original.lower().rstrip(".") if table is zone else original
        if key not in table:
            home = _is_domestic(service, role, original)
            table[key] = alloc.next(home)
            if home:
                domestic.add(table[key])
        return table[key]

    checks_out: list[dict[str, Any]] = []
    for raw in data.get("check", []):
        check = dict(raw)
        kind, service, role = check["kind"], check["service"], check.get("role", "service")
        check.pop("ca", None)  # the lab CA (extra_ca) signs every lab server
        port = check.get("port")
        if kind == "turn_call":  # every TURN server is the lab's coturn, with its account
            match = _TURN_URL.match(check.get("url", ""))
            if match:
                check["url"] = f"{match[1]}:{TURN_IP}:3478{match[4] or ''}"
            check.pop("port", None)
            check.update(username=TURN_USER, credential=TURN_PASSWORD)
            services.setdefault(service, set()).add(TURN_IP)
            checks_out.append(check)
            continue
        if "url" in check:
            parts = urlsplit(check["url"])
            host = parts.hostname or ""
            ip = lab_address(host, service, role)
            if _is_ip(host):
                netloc = ip if parts.port is None else f"{ip}:{parts.port}"
                check["url"] = urlunsplit(parts._replace(netloc=netloc))
            port = port or parts.port or (80 if parts.scheme == "http" else 443)
            if "expect_status" in check:
                status_paths[parts.path or "/"] = int(check["expect_status"])
        elif "ip" in check:
            host = check["ip"]
            ip = lab_address(host, service, role)
            check["ip"] = ip
        else:
            host = check["host"]
            ip = lab_address(host, service, role)
        services.setdefault(service, set()).add(ip)
        if not _is_ip(host):
            service_hosts.setdefault(service, set()).add(host.lower())
        if kind == "stun" or _wants_stun(check):
            udp.setdefault(ip, {})[str(port)] = "stun"
        elif kind in _UDP_ECHO_KINDS and port:
            udp.setdefault(ip, {}).setdefault(str(port), "echo")  # a STUN server wins
        elif kind in _PORT_PROTO and port:
            ports = tcp.setdefault(ip, {})
            proto = _PORT_PROTO[kind]
            if _PROTO_RANK[proto] > _PROTO_RANK.get(ports.get(str(port), ""), 0):
                ports[str(port)] = proto
        checks_out.append(check)

    udp.setdefault(ECHO_IP, {})["7"] = "echo"
    tcp.setdefault(PORTAL_IP, {}).update({"80": "http", "443": "tls"})
    tcp.setdefault(BLOCKPAGE_IP, {}).update({"80": "http", "443": "tls-blockpage"})
    names = sorted(zone)
    if pki is None:
        pki = make_pki(out_dir, [*names, "portal.lab"],
                       sorted({*zone.values(), *literals.values(), PORTAL_IP}))
    head = dict(data["catalog"])
    head.update({
        "name": f"lab ({head.get('name', 'catalog')})",
        "extra_ca": str(pki.ca_cert),
        "ordinary_ranges": [LAB_RANGE],
        "timeout_s": timeout_s,
        "deadline_s": deadline_s,
    })
    head.update(overrides or {})
    catalog_path = out_dir / "lab.toml"
    text = _dump({**data, "catalog": head, "check": checks_out})
    catalog_path.write_text(text, encoding="utf-8")
    plan = LabPlan(
        catalog=str(catalog_path), ca_cert=str(pki.ca_cert), server_cert=str(pki.server_cert),
        server_key=str(pki.server_key), rogue_cert=str(pki.rogue_cert),
        rogue_key=str(pki.rogue_key), zone=zone, literals=literals, tcp=tcp, udp=udp,
        domestic=sorted(domestic, key=ipaddress.ip_address),
        services={k: sorted(v) for k, v in services.items()},
        service_hosts={k: sorted(v) for k, v in service_hosts.items()},
        status_paths=status_paths,
    )
    plan.save(out_dir / "plan.json")
    return plan


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} to TOML")


def _dump(data: dict[str, Any]) -> str:
    """A small TOML writer for the catalog's shape: tables and arrays of flat tables."""
    lines = ["# Generated by tests/lab/labcatalog.py: the shipped catalog, pointed at the lab.", ""]
    for name, table in data.items():
        if isinstance(table, dict):
            lines += ["", f"[{name}]"]
            lines += [f"{k} = {_value(v)}" for k, v in table.items()]
        else:
            for entry in table:
                lines += ["", f"[[{name}]]"]
                lines += [f"{k} = {_value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_CATALOG)
    parser.add_argument("out_dir", nargs="?", type=Path, default=Path("var/lab"))
    args = parser.parse_args(argv)
    plan = build(args.source, args.out_dir)
    print(plan.catalog)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
