"""Turn a Python network exception into one failure string of ``app.core.failures``.

Probes report *what happened on the wire*; this is the single place that knows how CPython,
OpenSSL and asyncio spell those events. The mapping follows OONI's netxlite classifier so
that lab expectations can reuse OONI's (operation, failure) pairs. The phase is not decided
here: the caller knows in which step the exception happened.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl

from app.core import failures as F
from app.core.failures import Failure

# OpenSSL X509_V_ERR_* codes (x509_vfy.h) carried by ssl.SSLCertVerificationError.verify_code.
_HOSTNAME_CODES = frozenset({62, 64})  # HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH
_UNKNOWN_AUTHORITY_CODES = frozenset({2, 18, 19, 20, 21})  # no issuer / self-signed / untrusted

_ERRNO_FAILURES: dict[int, Failure] = {
    errno.ECONNREFUSED: F.CONNECTION_REFUSED,
    errno.ECONNRESET: F.CONNECTION_RESET,
    errno.ECONNABORTED: F.CONNECTION_RESET,
    errno.EPIPE: F.CONNECTION_RESET,
    errno.ETIMEDOUT: F.GENERIC_TIMEOUT,
    errno.ENETUNREACH: F.NETWORK_UNREACHABLE,
    errno.ENETDOWN: F.NETWORK_UNREACHABLE,
    errno.EADDRNOTAVAIL: F.NETWORK_UNREACHABLE,  # e.g. IPv6 destination without an IPv6 address
    errno.EAFNOSUPPORT: F.NETWORK_UNREACHABLE,
    errno.EHOSTUNREACH: F.HOST_UNREACHABLE,
    errno.EHOSTDOWN: F.HOST_UNREACHABLE,
    # A local firewall rule (nftables/iptables REJECT on OUTPUT, Windows Firewall) says no.
    errno.EPERM: F.HOST_UNREACHABLE,
    errno.EACCES: F.HOST_UNREACHABLE,
}

_EAI_NODATA = getattr(socket, "EAI_NODATA", None)
_EAI_ADDRFAMILY = getattr(socket, "EAI_ADDRFAMILY", None)


def classify(exc: BaseException) -> tuple[Failure, str]:
    """Return ``(failure string, detail text)`` for a network exception.

    Anything not recognised becomes ``internal_error`` — a probe should only pass network
    errors here, so an unknown one is worth a bug report rather than a guessed verdict.
    """
    detail = _detail(exc)
    if isinstance(exc, asyncio.CancelledError):
        return F.INTERRUPTED, detail
    if isinstance(exc, socket.gaierror):
        return _classify_gai(exc), detail
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _classify_cert(exc), detail
    if isinstance(exc, ssl.SSLZeroReturnError | ssl.SSLEOFError):
        return F.EOF_ERROR, detail
    if isinstance(exc, ssl.SSLError):
        return _classify_ssl(exc), detail
    if isinstance(exc, TimeoutError | socket.timeout):
        return F.GENERIC_TIMEOUT, detail
    if isinstance(exc, EOFError):  # includes asyncio.IncompleteReadError
        return F.EOF_ERROR, detail
    if isinstance(exc, ConnectionRefusedError):
        return F.CONNECTION_REFUSED, detail
    if isinstance(exc, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return F.CONNECTION_RESET, detail
    if isinstance(exc, OSError) and exc.errno in _ERRNO_FAILURES:
        return _ERRNO_FAILURES[exc.errno], detail
    return F.INTERNAL_ERROR, detail


def _classify_gai(exc: socket.gaierror) -> Failure:
    code = exc.errno
    if code == socket.EAI_NONAME:
        return F.DNS_NXDOMAIN
    if code is not None and code in (_EAI_NODATA, _EAI_ADDRFAMILY):
        return F.DNS_NO_ANSWER
    if code == socket.EAI_AGAIN:
        return F.DNS_SERVER_FAILURE
    return F.DNS_SERVER_FAILURE


def _classify_cert(exc: ssl.SSLCertVerificationError) -> Failure:
    code = getattr(exc, "verify_code", None)
    message = (getattr(exc, "verify_message", "") or "").lower()
    if code in _HOSTNAME_CODES or "hostname mismatch" in message:
        return F.SSL_INVALID_HOSTNAME
    if code in _UNKNOWN_AUTHORITY_CODES or "self-signed" in message or "issuer" in message:
        return F.SSL_UNKNOWN_AUTHORITY
    return F.SSL_INVALID_CERTIFICATE


def _classify_ssl(exc: ssl.SSLError) -> Failure:
    reason = (getattr(exc, "reason", None) or "").upper()
    text = str(exc).upper()
    if "UNEXPECTED_EOF" in reason or "UNEXPECTED EOF" in text:
        return F.EOF_ERROR
    if "UNRECOGNIZED_NAME" in reason:  # TLS alert 112: the server does not serve this name
        return F.SSL_INVALID_HOSTNAME
    if "UNKNOWN_CA" in reason:
        return F.SSL_UNKNOWN_AUTHORITY
    if "CERTIFICATE" in reason and "ALERT" in reason:
        return F.SSL_INVALID_CERTIFICATE
    return F.SSL_FAILED_HANDSHAKE


def _detail(exc: BaseException) -> str:
    text = str(exc) or repr(exc)
    if isinstance(exc, ssl.SSLCertVerificationError) and getattr(exc, "verify_message", None):
        text = f"{exc.verify_message} (code {exc.verify_code})"
    return f"{type(exc).__name__}: {text}"[:300]
