"""Proxies: the app notices one is set up and says so, the probes never use it, and its address
never reaches a report (docs/security.md "VPN and proxies")."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from app.analysis.diagnose import diagnose
from app.analysis.model import Cause, CauseId, Diagnosis, NetworkResult, NetworkStatus
from app.analysis.network import analyze_network
from app.core.model import Kind
from app.core.system import InterfaceSnapshot
from app.engine import proxy
from app.engine.context import ProbeContext
from app.engine.interfaces import snapshot
from app.engine.probes import doh, http, https
from app.i18n import translator
from app.knowledge.explain import explain_network
from app.report.code import decode, encode, main_causes
from app.report.json_report import build_document
from tests.analysis.factory import CONNECTED, catalog, ok
from tests.engine.test_probes import make_check, resolver_check
from tests.report import sample
from tests.servers import BackgroundServer, TestPki

PROXY_HOST = "corp-proxy.example"
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
              "all_proxy", "NO_PROXY", "no_proxy")


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


def test_kinds_from_settings_never_the_address() -> None:
    found = proxy.from_mapping({"http": f"http://{PROXY_HOST}:3128",
                                "https": f"{PROXY_HOST}:3128",
                                "all": "socks5h://127.0.0.1:1080",
                                "no": "localhost,.corp"})
    assert found.kinds == ("http", "https", "socks")  # socks URLs are named as socks
    assert found.configured and PROXY_HOST not in repr(found) and "3128" not in repr(found)


def test_empty_or_unusable_settings_are_not_a_proxy() -> None:
    assert not proxy.from_mapping({}).configured
    assert not proxy.from_mapping({"http": "", "https": "   ", "no": "*"}).configured
    assert not proxy.from_mapping({"http": "http://:3128"}).configured  # no host at all


def test_unreadable_settings_are_no_proxy_and_an_error() -> None:
    def broken() -> dict[str, str]:
        raise OSError("registry unavailable")

    found = proxy.detect(broken)
    assert not found.configured and found.error == "OSError"


def test_snapshot_reads_the_environment(no_proxy_env: None,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert not snapshot().proxy.configured
    monkeypatch.setenv("HTTPS_PROXY", f"http://{PROXY_HOST}:3128")
    assert snapshot().proxy.kinds == ("https",)


def test_a_proxy_is_said_on_the_network_card_and_in_the_json_without_its_address(
        no_proxy_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://{PROXY_HOST}:3128")
    monkeypatch.setenv("ALL_PROXY", f"socks5://{PROXY_HOST}:1080")
    interfaces = replace(sample.run().interfaces, proxy=snapshot().proxy)
    run = replace(sample.run(), interfaces=interfaces)
    diagnosis = diagnose(run.observations, catalog(), run.interfaces)
    assert CauseId.SYSTEM_PROXY in [c.id for c in diagnosis.network.causes]
    for lang, words in (("en", "A proxy is set up on this computer."),
                        ("ru", "На этом компьютере настроен прокси.")):
        doc = build_document(run, diagnosis, translator(lang))
        assert "proxy_configured" in [c["id"] for c in doc["network"]["causes"]]
        text = json.dumps(doc, ensure_ascii=False)
        assert PROXY_HOST not in text and "3128" not in text and "1080" not in text
        assert words in explain_network(diagnosis.network, translator(lang)).body


def test_no_proxy_no_cause() -> None:
    facts = analyze_network([ok("ctl-wiki"), ok("ctl-ya")], CONNECTED)
    assert CauseId.SYSTEM_PROXY not in [c.id for c in facts.result.causes]
    with_proxy = replace(CONNECTED, proxy=proxy.ProxySettings(("http",)))
    facts = analyze_network([ok("ctl-wiki"), ok("ctl-ya")], with_proxy)
    assert facts.result.status == NetworkStatus.ONLINE  # a proxy changes no verdict
    assert CauseId.SYSTEM_PROXY in [c.id for c in facts.result.causes]


def test_the_check_code_leaves_the_proxy_cause_out_and_still_decodes() -> None:
    """The code's cause registry is frozen (docs/code.md): the schema-2 cause is not in it."""
    base = sample.diagnosis()
    network = NetworkResult(NetworkStatus.ONLINE,
                            causes=(*base.network.causes, Cause(CauseId.SYSTEM_PROXY)))
    diagnosis = Diagnosis(network, base.features, base.catalog_name, base.catalog_version,
                          base.date)
    assert CauseId.SYSTEM_PROXY not in main_causes(diagnosis)
    assert encode(diagnosis) == encode(base)
    back = decode(encode(diagnosis), today=base.date)
    assert CauseId.SYSTEM_PROXY not in [c.id for c in back.network.causes]


def test_interface_snapshot_default_has_no_proxy() -> None:
    assert InterfaceSnapshot(()).proxy == proxy.ProxySettings()


# ---------------------------------------------------------------- the probes ignore proxies

class _Trap:
    """A TCP listener standing in for the proxy: counts every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def trap(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Trap]:
    listener = _Trap()
    address = f"http://127.0.0.1:{listener.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.setenv(name, address)
    monkeypatch.setenv("NO_PROXY", "")  # loopback is not exempted: the proxy would be used
    monkeypatch.setenv("no_proxy", "")
    try:
        yield listener
    finally:
        listener.close()


async def test_web_probes_go_direct_with_proxy_variables_set(
        trap: _Trap, https_server: BackgroundServer, no_content_server: BackgroundServer,
        doh_server: BackgroundServer, test_pki: TestPki) -> None:
    assert proxy.detect().configured  # the settings are really there
    results = [
        await https.run(make_check(Kind.HTTPS, https_server.port, test_pki), ProbeContext()),
        await http.run(make_check(Kind.HTTP, no_content_server.port, path="/generate_204",
                                  expect_status=204), ProbeContext()),
        await doh.run(resolver_check(doh_server.port, test_pki), ProbeContext()),
    ]
    assert [o.ok for o in results] == [True, True, True], results
    assert trap.accepted == 0
