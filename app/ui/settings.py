"""The few things the window remembers: its size, the language, "notice seen", and whether
the person agreed to keep the list of services up to date (docs/catalog.md "Updates").

JSON in the platform's user config folder (``CONNCHECK_CONFIG_DIR`` overrides it, for tests).
Nothing about checks or networks is stored here. A broken file falls back to the defaults
and says so on stderr — never a crash, never a silent loss. The file is written whole or not
at all (app/atomic.py) and is private to the user (0600, its folder 0700).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from app.atomic import write_atomically
from app.paths import private_folder

APP_DIR_NAME = "conncheck"
FILE_NAME = "window.json"
MAX_SIZE = 10_000  # pixels; a larger remembered size is damage, not a screen


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
    keep_catalog_updated: bool = False  # the notice's switch: off until the person agrees

    @classmethod
    def load(cls, directory: Path | None = None) -> Settings:
        path = (directory or config_dir()) / FILE_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, RecursionError) as exc:  # unreadable, not JSON, too deep
            print(f"conncheck: settings ignored ({path}: {type(exc).__name__})", file=sys.stderr)
            return cls()
        settings = cls()
        if not isinstance(raw, dict):
            return settings
        for f in fields(cls):
            value = raw.get(f.name)
            default = getattr(settings, f.name)
            # exact types: JSON's true is not a width, 1 is not "notice seen"
            if type(value) is type(default):
                setattr(settings, f.name, value)
        if settings.language not in ("", "ru", "en"):
            settings.language = ""
        if not (0 < settings.width <= MAX_SIZE and 0 < settings.height <= MAX_SIZE):
            settings.width = settings.height = 0  # nonsense size: let the window choose
        return settings

    def save(self, directory: Path | None = None) -> None:
        folder = directory or config_dir()
        try:
            private_folder(folder)
            data = json.dumps(asdict(self), indent=2).encode("utf-8")
            write_atomically(folder / FILE_NAME, data, mode=0o600)
        except OSError as exc:
            print(f"conncheck: settings not saved ({folder}: {exc})", file=sys.stderr)
