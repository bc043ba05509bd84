"""Load a catalog file into immutable ``Check`` entries, or fail with one precise line.

Every problem names the file, the entry and what is wrong, e.g.
``catalog resources/catalog/x.toml: entry 'wa-e1' (check #3): port must be 1-65535, got 70000``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import SplitResult, urlsplit

from app.core import call_defaults
from app.core.catalog import SCHEMA, Catalog, Restriction
from app.core.model import Check, Feature, Kind, Role
from app.core.printable import printable_data

# The first bytes of a page tell whether the service answered (docs/performance.md).
DEFAULT_MAX_BYTES = 8192
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_URL_KINDS = {Kind.HTTPS, Kind.HTTP, Kind.DOH}
_CHECK_KEYS = {
    "id", "service", "feature", "kind", "host", "ip", "url", "port", "role", "sni", "ca",
    "timeout_s", "max_bytes", "expect_status", "method", "label", "transport", "unverified",
    "speed_only", "content", "min_size", "max_size",  # docs/catalog.md "Content"
    # calls kinds (docs/catalog.md "Calls")
    "duration_s", "packet_bytes", "rate_pps", "payload", "username", "credential",
}
_CATALOG_KEYS = {
    "schema", "name", "version", "country", "extra_ca", "ordinary_ranges", "timeout_s",
    "deadline_s", "concurrency", "update_urls",
}
MAX_UPDATE_URLS = 8
# Refused before the TOML parser sees the file: Python's parser is quadratic in the parts of
# one dotted key (a 40 KB line of them took 5 s and 2.4 GB), so lines are short and the file
# small; the shipped catalog is 26 KB, 64 entries, lines under 300 characters.
MAX_CATALOG_BYTES = 256 * 1024
MAX_LINE_CHARS = 1024
MAX_CHECKS = 1000
_RESTRICTION_KEYS = {"id", "country", "announced", "feature", "services", "source", "summary",
                     "causes"}
_CAUSE_NAME = re.compile(r"^[a-z][a-z_]{0,39}$")
_Name = TypeVar("_Name", Feature, Kind, Role)


class CatalogError(ValueError):
    """A catalog that cannot be used. ``str()`` is the one-line message for the user."""

    def __init__(self, path: Path | str, problem: str, entry: str | None = None) -> None:
        self.path = str(path)
        self.entry = entry
        self.problem = problem
        where = f"catalog {self.path}"
        if entry:
            where += f": entry {entry}"
        super().__init__(f"{where}: {problem}")


def load_catalog(path: Path | str) -> Catalog:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(path, "file not found") from None
    except OSError as exc:
        raise CatalogError(path, f"cannot read: {exc.strerror or exc}") from None
    _within_limits(path, raw)
    try:
        # Control characters are escaped once, here, where catalog text enters the app: a
        # service name with an ESC sequence reaches no terminal and no report as one.
        data = printable_data(tomllib.loads(raw.decode("utf-8")))
    except UnicodeDecodeError:
        raise CatalogError(path, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(path, f"not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise CatalogError(path, "not valid TOML: nested too deeply") from None
    return parse_catalog(data, path)


def _within_limits(path: Path, raw: bytes) -> None:
    """Size, line length and entry count, checked on the bytes before any parsing."""
    if len(raw) > MAX_CATALOG_BYTES:
        raise CatalogError(path, f"too large: {len(raw)} bytes, at most {MAX_CATALOG_BYTES}")
    longest = max(map(len, raw.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        raise CatalogError(path, f"a line of {longest} characters, at most {MAX_LINE_CHARS}")
    if raw.count(b"[[check]]") > MAX_CHECKS:
        raise CatalogError(path, f"more than {MAX_CHECKS} [[check]] entries")


def parse_catalog(data: dict[str, Any], path: Path) -> Catalog:
    head = _catalog_head(path, data)
    extra_ca = None
    if "extra_ca" in head:
        extra_ca = _ca_path(path, head["extra_ca"], "[catalog] extra_ca")
    ranges = _ordinary_ranges(path, head.get("ordinary_ranges", []))
    timeout_s = _number(path, head.get("timeout_s", 8.0), None, "timeout_s", 0.1, 120)
    deadline_s = _number(path, head.get("deadline_s", 45.0), None, "deadline_s", 1, 600)
    concurrency = int(_number(path, head.get("concurrency", 24), None, "concurrency", 1, 256))
    update_urls = _update_urls(path, head.get("update_urls", []))
    checks = _parse_checks(path, data.get("check", []), timeout_s)
    raw_restrictions = data.get("restriction", [])
    if not isinstance(raw_restrictions, list):
        raise CatalogError(path, "'restriction' must be [[restriction]] tables")
    restrictions = tuple(
        _parse_restriction(path, raw, i) for i, raw in enumerate(raw_restrictions, 1)
    )
    return Catalog(
        path=path,
        name=head["name"],
        version=head["version"],
        country=str(head.get("country", "")),
        checks=checks,
        extra_ca=extra_ca,
        ordinary_ranges=ranges,
        timeout_s=timeout_s,
        deadline_s=deadline_s,
        concurrency=concurrency,
        restrictions=restrictions,
        update_urls=update_urls,
    )


def _catalog_head(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The [catalog] table, once its keys, schema, name and version (and the file's
    top-level tables) are known to be right."""
    head = data.get("catalog")
    if not isinstance(head, dict):
        raise CatalogError(path, "missing [catalog] table (schema, name, version)")
    unknown = set(head) - _CATALOG_KEYS
    if unknown:
        raise CatalogError(path, f"[catalog] has unknown key(s): {_names(unknown)}")
    schema = head.get("schema")
    if schema != SCHEMA:
        raise CatalogError(path, f"[catalog] schema must be {SCHEMA}, got {schema!r}")
    for key in ("name", "version"):
        if not isinstance(head.get(key), str) or not head[key]:
            raise CatalogError(path, f"[catalog] missing field '{key}'")
    unknown_top = set(data) - {"catalog", "check", "restriction"}
    if unknown_top:
        raise CatalogError(path, f"unknown top-level table(s): {_names(unknown_top)}")
    return head


def _ordinary_ranges(
    path: Path, value: Any
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    ranges = []
    for text in _list_of_str(path, value, None, "ordinary_ranges"):
        try:
            ranges.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise CatalogError(path, f"ordinary_ranges: not a network: {text!r}") from None
    return tuple(ranges)


def _update_urls(path: Path, value: Any) -> tuple[str, ...]:
    """Where signed updates of this catalog live: https:// URLs of the catalog file, a plain
    host (no user, no query), at most MAX_UPDATE_URLS (docs/catalog.md "Updates")."""
    urls = _list_of_str(path, value, None, "update_urls")
    if len(urls) > MAX_UPDATE_URLS:
        raise CatalogError(path, f"update_urls: at most {MAX_UPDATE_URLS}, got {len(urls)}")
    for url in urls:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError:
            parts = None
        if (parts is None or parts.scheme != "https" or not parts.hostname or parts.username
                or parts.password or parts.query or parts.fragment
                or not parts.path.endswith(".toml") or not url.isprintable()):
            raise CatalogError(path, f"update_urls: not an https:// URL of a .toml file: "
                                     f"{_shown(url)}")
    return tuple(urls)


def _parse_checks(path: Path, raw_checks: Any, default_timeout: float) -> tuple[Check, ...]:
    if not isinstance(raw_checks, list) or not raw_checks:
        raise CatalogError(path, "no [[check]] entries")
    if len(raw_checks) > MAX_CHECKS:
        raise CatalogError(path, f"more than {MAX_CHECKS} [[check]] entries")
    checks: list[Check] = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(raw_checks, start=1):
        check = _parse_check(path, raw, index, default_timeout)
        if check.id in seen_ids:
            raise CatalogError(path, "duplicate id", f"'{check.id}' (check #{index})")
        seen_ids.add(check.id)
        checks.append(check)
    return tuple(checks)


def _parse_check(path: Path, raw: Any, index: int, default_timeout: float) -> Check:
    """One [[check]] table, checked in the order its problems are reported."""
    if not isinstance(raw, dict):
        raise CatalogError(path, "must be a table", f"check #{index}")
    ident, entry = _check_id(path, raw, index)
    _check_keys(path, raw, entry)
    feature, kind, role = _check_names(path, raw, entry)
    host, port = _check_target(path, raw, kind, entry)
    ca_file = None
    if "ca" in raw:
        ca_file = str(_ca_path(path, raw["ca"], "'ca'", entry, inside=True))
    calls = _call_fields(path, raw, kind, entry)
    timeout_s = _check_timeout(path, raw, kind, calls.get("duration_s", 0.0), default_timeout,
                               entry)
    max_bytes, expect_status, method = _web_fields(path, raw, entry)
    content = _content_fields(path, raw, kind, entry)
    unverified = raw.get("unverified", False)
    if not isinstance(unverified, bool):
        raise CatalogError(path, f"'unverified' must be true or false, got {unverified!r}", entry)
    speed_only = raw.get("speed_only", False)
    if not isinstance(speed_only, bool):
        raise CatalogError(path, f"'speed_only' must be true or false, got {speed_only!r}", entry)
    if speed_only and (kind not in (Kind.HTTPS, Kind.HTTP) or role != Role.SERVICE):
        raise CatalogError(path, "'speed_only' is for https/http entries of a service", entry)
    for key in ("service", "sni", "label", "transport"):
        if key in raw and not isinstance(raw[key], str):
            raise CatalogError(path, f"'{key}' must be text", entry)
    return Check(
        id=ident,
        service=raw["service"],
        feature=feature,
        kind=kind,
        host=host,
        port=port,
        role=role,
        url=raw.get("url"),
        sni=raw.get("sni"),
        ca_file=ca_file,
        timeout_s=timeout_s,
        max_bytes=max_bytes,
        expect_status=expect_status,
        method=method,
        **content,
        label=raw.get("label", ""),
        transport=raw.get("transport", ""),
        unverified=unverified,
        speed_only=speed_only,
        **calls,
    )


def _check_id(path: Path, raw: dict[str, Any], index: int) -> tuple[str, str]:
    """The entry's id, and how messages name the entry (by its id when that is printable)."""
    ident = raw.get("id")
    entry = (f"'{ident}' (check #{index})" if isinstance(ident, str) and ident.isprintable()
             else f"check #{index}")
    if not isinstance(ident, str) or not _ID_RE.fullmatch(ident):
        raise CatalogError(
            path, "missing or invalid 'id' (lower-case letters, digits, . _ -)", entry
        )
    return ident, entry


def _check_keys(path: Path, raw: dict[str, Any], entry: str) -> None:
    """Every field known, and service, feature and kind given as text."""
    unknown = set(raw) - _CHECK_KEYS
    if unknown:
        raise CatalogError(path, f"unknown field(s): {_names(unknown)}", entry)
    for key in ("service", "feature", "kind"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise CatalogError(path, f"missing field '{key}'", entry)


def _check_names(path: Path, raw: dict[str, Any], entry: str) -> tuple[Feature, Kind, Role]:
    """Feature, kind and role: each one of its enum's values."""
    feature = _one_of(path, Feature, raw["feature"], "feature", entry)
    kind = _one_of(path, Kind, raw["kind"], "kind", entry)
    role = _one_of(path, Role, raw.get("role", "service"), "role", entry)
    return feature, kind, role


def _one_of(path: Path, enum: type[_Name], value: Any, what: str, entry: str) -> _Name:
    try:
        return enum(value)
    except ValueError:
        allowed = " | ".join(member.value for member in enum)
        raise CatalogError(path, f"unknown {what} {value!r} ({allowed})", entry) from None


def _check_target(path: Path, raw: dict[str, Any], kind: Kind, entry: str) -> tuple[str, int]:
    """Host and port: from 'url' for the kinds that take one, else from 'host' or 'ip'."""
    url = raw.get("url")
    host = _host_or_ip(path, raw, entry)
    port = raw.get("port")
    if kind in _URL_KINDS:
        host, port = _web_url(path, kind, url, port, entry)
    elif kind in (Kind.TURN_CALL, Kind.ECHO_CALL):
        host, port = _call_url(path, kind, url, port, entry)
    elif url is not None:
        raise CatalogError(path, f"'url' is not used by kind {kind.value}", entry)
    if not isinstance(host, str) or not host:
        raise CatalogError(path, "missing field 'host' (or 'ip')", entry)
    if kind == Kind.DNS and port is None:
        port = 53  # informational only: the system resolver chooses its own server and port
    if port is None:
        raise CatalogError(path, "missing field 'port'", entry)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise CatalogError(path, f"port must be 1-65535, got {port!r}", entry)
    return host, port


def _host_or_ip(path: Path, raw: dict[str, Any], entry: str) -> Any:
    """'host' or 'ip' as given (not both; an 'ip' must be an address), None when neither."""
    host = raw.get("host")
    ip = raw.get("ip")
    if host is not None and ip is not None:
        raise CatalogError(path, "give either 'host' or 'ip', not both", entry)
    if ip is not None:
        try:
            ipaddress.ip_address(ip)
        except (ValueError, TypeError):
            raise CatalogError(path, f"'ip' is not an IP address: {ip!r}", entry) from None
        return ip
    return host


def _web_url(path: Path, kind: Kind, url: Any, port: Any, entry: str) -> tuple[str, Any]:
    """Host and port of an https, http or doh entry's URL (a doh URL names an IP)."""
    if not isinstance(url, str):
        raise CatalogError(path, f"missing field 'url' (kind {kind.value})", entry)
    parts = _split_url(path, url, entry)
    wanted = "http" if kind == Kind.HTTP else "https"
    if parts.scheme != wanted or not parts.hostname:
        raise CatalogError(path, f"'url' must be an {wanted}:// URL, got {url!r}", entry)
    host = parts.hostname
    try:
        url_port = parts.port
    except ValueError:
        raise CatalogError(path, f"bad port in url {url!r}", entry) from None
    if port is None:
        port = url_port or (80 if wanted == "http" else 443)
    elif url_port is not None and url_port != port:
        raise CatalogError(path, f"'port' {port} differs from the url's port", entry)
    if kind == Kind.DOH:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise CatalogError(
                path, "a doh resolver's url must use an IP literal", entry
            ) from None
    return host, port


def _call_url(path: Path, kind: Kind, url: Any, port: Any, entry: str) -> tuple[str, Any]:
    """Host and port of a turn_call (turn:/turns: URL) or echo_call (http(s):// URL) entry."""
    if not isinstance(url, str):
        raise CatalogError(path, f"missing field 'url' (kind {kind.value})", entry)
    if kind == Kind.TURN_CALL:
        from app.engine.calls.turn_url import TurnUrlError, parse_turn_url

        try:
            turn = parse_turn_url(url)
        except TurnUrlError as exc:
            raise CatalogError(path, str(exc), entry) from None
        host, url_port = turn.host, turn.port
    else:
        parts = _split_url(path, url, entry)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CatalogError(path, f"'url' must be an http(s):// URL, got {url!r}", entry)
        host = parts.hostname
        try:
            url_port = parts.port or (80 if parts.scheme == "http" else 443)
        except ValueError:
            raise CatalogError(path, f"bad port in url {url!r}", entry) from None
    if port is not None and port != url_port:
        raise CatalogError(path, f"'port' {port} differs from the url's port", entry)
    return host, url_port


def _check_timeout(path: Path, raw: dict[str, Any], kind: Kind, duration_s: float,
                   default_timeout: float, entry: str) -> float:
    """The entry's timeout (a call's default covers its duration); longer than the call."""
    default = call_defaults.default_timeout(kind, duration_s, default_timeout)
    timeout_s = _number(path, raw.get("timeout_s", default), entry, "timeout_s", 0.1, 120)
    if duration_s and timeout_s <= duration_s:
        raise CatalogError(path, "timeout_s must be longer than duration_s", entry)
    return timeout_s


def _web_fields(path: Path, raw: dict[str, Any], entry: str) -> tuple[int, int | None, str]:
    """max_bytes, expect_status and method, with their defaults."""
    max_bytes = int(_number(path, raw.get("max_bytes", DEFAULT_MAX_BYTES), entry, "max_bytes",
                            1, 1 << 30))
    expect_status = raw.get("expect_status")
    if expect_status is not None and (
        not isinstance(expect_status, int) or not 100 <= expect_status <= 599
    ):
        raise CatalogError(path, f"expect_status must be an HTTP status, got {expect_status!r}",
                           entry)
    method = raw.get("method", "GET")
    if method not in ("GET", "HEAD", "POST"):
        raise CatalogError(path, f"method must be GET, HEAD or POST, got {method!r}", entry)
    return max_bytes, expect_status, method


CONTENT_TYPES = ("any", "png", "jpeg", "image", "pbf", "json", "html")


def _content_fields(path: Path, raw: dict[str, Any], kind: Kind, entry: str
                    ) -> dict[str, Any]:
    """content (https/http), min_size and max_size (https): what a 2xx answer must be."""
    found: dict[str, Any] = {}
    if "content" in raw:
        if kind not in (Kind.HTTPS, Kind.HTTP):
            raise CatalogError(path, "'content' is only for https and http entries", entry)
        if raw["content"] not in CONTENT_TYPES:
            raise CatalogError(path, f"content must be one of {', '.join(CONTENT_TYPES)}, "
                               f"got {raw['content']!r}", entry)
        found["content"] = raw["content"]
    for key in ("min_size", "max_size"):
        if key in raw:
            if kind != Kind.HTTPS:
                raise CatalogError(path, f"'{key}' is only for https entries", entry)
            found[key] = int(_number(path, raw[key], entry, key, 1, 1 << 31))
    if found.get("min_size", 0) and found.get("max_size", 0) and (
            found["min_size"] > found["max_size"]):
        raise CatalogError(path, "min_size must not be larger than max_size", entry)
    return found


def _call_fields(path: Path, raw: dict[str, Any], kind: Kind, entry: str) -> dict[str, Any]:
    """The calls fields of an entry, with each kind's defaults filled in."""
    given = {"duration_s", "packet_bytes", "rate_pps", "payload", "username",
             "credential"} & set(raw)
    if given and not call_defaults.is_call_kind(kind):
        raise CatalogError(path, f"{', '.join(sorted(given))}: not used by kind {kind.value}",
                           entry)
    for key in ("payload", "username", "credential"):
        if key in raw and not isinstance(raw[key], str):
            raise CatalogError(path, f"'{key}' must be text", entry)
    if not call_defaults.is_call_kind(kind):
        return {}
    fields = _call_numbers(path, raw, kind, entry)
    fields.update(_call_payload(path, raw, kind, entry))
    fields.update(_turn_credentials(path, raw, kind, entry))
    return fields


def _call_numbers(path: Path, raw: dict[str, Any], kind: Kind, entry: str) -> dict[str, Any]:
    """duration_s for every call kind; packet_bytes and rate_pps where the kind sends them."""
    duration = call_defaults.default_duration(kind)
    if duration:
        duration = _number(path, raw.get("duration_s", duration), entry, "duration_s", 1, 120)
    fields: dict[str, Any] = {"duration_s": duration}
    size = call_defaults.FLOW_PACKET_BYTES if kind == Kind.CALL_FLOW else (
        call_defaults.UDP_PACKET_BYTES)
    if kind in (Kind.UDP_ECHO, Kind.CALL_FLOW):
        fields["packet_bytes"] = int(_number(path, raw.get("packet_bytes", size), entry,
                                             "packet_bytes", 20, 1200))
    if kind == Kind.CALL_FLOW:
        fields["rate_pps"] = int(_number(path, raw.get("rate_pps", call_defaults.FLOW_RATE_PPS),
                                         entry, "rate_pps", 1, 100))
    return fields


def _call_payload(path: Path, raw: dict[str, Any], kind: Kind, entry: str) -> dict[str, Any]:
    """The payload shape, for the kinds that have a choice of them."""
    allowed = call_defaults.PAYLOADS.get(kind, ())
    if allowed:
        payload = raw.get("payload", allowed[0])
        if payload not in allowed:
            raise CatalogError(path, f"payload must be {' or '.join(allowed)}, got {payload!r}",
                               entry)
        return {"payload": payload}
    if "payload" in raw:
        raise CatalogError(path, f"'payload' is not used by kind {kind.value}", entry)
    return {}


def _turn_credentials(path: Path, raw: dict[str, Any], kind: Kind,
                      entry: str) -> dict[str, Any]:
    """username and credential: required by turn_call, refused by every other kind."""
    if kind == Kind.TURN_CALL:
        fields = {}
        for key in ("username", "credential"):
            if not raw.get(key):
                raise CatalogError(path, f"missing field '{key}' (kind turn_call)", entry)
            fields[key] = raw[key]
        return fields
    if "username" in raw or "credential" in raw:
        raise CatalogError(path, f"username/credential are not used by kind {kind.value}", entry)
    return {}


def _parse_restriction(path: Path, raw: Any, index: int) -> Restriction:
    entry = f"restriction #{index}"
    if not isinstance(raw, dict):
        raise CatalogError(path, "must be a table", entry)
    unknown = set(raw) - _RESTRICTION_KEYS
    if unknown:
        raise CatalogError(path, f"unknown field(s): {_names(unknown)}", entry)
    for key in ("id", "country", "feature", "source"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise CatalogError(path, f"missing field '{key}'", entry)
    announced = raw.get("announced")
    if not isinstance(announced, dt.date) or isinstance(announced, dt.datetime):
        raise CatalogError(path, "'announced' must be a date like 2025-08-13", entry)
    try:
        feature = Feature(raw["feature"])
    except ValueError:
        raise CatalogError(path, f"unknown feature {raw['feature']!r}", entry) from None
    services = tuple(_list_of_str(path, raw.get("services", []), entry, "services"))
    causes = tuple(_list_of_str(path, raw.get("causes", []), entry, "causes"))
    for cause in causes:
        if not _CAUSE_NAME.match(cause):
            raise CatalogError(path, f"'causes' must list cause ids like \"throttled\", "
                               f"got {_shown(cause)!r}", entry)
    return Restriction(
        id=raw["id"],
        country=raw["country"],
        announced=announced,
        feature=feature,
        services=services,
        source=raw["source"],
        summary=str(raw.get("summary", "")),
        causes=causes,
    )


def _shown(text: str) -> str:
    """Text for the one-line message: as written, or quoted when it has unprintable parts."""
    return text if text.isprintable() else repr(text)


def _names(keys: set[str]) -> str:
    return ", ".join(_shown(key) for key in sorted(keys))


def _split_url(path: Path, url: str, entry: str) -> SplitResult:
    try:
        return urlsplit(url)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL" for https://[::1
        raise CatalogError(path, f"bad url {url!r}: {exc}", entry) from None


def _ca_path(path: Path, value: Any, what: str, entry: str | None = None,
             inside: bool = False) -> Path:
    """The CA file ``value`` names, relative to the catalog's folder; with ``inside``, it
    must resolve (symbolic links followed) to a file in that folder or below it."""
    if not isinstance(value, str) or not value:
        raise CatalogError(path, f"{what} must be a file name", entry)
    try:
        folder = path.parent.resolve()
        ca = (folder / value).resolve()
        outside = inside and not ca.is_relative_to(folder)
        found = not outside and ca.is_file()
    except (OSError, ValueError):  # a NUL in the name, a name too long …
        outside, found = False, False
    if outside:
        raise CatalogError(path, f"{what} must be next to the catalog, not {_shown(value)}",
                           entry)
    if not found:
        raise CatalogError(path, f"{what} file not found: {_shown(value)}", entry)
    return ca


def _number(path: Path, value: Any, entry: str | None, key: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise CatalogError(path, f"{key} must be a number from {lo:g} to {hi:g}, got {value!r}",
                           entry)
    return float(value)


def _list_of_str(path: Path, value: Any, entry: str | None, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(path, f"'{key}' must be a list of text", entry)
    return list(value)
