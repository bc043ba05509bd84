"""Build and tear down one lab: three network namespaces, a censoring router, world servers.

    client (the app)  --veth--  isp (router; every censorship rule lives here)  --veth--  world

Addresses are only in 198.18.0.0/15. Each lab has its own name prefix (``cclab-<pid>-<n>``)
so concurrent labs and a crashed earlier run never collide; a lab is always fresh, so no
connection-tracking state survives from another scenario.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

from tests.lab.labcatalog import TURN_PASSWORD, TURN_REALM, TURN_USER, LabPlan
from tests.lab.profiles import Profile
from tests.lab.world import WorldConfig

REPO = Path(__file__).resolve().parents[2]
PREFIX = "cclab"
CLIENT_IP, ISP_CLIENT_SIDE = "198.18.1.2", "198.18.1.1"
WORLD_IP, ISP_WORLD_SIDE = "198.18.2.2", "198.18.2.1"
HOSTS_NET = "198.19.0.0/16"
MAX_LIFETIME_S = 300.0  # world servers and coturn stop by themselves after this

_live: set[Lab] = set()
_live_lock = threading.Lock()
_counter = iter(range(1, 1_000_000))


class LabError(RuntimeError):
    """The lab could not be built (missing tool, permission...)."""


def run(args: list[str], *, check: bool = True, timeout: float = 20.0,
        input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          input=input_text, check=False)
    if check and proc.returncode != 0:
        raise LabError(f"{shlex.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc


class Lab:
    """One fresh lab. Use as a context manager; ``close()`` is safe to call twice."""

    def __init__(self, plan: LabPlan, workdir: Path, profile: Profile) -> None:
        self.plan = plan
        self.workdir = workdir
        self.profile = profile
        self.id = f"{PREFIX}-{os.getpid()}-{next(_counter)}"
        self.client, self.isp, self.world = (f"{self.id}-{n}" for n in ("client", "isp", "world"))
        self.procs: list[subprocess.Popen[str]] = []
        self._closed = False

    # ----------------------------------------------------------------- lifecycle
    def __enter__(self) -> Lab:
        with _live_lock:
            _live.add(self)
        try:
            self._build()
            self._start_world()
            self._start_turn()
            self.apply(self.profile.isp_commands)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=3)
        for ns in (self.client, self.isp, self.world):
            run(["ip", "netns", "del", ns], check=False)
        shutil.rmtree(f"/etc/netns/{self.client}", ignore_errors=True)
        with _live_lock:
            _live.discard(self)

    # ----------------------------------------------------------------- topology
    def _build(self) -> None:
        for ns in (self.client, self.isp, self.world):
            run(["ip", "netns", "add", ns])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        c, i, w = self.client, self.isp, self.world
        run(["ip", "-n", c, "link", "add", "eth0", "type", "veth", "peer", "name", "cli0",
             "netns", i])
        run(["ip", "-n", w, "link", "add", "eth0", "type", "veth", "peer", "name", "wan0",
             "netns", i])
        batch = {
            c: ["link set eth0 gso_max_segs 1", f"addr add {CLIENT_IP}/24 dev eth0",
                "link set eth0 up", f"route add default via {ISP_CLIENT_SIDE}"],
            i: ["link set cli0 gso_max_segs 1", "link set wan0 gso_max_segs 1",
                f"addr add {ISP_CLIENT_SIDE}/24 dev cli0", f"addr add {ISP_WORLD_SIDE}/24 dev wan0",
                "link set cli0 up", "link set wan0 up", f"route add {HOSTS_NET} via {WORLD_IP}"],
            w: ["link set eth0 gso_max_segs 1", f"addr add {WORLD_IP}/24 dev eth0",
                "link set eth0 up", f"route add default via {ISP_WORLD_SIDE}"]
               + [f"addr add {a}/32 dev lo" for a in self.plan.addresses()],
        }
        for ns, lines in batch.items():
            run(["ip", "-n", ns, "-batch", "-"], input_text="\n".join(lines) + "\n")
        self.exec(i, ["sysctl", "-qw", "net.ipv4.ip_forward=1"])
        netns_etc = Path(f"/etc/netns/{c}")
        netns_etc.mkdir(parents=True, exist_ok=True)
        (netns_etc / "resolv.conf").write_text(
            f"nameserver {self.plan.resolver_ip}\noptions timeout:2 attempts:3\n"
        )

    def exec(self, ns: str, args: list[str], *, check: bool = True,
             timeout: float = 20.0) -> subprocess.CompletedProcess[str]:
        return run(["ip", "netns", "exec", ns, *args], check=check, timeout=timeout)

    def apply(self, commands: tuple[str, ...]) -> None:
        """Run iptables/tc commands in the router namespace."""
        for command in commands:
            self.exec(self.isp, shlex.split(command))

    # ----------------------------------------------------------------- servers
    def _spawn(self, ns: str, args: list[str], log: str) -> subprocess.Popen[str]:
        out = open(self.workdir / log, "w")  # noqa: SIM115 - lives as long as the process
        proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, *args], cwd=REPO, stdout=subprocess.PIPE, stderr=out,
            text=True, start_new_session=True,
        )
        out.close()
        self.procs.append(proc)
        return proc

    def _start_world(self) -> None:
        config = WorldConfig(plan=str(self.workdir / "plan.json"),
                             dns_lies=dict(self.profile.dns_lies),
                             intercepted=list(self.profile.intercepted),
                             content=dict(self.profile.content),
                             max_lifetime_s=MAX_LIFETIME_S,
                             query_log=str(self.workdir / "dns-queries.log"))
        self.plan.save(self.workdir / "plan.json")
        path = self.workdir / "world.json"
        path.write_text(json.dumps(asdict(config)))
        proc = self._spawn(self.world, [sys.executable, "-m", "tests.lab.world", "--config",
                                        str(path)], "world.log")
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready else ""
        if line.strip() != "ready":
            log = (self.workdir / "world.log").read_text(errors="replace")[-2000:]
            raise LabError(f"world servers did not start: {line!r} {log}")

    def _start_turn(self) -> None:
        """coturn on its own lab address: long-term credentials, UDP+TCP 3478, no TLS."""
        if shutil.which("turnserver") is None:
            raise LabError("coturn is not installed (Debian package coturn)")
        conf = self.workdir / "turnserver.conf"
        conf.write_text("\n".join([
            f"listening-ip={self.plan.turn_ip}", f"relay-ip={self.plan.turn_ip}",
            "listening-port=3478", "min-port=49152", "max-port=49252",
            "lt-cred-mech", f"user={TURN_USER}:{TURN_PASSWORD}", f"realm={TURN_REALM}",
            "fingerprint", "no-tls", "no-dtls", "no-cli", "no-rfc5780", "simple-log",
            f"userdb={self.workdir / 'turndb'}", f"pidfile={self.workdir / 'turn.pid'}",
            f"log-file={self.workdir / 'turn.log'}", "no-stdout-log",
        ]) + "\n")
        self._spawn(self.world, ["timeout", "-s", "KILL", str(int(MAX_LIFETIME_S)),
                                 "turnserver", "-c", str(conf)], "turn.err")

    # ----------------------------------------------------------------- the app
    def client_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The app's environment: no proxy variables (unless ``extra`` sets some)."""
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env["QT_QPA_PLATFORM"] = "offscreen"
        return {**env, **(extra or {})}

    def run_client(self, args: list[str], timeout: float,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run a command in the client namespace (its system DNS is the lab's ISP resolver)."""
        return subprocess.run(["ip", "netns", "exec", self.client, *args], cwd=REPO,
                              env=self.client_env(env), capture_output=True, text=True,
                              timeout=timeout, check=False)

    def wait_for_turn(self, timeout: float = 10.0) -> None:
        """Wait until coturn listens on UDP and TCP 3478, bounded by ``timeout``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            listening = self.exec(self.world, ["ss", "-Hlnut", "sport", "=", ":3478"]).stdout
            if listening.count(f"{self.plan.turn_ip}:3478") >= 2:
                return
            time.sleep(0.1)
        raise LabError(f"coturn did not start; see {self.workdir / 'turn.log'}")


def sweep_stale() -> None:
    """Delete namespaces left by an earlier, killed lab run (its process is gone)."""
    listing = run(["ip", "netns", "list"], check=False).stdout
    for name in re.findall(rf"^({PREFIX}-(\d+)-\d+-\w+)", listing, flags=re.M):
        ns, pid = name
        if int(pid) == os.getpid() or Path(f"/proc/{pid}").exists():
            continue
        run(["ip", "netns", "del", ns], check=False)
        shutil.rmtree(f"/etc/netns/{ns}", ignore_errors=True)


def close_all() -> None:
    with _live_lock:
        labs = list(_live)
    for lab in labs:
        lab.close()


def _on_signal(signum: int, _frame: object) -> None:
    close_all()
    raise SystemExit(128 + signum)


atexit.register(close_all)
if threading.current_thread() is threading.main_thread():
    for _sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError):
            signal.signal(_sig, _on_signal)
