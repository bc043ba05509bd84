"""The crash log: where bugs of ours are written, rotated and capped, private, and with no
personal data in it; and the command line's plain message when one happens."""

from __future__ import annotations

import getpass
import os
import socket
import stat
import sys
from pathlib import Path

import pytest

from app import crashlog

HOME = "/home/annapetrova"
USER = "annapetrova"
HOST = "annas-laptop.local"
SECRETS = [HOME, USER, "annas-laptop", "192.168.1.5", "2001:db8::7", "fe80::1",
           "2a00:1450:4010:c05::65", "10.0.0.1", "203.0.113.9"]


@pytest.fixture
def anna(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user with a name, a named laptop and a home folder (CI runs as root on "runner")."""
    monkeypatch.setenv("HOME", HOME)
    monkeypatch.setenv("USER", USER)
    monkeypatch.setenv("LOGNAME", USER)
    monkeypatch.setattr(getpass, "getuser", lambda: USER)
    monkeypatch.setattr(socket, "gethostname", lambda: HOST)
    monkeypatch.setattr(crashlog.platform, "node", lambda: HOST)


PERSONAL = (
    f'File "{HOME}/conncheck/app/ui/pages/results.py", line 212, in show_record\n'
    f"OSError: bind to 192.168.1.5:50000 failed for {USER}@{HOST} "
    "(ANNAS-LAPTOP, via [2001:db8::7]:3478, fe80::1%wlan0, 2a00:1450:4010:c05::65, "
    "::ffff:10.0.0.1 and 203.0.113.9.)"
)


def test_scrub_removes_home_user_host_and_addresses(anna: None) -> None:
    text = crashlog.scrub(PERSONAL)
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret
    assert 'File "~/conncheck/app/ui/pages/results.py", line 212' in text
    assert "<user>@<host>" in text and "(<host>," in text
    assert "[<address>]:3478" in text and "<address>:50000" in text
    assert text.endswith("and <address>.)")


def test_scrub_keeps_what_is_not_personal(anna: None) -> None:
    text = ("at 18:04:05 line 12, version 1.2.3, 127.0.0.1:8443, [::1]:53, "
            "dict[str, int], a user, the host")
    assert crashlog.scrub(text) == text


def boom() -> None:
    raise RuntimeError(f"cannot open {HOME}/Documents/report.html from 192.168.1.5")


def recorded() -> Path | None:
    try:
        boom()
    except RuntimeError:
        return crashlog.record("test", sys.exc_info())  # type: ignore[arg-type]
    raise AssertionError("unreachable")


def test_an_error_is_logged_with_its_traceback_and_no_personal_data(anna: None) -> None:
    log = recorded()
    assert log == crashlog.log_file()
    text = log.read_text(encoding="utf-8")
    assert "RuntimeError: cannot open ~/Documents/report.html from <address>" in text
    assert "Traceback (most recent call last)" in text and "in boom" in text
    assert "conncheck " in text  # the version, for support
    for secret in SECRETS:
        assert secret not in text, secret


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_log_rotates_stays_capped_and_private() -> None:
    saved = os.umask(0)
    try:
        for n in range(120):  # bounded: ~120 × 10 KB, several rollovers
            assert crashlog.record("test", message=f"entry {n} " + "x" * 10_000) is not None
    finally:
        os.umask(saved)
    files = sorted(crashlog.log_dir().iterdir())
    assert [f.name for f in files] == ["crash.log", "crash.log.1", "crash.log.2", "crash.log.3"]
    for f in files:
        assert f.stat().st_size <= crashlog.MAX_BYTES
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert stat.S_IMODE(crashlog.log_dir().stat().st_mode) == 0o700
    assert "entry 119 " in (crashlog.log_dir() / "crash.log").read_text(encoding="utf-8")
    total = sum(f.stat().st_size for f in files)
    assert total <= (crashlog.BACKUPS + 1) * crashlog.MAX_BYTES  # about 1 MB at most


def test_a_log_that_cannot_be_written_is_none_not_a_second_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(crashlog.ENV_LOG_DIR, str(blocker / "log"))
    assert recorded() is None
    (tmp_path / "log" / crashlog.FILE_NAME).mkdir(parents=True)  # a folder in the file's place
    monkeypatch.setenv(crashlog.ENV_LOG_DIR, str(tmp_path / "log"))
    assert recorded() is None
    assert capsys.readouterr().err == ""


def test_the_log_folder_is_the_platforms_unless_overridden(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv(crashlog.ENV_LOG_DIR)
    assert crashlog.log_dir() == Path(platformdirs.user_log_dir("conncheck", appauthor=False))


@pytest.mark.parametrize(("lang", "words"), [
    ("ru", "В самом приложении произошла ошибка — дело не в вашей сети"),
    ("en", "Something went wrong in the app itself, not with your network"),
])
def test_cli_bug_is_a_plain_message_naming_the_log_and_exit_1(
        anna: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        lang: str, words: str) -> None:
    from app.cli import commands
    from app.cli.main import run_cli
    from app.core.exit_codes import INTERNAL as EXIT_INTERNAL

    def broken(*args: object) -> int:
        boom()
        return 0

    monkeypatch.setattr(commands, "decode", broken)
    monkeypatch.delenv("CONNCHECK_DEBUG", raising=False)
    code = run_cli(["decode", "--lang", lang, "7KQ2-9XJ4-M1R"])
    err = capsys.readouterr().err
    assert code == EXIT_INTERNAL == 1
    assert words in err and str(crashlog.log_file()) in err
    assert "Traceback" not in err and "RuntimeError" not in err
    log = crashlog.log_file().read_text(encoding="utf-8")
    assert "command line" in log and "RuntimeError: cannot open ~/Documents" in log
    assert HOME not in log and "192.168.1.5" not in log


def test_cli_bug_with_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import commands
    from app.cli.main import run_cli

    monkeypatch.setattr(commands, "decode", lambda *args: boom())
    monkeypatch.setenv("CONNCHECK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="cannot open"):
        run_cli(["decode", "7KQ2-9XJ4-M1R"])
