"""Trouble the engine survives is logged (to the session's handler), not printed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.events import Event
from app.core.model import Check, Feature, Kind, Observation
from app.engine.context import Clock, ProbeContext, observation
from app.engine.runner import Engine

CATALOG = Catalog(path=Path("t.toml"), name="t", version="1", country="", checks=tuple(
    Check(id=f"c{i}", service="Svc", feature=Feature.MESSAGES, kind=Kind.TCP, host="127.0.0.1",
          port=9) for i in range(2)))


async def quick(check: Check, ctx: ProbeContext) -> Observation:
    return observation(check, Clock(), ok=True, phase="tcp")


async def test_a_broken_listener_is_logged_and_the_run_goes_on(
        caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(event: Event) -> None:
        raise RuntimeError("listener bug")

    with caplog.at_level(logging.ERROR, logger="app.engine.runner"):
        result = await Engine(CATALOG, probes=dict.fromkeys(Kind, quick),
                              on_event=broken, use_trusted_dns=False).run()
    assert all(o.ok for o in result.observations)
    records = [r for r in caplog.records if r.name == "app.engine.runner"]
    assert records and all(r.exc_info and "listener bug" in str(r.exc_info[1]) for r in records)
    assert "listener bug" not in capsys.readouterr().err  # logged, not printed
