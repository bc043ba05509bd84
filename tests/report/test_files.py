"""The files the app writes: private to the user, whole or not at all, and never a crash when
the disk is full, a file is damaged, or one of the app's own files is missing."""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app import atomic, crashlog
from app.i18n import translator
from app.report import writers
from app.report.history import FILE_NAME as HISTORY_FILE
from app.report.history import HistoryEntry, HistoryStore, data_dir
from app.ui.settings import FILE_NAME as SETTINGS_FILE
from app.ui.settings import Settings, config_dir
from tests.report import sample

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """umask 000: a file that is private now is private because the app made it so."""
    saved = os.umask(0)
    yield
    os.umask(saved)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# ── 0600 for everything the app writes ────────────────────────────────────────────────────


@posix_only
def test_history_settings_crash_log_and_reports_are_readable_only_by_the_user(
        open_umask: None, tmp_path: Path) -> None:
    assert HistoryStore().append(HistoryEntry.from_diagnosis(sample.diagnosis(), "CODE"))
    Settings(width=800, height=600, language="ru").save()
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        log = crashlog.record("test", sys.exc_info())  # type: ignore[arg-type]
    assert log is not None
    tr = translator("en")
    reports = [tmp_path / f"report{suffix}" for suffix in (".html", ".txt", ".json")]
    for report in reports:
        writers.write_report(report, sample.run(), sample.diagnosis(), tr, code="CODE")

    files = [data_dir() / HISTORY_FILE, config_dir() / SETTINGS_FILE, log, *reports]
    assert {str(f): mode(f) for f in files} == {str(f): 0o600 for f in files}
    folders = [data_dir(), config_dir(), crashlog.log_dir()]
    assert {str(f): mode(f) for f in folders} == {str(f): 0o700 for f in folders}


@posix_only
def test_a_report_saved_over_a_readable_file_becomes_private(open_umask: None,
                                                             tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    writers.write_report(target, sample.run(), sample.diagnosis(), translator("en"), code="")
    assert mode(target) == 0o600
    assert target.read_text(encoding="utf-8") != "old"


# ── a full disk while saving a report ─────────────────────────────────────────────────────


def fail_writes(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """The disk fills up half-way through the write (as on a real full disk: some bytes land,
    then ENOSPC)."""
    real_fdopen = os.fdopen

    class Failing:
        def __init__(self, fd: int, *args: Any, **kwargs: Any) -> None:
            self.file = real_fdopen(fd, *args, **kwargs)

        def __enter__(self) -> Failing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> int:
            self.file.write(data[: len(data) // 2])
            self.file.flush()
            raise OSError(code, os.strerror(code))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.file, name)

    monkeypatch.setattr(atomic.os, "fdopen", Failing)


@pytest.mark.parametrize(("code", "lang", "words"), [
    (errno.ENOSPC, "ru", "на диске закончилось место"),
    (errno.ENOSPC, "en", "the disk is full"),
    (errno.EDQUOT, "en", "the disk is full"),
    (errno.EACCES, "ru", "в эту папку нельзя сохранять файлы"),
    (errno.EROFS, "en", "files can't be saved in this folder"),
])
def test_a_failed_save_says_why_in_plain_words_and_keeps_the_old_report(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: int, lang: str,
        words: str) -> None:
    target = tmp_path / "report.html"
    target.write_text("the report saved yesterday", encoding="utf-8")
    fail_writes(monkeypatch, code)
    with pytest.raises(writers.ReportError) as caught:
        writers.write_report(target, sample.run(), sample.diagnosis(), translator(lang),
                             code="CODE")
    assert words in str(caught.value)
    assert str(target) in str(caught.value)  # which file
    assert "Errno" not in str(caught.value) and "No space" not in str(caught.value)
    assert caught.value.reason in (writers.DISK_FULL, writers.NO_PERMISSION)
    assert target.read_text(encoding="utf-8") == "the report saved yesterday"
    assert leftovers(tmp_path) == []


def test_cli_report_on_a_full_disk_is_a_plain_message_and_exit_2(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        https_server: Any) -> None:
    from app.cli.main import run_cli

    catalog = tmp_path / "one.toml"
    catalog.write_text(
        '[catalog]\nschema = 1\nname = "t"\nversion = "1"\ntimeout_s = 2\ndeadline_s = 10\n\n'
        f'[[check]]\nid = "maps-1"\nservice = "2GIS"\nfeature = "maps"\nkind = "tcp"\n'
        f'ip = "127.0.0.1"\nport = {https_server.port}\n', encoding="utf-8")
    report = tmp_path / "out" / "report.txt"
    report.parent.mkdir()
    report.write_text("earlier report", encoding="utf-8")
    fail_writes(monkeypatch, errno.ENOSPC)
    code = run_cli(["check", "--catalog", str(catalog), "--lang", "ru", "--quiet",
                    "--report", str(report)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Не удалось сохранить отчёт" in err and "на диске закончилось место" in err
    assert "Traceback" not in err
    assert report.read_text(encoding="utf-8") == "earlier report"
    assert leftovers(report.parent) == []


# ── damaged settings: the defaults, never a crash ─────────────────────────────────────────

DAMAGED_SETTINGS: dict[str, Callable[[Path], None]] = {
    "not utf-8": lambda p: p.write_bytes(b"\xff\xfe\x00{"),
    "half a json": lambda p: p.write_text('{"width": 800, "hei', encoding="utf-8"),
    "json nested too deep": lambda p: p.write_text("[" * 200_000, encoding="utf-8"),
    "not an object": lambda p: p.write_text("[1, 2, 3]", encoding="utf-8"),
    "null": lambda p: p.write_text("null", encoding="utf-8"),
    "wrong types": lambda p: p.write_text(
        '{"width": true, "height": "600", "language": 5, "notice_seen": 1}', encoding="utf-8"),
    "absurd size": lambda p: p.write_text('{"width": 99999999, "height": -5}',
                                          encoding="utf-8"),
    "unknown language": lambda p: p.write_text('{"language": "de"}', encoding="utf-8"),
    "a folder in its place": lambda p: p.mkdir(),
}


@pytest.mark.parametrize("damage", list(DAMAGED_SETTINGS))
def test_damaged_settings_fall_back_to_the_defaults(damage: str) -> None:
    folder = config_dir()
    folder.mkdir(parents=True)
    DAMAGED_SETTINGS[damage](folder / SETTINGS_FILE)
    assert Settings.load() == Settings()


def test_settings_with_some_good_values_keep_them() -> None:
    folder = config_dir()
    folder.mkdir(parents=True)
    (folder / SETTINGS_FILE).write_text(
        '{"width": 900, "height": 700, "language": "en", "notice_seen": "yes", "extra": 1}',
        encoding="utf-8")
    assert Settings.load() == Settings(width=900, height=700, language="en")


def test_settings_that_cannot_be_saved_do_not_raise_and_leave_no_temp_file(
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = config_dir()
    (folder / SETTINGS_FILE).mkdir(parents=True)  # a folder where the file should be
    Settings(width=800, height=600).save()
    assert "settings not saved" in capsys.readouterr().err
    assert (folder / SETTINGS_FILE).is_dir()
    assert leftovers(folder) == []


def test_settings_are_written_whole_or_not_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    Settings(width=800, height=600, language="ru").save()
    fail_writes(monkeypatch, errno.ENOSPC)
    Settings(width=1, height=1, language="en").save()  # the disk filled up meanwhile
    assert Settings.load() == Settings(width=800, height=600, language="ru")
    assert leftovers(config_dir()) == []


# ── the app's own files missing: a clear message and exit code 3 ──────────────────────────


@pytest.fixture
def empty_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An install whose resources/ folder has lost some files."""
    import shutil

    import app.paths
    from app import i18n

    folder = tmp_path / "resources"
    shutil.copytree(app.paths.resources_dir(), folder)
    monkeypatch.setattr(app.paths, "resources_dir", lambda: folder)
    i18n.translator.cache_clear()
    yield folder
    i18n.translator.cache_clear()


@pytest.mark.parametrize(("lost", "lang", "words"), [
    ("catalog/default.toml", "ru", "Переустановите приложение"),
    ("catalog/default.toml", "en", "Reinstalling the app fixes this"),
    ("locale/ru/LC_MESSAGES/conncheck.mo", "ru", "Please reinstall the app"),
])
def test_a_missing_file_of_the_app_is_a_clear_message_and_exit_3(
        empty_resources: Path, capsys: pytest.CaptureFixture[str], lost: str, lang: str,
        words: str) -> None:
    from app.cli.main import run_cli
    from app.core.exit_codes import BROKEN_INSTALL as EXIT_BROKEN_INSTALL

    (empty_resources / lost).unlink()
    code = run_cli(["check", "--lang", lang, "--json"])
    captured = capsys.readouterr()
    assert code == EXIT_BROKEN_INSTALL == 3
    assert words in captured.err
    assert lost.rsplit("/", 1)[-1] in captured.err  # which file, for the helper
    assert "Traceback" not in captured.err and captured.out == ""
    assert not crashlog.log_file().exists()  # a damaged install is not a bug of ours


def test_history_json_lines_survive_a_full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    store = HistoryStore()
    assert store.append(HistoryEntry.from_diagnosis(sample.diagnosis(), "FIRST"))
    fail_writes(monkeypatch, errno.ENOSPC)
    assert store.append(HistoryEntry.from_diagnosis(sample.diagnosis(), "SECOND")) is False
    assert store.last_problem is not None and "No space" in store.last_problem.detail
    lines = store.path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["code"] for line in lines] == ["FIRST"]
    assert leftovers(store.path.parent) == []
