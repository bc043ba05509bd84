"""The shipped catalog is sound, and a broken catalog stops with one line a person can act on.

A support engineer edits TOML, not code: these tests hold the shipped file to the promises
docs/catalog.md makes (services per feature, trusted resolvers by IP, Signal's own root, a
run that fits its deadline) and check that each kind of mistake names the file, the entry
and the problem.
"""

from __future__ import annotations

import ipaddress
import math
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from app.analysis.model import CauseId
from app.catalog.loader import CatalogError, load_catalog
from app.core.catalog import Catalog
from app.core.model import USER_FEATURES, Feature, Kind, Role
from app.engine.context import ProbeContext
from app.paths import default_catalog_path

# SHA-256 of Signal's root "Signal Messenger, LLC" 2022-2032, as pinned by OONI probe-cli.
SIGNAL_ROOT_SHA256 = "ddb0f92bb95c8d6fd202ea6e8cc5ccd182b544f8cd696f47d580659ddc9df65a"

MESSENGERS = {"WhatsApp", "Telegram", "Signal"}
MAP_SERVICES = {
    "Google Maps", "Yandex Maps", "OpenStreetMap", "2GIS", "Apple Maps", "Mapbox",
    "Organic Maps", "OsmAnd",
}


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(default_catalog_path())


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


# ── the shipped catalog ──────────────────────────────────────────────────────────────────


def test_shipped_catalog_loads_with_its_header(shipped: Catalog) -> None:
    assert shipped.name == "default"
    assert shipped.schema == 1
    assert shipped.country == "RU"
    assert re.fullmatch(r"20\d\d\.\d\d\.\d\d", shipped.version)
    assert shipped.extra_ca is None, "the shipped catalog trusts no extra CA"
    assert shipped.ordinary_ranges == (), "fake-IP answers must stay visible to users"


def test_full_run_fits_the_deadline_and_sends_little(shipped: Catalog) -> None:
    assert 40 <= len(shipped.checks) <= 90
    waves = math.ceil(len(shipped.checks) / shipped.concurrency)
    slowest = max(c.timeout_s for c in shipped.checks)
    assert waves * slowest <= shipped.deadline_s
    fetches = [c for c in shipped.checks if c.kind in (Kind.HTTPS, Kind.HTTP, Kind.DOH)]
    assert all(c.max_bytes <= 65536 for c in fetches), "read at most 64 KiB per request"
    assert sum(c.max_bytes for c in fetches) <= 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("feature", "expected"),
    [(Feature.CALLS, MESSENGERS), (Feature.MESSAGES, MESSENGERS), (Feature.MAPS, MAP_SERVICES)],
)
def test_every_user_feature_has_its_services(
    shipped: Catalog, feature: Feature, expected: set[str]
) -> None:
    assert set(shipped.services(feature)) == expected
    for service in expected:
        own = [c for c in shipped.checks
               if c.feature == feature and c.service == service and c.role == Role.SERVICE]
        assert own, f"{service} has no {feature} entry"


def test_every_user_feature_is_covered(shipped: Catalog) -> None:
    for feature in USER_FEATURES:
        assert shipped.services(feature), f"no services for {feature}"


def test_network_has_controls_resolvers_and_captive_probes(shipped: Catalog) -> None:
    def count(role: Role) -> int:
        return sum(1 for c in shipped.checks if c.role == role)

    assert count(Role.CONTROL_DOMESTIC) >= 3
    assert count(Role.CONTROL_INTERNATIONAL) >= 2
    assert count(Role.RESOLVER) >= 2
    assert count(Role.CAPTIVE_PORTAL) >= 2
    assert count(Role.REFERENCE_STUN) >= 3
    for check in shipped.checks:
        if check.role not in (Role.SERVICE, Role.REFERENCE_STUN, Role.CALL_TEST):
            assert check.feature == Feature.NETWORK, check.id


def test_ids_are_unique_and_descriptive(shipped: Catalog) -> None:
    ids = [c.id for c in shipped.checks]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.-]+", i) for i in ids)


def test_doh_resolvers_use_ip_literals(shipped: Catalog) -> None:
    resolvers = shipped.resolvers()
    assert len(resolvers) >= 2
    for check in resolvers:
        assert check.role == Role.RESOLVER
        assert check.url is not None and check.url.startswith("https://")
        assert _ip_literal(urlsplit(check.url).hostname or "") is not None, check.id


def test_no_entry_targets_a_private_or_bogon_address(shipped: Catalog) -> None:
    literals = [(c.id, _ip_literal(c.host)) for c in shipped.checks]
    found = [(i, ip) for i, ip in literals if ip is not None]
    assert len(found) >= 10  # Telegram DCs, call relays, resolvers
    for check_id, ip in found:
        assert ip.is_global, f"{check_id}: {ip} is not a public address"
        assert ip not in ipaddress.ip_network("198.18.0.0/15"), check_id


def test_telegram_lists_all_five_data_centres(shipped: Catalog) -> None:
    dcs = {c.host for c in shipped.checks
           if c.service == "Telegram" and c.kind == Kind.TCP and c.port == 443}
    assert {"149.154.175.50", "149.154.167.51", "95.161.76.100", "149.154.175.100",
            "149.154.167.91", "149.154.171.5"} <= dcs
    posts = [c for c in shipped.checks if c.service == "Telegram" and c.kind == Kind.HTTP]
    assert posts and all(c.method == "POST" for c in posts)


def test_messengers_have_a_dns_comparison_entry(shipped: Catalog) -> None:
    dns = {c.service for c in shipped.checks if c.kind == Kind.DNS}
    assert {"WhatsApp", "Telegram"} <= dns
    assert all(c.port == 53 for c in shipped.checks if c.kind == Kind.DNS)


def test_call_entries_say_what_they_are_and_how_they_travel(shipped: Catalog) -> None:
    calls = [c for c in shipped.checks if c.feature == Feature.CALLS]
    for check in calls:
        assert check.label, check.id
        assert check.transport, check.id
    for service in MESSENGERS - {"Signal"}:
        assert any(c.kind == Kind.STUN for c in calls if c.service == service), service


def test_reference_stun_servers_share_one_service_name(shipped: Catalog) -> None:
    refs = [c for c in shipped.checks if c.role == Role.REFERENCE_STUN]
    assert {c.service for c in refs} == {"STUN servers"}
    assert all(c.kind == Kind.STUN and c.feature == Feature.CALLS for c in refs)
    assert any(c.host.endswith(".ru") for c in refs), "one reference should be hosted in Russia"
    assert "STUN servers" not in shipped.services(Feature.CALLS)


def test_captive_portal_probes_expect_an_empty_answer(shipped: Catalog) -> None:
    probes = [c for c in shipped.checks if c.role == Role.CAPTIVE_PORTAL]
    for check in probes:
        assert check.kind == Kind.HTTP
        assert check.expect_status == 204


def test_signal_entries_trust_signals_own_root(shipped: Catalog) -> None:
    signal_tls = [c for c in shipped.checks if c.service == "Signal"
                  and c.kind in (Kind.HTTPS, Kind.TLS) and c.id != "signal-updates-https"]
    assert len(signal_tls) >= 4
    # The download server (the speed read) has a public certificate, as apt fetches it.
    updates = next(c for c in shipped.checks if c.id == "signal-updates-https")
    assert updates.ca_file is None
    ca_files = {c.ca_file for c in signal_tls}
    assert len(ca_files) == 1
    ca_path = Path(str(ca_files.pop()))
    assert ca_path.name == "signal-ca.pem" and ca_path.is_file()
    # Entries of other services never trust Signal's root.
    assert all(c.ca_file is None for c in shipped.checks if c.service != "Signal")
    # A context built for a Signal entry loads the file (comment lines and all).
    ProbeContext().ssl_context(signal_tls[0])


def test_signal_ca_is_the_real_root() -> None:
    raw = (default_catalog_path().parent / "signal-ca.pem").read_bytes()
    cert = x509.load_pem_x509_certificate(raw[raw.index(b"-----BEGIN CERTIFICATE-----"):])
    assert cert.fingerprint(hashes.SHA256()).hex() == SIGNAL_ROOT_SHA256
    org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    assert [a.value for a in org] == ["Signal Messenger, LLC"]
    key = cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    assert cert.signature_hash_algorithm is not None
    # Self-signed: the signature verifies, so the text was copied without a single error.
    key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
               cert.signature_hash_algorithm)
    assert cert.not_valid_after_utc.year == 2032


def test_restrictions_are_dated_sourced_and_name_real_services(shipped: Catalog) -> None:
    dates = {(r.announced.isoformat(), r.feature) for r in shipped.restrictions}
    assert {("2025-08-13", Feature.CALLS), ("2024-08-09", Feature.MESSAGES),
            ("2026-02-10", Feature.MESSAGES), ("2026-02-11", Feature.MESSAGES)} <= dates
    for note in shipped.restrictions:
        assert note.country == "RU"
        assert note.source.startswith("https://")
        assert note.summary
        assert note.services
        for service in note.services:
            assert service in shipped.services(note.feature), (note.id, service)
        for cause in note.causes:  # the loader only checks the spelling; these must exist
            assert cause in {c.value for c in CauseId}, (note.id, cause)
    slowdown = next(r for r in shipped.restrictions if r.id == "ru-2026-02-telegram-slowdown")
    assert slowdown.causes == ("throttled",)


def test_only_keeps_the_chosen_feature_and_the_network(shipped: Catalog) -> None:
    messages = shipped.only({"messages"})
    features = {c.feature for c in messages.checks}
    assert features == {Feature.MESSAGES, Feature.NETWORK}
    assert messages.resolvers() == shipped.resolvers()


def test_privacy_notice_lists_every_host(shipped: Catalog) -> None:
    hosts = shipped.hosts()
    assert "web.whatsapp.com" in hosts and "149.154.175.50" in hosts
    assert len(hosts) == len(set(hosts))


# ── broken catalogs ──────────────────────────────────────────────────────────────────────

HEAD = '[catalog]\nschema = 1\nname = "test"\nversion = "1"\n'
GOOD = (
    '[[check]]\nid = "ok-first"\nservice = "Example"\nfeature = "messages"\n'
    'kind = "tcp"\nhost = "example.net"\nport = 443\n'
)


def _check(**fields: str) -> str:
    """A [[check]] table; values are TOML literals, ``None``-free; drop keys by passing ''."""
    base = {
        "id": '"bad-entry"', "service": '"Example"', "feature": '"messages"', "kind": '"tcp"',
        "host": '"example.net"', "port": "443",
    }
    base.update(fields)
    body = "".join(f"{key} = {value}\n" for key, value in base.items() if value != "")
    return "[[check]]\n" + body


BAD_ENTRY = "'bad-entry' (check #2)"

BROKEN = [
    pytest.param(HEAD + GOOD + "[[check]\nid = 1\n", None, "not valid TOML", id="bad-toml"),
    pytest.param(HEAD + GOOD + "[[restriction]]\nannounced = 2025-13-45\n", None,
                 "not valid TOML", id="bad-toml-date"),
    pytest.param(HEAD + GOOD + _check(kind='"carrier-pigeon"'), BAD_ENTRY,
                 "unknown kind 'carrier-pigeon'", id="unknown-kind"),
    pytest.param(HEAD + GOOD + _check(feature='"weather"'), BAD_ENTRY,
                 "unknown feature 'weather'", id="unknown-feature"),
    pytest.param(HEAD + GOOD + _check(role='"boss"'), BAD_ENTRY, "unknown role 'boss'",
                 id="unknown-role"),
    pytest.param(HEAD + GOOD + _check(service=""), BAD_ENTRY, "missing field 'service'",
                 id="missing-service"),
    pytest.param(HEAD + GOOD + _check(feature=""), BAD_ENTRY, "missing field 'feature'",
                 id="missing-feature"),
    pytest.param(HEAD + GOOD + _check(port=""), BAD_ENTRY, "missing field 'port'",
                 id="missing-port"),
    pytest.param(HEAD + GOOD + _check(host=""), BAD_ENTRY, "missing field 'host'",
                 id="missing-host"),
    pytest.param(HEAD + GOOD + _check(kind='"https"', host=""), BAD_ENTRY,
                 "missing field 'url'", id="missing-url"),
    pytest.param(HEAD + GOOD + _check(port="0"), BAD_ENTRY, "port must be 1-65535, got 0",
                 id="port-0"),
    pytest.param(HEAD + GOOD + _check(port="70000"), BAD_ENTRY,
                 "port must be 1-65535, got 70000", id="port-70000"),
    pytest.param(HEAD + GOOD + _check(port='"443"'), BAD_ENTRY,
                 "port must be 1-65535, got '443'", id="port-text"),
    pytest.param(HEAD + GOOD + _check(port="true"), BAD_ENTRY,
                 "port must be 1-65535, got True", id="port-bool"),
    pytest.param(HEAD + GOOD + _check(id='"ok-first"'), "'ok-first' (check #2)",
                 "duplicate id", id="duplicate-id"),
    pytest.param(HEAD + GOOD + _check(id='"Bad Entry"'), "check #2", "invalid 'id'",
                 id="bad-id"),
    pytest.param(HEAD + GOOD + _check(colour='"red"'), BAD_ENTRY,
                 "unknown field(s): colour", id="unknown-field"),
    pytest.param(HEAD + GOOD + _check(speed_only="true"), BAD_ENTRY,
                 "'speed_only' is for https/http entries of a service", id="speed-only-tcp"),
    pytest.param(HEAD + GOOD + _check(kind='"https"', host="", url='"https://e.net/"',
                                      speed_only='"yes"'), BAD_ENTRY,
                 "'speed_only' must be true or false", id="speed-only-text"),
    pytest.param(HEAD + GOOD + _check(kind='"https"', host="", url='"https://e.net/"',
                                      ca='"nope.pem"'),
                 BAD_ENTRY, "'ca' file not found: nope.pem", id="missing-ca-file"),
    pytest.param(HEAD + GOOD + _check(kind='"doh"', host="", role='"resolver"',
                                      url='"https://dns.google/dns-query"'),
                 BAD_ENTRY, "must use an IP literal", id="doh-host-name"),
    pytest.param(HEAD + GOOD + _check(kind='"http"', host="", url='"https://e.net/"'),
                 BAD_ENTRY, "must be an http:// URL", id="http-with-https-url"),
    pytest.param(HEAD + GOOD + _check(host="", ip='"300.1.2.3"'), BAD_ENTRY,
                 "not an IP address", id="bad-ip"),
    pytest.param(HEAD + GOOD + _check(method='"DELETE"'), BAD_ENTRY,
                 "method must be GET, HEAD or POST", id="bad-method"),
    pytest.param(HEAD.replace('version = "1"\n', 'version = "1"\nextra_ca = "lab-ca.pem"\n')
                 + GOOD, "[catalog]", "extra_ca file not found: lab-ca.pem",
                 id="extra-ca-missing"),
    pytest.param(HEAD.replace('version = "1"\n', 'version = "1"\nordinary_ranges = ["lab"]\n')
                 + GOOD, "ordinary_ranges", "not a network: 'lab'", id="bad-ordinary-range"),
    pytest.param(HEAD.replace("schema = 1", "schema = 2") + GOOD, "[catalog]",
                 "schema must be 1", id="wrong-schema"),
    pytest.param(HEAD, None, "no [[check]] entries", id="no-checks"),
    pytest.param(GOOD, None, "missing [catalog] table", id="no-header"),
    pytest.param(HEAD + GOOD + '[[restriction]]\nid = "r1"\ncountry = "RU"\n'
                 'announced = "2025-08-13"\nfeature = "calls"\nsource = "https://x.org/"\n',
                 "restriction #1", "'announced' must be a date", id="restriction-date-text"),
    pytest.param(HEAD + GOOD + '[[restriction]]\nid = "r1"\ncountry = "RU"\n'
                 'announced = 2025-08-13T10:00:00\nfeature = "calls"\nsource = "https://x.org/"\n',
                 "restriction #1", "'announced' must be a date", id="restriction-datetime"),
    pytest.param(HEAD + GOOD + '[[restriction]]\nid = "r1"\ncountry = "RU"\n'
                 'announced = 2025-08-13\nfeature = "calls"\n',
                 "restriction #1", "missing field 'source'", id="restriction-no-source"),
    pytest.param(HEAD + GOOD + '[[restriction]]\nid = "r1"\ncountry = "RU"\n'
                 'announced = 2025-08-13\nfeature = "calls"\nsource = "https://x.org/"\n'
                 'causes = ["Slow Down"]\n',
                 "restriction #1", "'causes' must list cause ids", id="restriction-bad-cause"),
]


@pytest.mark.parametrize(("text", "entry", "problem"), BROKEN)
def test_broken_catalog_names_file_entry_and_problem(
    tmp_path: Path, text: str, entry: str | None, problem: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert message.startswith(f"catalog {path}")
    assert problem in message
    if entry is not None:
        assert entry in message
    assert "\n" not in message, "one line, for a terminal or a dialog"


def test_missing_catalog_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(CatalogError, match="file not found") as caught:
        load_catalog(path)
    assert str(path) in str(caught.value)


def test_catalog_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(HEAD.encode() + "# caf\xe9\n".encode("latin-1") + GOOD.encode())
    with pytest.raises(CatalogError, match="not UTF-8"):
        load_catalog(path)


# ── what a test catalog may declare ──────────────────────────────────────────────────────


def test_lab_catalog_declares_its_ca_and_ordinary_ranges(tmp_path: Path) -> None:
    shutil.copy(default_catalog_path().parent / "signal-ca.pem", tmp_path / "lab-ca.pem")
    text = (
        HEAD.replace('version = "1"\n', 'version = "1"\nextra_ca = "lab-ca.pem"\n'
                     'ordinary_ranges = ["198.18.0.0/15"]\n')
        + GOOD
        + _check(id='"own-ca"', kind='"https"', host="", url='"https://lab.example/"',
                 ca='"lab-ca.pem"')
        + _check(id='"resolver"', kind='"doh"', host="", role='"resolver"', feature='"network"',
                 url='"https://198.18.0.53/dns-query"', sni='"dns.lab.example"')
        + _check(id='"dns-default-port"', kind='"dns"', port="")
    )
    path = tmp_path / "lab.toml"
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.extra_ca == (tmp_path / "lab-ca.pem").resolve()
    assert ipaddress.ip_address("198.18.3.4") in catalog.ordinary_ranges[0]
    assert catalog.by_id("own-ca").ca_file == str((tmp_path / "lab-ca.pem").resolve())
    assert catalog.by_id("own-ca").port == 443
    assert catalog.by_id("resolver").sni == "dns.lab.example"
    assert catalog.by_id("dns-default-port").port == 53
    assert catalog.timeout_s == 8.0 and catalog.by_id("ok-first").timeout_s == 8.0


def test_docs_viber_example_loads_into_a_copy_of_the_shipped_catalog(tmp_path: Path) -> None:
    """docs/catalog.md's worked example must stay valid: a support engineer copies it."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "catalog.md").read_text("utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", docs, flags=re.DOTALL)
    viber = [b for b in blocks if 'id = "viber-chat-tls"' in b]
    assert len(viber) == 1
    shutil.copy(default_catalog_path().parent / "signal-ca.pem", tmp_path / "signal-ca.pem")
    mine = tmp_path / "my.toml"
    mine.write_text(default_catalog_path().read_text("utf-8") + "\n" + viber[0], "utf-8")
    catalog = load_catalog(mine)
    assert "Viber" in catalog.services(Feature.MESSAGES)
    assert "Viber" in catalog.services(Feature.CALLS)
    only = catalog.only({"messages"})
    assert {c.service for c in only.checks if c.feature == Feature.MESSAGES} >= {"Viber"}
    assert all(c.feature != Feature.CALLS for c in only.checks)
