"""Helpers for the Windows tests: a fresh Wine prefix per run, Windows paths, registry queries.

Every Wine command runs with stdin from /dev/null and stdout/stderr through a pipe: Python
under Wine dies when its stdout is a regular Linux file (docs/packaging.md, Windows, gotchas).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "build" / "windows"))
import make_dist  # noqa: E402  (build/windows/make_dist.py: the build these tests check)

UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\ConnectionCheck"


@dataclass
class Prefix:
    """A 64-bit Wine prefix with the stand-in DLLs in system32 (never in the app)."""

    path: Path

    @classmethod
    def fresh(cls, path: Path) -> Prefix:
        if path.exists():
            make_dist.wineserver_kill(path)
            shutil.rmtree(path)
        make_dist.make_prefix(path)
        return cls(path)

    def env(self, **extra: str) -> dict[str, str]:
        env = make_dist.wine_env(self.path, QT_QPA_PLATFORM="offscreen", LANG="en_US.UTF-8",
                                 LC_ALL="en_US.UTF-8")
        env.pop("PYTHONUTF8", None)  # the frozen app must not depend on it
        env.pop("DISPLAY", None)
        for name in [n for n in env if n.startswith("CONNCHECK_")]:
            env.pop(name)  # the app's own Windows folders, inside this run's prefix
        env.update(extra)
        return env

    def run(self, args: Sequence[str], *, timeout: float = 120, cwd: Path | None = None,
            **extra: str) -> subprocess.CompletedProcess[str]:
        return make_dist.run_wine(self.path, list(args), timeout=timeout, cwd=cwd or REPO,
                                  env=self.env(**extra))

    def kill(self) -> None:
        make_dist.wineserver_kill(self.path)

    @property
    def user_dir(self) -> Path:
        users = [p for p in (self.path / "drive_c" / "users").iterdir()
                 if p.is_dir() and p.name != "Public"]
        assert len(users) == 1, users
        return users[0]

    @property
    def local_appdata(self) -> Path:
        return self.user_dir / "AppData" / "Local"

    @property
    def install_dir(self) -> Path:
        return self.local_appdata / "Programs" / "Connection Check"

    @property
    def data_dir(self) -> Path:
        """platformdirs' user data/config folder of the app: %LOCALAPPDATA%\\conncheck."""
        return self.local_appdata / "conncheck"

    @property
    def start_menu(self) -> Path:
        return (self.user_dir / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu"
                / "Programs")

    def reg_values(self, key: str) -> dict[str, str] | None:
        """The string values of a registry key, or None when the key does not exist. Through
        `reg export` (a UTF-16 file): `reg query` prints in the console code page."""
        out = self.path / "reg-export.reg"
        out.unlink(missing_ok=True)
        result = self.run(["reg", "export", key, make_dist.winpath(out), "/y"], timeout=60)
        if result.returncode != 0 or not out.exists():
            return None
        values = {}
        for line in out.read_text(encoding="utf-16").splitlines():
            found = re.match(r'^"((?:[^"\\]|\\.)*)"="((?:[^"\\]|\\.)*)"$', line)
            if found:
                name, value = (re.sub(r"\\(.)", r"\1", g) for g in found.groups())
                values[name] = value
        return values

    def reg_value(self, key: str, name: str) -> str | None:
        return (self.reg_values(key) or {}).get(name)

    def key_exists(self, key: str) -> bool:
        return self.reg_values(key) is not None

    def wait_gone(self, path: Path, timeout: float = 90) -> bool:
        """The NSIS uninstaller relaunches itself from %TEMP%: poll until it has finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not path.exists():
                return True
            time.sleep(0.5)
        return not path.exists()


def tools_missing() -> list[str]:
    missing = make_dist.missing_tools()
    for program, package in (("Xvfb", "xvfb"), ("import", "imagemagick"),
                             ("xwininfo", "x11-utils"), ("osslsigncode", "osslsigncode"),
                             ("openssl", "openssl")):
        if not shutil.which(program):
            missing.append(package)
    return missing


def ensure_host_locales() -> None:
    """Wine takes its code page and UI language from LANG/LC_ALL: ru_RU.UTF-8 (Russian
    installer, Cyrillic shortcut names) and en_US.UTF-8 (cp1252) must exist on the host."""
    have = subprocess.run(["locale", "-a"], capture_output=True, text=True,
                          check=False).stdout.lower()
    for name, source in (("ru_RU.UTF-8", "ru_RU"), ("en_US.UTF-8", "en_US")):
        if name.lower().replace("-", "") not in have.replace("-", ""):
            if os.geteuid() != 0:
                raise RuntimeError(f"the host locale {name} is missing "
                                   f"(as root: localedef -i {source} -f UTF-8 {name})")
            subprocess.run(["localedef", "-i", source, "-f", "UTF-8", name], check=True,
                           timeout=120)


def pe_subsystem(exe: Path) -> int:
    """2 = Windows GUI (no console), 3 = console."""
    data = exe.read_bytes()[:4096]
    pe = int.from_bytes(data[0x3C:0x40], "little")
    assert data[pe:pe + 4] == b"PE\0\0", f"{exe} is not a PE file"
    return int.from_bytes(data[pe + 24 + 68:pe + 24 + 70], "little")
