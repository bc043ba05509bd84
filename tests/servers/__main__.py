"""Run one standard test server in the foreground: for the lab and for manual poking.

    python -m tests.servers KIND [--host H] [--port P] [--certs DIR] [--lifetime S]

Prints one JSON line ({"kind", "host", "port", "ca_file"}) once listening, then serves until
SIGTERM/SIGINT or ``--lifetime`` seconds (default 300 — it always ends by itself).
``--certs DIR`` creates (or reuses) the test CA there, so several servers can share it.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from tests.servers.catalog import SERVERS, make_server
from tests.servers.certs import make_test_pki


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.servers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=sorted(SERVERS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--certs", help="directory for the test CA and certificates")
    parser.add_argument("--name", action="append", default=[],
                        help="extra name/IP for the good certificate (repeatable)")
    parser.add_argument("--lifetime", type=float, default=300.0)
    args = parser.parse_args(argv)

    pki = make_test_pki(args.certs, tuple(args.name)) if args.certs else None
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    with make_server(args.kind, pki, args.host, args.port, hold_s=args.lifetime) as server:
        info = server.info()
        info["ca_file"] = str(pki.ca_file) if pki else None
        print(json.dumps(info), flush=True)
        done.wait(args.lifetime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
