"""The lab itself: servers answer, coturn wants credentials, and each rule bites as intended.

These use small clients of their own (tests/lab/client_tools.py), not the app, so a lab
fault is never mistaken for an app fault.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lab import profiles as p
from tests.lab.labcatalog import BOGON_ANSWER, LabPlan, build
from tests.lab.netns import CLIENT_IP, Lab, run

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> LabPlan:
    return build(Path("resources/catalog/default.toml").resolve(),
                 tmp_path_factory.mktemp("plan"))


class Client:
    def __init__(self, lab: Lab) -> None:
        self.lab = lab

    def __call__(self, op: str, *args: str) -> Any:
        proc = self.lab.run_client([sys.executable, "-m", "tests.lab.client_tools", op, *args],
                                   timeout=30)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    def get(self, host: str, path: str = "/", port: int = 443) -> dict[str, Any]:
        ca = self.lab.plan.ca_cert if port != 80 else "-"
        result: dict[str, Any] = self("fetch", host, str(port), path, ca)
        return result


def _lab(plan: LabPlan, tmp_path: Path, profile: p.Profile) -> Iterator[Client]:
    with Lab(plan, tmp_path, profile) as lab:
        yield Client(lab)


@pytest.fixture
def healthy(plan: LabPlan, tmp_path: Path) -> Iterator[Client]:
    yield from _lab(plan, tmp_path, p.none())


def test_healthy_lab_serves_every_kind(healthy: Client, plan: LabPlan) -> None:
    page = healthy.get("web.whatsapp.com")
    assert (page["status"], page["bytes"], page["error"]) == (200, 65536, None)
    tile = healthy.get("mt0.google.com", "/vt/lyrs=m&x=0&y=0&z=1")
    assert tile["status"] == 200 and tile["bytes"] > 16384
    assert healthy.get("connectivitycheck.gstatic.com", "/generate_204", 80)["status"] == 204
    assert healthy("resolve", "ya.ru")["addresses"] == [plan.zone["ya.ru"]]
    assert healthy("resolve", "not-in-the-lab.example")["addresses"] == []
    doh_ip = plan.literals["1.1.1.1"]
    assert healthy("doh", doh_ip, "web.whatsapp.com", plan.ca_cert)["addresses"] == [
        plan.zone["web.whatsapp.com"]]
    stun_ip = plan.literals["157.240.203.62"]
    assert healthy("stun", stun_ip, "3478")["mapped"].startswith(CLIENT_IP + ":")
    assert healthy("echo", plan.echo_ip, "7")["echoed"] is True


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_coturn_asks_for_credentials(healthy: Client, plan: LabPlan, transport: str) -> None:
    healthy.lab.wait_for_turn()
    reply = healthy("turn_allocate", plan.turn_ip, "3478", transport)
    assert reply["type"] == 0x0113  # Allocate error response
    assert (reply["error_code"], reply["realm"]) == (401, "lab")


def test_stun_filter_drops_stun_but_not_other_udp(plan: LabPlan, tmp_path: Path) -> None:
    for client in _lab(plan, tmp_path, p.drop_stun()):
        assert client("stun", plan.literals["157.240.203.62"], "3478")["mapped"] is None
        assert client("echo", plan.echo_ip, "7")["echoed"] is True


def test_freeze_lets_some_bytes_through_then_stops(plan: LabPlan, tmp_path: Path) -> None:
    for client in _lab(plan, tmp_path, p.freeze_after()):
        frozen = client.get("web.whatsapp.com")
        assert frozen["error"] is not None and 4096 <= frozen["bytes"] <= 16384
        assert client.get("ya.ru")["bytes"] == 65536  # domestic hosts are not frozen


def test_name_reset_hits_only_that_name(plan: LabPlan, tmp_path: Path) -> None:
    for client in _lab(plan, tmp_path, p.sni_reset("web.whatsapp.com")):
        assert "ConnectionResetError" in client.get("web.whatsapp.com")["error"]
        assert client.get("web.telegram.org")["bytes"] == 65536


def test_dns_lie_and_truth_over_https(plan: LabPlan, tmp_path: Path) -> None:
    for client in _lab(plan, tmp_path, p.dns_lie("bogon", "web.whatsapp.com")):
        assert client("resolve", "web.whatsapp.com")["addresses"] == [BOGON_ANSWER]
        truth = client("doh", plan.literals["8.8.8.8"], "web.whatsapp.com", plan.ca_cert)
        assert truth["addresses"] == [plan.zone["web.whatsapp.com"]]


def test_interception_presents_an_unknown_ca(plan: LabPlan, tmp_path: Path) -> None:
    target = plan.zone["web.telegram.org"]
    for client in _lab(plan, tmp_path, p.intercept(target)):
        assert "CERTIFICATE_VERIFY_FAILED" in client.get("web.telegram.org")["error"]
        assert client.get("web.whatsapp.com")["bytes"] == 65536


def test_captive_portal_redirects_web_and_resets_https(plan: LabPlan, tmp_path: Path) -> None:
    for client in _lab(plan, tmp_path, p.captive_portal(plan)):
        probe = client.get("connectivitycheck.gstatic.com", "/generate_204", 80)
        assert probe["status"] == 302
        assert probe["location"] == f"http://{plan.portal_ip}/login"
        assert "ConnectionRefusedError" in client.get("ya.ru")["error"]


def test_whitelist_passes_domestic_only(plan: LabPlan, tmp_path: Path) -> None:
    for client in _lab(plan, tmp_path, p.domestic_whitelist(plan)):
        assert client.get("ya.ru")["bytes"] == 65536
        assert "timed out" in client.get("www.wikipedia.org")["error"]


def test_udp_cutoff_passes_the_first_packets_only(plan: LabPlan, tmp_path: Path) -> None:
    stun_ip = plan.literals["157.240.203.62"]
    for client in _lab(plan, tmp_path, p.udp_cutoff(packets=4)):
        # each call is a new flow (new source port): a binding request and its answer pass
        assert client("stun", stun_ip, "3478")["mapped"] is not None
        # within one flow, two round trips (4 packets) pass and everything after is dropped
        assert client("echo_burst", plan.echo_ip, "7", "6")["answered"] == 2


def test_teardown_leaves_nothing(plan: LabPlan, tmp_path: Path) -> None:
    with Lab(plan, tmp_path, p.none()) as lab:
        names = (lab.client, lab.isp, lab.world)
        pids = [proc.pid for proc in lab.procs]
    listing = run(["ip", "netns", "list"]).stdout
    assert not any(name in listing for name in names)
    assert not Path(f"/etc/netns/{names[0]}").exists()
    assert all(not Path(f"/proc/{pid}").exists() for pid in pids)
