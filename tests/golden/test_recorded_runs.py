"""Recorded lab runs replayed through today's analysis and report: the JSON must not change.

``runs/*.json`` are ``conncheck check --json`` reports of real lab runs (tests/lab), recorded
before the one-pipeline restructuring (issue 14) together with the lab catalog they used
(``lab-catalog.toml``; a later recording brings its own, ``<name>.catalog.toml``). Each
is replayed: its observations go back through the one session pipeline (diagnosis, check code,
JSON document) and the document must equal the recording byte for byte. A change to a verdict,
a cause, a summary, a workaround title, the check code or the JSON layout fails here — change
the recording only together with the JSON schema's changelog (docs/verdicts.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.catalog import load_catalog
from app.session import replay

RUNS = Path(__file__).parent / "runs"
RECORDED = sorted(p.stem for p in RUNS.glob("*.json"))


def test_there_are_recordings_of_blocked_and_healthy_networks() -> None:
    assert {"healthy", "udp_blocked", "domestic_whitelist", "tls_interception",
            "telegram_slowed_64kbit"} <= set(RECORDED)


@pytest.mark.parametrize("name", RECORDED)
def test_a_recorded_run_gives_the_same_json_today(name: str) -> None:
    recorded_text = (RUNS / f"{name}.json").read_text(encoding="utf-8")
    recorded = json.loads(recorded_text)
    own = RUNS / f"{name}.catalog.toml"  # a run recorded with a newer lab catalog
    catalog = load_catalog(own if own.exists() else RUNS / "lab-catalog.toml")
    outcome = replay(recorded, catalog)
    again = outcome.document(lang=recorded["lang"], timing=recorded["timing"])
    assert json.dumps(again, ensure_ascii=False, indent=1) == recorded_text
