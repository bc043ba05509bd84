"""Only catalog targets are contacted, and proxies are ignored — counted at the lab's router.

A full check (the shipped catalog plus the quick calls checks: TURN relay, echo peer) runs in
the healthy lab while the router records every new flow the client starts (iptables in the
router's mangle PREROUTING, before any routing decision, so even packets to addresses the
lab does not route are seen) and the lab resolver records every name it is asked. Anything
the catalog does not name — an update check, telemetry, a library's default STUN server, a
stray lookup — fails the test. A second run has HTTP_PROXY/HTTPS_PROXY/ALL_PROXY pointing at
a lab address that is not in the catalog: the verdicts must be the same, nothing may be sent
to that address, and the app must say that a proxy is set up. A third run is
``conncheck update`` (the person's consent to a catalog update): the update sources the
catalog names are its only contact, and the checks never contact them (docs/catalog.md
"Updates").
"""

from __future__ import annotations

import ipaddress
import json
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.catalog.loader import load_catalog
from tests.lab import netns
from tests.lab.harness import app_command, verdict_problems
from tests.lab.labcatalog import DEFAULT_CATALOG, LabPlan, build
from tests.lab.profiles import TO_CLIENT, Profile
from tests.lab.test_calls_lab import CALLS_ENTRIES, TIMING

pytestmark = pytest.mark.lab

CANARY_IP, CANARY_NAME = "198.19.9.9", "canary.privacy.invalid"
CANARY = (f"import socket\nsocket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', "
          f"('{CANARY_IP}', 9))\ntry:\n    socket.getaddrinfo('{CANARY_NAME}', 80)\n"
          "except OSError:\n    pass\n")
PROXY = "198.18.99.99"  # not in the catalog, not routed by the lab: a proxy nobody may use
PROXY_ENV = {name: f"http://{PROXY}:3128" for name in (
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")}
HEALTHY = {"network": "online", "calls": "works", "messages": "works", "maps": "works"}
CHAIN = "CCPRIVACY"
_COUNTER = re.compile(r"^\s*(\d+)\s+\d+\s+RETURN\s+\S+\s+--\s+\S+\s+\S+\s+\S+\s+(\S+)")


@dataclass
class Seen:
    """What one run sent, as the router and the resolver saw it."""

    name: str
    workdir: Path
    plan: LabPlan | None = None
    report: dict[str, Any] | None = None
    stderr: str = ""
    allowed: set[str] = field(default_factory=set)
    flows: dict[str, int] = field(default_factory=dict)  # allowed destination -> new flows
    stray: list[str] = field(default_factory=list)  # destinations the catalog does not name
    stray_flows: int = 0
    proxy_flows: int = 0
    queries: list[tuple[str, str]] = field(default_factory=list)  # (isp|doh, name)
    error: str = ""
    canary_caught: bool = False
    canary_looked_up: bool = False


def catalog_addresses(plan: LabPlan) -> set[str]:
    """Every address the lab catalog names (through a host name, an IP literal or a TURN
    URL), plus the system resolver the catalog's DNS checks ask. Not the lab's own extras
    (the captive portal, the neutral UDP echo): the catalog does not name them."""
    return {*plan.zone.values(), *plan.literals.values(), plan.turn_ip, plan.resolver_ip}


def counting_rules(allowed: set[str]) -> tuple[str, ...]:
    """Count each new flow from the client by destination; the last rule catches the rest
    and remembers their destinations (xt_recent, /proc/net/xt_recent/stray)."""
    ordered = sorted(allowed, key=ipaddress.ip_address)
    return (
        f"iptables -t mangle -N {CHAIN}",
        f"iptables -t mangle -A PREROUTING -i {TO_CLIENT} -m conntrack --ctstate NEW -j {CHAIN}",
        *(f"iptables -t mangle -A {CHAIN} -d {a} -j RETURN" for a in ordered),
        f"iptables -t mangle -A {CHAIN} -d {PROXY} -j RETURN",
        f"iptables -t mangle -A {CHAIN} -m recent --rdest --name stray --set -j RETURN",
    )


def update_command(catalog: str) -> list[str]:
    return [sys.executable, "-m", "app", "update", "--catalog", catalog]


def run_counted(name: str, workdir: Path, source: Path,
                env: dict[str, str] | None = None, *, update: bool = False) -> Seen:
    seen = Seen(name, workdir)
    try:
        plan = build(source, workdir, overrides=dict(TIMING))
        seen.plan, seen.allowed = plan, catalog_addresses(plan)
        profile = Profile("count", counting_rules(seen.allowed))
        with netns.Lab(plan, workdir, profile) as lab:
            deadline = float(TIMING["deadline_s"])
            command = update_command if update else app_command
            proc = lab.run_client(command(plan.catalog), timeout=deadline + 40, env=env)
            # A canary the counting must catch (so these tests can fail): one datagram to a
            # lab address no catalog names, one lookup of a name no catalog lists.
            lab.exec(lab.client, [sys.executable, "-c", CANARY], check=False)
            listing = lab.exec(lab.isp, ["iptables", "-t", "mangle", "-L", CHAIN, "-v", "-n",
                                         "-x"]).stdout
            recent = lab.exec(lab.isp, ["cat", "/proc/net/xt_recent/stray"]).stdout
        seen.stderr = proc.stderr
        seen.report = json.loads(proc.stdout) if proc.stdout.strip() and not update else None
        for line in listing.splitlines():
            match = _COUNTER.match(line)
            if not match:
                continue
            packets, destination = int(match[1]), match[2]
            if destination == "0.0.0.0/0":
                seen.stray_flows = packets
            elif destination == PROXY:
                seen.proxy_flows = packets
            else:
                seen.flows[destination] = packets
        seen.stray = re.findall(r"src=(\S+)", recent)
        if CANARY_IP in seen.stray:  # caught: not the app's
            seen.canary_caught = True
            seen.stray.remove(CANARY_IP)
            seen.stray_flows -= 1
        log = workdir / "dns-queries.log"
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                where, qname, _qtype = line.split(" ", 2)
                if qname == CANARY_NAME:
                    seen.canary_looked_up = True
                else:
                    seen.queries.append((where, qname))
    except Exception as exc:  # reported by the tests below with the lab directory
        seen.error = f"{type(exc).__name__}: {exc}"
    return seen


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Seen]]:
    base = tmp_path_factory.mktemp("privacy-lab")
    source = base / "calls.toml"
    source.write_text(DEFAULT_CATALOG.read_text(encoding="utf-8") + CALLS_ENTRIES,
                      encoding="utf-8")
    netns.sweep_stale()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            plain = pool.submit(run_counted, "plain", base / "plain", source)
            proxied = pool.submit(run_counted, "proxy", base / "proxy", source, PROXY_ENV)
            updated = pool.submit(run_counted, "update", base / "update", source, update=True)
            found = {"plain": plain.result(), "proxy": proxied.result(),
                     "update": updated.result()}
        for seen in found.values():  # shown with -s: what was measured
            print(f"\n{seen.name} ({seen.workdir}): {sum(seen.flows.values())} new flows to "
                  f"{sum(1 for n in seen.flows.values() if n)} catalog addresses, "
                  f"{seen.stray_flows} elsewhere, {seen.proxy_flows} to the proxy; "
                  f"{len(seen.queries)} DNS questions for "
                  f"{len({q for _, q in seen.queries})} names")
        yield found
    finally:
        netns.close_all()


def _where(seen: Seen) -> str:
    return f"run {seen.name}: lab files in {seen.workdir}; {seen.error}\n{seen.stderr[-1500:]}"


@pytest.mark.parametrize("name", ["plain", "proxy"])
def test_only_catalog_addresses_are_contacted(runs: dict[str, Seen], name: str) -> None:
    seen = runs[name]
    assert seen.report is not None, _where(seen)
    assert seen.canary_caught, "the router did not see the canary datagram: counting is broken"
    assert seen.stray_flows == 0 and seen.stray == [], (
        f"flows to addresses the catalog does not name: {seen.stray} "
        f"({seen.stray_flows} flows)\n{_where(seen)}")
    # The counting works: the checks' own flows were seen, to many catalog addresses.
    contacted = {a for a, n in seen.flows.items() if n > 0}
    assert len(contacted) >= 10 and seen.plan is not None, seen.flows
    assert seen.plan.resolver_ip in contacted and seen.plan.turn_ip in contacted


@pytest.mark.parametrize("name", ["plain", "proxy"])
def test_only_catalog_names_are_looked_up(runs: dict[str, Seen], name: str) -> None:
    seen = runs[name]
    assert seen.plan is not None and seen.queries, _where(seen)
    assert seen.canary_looked_up, "the resolver did not log the canary name: logging is broken"
    catalog_names = set(seen.plan.zone)
    strays = sorted({q for _, q in seen.queries if q not in catalog_names})
    assert strays == [], f"names the catalog does not list were looked up: {strays}"
    assert {w for w, _ in seen.queries} >= {"isp", "doh"}  # both resolvers were logged


def test_proxy_variables_change_nothing_and_are_never_used(runs: dict[str, Seen]) -> None:
    plain, proxied = runs["plain"], runs["proxy"]
    assert plain.report is not None and proxied.report is not None, _where(proxied)
    assert proxied.proxy_flows == 0, f"{proxied.proxy_flows} flows went to the proxy"
    for seen in (plain, proxied):
        problems = verdict_problems(seen.report or {}, HEALTHY)
        assert not problems, f"{seen.name}: {problems}"
    verdicts = [{f: v["verdict"] for f, v in s.report["features"].items()}  # type: ignore
                for s in (plain, proxied)]
    assert verdicts[0] == verdicts[1]
    causes = [[c["id"] for c in s.report["network"]["causes"]]  # type: ignore[index]
              for s in (plain, proxied)]
    assert "proxy_configured" not in causes[0] and "proxy_configured" in causes[1]
    assert PROXY not in str(proxied.report) and "3128" not in str(proxied.report)


def test_update_sources_are_the_only_extra_contact_and_only_when_asked(
        runs: dict[str, Seen]) -> None:
    hosts = {urlsplit(url).hostname for url in load_catalog(DEFAULT_CATALOG).update_urls}
    assert hosts
    for name in ("plain", "proxy"):  # a check never contacts the update sources
        assert not hosts & {q for _, q in runs[name].queries}, _where(runs[name])
    seen = runs["update"]
    asked = {q for _, q in seen.queries}
    assert seen.plan is not None and asked, _where(seen)
    assert asked <= hosts, f"an update asked for names that are not update sources: {asked}"
    assert seen.canary_caught and seen.stray_flows == 0 and seen.stray == [], _where(seen)
    assert {a for a, n in seen.flows.items() if n} <= {seen.plan.resolver_ip}, seen.flows
