"""Options are checked before anything is sent (issue 16, finding 8): a report that cannot be
saved, a deadline that is not a number of seconds, a catalog that cannot be used — each is one
line and exit code 2, and no connection is made."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import conncheck


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local port the catalog's checks would connect to: it must stay untouched."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


@pytest.fixture
def catalog(tmp_path: Path, listener: socket.socket) -> Path:
    port = listener.getsockname()[1]
    path = tmp_path / "one.toml"
    path.write_text(f"""
[catalog]
schema = 1
name = "one"
version = "2026.11.23"
timeout_s = 2
deadline_s = 5

[[check]]
id = "ctl"
service = "Yandex"
feature = "network"
role = "control_domestic"
kind = "tcp"
ip = "127.0.0.1"
port = {port}

[[check]]
id = "wa"
service = "WhatsApp"
feature = "messages"
kind = "tcp"
ip = "127.0.0.1"
port = {port}
""")
    return path


def nothing_was_sent(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_the_catalog_reaches_the_port_when_the_options_are_good(
        tmp_path: Path, catalog: Path, listener: socket.socket) -> None:
    """The control: the same command with a good report name does connect."""
    result = conncheck("check", "--catalog", str(catalog), "--quiet", "--lang", "en",
                       "--report", str(tmp_path / "r.txt"),
                       env={"CONNCHECK_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    assert not nothing_was_sent(listener)


@pytest.mark.parametrize(("name", "said"), [
    ("report.docx", "«.docx»"),
    ("a" * 300 + ".html", "слишком длинное имя файла"),
    ("no-such-folder/report.html", "такой папки нет"),
    (".", "это папка, а не файл"),
])
def test_a_report_that_cannot_be_saved_stops_the_check_before_it_starts(
        tmp_path: Path, catalog: Path, listener: socket.socket, name: str, said: str) -> None:
    data = tmp_path / "data"
    result = conncheck("check", "--catalog", str(catalog), "--lang", "ru",
                       "--report", str(tmp_path / name), env={"CONNCHECK_DATA_DIR": str(data)})
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith("Проверка не начата") and said in line
    assert result.stdout == ""
    assert nothing_was_sent(listener)
    assert not (data / "history.json").exists()


def test_a_folder_that_refuses_files_is_said_first(
        tmp_path: Path, catalog: Path, listener: socket.socket) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    result = conncheck("check", "--catalog", str(catalog), "--lang", "en",
                       "--report", str(folder / "r.html"))
    assert result.returncode == 2
    assert "can't be saved in this folder" in one_line(result.stderr)
    assert nothing_was_sent(listener)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-5", "soon", "3601"])
def test_a_deadline_that_is_not_a_number_of_seconds_is_a_usage_error(
        catalog: Path, listener: socket.socket, value: str) -> None:
    result = conncheck("check", "--catalog", str(catalog), f"--deadline={value}")
    assert result.returncode == 2
    assert "--deadline" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert nothing_was_sent(listener)


def test_a_broken_catalog_sends_nothing(tmp_path: Path, catalog: Path,
                                        listener: socket.socket) -> None:
    catalog.write_text(catalog.read_text().replace('kind = "tcp"', 'kind = "teleport"', 1))
    result = conncheck("check", "--catalog", str(catalog), "--lang", "en",
                       "--report", str(tmp_path / "r.html"))
    assert result.returncode == 2
    assert "unknown kind" in one_line(result.stderr)
    assert nothing_was_sent(listener)


def test_the_session_refuses_a_deadline_that_is_not_positive() -> None:
    """The window takes the same options: the session checks them too, before any traffic."""
    import math

    from app.session import Options, OptionsProblem, prepare

    for bad in (math.nan, math.inf, 0.0, -5.0):
        with pytest.raises(OptionsProblem):
            prepare(Options(deadline_s=bad))
