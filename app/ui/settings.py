"""The few things the window remembers: its size, the language, and "notice seen".

JSON in the platform's user config folder (``CONNCHECK_CONFIG_DIR`` overrides it, for tests).
Nothing about checks or networks is stored here. A broken file falls back to the defaults
and says so on stderr — never a crash, never a silent loss.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path

APP_DIR_NAME = "conncheck"
FILE_NAME = "window.json"


def config_dir() -> Path:
    override = os.environ.get("CONNCHECK_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_DIR_NAME, appauthor=False))


@dataclass
class Settings:
    width: int = 0  # 0: let the window choose from the screen and the font
    height: int = 0
    language: str = ""  # "" until the user chooses; then "ru" or "en"
    notice_seen: bool = False

    @classmethod
    def load(cls, directory: Path | None = None) -> Settings:
        path = (directory or config_dir()) / FILE_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            print(f"conncheck: settings ignored ({path}: {exc})", file=sys.stderr)
            return cls()
        settings = cls()
        if not isinstance(raw, dict):
            return settings
        for f in fields(cls):
            value = raw.get(f.name)
            if isinstance(value, type(getattr(settings, f.name))):
                setattr(settings, f.name, value)
        if settings.language not in ("", "ru", "en"):
            settings.language = ""
        return settings

    def save(self, directory: Path | None = None) -> None:
        folder = directory or config_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / (FILE_NAME + ".tmp")
            tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
            tmp.replace(folder / FILE_NAME)
        except OSError as exc:
            print(f"conncheck: settings not saved ({folder}: {exc})", file=sys.stderr)
