"""Build the one-folder app (dist/conncheck/) with PyInstaller, only when its inputs changed.

Why a script and not a bare ``pyinstaller`` call: three callers need the same build (``make
dist``, the frozen tests, the packaging benchmark), and a PySide6 build takes minutes on two
cores. The inputs (requirements.lock, app/, resources/, the spec and its helpers) are hashed;
the hash of the last good build is kept in dist/.build-hash, and an unchanged tree is reused.
A file lock keeps two callers from building into the same folder at once.

PyInstaller's work and output folders are always var/pyinstaller-work and dist/, never its
defaults (./build is where our recipes live).

    python build/freeze.py            # build if needed; prints the onedir path
    python build/freeze.py --force    # build even if the hash matches
    python build/freeze.py --hash     # print the input hash only
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
WORK = ROOT / "var" / "pyinstaller-work"
ONEDIR = DIST / "conncheck"
HASH_FILE = DIST / ".build-hash"
LOCK_FILE = ROOT / "var" / "freeze.lock"
SPEC = ROOT / "build" / "conncheck.spec"
# Everything that changes what lands in the onedir.
INPUTS = ("requirements.lock", "app", "resources", "build/conncheck.spec", "build/launcher.py",
          "build/icons.py", "build/rthook_first_paint.py", "build/freeze.py")
_SKIP_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache"}


def _files(entry: Path) -> Iterator[Path]:
    if entry.is_file():
        yield entry
        return
    for path in sorted(entry.rglob("*")):
        if path.is_file() and not _SKIP_PARTS.intersection(path.parts) and path.suffix != ".pyc":
            yield path


def input_hash(header: str | None = None, inputs: tuple[str, ...] = INPUTS) -> str:
    """SHA-256 over the relative names and contents of every build input, in a fixed order.
    ``header`` names what else decides the build (default: this Python and platform; the
    Windows build passes its own: build/windows/make_dist.py)."""
    digest = hashlib.sha256()
    digest.update((header or f"python {sys.version_info[:3]} {sys.platform}\n").encode())
    for name in inputs:
        entry = ROOT / name
        if not entry.exists():
            digest.update(f"missing {name}\n".encode())
            continue
        for path in _files(entry):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def executable() -> Path:
    return ONEDIR / ("conncheck.exe" if sys.platform == "win32" else "conncheck")


def is_current(wanted: str) -> bool:
    try:
        built = HASH_FILE.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return False
    return built == wanted and executable().is_file()


def build(force: bool = False, quiet: bool = False) -> tuple[Path, float | None]:
    """Make dist/conncheck current. Returns (onedir, seconds spent building or None if reused)."""
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    with LOCK_FILE.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = input_hash()
        if not force and is_current(wanted):
            return ONEDIR, None
        HASH_FILE.unlink(missing_ok=True)
        if ONEDIR.exists():
            shutil.rmtree(ONEDIR)
        env = dict(os.environ)
        env.setdefault("SOURCE_DATE_EPOCH", source_date_epoch())
        env["PYTHONHASHSEED"] = "0"  # stable ordering inside the bundled archive
        command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                   "--log-level", "WARN", "--workpath", str(WORK), "--distpath", str(DIST),
                   str(SPEC)]
        started = time.monotonic()
        result = subprocess.run(command, cwd=ROOT, env=env, check=False,
                                stdout=subprocess.DEVNULL if quiet else None)
        seconds = time.monotonic() - started
        if result.returncode != 0 or not executable().is_file():
            raise SystemExit(f"freeze: PyInstaller failed (exit {result.returncode})")
        DIST.mkdir(exist_ok=True)
        HASH_FILE.write_text(wanted + "\n", encoding="utf-8")
        (DIST / ".build-seconds").write_text(f"{seconds:.1f}\n", encoding="utf-8")
        return ONEDIR, seconds


def source_date_epoch() -> str:
    """The last commit's time: the same sources give the same timestamps in every package
    ("0" when there is none; a zip file needs at least 1980 and raises it itself)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, check=True,
                             capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return out if out.isdigit() else "0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build dist/conncheck/ when its inputs changed")
    parser.add_argument("--force", action="store_true", help="build even if up to date")
    parser.add_argument("--hash", action="store_true", help="print the input hash and exit")
    args = parser.parse_args(argv)
    if args.hash:
        print(input_hash())
        return 0
    onedir, seconds = build(force=args.force)
    if seconds is None:
        print(f"freeze: {onedir} is up to date", file=sys.stderr)
    else:
        print(f"freeze: built {onedir} in {seconds:.0f} s", file=sys.stderr)
    print(onedir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
