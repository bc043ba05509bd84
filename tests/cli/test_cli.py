"""`conncheck` as a user or a script runs it: a real subprocess against loopback servers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers.base import BackgroundServer
from tests.servers.certs import TestPki

ROOT = Path(__file__).resolve().parents[2]


def conncheck(*args: str, env: dict[str, str] | None = None, timeout: float = 60
              ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "CONNCHECK_DATA_DIR": env.get("CONNCHECK_DATA_DIR", "")
                if env else "", **(env or {})}
    full_env.pop("CONNCHECK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> dict[str, str]:
    return {"CONNCHECK_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def loopback_catalog(tmp_path: Path, test_pki: TestPki, https_server: BackgroundServer,
                     reset_server: BackgroundServer, stall_server: BackgroundServer,
                     no_content_server: BackgroundServer, stun_server: BackgroundServer,
                     doh_server: BackgroundServer) -> Path:
    def url(server: BackgroundServer, path: str = "/") -> str:
        return f"https://127.0.0.1:{server.port}{path}"

    text = f"""
[catalog]
schema = 1
name = "loopback"
version = "2026.11.23"
country = "RU"
extra_ca = "{test_pki.ca_file}"
ordinary_ranges = ["127.0.0.0/8"]
timeout_s = 2
deadline_s = 20

[[check]]
id = "ctl-dom"
service = "Yandex"
feature = "network"
role = "control_domestic"
kind = "https"
url = "{url(https_server)}"

[[check]]
id = "ctl-int"
service = "Wikipedia"
feature = "network"
role = "control_international"
kind = "https"
url = "{url(https_server, '/wiki')}"

[[check]]
id = "captive"
service = "Captive portal probe"
feature = "network"
role = "captive_portal"
kind = "http"
url = "http://127.0.0.1:{no_content_server.port}/generate_204"
expect_status = 204

[[check]]
id = "doh"
service = "Trusted DNS"
feature = "network"
role = "resolver"
kind = "doh"
url = "{url(doh_server, '/dns-query')}"

[[check]]
id = "wa-chat"
service = "WhatsApp"
feature = "messages"
kind = "tcp"
ip = "127.0.0.1"
port = {https_server.port}

[[check]]
id = "wa-web"
service = "WhatsApp"
feature = "messages"
kind = "https"
url = "{url(https_server, '/wa')}"

[[check]]
id = "tg-web"
service = "Telegram"
feature = "messages"
kind = "tls"
ip = "127.0.0.1"
port = {reset_server.port}

[[check]]
id = "wa-relay"
service = "WhatsApp"
feature = "calls"
kind = "stun"
ip = "127.0.0.1"
port = {stun_server.port}

[[check]]
id = "stun-ref"
service = "STUN servers"
feature = "calls"
role = "reference_stun"
kind = "stun"
ip = "127.0.0.1"
port = {stun_server.port}

[[check]]
id = "maps-google"
service = "Google Maps"
feature = "maps"
kind = "https"
url = "{url(stall_server, '/vt')}"
max_bytes = 65536

[[check]]
id = "maps-yandex"
service = "Yandex Maps"
feature = "maps"
kind = "https"
url = "{url(https_server, '/tiles')}"
"""
    path = tmp_path / "loopback.toml"
    path.write_text(text)
    return path


def test_json_report_has_the_contract_and_the_right_verdicts(loopback_catalog, data_dir):
    result = conncheck("check", "--json", "--catalog", str(loopback_catalog), "--lang", "en",
                       env=data_dir)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema"] == 3
    assert doc["network"]["status"] == "online"
    features = doc["features"]
    assert set(features) == {"calls", "messages", "maps"}
    timing = doc["timing"]
    assert timing["mode"] == "concurrent" and timing["stopped_early"] is None
    assert set(timing["features"]) == set(features)
    assert 0 <= timing["first_verdict_s"] <= timing["all_verdicts_s"] <= doc["duration_s"]
    assert features["messages"]["services"] == {"WhatsApp": "works", "Telegram": "blocked"}
    assert features["messages"]["verdict"] == "degraded"
    assert {c["id"] for c in features["messages"]["causes"]} == {"sni_filtering"}
    assert features["calls"]["verdict"] == "works"
    assert features["maps"]["services"] == {"Google Maps": "blocked", "Yandex Maps": "works"}
    freeze = [c for c in features["maps"]["causes"] if c["id"] == "transfer_freeze"]
    assert freeze and freeze[0]["checks"] == ["maps-google"]
    for feature in features.values():
        assert feature["summary"]
    assert "Telegram" in features["messages"]["summary"]  # the blocked one is named
    checks = {c["id"]: c for c in doc["checks"]}
    assert checks["tg-web"]["failure"] == "connection_reset"
    assert checks["tg-web"]["phase"] == "tls"
    assert checks["maps-google"]["failure"] == "stalled"
    # the user's own address (what the STUN server saw) is not in the report by default
    assert "mapped_address" not in checks["stun-ref"]["extra"]
    assert re.fullmatch(r"\d{4}(-\d{4}){5}", doc["code"])  # a version-2 code: 24 digits


def test_code_from_a_check_decodes_to_the_same_verdicts(loopback_catalog, data_dir):
    doc = json.loads(conncheck("check", "--json", "--catalog", str(loopback_catalog),
                               env=data_dir).stdout)
    decoded = conncheck("decode", doc["code"], "--lang", "en", env=data_dir)
    assert decoded.returncode == 0, decoded.stderr
    assert "Telegram" in decoded.stdout
    assert "Blocked" in decoded.stdout or "blocked" in decoded.stdout


def test_human_output_is_plain_russian_with_code_and_no_traceback(loopback_catalog, data_dir):
    result = conncheck("check", "--catalog", str(loopback_catalog), "--lang", "ru", env=data_dir)
    assert result.returncode == 0
    out = result.stdout
    assert "Сообщения" in out and "Звонки" in out and "Карты" in out
    assert "Код проверки" in out
    assert "Traceback" not in out + result.stderr
    assert "Ваш интернет-провайдер видит" in result.stderr  # the notice comes first


def test_history_keeps_the_run(loopback_catalog, data_dir):
    conncheck("check", "--json", "--catalog", str(loopback_catalog), env=data_dir)
    listed = conncheck("history", "--json", env=data_dir)
    assert listed.returncode == 0
    runs = json.loads(listed.stdout)
    assert len(runs) == 1
    assert runs[0]["features"]["messages"] == "degraded"


def test_mistyped_code_is_reported_as_a_typo_never_decoded(data_dir):
    from app.analysis.diagnose import diagnose
    from app.report.code import encode
    from tests.analysis.factory import CONNECTED, catalog, healthy

    code = encode(diagnose(healthy(), catalog(), CONNECTED))
    assert conncheck("decode", code, "--lang", "en", env=data_dir).returncode == 0
    position = 5  # a data character, after the first dash
    wrong = "0" if code[position] != "0" else "1"
    typo = code[:position] + wrong + code[position + 1:]
    result = conncheck("decode", typo, "--lang", "en", env=data_dir)
    assert result.returncode == 2
    assert "typo" in result.stderr
    assert "group 2" in result.stderr  # the misheard digit's group: ask for it again
    assert result.stdout == ""
    russian = conncheck("decode", typo, "--lang", "ru", env=data_dir)
    assert "ошибка в группе 2" in russian.stderr


def test_decode_shows_the_date_and_time_of_the_check(data_dir):
    result = conncheck("decode", "0431 4106 4333 9134 8576 0186", "--lang", "ru", env=data_dir)
    assert result.returncode == 0, result.stderr
    assert "23 ноября 2026" in result.stdout and "18:04" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[catalog\nschema=1", "not valid TOML"),
        ('[catalog]\nschema = 1\nname = "x"\nversion = "1"\n[[check]]\nid = "a"\n'
         'service = "S"\nfeature = "maps"\nkind = "teleport"\nhost = "h"\nport = 1\n',
         "unknown kind"),
        ('[catalog]\nschema = 1\nname = "x"\nversion = "1"\n[[check]]\nid = "a"\n'
         'service = "S"\nfeature = "maps"\nkind = "tcp"\nhost = "h"\nport = 70000\n',
         "port must be 1-65535"),
    ],
)
def test_broken_catalog_is_one_line_and_exit_2(tmp_path, content, expected, data_dir):
    path = tmp_path / "broken.toml"
    path.write_text(content)
    result = conncheck("check", "--catalog", str(path), "--lang", "en", env=data_dir)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2_with_a_message(data_dir):
    result = conncheck("check", "--only", "calls,teleport", env=data_dir)
    assert result.returncode == 2
    assert "--only" in result.stderr


def test_missing_catalog_file_is_a_clear_error(tmp_path, data_dir):
    result = conncheck("check", "--catalog", str(tmp_path / "nope.toml"), "--lang", "en",
                       env=data_dir)
    assert result.returncode == 2
    assert "file not found" in result.stderr


def test_output_piped_into_a_reader_that_stops_early_is_not_an_error(data_dir):
    """`conncheck decode CODE | head -1`: the reader is gone before we write a byte."""
    from app.analysis.diagnose import diagnose
    from app.report.code import encode
    from tests.analysis.factory import CONNECTED, catalog, healthy

    code = encode(diagnose(healthy(), catalog(), CONNECTED))
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "app", "decode", code, "--lang", "ru"],
                                cwd=ROOT, env={**os.environ, **data_dir}, stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_terminal_advice_never_asks_to_press_a_window_button(lang):
    """Every workaround step that says "press Check again" reads as a terminal step."""
    from app.cli.render import for_terminal
    from app.i18n import translator
    from app.knowledge.keys import WORKAROUND_IDS
    from app.knowledge.workarounds import build

    tr = translator(lang)
    button = tr.gettext("term.check_again")
    changed = 0
    for workaround_id in WORKAROUND_IDS:
        for step in build(workaround_id, tr, services="Telegram").steps:
            rewritten = for_terminal(step, tr)
            assert button not in rewritten, rewritten
            changed += rewritten != step
    assert changed >= 5  # the steps do mention the button; the rewrite must reach them


def test_a_second_run_says_what_changed_since_the_first(loopback_catalog, data_dir):
    """Terminal and window share one history: a change in a verdict is said in plain words."""
    from app.analysis.diagnose import diagnose
    from app.i18n import translator
    from app.report.changes_text import since_last_time
    from app.report.code import encode
    from app.report.history import HistoryEntry, HistoryStore, keep
    from tests.analysis.factory import CONNECTED, catalog, healthy

    store = HistoryStore(Path(data_dir["CONNCHECK_DATA_DIR"]) / "history.jsonl")
    earlier = diagnose(healthy(), catalog(), CONNECTED)
    first = keep(HistoryEntry.from_diagnosis(earlier, encode(earlier)), store)
    assert since_last_time(first, translator("en")) == ""
    result = conncheck("check", "--catalog", str(loopback_catalog), "--lang", "en",
                       env=data_dir)
    assert result.returncode == 0
    # the loopback catalog resets Telegram: "Messages in Telegram worked today at …; now blocked."
    said = " ".join(result.stdout.split())  # the terminal wraps long lines
    assert "Messages in Telegram worked today at" in said
    assert "now blocked" in said


def test_tests_never_touch_the_real_users_history():
    from app.report.history import data_dir

    assert os.environ["CONNCHECK_DATA_DIR"] in str(data_dir())
    assert not str(data_dir()).startswith(str(Path.home() / ".local"))
