"""Packaging budgets: what a user downloads, waits for and gives up in memory.

Measured on the Linux onedir (built by build/freeze.py if its inputs changed):
- build time of the onedir (the last real build, dist/.build-seconds);
- onedir size, tar.gz, tar.xz and .deb size (``make dist``'s own scripts);
- cold start to the first painted window: the frozen app started with the opt-in probe of
  build/rthook_first_paint.py, offscreen; the time from starting the process to its first paint
  (benchmarks/_app.py, shared with benchmarks.startup);
- start-up of the frozen interpreter alone (``conncheck --version``);
- peak memory (RSS of the process and its children, sampled every 10 ms) during a check of
  about 60 entries against loopback servers, the size of the shipped catalog.
Plus the Windows installer and portable zip, built on Linux under Wine by
build/windows/make_dist.py (installer budget 45 MB), and the 15 largest files in the Linux
onedir: what pulls the size.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from benchmarks import Table, verdict
from benchmarks._app import drop_page_cache, first_paint_seconds, isolated_env

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "build"))

import freeze  # noqa: E402  (build/freeze.py: the one way to get a current onedir)

MB = 1024 * 1024
BUDGET_DOWNLOAD_MB = 70.0
BUDGET_COLD_START_S = 2.0
BUDGET_PEAK_MB = 200.0
START_RUNS = 5


def _tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def version_seconds(exe: Path, home: Path) -> float:
    started = time.monotonic()
    subprocess.run([str(exe), "--version"], env=isolated_env(home), capture_output=True,
                   timeout=60, check=True)
    return time.monotonic() - started


def _loopback_catalog(folder: Path, https_port: int, stun_port: int, ca: Path,
                      entries: int = 60) -> Path:
    kinds = ["https", "tls", "tcp", "stun"]
    features = ["messages", "maps", "calls"]
    lines = ["[catalog]", "schema = 1", 'name = "bench-loopback"', 'version = "2026.11.23"',
             f'extra_ca = "{ca}"', "timeout_s = 5", "deadline_s = 40", "concurrency = 24", "",
             "[[check]]", 'id = "ctl"', 'service = "Control"', 'feature = "network"',
             'role = "control_international"', 'kind = "https"',
             f'url = "https://127.0.0.1:{https_port}/"', "max_bytes = 65536"]
    for index in range(entries):
        kind = kinds[index % len(kinds)]
        feature = "calls" if kind == "stun" else features[index % 2]
        lines += ["", "[[check]]", f'id = "e{index}"', f'service = "Service {index % 7}"',
                  f'feature = "{feature}"', f'kind = "{kind}"']
        if kind == "https":
            lines += [f'url = "https://127.0.0.1:{https_port}/"', "max_bytes = 65536"]
        elif kind == "stun":
            lines += ['host = "127.0.0.1"', f"port = {stun_port}"]
        else:
            lines += ['host = "127.0.0.1"', f"port = {https_port}"]
            if kind == "tls":
                lines.append('sni = "service.test"')
    path = folder / "bench.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def peak_check_memory_mb(exe: Path, home: Path) -> tuple[float | None, float, int]:
    """(peak RSS in MB, seconds the check took, exit code) for a loopback check."""
    from tests.servers import make_server, make_test_pki

    pki = make_test_pki(home / "pki")
    with make_server("https", pki, hold_s=10) as https, make_server("stun") as stun:
        catalog = _loopback_catalog(home, https.port, stun.port, pki.ca_file)
        started = time.monotonic()
        process = subprocess.Popen([str(exe), "check", "--json", "--catalog", str(catalog)],
                                   env=isolated_env(home), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        watched = psutil.Process(process.pid)
        peak = 0
        deadline = started + 120
        while process.poll() is None and time.monotonic() < deadline:
            try:
                rss = watched.memory_info().rss
                rss += sum(c.memory_info().rss for c in watched.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.01)
        if process.poll() is None:
            process.kill()
        code = process.wait(timeout=30)
        return (peak / MB if peak else None), time.monotonic() - started, code


def make_dist() -> tuple[Path | None, Path | None]:
    result = subprocess.run(["bash", str(REPO / "build" / "linux" / "make-dist.sh")], cwd=REPO,
                            capture_output=True, text=True, timeout=1800, check=False,
                            env=dict(os.environ, PYTHON=sys.executable))
    if result.returncode != 0:
        return None, None
    tarballs = sorted((REPO / "dist").glob("conncheck-*-linux-*.tar.gz"),
                      key=lambda p: p.stat().st_mtime)
    debs = sorted((REPO / "dist").glob("conncheck_*.deb"), key=lambda p: p.stat().st_mtime)
    return (tarballs[-1] if tarballs else None), (debs[-1] if debs else None)


def largest_files(onedir: Path, count: int = 15) -> Table:
    sizes = sorted(((p.stat().st_size, p) for p in onedir.rglob("*")
                    if p.is_file() and not p.is_symlink()), reverse=True)[:count]
    table = Table(f"Largest files in {onedir.name}/", ["file", "MB"])
    for size, path in sizes:
        table.rows.append([str(path.relative_to(onedir)), f"{size / MB:.1f}"])
    return table


def quiet_freeze(log: Path) -> tuple[Path, float | None]:
    """freeze.build with PyInstaller's own log (stderr) in ``log`` instead of among the tables;
    the end of the log is shown if the build fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with log.open("w") as out:
            os.dup2(out.fileno(), 2)
            try:
                return freeze.build(quiet=True)
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
    except BaseException:
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        os.close(saved)


def run() -> list[Table]:
    onedir, built_seconds = quiet_freeze(REPO / "var" / "bench-freeze.log")
    exe = freeze.executable()
    last_build = (freeze.DIST / ".build-seconds")
    build_s = built_seconds if built_seconds is not None else (
        float(last_build.read_text()) if last_build.is_file() else None)
    tarball, deb = make_dist()
    with tempfile.TemporaryDirectory(prefix="conncheck-bench-") as tmp:
        home = Path(tmp)
        cold_dropped = drop_page_cache()
        cold = first_paint_seconds([str(exe)], home)
        warm_runs = [first_paint_seconds([str(exe)], home) for _ in range(START_RUNS)]
        warm = [s for s in warm_runs if s is not None]
        version = statistics.median(version_seconds(exe, home) for _ in range(START_RUNS))
        peak, check_s, check_code = peak_check_memory_mb(exe, home)

    download = tarball.stat().st_size / MB if tarball else None
    xz = tarball.with_suffix("").with_suffix(".tar.xz") if tarball else None
    xz_mb = xz.stat().st_size / MB if xz and xz.is_file() else None
    deb_mb = deb.stat().st_size / MB if deb else None
    table = Table("Packaging budgets (Linux x86_64 onedir)",
                  ["measure", "value", "budget", "verdict"])
    table.rows += [
        ["onedir build time (PyInstaller)", f"{build_s:.0f} s" if build_s else "n/a", "-",
         "-"],
        ["onedir size", f"{_tree_size(onedir) / MB:.1f} MB", "-", "-"],
        ["download: tar.gz", f"{download:.1f} MB" if download else "n/a",
         f"{BUDGET_DOWNLOAD_MB:.0f} MB", verdict(download, BUDGET_DOWNLOAD_MB)],
        ["download: tar.xz", f"{xz_mb:.1f} MB" if xz_mb else "n/a",
         f"{BUDGET_DOWNLOAD_MB:.0f} MB", verdict(xz_mb, BUDGET_DOWNLOAD_MB)],
        ["download: .deb (xz)", f"{deb_mb:.1f} MB" if deb_mb else "n/a",
         f"{BUDGET_DOWNLOAD_MB:.0f} MB", verdict(deb_mb, BUDGET_DOWNLOAD_MB)],
        ["cold start to first paint" + ("" if cold_dropped else " (page cache warm)"),
         f"{cold:.2f} s" if cold is not None else "n/a", f"{BUDGET_COLD_START_S:.0f} s",
         verdict(cold, BUDGET_COLD_START_S)],
        [f"warm start to first paint (median of {len(warm)})",
         f"{statistics.median(warm):.2f} s" if warm else "n/a", f"{BUDGET_COLD_START_S:.0f} s",
         verdict(statistics.median(warm) if warm else None, BUDGET_COLD_START_S)],
        ["frozen interpreter start (--version, median)", f"{version:.2f} s", "-", "-"],
        [f"peak memory, loopback check ({check_s:.1f} s, exit {check_code})",
         f"{peak:.0f} MB" if peak else "n/a", f"{BUDGET_PEAK_MB:.0f} MB",
         verdict(peak, BUDGET_PEAK_MB)],
    ]
    if cold is None:
        table.notes.append("no first paint: the window (app.ui.app.run_gui) did not start "
                           "or never painted within 60 s")
    return [table, windows_table(), largest_files(onedir)]


BUDGET_WINDOWS_INSTALLER_MB = 45.0


def windows_table() -> Table:
    """The Windows installer and zip, built on Linux under Wine (build/windows/make_dist.py,
    cached by input hash). Without Wine/NSIS: a row saying so."""
    sys.path.insert(0, str(REPO / "build" / "windows"))
    import make_dist  # build/windows/make_dist.py

    table = Table("Packaging budgets (Windows x64, built under Wine)",
                  ["measure", "value", "budget", "verdict"])
    missing = make_dist.missing_tools()
    if missing:
        table.notes.append("not measured: missing Debian packages " + " ".join(missing))
        return table
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(REPO / "build" / "windows" / "make_dist.py")],
                            cwd=REPO, capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode != 0:
        table.notes.append("make dist-windows failed: " + result.stderr.strip()[-300:])
        return table
    ver = make_dist.version()
    installer = make_dist.DIST / make_dist.installer_name(ver)
    portable = make_dist.DIST / f"conncheck-{ver}-windows-x64.zip"
    seconds = make_dist.SECONDS_FILE
    build_s = float(seconds.read_text()) if seconds.is_file() else None
    inst_mb = installer.stat().st_size / MB
    table.rows += [
        ["onedir build time (PyInstaller under Wine, last real build)",
         f"{build_s:.0f} s" if build_s else "n/a", "-", "-"],
        ["onedir size", f"{_tree_size(make_dist.ONEDIR) / MB:.1f} MB", "-", "-"],
        ["download: setup.exe (NSIS, LZMA)", f"{inst_mb:.1f} MB",
         f"{BUDGET_WINDOWS_INSTALLER_MB:.0f} MB", verdict(inst_mb, BUDGET_WINDOWS_INSTALLER_MB)],
        ["download: portable .zip", f"{portable.stat().st_size / MB:.1f} MB", "-", "-"],
        ["make dist-windows now (cached parts reused)", f"{time.monotonic() - started:.0f} s",
         "-", "-"],
    ]
    return table
