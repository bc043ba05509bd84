"""Property tests for the catalog loader: any file — random bytes, random TOML, a valid catalog
with any field replaced by any value — loads, or stops with one CatalogError line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.catalog.loader import CatalogError, load_catalog, parse_catalog

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

VALID = """\
[catalog]
schema = 1
name = "fuzz"
version = "2026.01"
ordinary_ranges = ["198.18.0.0/15"]

[[check]]
id = "web"
service = "Svc"
feature = "messages"
kind = "https"
url = "https://example.com/"

[[check]]
id = "stun"
service = "Svc"
feature = "calls"
kind = "stun"
host = "stun.example.com"
port = 3478

[[check]]
id = "turn"
service = "Svc"
feature = "calls"
kind = "turn_call"
url = "turn:turn.example.com:3478?transport=udp"
username = "u"
credential = "p"

[[restriction]]
id = "r1"
country = "RU"
announced = 2025-08-13
feature = "calls"
services = ["Svc"]
source = "https://example.com/news"
"""


def _loads(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text)


def values() -> st.SearchStrategy[Any]:
    """TOML-representable values, including the awkward ones."""
    scalars = (st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
               | st.floats(allow_nan=True) | st.text(max_size=30)
               | st.sampled_from(["", "https://[::1", "https://[zz]/", "http://x:99999/",
                                  "turn:", "turns:[::1]:x", "a\x00b", "../../etc/passwd",
                                  "web\n", "1.2.3.4", "::1", "doh", "calls"])
               | st.dates() | st.datetimes())
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """The valid catalog with a few values (anywhere) replaced, added or removed."""
    data = _loads(VALID)
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(["catalog", "check", "restriction", "top"]))
        if table == "top":
            target: dict[str, Any] = data
        elif table == "catalog":
            target = data["catalog"] if isinstance(data.get("catalog"), dict) else data
        else:
            entries = data.get(table)
            if not isinstance(entries, list) or not entries or not isinstance(entries[0], dict):
                continue
            target = draw(st.sampled_from(entries))
        keys = [*sorted(target), "id", "kind", "url", "port", "ip", "host", "timeout_s", "ca",
                "extra_ca", "restriction", "check", "payload", "duration_s"]
        key = draw(st.sampled_from(keys))
        if draw(st.integers(0, 5)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(values())
    return data


@FUZZ
@given(mutated())
@example({**_loads(VALID), "restriction": 5})
@example({**_loads(VALID), "check": [{**_loads(VALID)["check"][0], "url": "https://[::1"}]})
@example({**_loads(VALID), "check": [{**_loads(VALID)["check"][0], "id": "web\n"}]})
@example({**_loads(VALID), "catalog": {**_loads(VALID)["catalog"], "extra_ca": "a\x00b"}})
def test_any_catalog_data_loads_or_is_a_catalog_error(data: dict[str, Any]) -> None:
    try:
        catalog = parse_catalog(data, Path("/nonexistent/fuzz.toml"))
    except CatalogError as error:
        assert str(error).startswith("catalog ") and "\n" not in str(error)  # one line
        return
    assert catalog.checks
    assert all(check.id.isprintable() for check in catalog.checks)


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | int | float):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    return json.dumps(str(value))


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode)
       | st.lists(st.tuples(st.sampled_from(["schema", "name", "id", "kind", "[catalog]",
                                              "[[check]]", "port", "url"]),
                            st.text(max_size=10) | st.integers() | st.booleans()), max_size=8)
       .map(lambda pairs: "\n".join(k if k.startswith("[") else f"{k} = {_toml(v)}"
                                    for k, v in pairs).encode()))
@example(b"[catalog]\nschema = 1\n" + b"a = " + b"[" * 2000 + b"]" * 2000)
@example(b"\xff\xfe[catalog]")
@example(VALID.replace('"https://example.com/"', '"https://[::1"').encode())
def test_any_file_loads_or_is_a_catalog_error(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(raw)
    try:
        load_catalog(path)
    except CatalogError as error:
        assert str(error).startswith(f"catalog {path}")
