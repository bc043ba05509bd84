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
import ssl
import sys
from pathlib import Path
from typing import Any

from app.core import exit_codes

TOKEN_ENV = "CONNCHECK_ECHO_TOKEN"
OPEN_WARNING = (
    "WARNING: no token set (--token-file or {env}): anyone who finds this port can make "
    "test calls to it. Safe limits still apply, but set a token on a public server."
)
ARGV_WARNING = (
    "WARNING: --token on the command line is visible to every user of this computer "
    "(ps, /proc); prefer --token-file FILE (mode 0600) or the {env} environment variable."
)
CLEAR_WARNING = (
    "note: signalling is plain HTTP, so the token crosses the network in clear; "
    "use --tls-cert/--tls-key for HTTPS on a public server."
)
TOKEN_SHAPE = r"[A-Za-z0-9._~-]{8,200}"

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
    parser.add_argument("--token-file", type=Path, metavar="FILE",
                        help=f"a file holding the shared token test calls must carry (or set "
                             f"{TOKEN_ENV}); users then pass --echo-peer http://TOKEN@HOST:PORT")
    parser.add_argument("--token", metavar="TOKEN",
                        help="the token itself (visible in ps to every local user: "
                             "prefer --token-file)")
    parser.add_argument("--tls-cert", type=Path, metavar="FILE",
                        help="serve the signalling over HTTPS with this certificate chain "
                             "(PEM); users then pass --echo-peer https://TOKEN@HOST:PORT")
    parser.add_argument("--tls-key", type=Path, metavar="FILE",
                        help="the certificate's private key (PEM), with --tls-cert")
    return parser


def _token(args: argparse.Namespace) -> str | None:
    """--token-file, else the environment variable, else --token (warned about); ValueError
    when a file cannot be read or the token has the wrong shape."""
    if args.token_file is not None:
        try:
            token: str | None = args.token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read --token-file {args.token_file}: "
                             f"{getattr(exc, 'strerror', None) or exc}") from None
    else:
        token = args.token or os.environ.get(TOKEN_ENV) or None
    if token is not None and not re.fullmatch(TOKEN_SHAPE, token):
        raise ValueError("the token must be 8-200 letters, digits or . _ ~ - (e.g. from: "
                         "python3 -c 'import secrets; print(secrets.token_urlsafe(16))')")
    return token


def tls_context(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    """The server's TLS context from PEM files; None for plain HTTP. ValueError on a
    missing or unreadable file, or a key without a certificate."""
    if cert is None and key is None:
        return None
    if cert is None:
        raise ValueError("--tls-key needs --tls-cert")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        ctx.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"cannot use --tls-cert {cert}: "
                         f"{getattr(exc, 'strerror', None) or exc}") from None
    return ctx


def run(args: argparse.Namespace) -> int:
    from app.engine.calls.echo_server import serve

    host, port = args.listen
    try:
        token = _token(args)
        tls = tls_context(args.tls_cert, args.tls_key)
    except ValueError as exc:
        print(f"conncheck echo-peer: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    if args.token:
        print(ARGV_WARNING.format(env=TOKEN_ENV), file=sys.stderr, flush=True)

    def announce(bound: int) -> None:
        scheme = "HTTPS" if tls else "HTTP"
        print(f"echo peer listening on {host}:{bound} ({scheme} signalling on TCP, echo on UDP)",
              flush=True)
        if token is None:
            print(OPEN_WARNING.format(env=TOKEN_ENV), file=sys.stderr, flush=True)
        elif tls is None:
            print(CLEAR_WARNING, file=sys.stderr, flush=True)

    try:
        asyncio.run(serve(host, port, args.stun, args.lifetime, on_listening=announce,
                          token=token, tls=tls))
    except KeyboardInterrupt:
        return exit_codes.OK
    except OSError as exc:
        print(f"conncheck echo-peer: cannot listen on {host}:{port}: {exc.strerror or exc}",
              file=sys.stderr)
        return exit_codes.USAGE
    return exit_codes.OK
