"""What the terminal prints (issue 16, finding 7): live verdict lines, then one summary that
does not repeat them; one separator; lines wrapped to the terminal's width, never inside a
word or an id; steps that name no window button."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.catalog import load_catalog
from app.cli import render
from app.i18n import translator
from app.session import Outcome, replay

RUNS = Path(__file__).resolve().parents[1] / "golden" / "runs"


def recorded(name: str) -> Outcome:
    return replay(json.loads((RUNS / f"{name}.json").read_text(encoding="utf-8")),
                  load_catalog(RUNS / "lab-catalog.toml"))


def summary(name: str, lang: str = "ru", **kwargs: object) -> str:
    outcome = recorded(name)
    return render.human(outcome.run, outcome.diagnosis, translator(lang), outcome.code,
                        outcome.catalog, **kwargs)  # type: ignore[arg-type]


def test_every_verdict_line_uses_one_separator_and_a_label() -> None:
    """Before: «Подключение к интернету: Работает» but «Звонки — Заблокировано»."""
    text = summary("udp_blocked")
    assert text.splitlines()[0] == "Подключение к интернету — в порядке"
    assert "Звонки — блокировка" in text.splitlines()
    assert "Подключение к интернету:" not in text
    assert not re.search(r" — [А-ЯЁA-Z]", "\n".join(
        line for line in text.splitlines() if not line.startswith(" ")))


def test_the_summary_does_not_repeat_the_live_lines() -> None:
    said = frozenset({"network", "calls", "messages", "maps"})
    text = summary("udp_blocked", said=said)
    for line in ("Подключение к интернету — в порядке", "Звонки — блокировка",
                 "Сообщения — в порядке", "Карты — в порядке"):
        assert line not in text.splitlines()
    # each part still starts with a sentence that says what it is about
    assert "Звонки в WhatsApp, Telegram и Signal в этой сети блокируются." in text
    assert text.count("Код проверки:") == 1


def test_the_live_lines_are_the_same_words_as_the_summary_would_use() -> None:
    from app.analysis.model import NetworkStatus, Verdict

    tr = translator("ru")
    assert render.network_line(NetworkStatus.UNKNOWN, tr) == "Подключение к интернету — неясно"
    assert render.network_line(NetworkStatus.OFFLINE, tr) == "Нет подключения к интернету"
    assert render.feature_line("maps", Verdict.DEGRADED, tr) == "Карты — с перебоями"


@pytest.mark.parametrize("columns", [50, 78, 120])
def test_lines_fit_the_terminal_and_never_break_a_word(monkeypatch: pytest.MonkeyPatch,
                                                       columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    width = min(max(columns - 1, render.MIN_WIDTH), render.MAX_WIDTH)
    text = summary("dns_lie_whatsapp_web", "en")
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    if columns == 120:
        assert max(len(line) for line in lines) > 78  # it does use a wide terminal
    monkeypatch.setattr(render, "width", lambda: 10_000)  # the same text, not wrapped
    whole = summary("dns_lie_whatsapp_web", "en")
    assert text.split() == whole.split()  # wrapping moved words, never cut one


def test_decode_never_puts_a_cause_id_on_a_line_of_its_own(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: English decode wrapped "(sni_filtering)" onto its own bullet at 78 columns."""
    monkeypatch.setenv("COLUMNS", "100")
    from app.report.code import encode
    from tests.report.test_code import sample

    assert render.decode(encode(sample()), translator("en")) == 0
    out = capsys.readouterr().out
    assert not any(re.fullmatch(r"\s*(•\s*)?\(\w+\)", line) for line in out.splitlines()), out


def test_terminal_steps_name_no_button_and_are_numbered_like_the_window() -> None:
    text = summary("udp_blocked")
    assert "«Проверить снова»" not in text
    assert "3. Запустите проверку ещё раз: в разных сетях результат часто разный." in text
    assert "– " not in text


def test_in_a_terminal_each_verdict_is_said_once(tmp_path: Path) -> None:
    """A real run on a pseudo-terminal: the live lines, a blank line, then the summary —
    «Сообщения — …» appears once (before: twice, with no blank line between)."""
    import os
    import pty
    import socket
    import subprocess
    import sys

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        catalog = tmp_path / "one.toml"
        checks = "".join(f"""
[[check]]
id = "{cid}"
service = "{service}"
feature = "{feature}"
{role}kind = "tcp"
ip = "127.0.0.1"
port = {port}
""" for cid, service, feature, role in [
            ("ctl-dom", "Yandex", "network", 'role = "control_domestic"\n'),
            ("ctl-int", "Wikipedia", "network", 'role = "control_international"\n'),
            ("wa", "WhatsApp", "messages", ""), ("tg", "Telegram", "messages", "")])
        catalog.write_text('[catalog]\nschema = 1\nname = "one"\nversion = "2026.11.23"\n'
                           f"timeout_s = 2\ndeadline_s = 5\n{checks}")
        main, child = pty.openpty()
        env = {**os.environ, "CONNCHECK_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "100"}
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "check", "--catalog", str(catalog), "--lang", "ru",
             "--only", "messages"], cwd=Path(__file__).resolve().parents[2], env=env,
            stdin=subprocess.DEVNULL, stdout=child, stderr=child)
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
        os.close(main)
    shown = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    # as a terminal shows it: a carriage return starts the line over (the progress line)
    lines = [segment.split("\r")[-1].replace("\x1b[K", "") for segment in shown.split("\n")]
    shown = "\n".join(lines)
    verdicts = [line for line in lines if line.startswith("Сообщения — ")]
    assert len(verdicts) == 1, shown
    live = lines.index(verdicts[0])
    assert lines[live + 1] == "", shown  # a blank line, then the summary
    assert shown.count("Код проверки:") == 1


def test_the_notice_names_services_as_the_window_does() -> None:
    """Before: the terminal said "Yandex Maps, 2GIS" where the window says «Яндекс Карты, 2ГИС»."""
    from app.catalog import load_catalog as load
    from app.paths import default_catalog_path

    notice = render.notice(load(default_catalog_path()), translator("ru"))
    assert "Яндекс Карты" in notice and "2ГИС" in notice
    assert "Yandex Maps" not in notice and "2GIS" not in notice
