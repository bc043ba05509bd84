"""``conncheck echo-peer --listen HOST:PORT``: the far end of an end-to-end test call, for
support staff to run on a server they control (docs/echo-peer.md).

Users then run ``conncheck check --echo-peer http://TOKEN@HOST:PORT``; the calls checks make
a real WebRTC call to this peer, which sends the sound straight back, plus plain-UDP, a
call-length flow and call-shaped bursts to its UDP echo on the same port number.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from typing import Any

from app.core import exit_codes

TOKEN_ENV = "CONNCHECK_ECHO_TOKEN"
OPEN_WARNING = (
    "WARNING: no token set (--token or {env}): anyone who finds this port can make test "
    "calls to it. Safe limits still apply, but set a token on a public server."
)



def _listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"--listen takes HOST:PORT, got {text!r}")
    return host, int(port)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "echo-peer", help="run the far end of a test call (for support staff)",
        description="Answer test calls from `conncheck check --echo-peer URL`: HTTP "
                    "signalling on TCP and a UDP echo, both on the same port.")
    parser.add_argument("--listen", type=_listen, required=True, metavar="HOST:PORT",
                        help="address and port to listen on, e.g. 0.0.0.0:8765")
    parser.add_argument("--stun", metavar="stun:HOST:PORT",
                        help="a STUN server, when this server's public address is NAT-ed")
    parser.add_argument("--lifetime", type=float, metavar="SECONDS",
                        help="stop after this many seconds (default: run until stopped)")
    parser.add_argument("--token", metavar="TOKEN",
                        help=f"a shared token test calls must carry (or set {TOKEN_ENV}); "
                             "users then pass --echo-peer http://TOKEN@HOST:PORT")
    return parser


def run(args: argparse.Namespace) -> int:
    from app.engine.calls.echo_server import serve

    host, port = args.listen
    token = args.token or os.environ.get(TOKEN_ENV) or None
    if token is not None and not re.fullmatch(r"[A-Za-z0-9._~-]{8,200}", token):
        print("conncheck echo-peer: the token must be 8-200 letters, digits or . _ ~ - "
              "(e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(16))')",
              file=sys.stderr)
        return exit_codes.USAGE

    def announce(bound: int) -> None:
        print(f"echo peer listening on {host}:{bound} (HTTP signalling on TCP, echo on UDP)",
              flush=True)
        if token is None:
            print(OPEN_WARNING.format(env=TOKEN_ENV), file=sys.stderr, flush=True)

    try:
        asyncio.run(serve(host, port, args.stun, args.lifetime, on_listening=announce,
                          token=token))
    except KeyboardInterrupt:
        return exit_codes.OK
    except OSError as exc:
        print(f"conncheck echo-peer: cannot listen on {host}:{port}: {exc.strerror or exc}",
              file=sys.stderr)
        return exit_codes.USAGE
    return exit_codes.OK
