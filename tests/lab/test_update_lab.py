"""Catalog updates in the lab: the real ``conncheck update`` in a client namespace against an
HTTPS update mirror in a world namespace (198.18.0.0/15 only).

The mirror (tests/servers/update_server.py) serves an update published with
``tools/sign_catalog.py`` (what ``make sign-catalog`` runs) and the TEST key, and bad ones: a
wrong key, an older version, a signed catalog over the size cap, an endless answer, one that
fails the loader; it can stall or drip one byte every 0.5 s; a second mirror address is
blocked (its packets dropped). Each case is a client catalog (``--catalog``, which also names
the lab CA) listing that case's mirrors, with its own data folder. Every case must end within
its bound with one line on stdout; a bad one must leave no update in use; the good one must be
used by the next ``conncheck check`` (no ``--catalog``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.catalog import update as U
from app.engine.fetch_update import request_bytes
from tests.lab import netns
from tests.servers.certs import TestCA

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
KEYS = REPO / "tests" / "catalog" / "update_keys"
SHIPPED = REPO / "resources" / "catalog" / "default.toml"
CLIENT_IP, WORLD_IP = "198.18.1.2", "198.18.1.1"
MIRROR, BLOCKED = "198.19.50.1", "198.19.50.2"
SLOW = {"stalls": 1, "drips": 1, "blocked_then_good": 1}  # mirrors that use up their bound


def shipped_version() -> str:
    found = re.search(r'(?m)^version = "(.*)"$', SHIPPED.read_text(encoding="utf-8"))
    assert found
    return found.group(1)


NEWER = f"{int(shipped_version()[:4]) + 1}.01.01"
OLDER = f"{int(shipped_version()[:4]) - 1}.01.01"


def with_version(text: str, version: str) -> str:
    return re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', text, count=1)


def url(mode: str, case: str, host: str = MIRROR) -> str:
    return f"https://{host}/{mode}/{case}/default.toml"


@dataclass(frozen=True)
class Case:
    urls: tuple[str, ...]
    line: str  # what stdout must start with
    detail: str = ""  # what Details must mention
    taken: bool = False


CASES = {
    "good": Case((url("ok", "good"),), "The list of services is updated", taken=True),
    "bad_signature": Case((url("ok", "badsig"),), "Could not update", "bad signature"),
    "older_version": Case((url("ok", "older"),), "No newer list of services", "not newer"),
    "oversized": Case((url("ok", "big"),), "Could not update", "over the cap"),
    "endless_answer": Case((url("endless", "good"),), "Could not update", "too large"),
    "fails_the_loader": Case((url("ok", "broken"),), "Could not update", "does not load"),
    "stalls": Case((url("stall", "good"),), "Could not update", "no answer within"),
    "drips": Case((url("drip", "good"),), "Could not update", "no answer within"),
    "blocked_then_good": Case((url("ok", "good", BLOCKED), url("ok", "good")),
                              "The list of services is updated", "no answer within",
                              taken=True),
}


def publish(root: Path, work: Path) -> None:
    """The mirror's folders: ``good`` through the signing tool, the bad ones by hand."""
    ca = (SHIPPED.parent / "signal-ca.pem").read_bytes()
    text = SHIPPED.read_text(encoding="utf-8")
    source = work / "publish"
    source.mkdir()
    (source / "default.toml").write_text(with_version(text, NEWER), encoding="utf-8")
    (source / "signal-ca.pem").write_bytes(ca)
    env = {**os.environ, "CONNCHECK_CATALOG_KEY_FILE": str(KEYS / "test.key")}
    signed = subprocess.run([sys.executable, "-m", "tools.sign_catalog",
                             str(source / "default.toml"), "--out", str(root / "good")],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert signed.returncode == 0, signed.stderr
    test_key = U.load_private_key((KEYS / "test.key").read_text())

    def by_hand(case: str, body: str, version: str,
                key: U.Ed25519PrivateKey = test_key) -> None:
        folder = root / case
        folder.mkdir()
        files = [("default.toml", body.encode("utf-8")), ("signal-ca.pem", ca)]
        for name, data in files:
            (folder / name).write_bytes(data)
        (folder / "default.toml.sig").write_bytes(U.sign(version, files, key))

    by_hand("badsig", with_version(text, NEWER), NEWER, U.Ed25519PrivateKey.generate())
    by_hand("older", with_version(text, OLDER), OLDER)
    by_hand("big", with_version(text, NEWER) + "#" * U.MAX_CATALOG_BYTES + "\n", NEWER)
    by_hand("broken", with_version(text, NEWER).replace("port = 443\n", "port = 0\n", 1), NEWER)


def client_catalog(folder: Path, urls: tuple[str, ...], lab_ca: Path) -> Path:
    """The shipped catalog naming this case's mirrors and trusting the lab CA."""
    folder.mkdir(parents=True)
    text = SHIPPED.read_text(encoding="utf-8")
    listed = ", ".join(f'"{u}"' for u in urls)
    text = re.sub(r"(?ms)^update_urls = \[.*?\]\n", "", text, count=1)
    text = text.replace("\n[catalog]\n", f'\n[catalog]\nupdate_urls = [{listed}]\n'
                                         'extra_ca = "lab-ca.pem"\n', 1)
    (folder / "default.toml").write_text(text, encoding="utf-8")
    shutil.copy(SHIPPED.parent / "signal-ca.pem", folder)
    shutil.copy(lab_ca, folder / "lab-ca.pem")
    return folder / "default.toml"


class UpdateLab:
    """Two namespaces: the client, and a world holding the mirror on two addresses, one of
    them blocked (every packet to it dropped)."""

    def __init__(self, work: Path) -> None:
        n = 900_000 + os.getpid() % 1000
        self.client = f"{netns.PREFIX}-{os.getpid()}-{n}-client"
        self.world = f"{netns.PREFIX}-{os.getpid()}-{n}-world"
        self.work = work
        self.server: subprocess.Popen[str] | None = None

    def up(self, root: Path, cert: Path, key: Path) -> None:
        c, w = self.client, self.world
        for ns in (c, w):
            netns.run(["ip", "netns", "add", ns])
            netns.run(["ip", "-n", ns, "link", "set", "lo", "up"])
        netns.run(["ip", "-n", c, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1",
                   "netns", w])
        batch = {c: [f"addr add {CLIENT_IP}/24 dev eth0", "link set eth0 up",
                     f"route add 198.19.0.0/16 via {WORLD_IP}"],
                 w: [f"addr add {WORLD_IP}/24 dev eth1", "link set eth1 up",
                     f"addr add {MIRROR}/32 dev lo", f"addr add {BLOCKED}/32 dev lo"]}
        for ns, lines in batch.items():
            netns.run(["ip", "-n", ns, "-batch", "-"], input_text="\n".join(lines) + "\n")
        netns.run(["ip", "netns", "exec", w, "iptables", "-A", "INPUT", "-d", BLOCKED,
                   "-j", "DROP"])
        log = (self.work / "mirror.log").open("w")
        self.server = subprocess.Popen(
            ["ip", "netns", "exec", w, sys.executable, "-m", "tests.servers.update_server",
             "--root", str(root), "--cert", str(cert), "--key", str(key),
             "--listen", f"{MIRROR}:443", "--listen", f"{BLOCKED}:443"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True)
        log.close()
        assert self.server.stdout is not None
        assert self.server.stdout.readline().strip() == "ready"

    def run_client(self, args: list[str], data: Path, timeout: float
                   ) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(CONNCHECK_DATA_DIR=str(data), CONNCHECK_UPDATE_KEY=str(KEYS / "test.pub"),
                   CONNCHECK_CONFIG_DIR=str(data / "config"))
        return subprocess.run(["ip", "netns", "exec", self.client, sys.executable, "-m", "app",
                               *args], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def down(self) -> None:
        if self.server is not None:
            try:
                os.killpg(self.server.pid, 15)
                self.server.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        for ns in (self.client, self.world):
            netns.run(["ip", "netns", "del", ns], check=False)


@dataclass
class Ran:
    proc: subprocess.CompletedProcess[str]
    seconds: float
    data: Path


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Ran], Path]]:
    work = tmp_path_factory.mktemp("update-lab")
    root = work / "mirror"
    root.mkdir()
    publish(root, work)
    ca = TestCA.create(work / "pki")
    pair = ca.issue("mirror", [MIRROR, BLOCKED])
    lab = UpdateLab(work)
    try:
        lab.up(root, pair.cert_file, pair.key_file)

        def one(name: str) -> tuple[str, Ran]:
            catalog = client_catalog(work / name, CASES[name].urls, work / "pki" / "ca.pem")
            data = work / name / "data"
            started = time.monotonic()
            proc = lab.run_client(["update", "--catalog", str(catalog), "--lang", "en"], data,
                                  timeout=U.TOTAL_S + 60)
            return name, Ran(proc, time.monotonic() - started, data)

        with ThreadPoolExecutor(max_workers=len(CASES)) as pool:
            results = dict(pool.map(one, CASES))
        good = results["good"]
        check = lab.run_client(["check", "--json", "--only", "maps", "--deadline", "5"],
                               good.data, timeout=60)
        (work / "check.json").write_text(check.stdout)
        yield results, work
    finally:
        lab.down()


@pytest.mark.parametrize("name", list(CASES))
def test_each_update_case_ends_in_time_with_one_line(
        ran: tuple[dict[str, Ran], Path], name: str) -> None:
    result = ran[0][name]
    case = CASES[name]
    out = result.proc.stdout.splitlines()
    why = f"{name}: stdout {result.proc.stdout!r} stderr {result.proc.stderr[-1500:]!r}"
    assert result.proc.returncode == 0, why
    assert len(out) == 1 and out[0].startswith(case.line), why
    assert case.detail in result.proc.stderr, why
    assert "Traceback" not in result.proc.stderr, why
    # Nine copies of the app start at once on a busy machine: the quick cases measure how
    # long starting takes; a mirror that stalls, drips or is blocked costs PER_MIRROR_S more.
    start = max(r.seconds for n, r in ran[0].items() if n not in SLOW)
    assert start < 30, why
    assert result.seconds < start + SLOW.get(name, 0) * U.PER_MIRROR_S + 3, why
    kept = U.stored_catalog(U.parse_public_keys((KEYS / "test.pub").read_text()),
                            result.data)
    if case.taken:
        assert kept is not None and kept.version == NEWER, why
        assert out[0].endswith(f"version {NEWER}."), why
    else:
        assert kept is None, why
        pointer = U.store_dir(result.data) / U.POINTER
        assert not pointer.exists(), why


def test_the_next_check_uses_the_update(ran: tuple[dict[str, Ran], Path]) -> None:
    report = json.loads((ran[1] / "check.json").read_text())
    assert report["catalog"] == {"name": "default", "version": NEWER}


def test_update_requests_carry_nothing_about_the_user(ran: tuple[dict[str, Ran], Path]) -> None:
    log = (ran[1] / "mirror" / "requests.log").read_bytes()
    heads = [h for h in log.split(b"\0\n") if h]
    assert len(heads) >= len(CASES)
    for head in heads:
        path = head.split(b" ")[1].decode()
        assert head == request_bytes(f"https://{MIRROR}{path}"), head
