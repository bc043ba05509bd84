"""``make dist`` on Linux: the tarball and the .deb hold a working app, a menu entry whose
command exists, and are made the same way twice (reproducible)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.frozen.frozen_app import MAKE_DIST, REPO, FrozenApp, run_frozen

pytestmark = [
    pytest.mark.frozen,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux packages"),
]

DIST_TIMEOUT_S = 900
BUILD_HASH = REPO / "dist" / ".build-hash"


@dataclass(frozen=True)
class Packages:
    tarball: Path
    deb: Path
    epoch: int


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _make_dist() -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHON=sys.executable)
    return subprocess.run(["bash", str(MAKE_DIST)], cwd=REPO, capture_output=True, text=True,
                          timeout=DIST_TIMEOUT_S, env=env, check=False)


@pytest.fixture(scope="session")
def packages(frozen_app: FrozenApp) -> Packages:
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    result = _make_dist()
    if result.returncode != 0:
        pytest.fail(f"make-dist failed:\n{(result.stdout + result.stderr)[-4000:]}")
    from app import __version__

    tarball = REPO / "dist" / f"conncheck-{__version__}-linux-x86_64.tar.gz"
    deb = REPO / "dist" / f"conncheck_{__version__}_amd64.deb"
    assert tarball.is_file() and deb.is_file(), result.stdout
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=REPO, capture_output=True,
                           text=True, timeout=30, check=False).stdout.strip()
    return Packages(tarball, deb, int(epoch) if epoch.isdigit() else 0)


def _desktop_value(text: str, key: str) -> str:
    for line in text.splitlines():
        if line.startswith(f"{key}="):
            return line.split("=", 1)[1]
    pytest.fail(f"no {key}= line in the .desktop file:\n{text}")


def _inside(root: Path, absolute: str) -> Path:
    """Resolve an absolute path (following absolute symlinks) inside an unpacked root."""
    path = root / absolute.lstrip("/")
    for _ in range(10):
        if not path.is_symlink():
            return path
        target = os.readlink(path)
        path = root / target.lstrip("/") if target.startswith("/") else path.parent / target
    return path


def test_tarball_is_normalized_and_complete(packages: Packages) -> None:
    with tarfile.open(packages.tarball) as archive:
        members = archive.getmembers()
    names = [m.name for m in members]
    top = names[0].split("/")[0]
    assert top.startswith("conncheck-")
    for wanted in ("conncheck", "conncheck.desktop", "conncheck.png", "install.sh",
                   "_internal/resources/catalog/default.toml",
                   "_internal/certifi/cacert.pem"):
        assert f"{top}/{wanted}" in names, wanted
    children: dict[str, list[str]] = {}
    for name in names:  # tar --sort=name: each folder's entries in name order
        parent, _, leaf = name.rpartition("/")
        children.setdefault(parent, []).append(leaf)
    assert all(leaves == sorted(leaves) for leaves in children.values())
    assert {(m.uid, m.gid) for m in members} == {(0, 0)}
    assert {m.mtime for m in members} == {packages.epoch}
    exe = next(m for m in members if m.name == f"{top}/conncheck")
    assert exe.mode & 0o111
    # the smaller .tar.xz download carries exactly the same files
    with tarfile.open(packages.tarball.with_suffix("").with_suffix(".tar.xz")) as archive:
        assert archive.getnames() == names


def test_deb_unpacks_to_a_working_app_with_a_menu_entry(packages: Packages,
                                                        tmp_path: Path) -> None:
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(packages.deb), str(root)], check=True, timeout=300)
    control = subprocess.run(["dpkg-deb", "-f", str(packages.deb)], capture_output=True,
                             text=True, check=True, timeout=60).stdout
    assert "Package: conncheck" in control
    desktop = (root / "usr/share/applications/conncheck.desktop").read_text(encoding="utf-8")
    exec_path = _desktop_value(desktop, "Exec").split()[0]
    assert _inside(root, exec_path).is_file(), f"Exec={exec_path} is not in the package"
    assert "Name[ru]=Проверка связи" in desktop
    icon = _desktop_value(desktop, "Icon")
    assert (root / f"usr/share/icons/hicolor/256x256/apps/{icon}.png").is_file()
    assert _inside(root, "/usr/bin/conncheck") == root / "opt/conncheck/conncheck"
    result = run_frozen(root / "opt/conncheck/conncheck", ["--version"], tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("conncheck ")


def test_packages_are_reproducible(packages: Packages) -> None:
    """Making the packages again from the same sources gives the same bytes."""
    built_from = BUILD_HASH.read_text(encoding="utf-8")
    first = (_sha256(packages.tarball), _sha256(packages.deb))
    result = _make_dist()
    assert result.returncode == 0, result.stderr[-3000:]
    if BUILD_HASH.read_text(encoding="utf-8") != built_from:
        pytest.skip("the sources changed while the test ran (someone is editing app/)")
    assert (_sha256(packages.tarball), _sha256(packages.deb)) == first


@pytest.mark.skipif(os.environ.get("CI") != "true" or os.geteuid() != 0,
                    reason="installs into the real system: only as root in CI")
def test_deb_installs_runs_from_path_and_removes(packages: Packages, tmp_path: Path) -> None:
    install = subprocess.run(["dpkg", "-i", str(packages.deb)], capture_output=True, text=True,
                             timeout=300, check=False)
    try:
        assert install.returncode == 0, install.stdout + install.stderr
        conncheck = shutil.which("conncheck", path="/usr/bin")
        assert conncheck == "/usr/bin/conncheck"
        result = run_frozen(Path(conncheck), ["--self-test"], tmp_path / "home", timeout=180)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    finally:
        subprocess.run(["dpkg", "-r", "conncheck"], capture_output=True, timeout=300,
                       check=False)
    assert not Path("/opt/conncheck/conncheck").exists()
