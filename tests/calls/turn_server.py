"""coturn on loopback for the real WebRTC test call (relay-only needs no host candidates, so
aioice's "no loopback" rule does not get in the way). Killed by us, and by `timeout` after
``LIFETIME_S`` whatever happens to the test run."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD, REALM = "cc", "ccpass", "conncheck"
LIFETIME_S = 120


@dataclass(frozen=True)
class Turn:
    port: int

    def url(self, transport: str) -> str:
        return f"turn:127.0.0.1:{self.port}?transport={transport}"


def _free_port() -> int:
    """A port free on both TCP and UDP (coturn listens on both)."""
    for _ in range(50):
        with socket.socket() as tcp, socket.socket(type=socket.SOCK_DGRAM) as udp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            try:
                udp.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def coturn(workdir: Path) -> Iterator[Turn]:
    if shutil.which("turnserver") is None:
        raise FileNotFoundError("turnserver (Debian package coturn)")
    port = _free_port()
    relay_low = 50000 + (port % 100) * 100
    conf = workdir / "turnserver.conf"
    conf.write_text("\n".join([
        "listening-ip=127.0.0.1", "relay-ip=127.0.0.1", f"listening-port={port}",
        f"min-port={relay_low}", f"max-port={relay_low + 99}", "lt-cred-mech",
        f"user={USER}:{PASSWORD}", f"realm={REALM}", "fingerprint", "no-tls", "no-dtls",
        "no-cli", "no-rfc5780", "allow-loopback-peers", "simple-log", "no-stdout-log",
        f"log-file={workdir / 'turn.log'}", f"userdb={workdir / 'turndb'}",
        f"pidfile={workdir / 'turn.pid'}",
    ]) + "\n")
    proc = subprocess.Popen(["timeout", "-s", "KILL", str(LIFETIME_S), "turnserver", "-c",
                             str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        end = time.monotonic() + 10
        while not _listening(port):  # bounded by the 10 s above
            if time.monotonic() > end or proc.poll() is not None:
                raise RuntimeError(f"coturn did not start (see {workdir / 'turn.log'})")
            time.sleep(0.05)
        yield Turn(port)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
