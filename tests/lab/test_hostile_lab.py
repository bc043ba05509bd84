"""Hostile servers in the lab: the real ``python -m app check --json`` in the client namespace
against peers that hang, trickle, flood and lie (tests/servers/hostile.py, served by the lab's
world on lab addresses; hostile DNS comes from the ISP resolver the client's system uses).

The run must end within its deadline, every check must carry the failure a person can act on,
and no check may be an ``internal_error``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.lab.labcatalog import LAB_RANGE, build
from tests.lab.netns import Lab
from tests.lab.profiles import Profile

pytestmark = pytest.mark.lab

DEADLINE_S = 15.0
TIMEOUT_S = 4.0
STARTUP_GRACE_S = 10.0  # interpreter start, imports, analysis and the report, around the run
SNI = "web.whatsapp.com"  # a name the lab certificate covers (the hostile addresses are new)
NET = "198.19.9."  # inside the lab's hosts network, away from the addresses build() hands out

# id -> (kind, address, port, world protocol, extra TOML fields, what the check must report)
HOSTILE: dict[str, tuple[str, str, int, str, str, str]] = {
    "endless-body": ("https", NET + "1", 443, "hostile-tls:endless-body", "max_bytes = 2000000",
                     "ok"),
    "trickle-body": ("https", NET + "2", 443, "hostile-tls:trickle-body", "",
                     "generic_timeout_error@http|stalled@http"),
    "huge-header": ("https", NET + "3", 443, "hostile-tls:huge-header", "",
                    "http_invalid_response@http"),
    "huge-chunk-line": ("https", NET + "4", 443, "hostile-tls:huge-chunk-line", "",
                        "http_invalid_response@http"),
    "tls-garbage": ("tls", NET + "5", 443, "hostile:tls-garbage", "",
                    "ssl_failed_handshake@tls"),
    "doh-wrong-id": ("doh", NET + "6", 443, "hostile-tls:doh-wrong-id", "",
                     "http_invalid_response@http"),
    "stun-malformed": ("stun", NET + "7", 3478, "hostile:stun-malformed", "",
                       "stun_invalid_response@udp"),
    "stun-wrong-txid": ("stun", NET + "8", 3478, "hostile:stun-wrong-txid", "",
                        "stun_invalid_response@udp"),
    "stun-flood": ("stun", NET + "9", 3478, "hostile:stun-flood", "", "ok"),
}
# System DNS (getaddrinfo through the lab's ISP resolver) for names the resolver mangles.
DNS_NAMES = {
    "dns-malformed": "dns_server_failure@dns|generic_timeout_error@dns",
    "dns-mismatched-id": "generic_timeout_error@dns|dns_server_failure@dns",
    "dns-flood": "generic_timeout_error@dns|dns_server_failure@dns",
    "dns-huge": "dns_server_failure@dns|generic_timeout_error@dns",  # TC set, answer cut
}


def _catalog(path: Path, ca_cert: str) -> None:
    lines = ["[catalog]", "schema = 1", 'name = "hostile lab"', 'version = "2026.01"',
             f'extra_ca = "{ca_cert}"', f'ordinary_ranges = ["{LAB_RANGE}"]',
             f"timeout_s = {TIMEOUT_S}", f"deadline_s = {DEADLINE_S}"]
    for ident, (kind, ip, port, _proto, extra, _want) in HOSTILE.items():
        lines += ["", "[[check]]", f'id = "{ident}"', 'service = "Hostile"',
                  f'feature = "{"calls" if kind == "stun" else "messages"}"', f'kind = "{kind}"']
        if kind in ("https", "doh"):
            lines.append(f'url = "https://{ip}:{port}/{"dns-query" if kind == "doh" else ""}"')
        else:
            lines += [f'ip = "{ip}"', f"port = {port}"]
        if kind in ("https", "tls", "doh"):
            lines.append(f'sni = "{SNI}"')
        if kind == "doh":
            lines.append('role = "resolver"')
        if extra:
            lines.append(extra)
    for mode in DNS_NAMES:
        lines += ["", "[[check]]", f'id = "{mode}"', 'service = "Hostile"',
                  'feature = "network"', 'kind = "dns"', f'host = "{mode}.hostile.lab"',
                  'role = "control_domestic"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _seen(check: dict[str, Any]) -> str:
    return "ok" if check["ok"] else f"{check['failure']}@{check['phase']}"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], float]:
    workdir = tmp_path_factory.mktemp("hostile")
    plan = build(Path("resources/catalog/default.toml").resolve(), workdir / "plan")
    for _ident, (kind, ip, port, proto, _extra, _want) in HOSTILE.items():
        table = plan.udp if kind == "stun" else plan.tcp
        table.setdefault(ip, {})[str(port)] = proto
    catalog = workdir / "hostile.toml"
    _catalog(catalog, plan.ca_cert)
    profile = Profile("hostile", dns_lies={f"{mode}.hostile.lab": mode for mode in DNS_NAMES})
    with Lab(plan, workdir, profile) as lab:
        started = time.monotonic()
        proc = lab.run_client([sys.executable, "-m", "app", "check", "--json", "--quiet",
                               "--catalog", str(catalog)], timeout=DEADLINE_S + 60)
        elapsed = time.monotonic() - started
    (workdir / "report.json").write_text(proc.stdout)
    assert proc.stdout.strip(), f"no report; stderr: {proc.stderr[-2000:]}"
    return json.loads(proc.stdout), elapsed


def test_run_ends_within_its_deadline(hostile_run: tuple[dict[str, Any], float]) -> None:
    report, elapsed = hostile_run
    assert report["duration_s"] <= DEADLINE_S
    assert report["complete"] is True  # every check ended on its own, none by the deadline
    assert elapsed < DEADLINE_S + STARTUP_GRACE_S, f"the app took {elapsed:.1f} s"


def test_no_check_is_an_internal_error(hostile_run: tuple[dict[str, Any], float]) -> None:
    report, _ = hostile_run
    broken = [c["id"] for c in report["checks"] if c["failure"] == "internal_error"]
    assert not broken


@pytest.mark.parametrize("ident", [*HOSTILE, *DNS_NAMES])
def test_each_hostile_peer_gives_the_expected_failure(
        hostile_run: tuple[dict[str, Any], float], ident: str) -> None:
    report, _ = hostile_run
    wanted = HOSTILE[ident][5] if ident in HOSTILE else DNS_NAMES[ident]
    (check,) = [c for c in report["checks"] if c["id"] == ident]
    assert _seen(check) in wanted.split("|"), check
    assert check["duration_ms"] <= (TIMEOUT_S + 1.0) * 1000, check


def test_endless_body_was_cut_at_max_bytes(hostile_run: tuple[dict[str, Any], float]) -> None:
    report, _ = hostile_run
    (check,) = [c for c in report["checks"] if c["id"] == "endless-body"]
    assert check["extra"]["truncated_at_max_bytes"] is True
    assert 2_000_000 <= check["bytes_received"] <= 2_000_000 + 16_384
