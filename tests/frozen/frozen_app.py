"""Helpers for the tests of the PyInstaller-built app (dist/conncheck/).

The build is made once per input change by build/freeze.py (hash in dist/.build-hash), so a
second ``make test`` reuses it. Every frozen run gets its own settings/data folders, the
offscreen Qt platform and a time limit; nothing here contacts anything but loopback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.servers.base import BackgroundServer

REPO = Path(__file__).resolve().parents[2]
FREEZE = REPO / "build" / "freeze.py"
MAKE_DIST = REPO / "build" / "linux" / "make-dist.sh"
BUILD_TIMEOUT_S = 1800  # a cold PySide6 build on two cores takes well under this
RUN_TIMEOUT_S = 90
VERDICTS = {"works", "degraded", "blocked", "unavailable", "unknown"}
NETWORK_STATUSES = {"online", "offline", "captive_portal", "whitelist_only", "unknown"}


@dataclass(frozen=True)
class FrozenApp:
    onedir: Path

    @property
    def exe(self) -> Path:
        return self.onedir / ("conncheck.exe" if sys.platform == "win32" else "conncheck")

    @property
    def internal(self) -> Path:
        return self.onedir / "_internal"


def frozen_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment: offscreen Qt, private settings/history folders, no debug flags."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QT_", "CONNCHECK_", "XDG_", "LC_", "LANG"))}
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    })
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.update(extra)
    return env


def run_frozen(exe: Path, args: Sequence[str], home: Path, *, prefix: Sequence[str] = (),
               timeout: float = RUN_TIMEOUT_S, **env: str) -> subprocess.CompletedProcess[str]:
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run([*prefix, str(exe), *args], capture_output=True, text=True,
                          timeout=timeout, env=frozen_env(home, **env), cwd=home, check=False)


def write_catalog(path: Path, https: BackgroundServer, stun: BackgroundServer,
                  extra_ca: Path | None) -> Path:
    """A catalog of loopback servers only: one service per feature, plus one control."""
    url = f"https://127.0.0.1:{https.port}/"
    head = ['[catalog]', 'schema = 1', 'name = "frozen-loopback"', 'version = "2026.11.23"',
            'timeout_s = 4', 'deadline_s = 30']
    if extra_ca is not None:
        head.append(f'extra_ca = "{extra_ca}"')
    entries: list[dict[str, str | int]] = [
        {"id": "ctl-loopback", "service": "Loopback control", "feature": "network",
         "role": "control_international", "kind": "https", "url": url, "max_bytes": 65536},
        {"id": "msg-https", "service": "Loopback Messenger", "feature": "messages",
         "kind": "https", "url": url},
        {"id": "msg-tls", "service": "Loopback Messenger", "feature": "messages",
         "kind": "tls", "host": "127.0.0.1", "port": https.port, "sni": "service.test"},
        {"id": "maps-https", "service": "Loopback Maps", "feature": "maps", "kind": "https",
         "url": url},
        {"id": "calls-stun", "service": "Loopback Calls", "feature": "calls", "kind": "stun",
         "host": "127.0.0.1", "port": stun.port},
    ]
    lines = head
    for entry in entries:
        lines += ["", "[[check]]"]
        for key, value in entry.items():
            lines.append(f"{key} = {value}" if isinstance(value, int) else f'{key} = "{value}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
