"""The Windows installer, end to end under Wine: build (make dist-windows), silent install, the
installed app's self-test in both languages, a loopback `check --json`, output redirected to a
file under a cp1252 code page (the UTF-8 crash), the window under Xvfb at 100/125/150 %
scaling, an upgrade that keeps the user's data, silent uninstall without a trace, signing.

The tests of this module run in order and share one Wine prefix (new per run). What Wine does
not prove is listed in docs/packaging.md ("Windows: verified where").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.report.json_report import SCHEMA
from tests.frozen.frozen_app import NETWORK_STATUSES, VERDICTS, write_catalog
from tests.servers.base import BackgroundServer
from tests.servers.certs import TestPki
from tests.windows.conftest import UPGRADE_VERSION, WindowsBuild
from tests.windows.wine import (
    REPO,
    UNINSTALL_KEY,
    Prefix,
    make_dist,
    pe_subsystem,
)

pytestmark = pytest.mark.windows

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
INSTALLER_BUDGET_MB = 45.0
SCALES = (100, 125, 150)
SCREENSHOTS = Path(os.environ.get("CONNCHECK_WINDOWS_SCREENSHOTS",
                                  REPO / "var" / "windows" / "screenshots"))


def _out(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n{result.stdout[-3000:]}"


# --- the build ------------------------------------------------------------------------------

def test_onedir_has_two_faces_and_no_wine_stand_ins(windows_build: WindowsBuild) -> None:
    onedir = windows_build.onedir
    console, windowed = onedir / "conncheck.exe", onedir / "Connection Check.exe"
    assert pe_subsystem(console) == 3, "conncheck.exe must be a console program"
    assert pe_subsystem(windowed) == 2, "Connection Check.exe must be a GUI program (no console)"
    names = {p.name.lower() for p in onedir.rglob("*")}
    for dll in make_dist.STUB_DLLS:
        assert dll not in names, f"the Wine stand-in {dll} is inside the app"
    assert "opengl32sw.dll" not in names, "Mesa's software OpenGL is pruned on Windows"
    assert "qtbase_ru.qm" in names and "qtbase_de.qm" not in names
    assert (onedir / "_internal" / "resources").is_dir()


def test_installer_and_zip_sizes(windows_build: WindowsBuild) -> None:
    size_mb = windows_build.installer.stat().st_size / 1e6
    assert size_mb <= INSTALLER_BUDGET_MB, f"installer {size_mb:.1f} MB > {INSTALLER_BUDGET_MB}"
    import zipfile

    with zipfile.ZipFile(windows_build.portable_zip) as zf:
        names = zf.namelist()
    top = f"conncheck-{windows_build.version}/"
    assert f"{top}conncheck.exe" in names and f"{top}Connection Check.exe" in names
    assert not [n for n in names if n.rsplit("/", 1)[-1].lower() in make_dist.STUB_DLLS]


# --- install, run, uninstall ------------------------------------------------------------------

@pytest.fixture(scope="module")
def installed(windows_build: WindowsBuild, prefix: Prefix) -> Prefix:
    """The release installer, run silently with a Russian system language."""
    started = time.monotonic()
    result = prefix.run([str(windows_build.installer), "/S"], timeout=300,
                        LANG="ru_RU.UTF-8", LC_ALL="ru_RU.UTF-8")
    assert result.returncode == 0, _out(result)
    assert (prefix.install_dir / "conncheck.exe").is_file(), "nothing installed"
    print(f"silent install: {time.monotonic() - started:.1f} s")
    return prefix


def test_install_is_per_user_with_russian_shortcut_and_uninstall_entry(
        installed: Prefix, windows_build: WindowsBuild) -> None:
    assert (installed.install_dir / "Connection Check.exe").is_file()
    assert (installed.install_dir / "uninstall.exe").is_file()
    names = {p.name.lower() for p in installed.install_dir.rglob("*")}
    for dll in make_dist.STUB_DLLS:
        assert dll not in names, f"the Wine stand-in {dll} was installed"
    shortcut = installed.start_menu / "Проверка связи.lnk"
    assert shortcut.is_file(), list(installed.start_menu.iterdir())
    link = shortcut.read_bytes()  # the target path is stored as ANSI and/or UTF-16
    target = "Connection Check.exe"
    assert target.encode() in link or target.encode("utf-16-le") in link, \
        "the shortcut must start the windowed Connection Check.exe (no console)"
    assert installed.reg_value(UNINSTALL_KEY, "DisplayVersion") == windows_build.version
    assert installed.reg_value(UNINSTALL_KEY, "DisplayName") == "Проверка связи"
    assert "uninstall.exe" in (installed.reg_value(UNINSTALL_KEY, "UninstallString") or "")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_installed_self_test(installed: Prefix, lang: str) -> None:
    result = installed.run([str(installed.install_dir / "conncheck.exe"), "--self-test",
                            "--lang", lang], timeout=180)
    assert result.returncode == 0, _out(result)


@pytest.fixture(scope="module")
def wine_catalog(tmp_path_factory: pytest.TempPathFactory, test_pki: TestPki,
                 https_server: BackgroundServer, stun_server: BackgroundServer) -> Path:
    folder = tmp_path_factory.mktemp("wine-catalog")
    ca = folder / "test-ca.pem"
    shutil.copyfile(test_pki.ca_file, ca)
    return write_catalog(folder / "loopback.toml", https_server, stun_server, ca)


def test_installed_check_json_against_loopback(installed: Prefix, wine_catalog: Path) -> None:
    exe = installed.install_dir / "conncheck.exe"
    started = time.monotonic()
    result = subprocess.run(["wine", str(exe), "check", "--json", "--quiet", "--catalog",
                             make_dist.winpath(wine_catalog)], env=installed.env(),
                            cwd=wine_catalog.parent, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=180, check=False)
    seconds = time.monotonic() - started
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr[-3000:]}"
    document: dict[str, Any] = json.loads(result.stdout)
    assert document["schema"] == SCHEMA
    assert document["network"]["status"] in NETWORK_STATUSES
    assert document["network"]["status"] == "online", document["network"]
    features = document["features"]
    verdicts = {f["verdict"] for f in features.values()}
    verdicts |= {v for f in features.values() for v in f["services"].values()}
    assert verdicts <= VERDICTS, verdicts
    print(f"check --json under Wine: {seconds:.1f} s")


@pytest.mark.parametrize("args", [["--help"], ["check", "--lang", "ru", "--quiet"]],
                         ids=["help", "check-ru"])
def test_output_redirected_to_a_file_on_cp1252(installed: Prefix, wine_catalog: Path,
                                               tmp_path: Path, args: list[str]) -> None:
    """The bug issue 15 found: on a non-Cyrillic code page, output redirected to a file crashed
    with UnicodeEncodeError. The spec's UTF-8 mode fixes it; cmd.exe does the redirection."""
    out = tmp_path / "out.txt"
    if args[0] == "check":
        args = [*args, "--catalog", make_dist.winpath(wine_catalog)]
    # A batch file: Wine re-quotes a command line handed to `cmd /c` in a way cmd misreads.
    batch = tmp_path / "run.bat"
    batch.write_text(f'@"{make_dist.winpath(installed.install_dir / "conncheck.exe")}" '
                     + " ".join(args) + f' > "{make_dist.winpath(out)}" 2>&1\r\n',
                     encoding="ascii")
    result = installed.run(["cmd", "/c", make_dist.winpath(batch)], timeout=180, cwd=tmp_path,
                           LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8")
    acp = installed.run(["reg", "query",
                         r"HKLM\System\CurrentControlSet\Control\Nls\CodePage", "/v", "ACP"],
                        timeout=60, LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8")
    assert "1252" in acp.stdout, f"not a cp1252 Wine locale:\n{acp.stdout}"
    text = out.read_text(encoding="utf-8", errors="replace")
    assert "UnicodeEncodeError" not in text, text[-2000:]
    assert "Traceback" not in text, text[-2000:]
    assert CYRILLIC.search(text), f"no Russian text in the redirected output:\n{text[:1000]}"
    assert result.returncode in (0, 1, 2, 3, 4), _out(result)


# --- the window at 100/125/150 % ------------------------------------------------------------------

@pytest.fixture(scope="module")
def xvfb() -> Iterator[str]:
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "3000x2000x24",
                             "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read, 16)
        if not chunk:
            break
        number += chunk
    os.close(read)
    try:
        yield ":" + number.decode().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


TITLES = {"ru": "Проверка связи", "en": "Connection Check"}


def _app_window(display: str, title: str) -> tuple[int, int, int, int] | None:
    """(width, height, x, y) of the largest top-level window with this title (`xwininfo`)."""
    tree = subprocess.run(["xwininfo", "-root", "-children"],
                          env={**os.environ, "DISPLAY": display}, capture_output=True, text=True,
                          timeout=30, check=False).stdout
    found = []
    for match in re.finditer(r'^\s+0x[0-9a-f]+ "([^"]*)".*?(\d+)x(\d+)\+(-?\d+)\+(-?\d+)',
                             tree, re.M):
        if match.group(1) == title:
            width, height, x, y = (int(match.group(i)) for i in range(2, 6))
            if width >= 300 and height >= 200:
                found.append((width, height, x, y))
    return max(found, key=lambda w: w[0] * w[1]) if found else None


def _screenshot(prefix: Prefix, display: str, lang: str, scale: int) -> Path:
    exe = prefix.install_dir / "Connection Check.exe"
    # Wine hands QT_* variables to no Windows program; WINE<name> sets <name> for them.
    env = prefix.env(DISPLAY=display, WINEQT_SCALE_FACTOR=str(scale / 100))
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.Popen(["wine", str(exe), "--lang", lang], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        # Until it exists and has kept its place and size for three looks (Wine first shows a
        # short-lived smaller window of the same title while Qt sets the window up).
        window, previous, same = None, None, 0
        while time.monotonic() < deadline:
            time.sleep(1.5)
            window = _app_window(display, TITLES[lang])
            same = same + 1 if window is not None and window == previous else 0
            if same >= 2:
                break
            previous = window
        assert window, "the window did not appear under Xvfb"
        time.sleep(2)  # let it paint
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"windows-{lang}-{scale}.png"
        width, height, x, y = window
        # The root window, cropped: always viewable, whatever Wine does with its own windows.
        subprocess.run(["import", "-display", display, "-window", "root", "-crop",
                        f"{width}x{height}+{x}+{y}", "+repage", str(target)],
                       check=True, timeout=60, stdin=subprocess.DEVNULL)
        return target
    finally:
        proc.kill()
        prefix.kill()
        proc.wait(timeout=30)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_window_at_windows_scaling(installed: Prefix, xvfb: str, lang: str) -> None:
    installed.kill()  # a wineserver started without a display never shows windows
    sizes = {scale: _png_size(_screenshot(installed, xvfb, lang, scale)) for scale in SCALES}
    base_w, base_h = sizes[100]
    assert base_w >= 300 and base_h >= 200, sizes
    for scale in (125, 150):
        # The first window size is in font units (em), so its height follows the scaling; the
        # width also depends on the longest line, which wraps differently.
        ratio = sizes[scale][1] / base_h
        assert abs(ratio - scale / 100) < 0.06, f"height at {scale} %: {sizes}"
        assert sizes[scale][0] >= base_w, f"narrower at {scale} %: {sizes}"


# --- upgrade keeps user data; uninstall leaves no trace ------------------------------------------

def test_upgrade_keeps_user_data_and_uninstall_leaves_no_trace(
        installed: Prefix, windows_build: WindowsBuild) -> None:
    data = installed.data_dir
    history = data / "history.jsonl"
    if not history.exists():  # the checks above normally wrote it already
        data.mkdir(parents=True, exist_ok=True)
        history.write_text('{"schema": 2, "note": "written by the upgrade test"}\n',
                           encoding="utf-8")
    before = history.read_bytes()
    print(f"user data before the upgrade: {sorted(p.name for p in data.rglob('*'))}")

    result = installed.run([str(windows_build.upgrade_installer), "/S"], timeout=300)
    assert result.returncode == 0, _out(result)
    assert installed.reg_value(UNINSTALL_KEY, "DisplayVersion") == UPGRADE_VERSION
    assert history.read_bytes() == before, "the upgrade changed the user's history"
    run = installed.run([str(installed.install_dir / "conncheck.exe"), "--version"])
    assert run.returncode == 0 and windows_build.version in run.stdout, _out(run)

    # Plain silent uninstall: the program, shortcut and registry entry go; the data stays.
    uninstaller = installed.install_dir / "uninstall.exe"
    result = installed.run([str(uninstaller), "/S"], timeout=120)
    assert result.returncode == 0, _out(result)
    assert installed.wait_gone(installed.install_dir), list(installed.install_dir.rglob("*"))
    assert not (installed.start_menu / "Проверка связи.lnk").exists()
    assert not (installed.start_menu / "Connection Check.lnk").exists()
    assert not installed.key_exists(UNINSTALL_KEY)
    assert history.read_bytes() == before, "uninstall without 'remove my data' removed it"

    # Install again (English system), uninstall with "remove my data": nothing is left.
    result = installed.run([str(windows_build.upgrade_installer), "/S"], timeout=300)
    assert result.returncode == 0, _out(result)
    assert (installed.start_menu / "Connection Check.lnk").is_file()
    result = installed.run([str(installed.install_dir / "uninstall.exe"), "/S", "/REMOVEDATA"],
                           timeout=120)
    assert result.returncode == 0, _out(result)
    assert installed.wait_gone(installed.install_dir)
    assert installed.wait_gone(data), list(data.rglob("*"))
    assert not (installed.start_menu / "Connection Check.lnk").exists()
    assert not installed.key_exists(UNINSTALL_KEY)
