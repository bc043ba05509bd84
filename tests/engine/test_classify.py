"""classify(): Python's network exceptions onto the OONI-style failure strings."""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl

import pytest

from app.core import failures as F
from app.engine.classify import classify


def cert_error(code: int, message: str) -> ssl.SSLCertVerificationError:
    exc = ssl.SSLCertVerificationError(1, f"certificate verify failed: {message}")
    exc.verify_code = code
    exc.verify_message = message
    return exc


@pytest.mark.parametrize(
    ("exc", "failure"),
    [
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), F.DNS_NXDOMAIN),
        (socket.gaierror(getattr(socket, "EAI_NODATA", -5), "No address"), F.DNS_NO_ANSWER),
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure"), F.DNS_SERVER_FAILURE),
        (socket.gaierror(socket.EAI_FAIL, "Non-recoverable"), F.DNS_SERVER_FAILURE),
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), F.CONNECTION_REFUSED),
        (ConnectionResetError(errno.ECONNRESET, "reset"), F.CONNECTION_RESET),
        (BrokenPipeError(errno.EPIPE, "pipe"), F.CONNECTION_RESET),
        (TimeoutError(), F.GENERIC_TIMEOUT),
        (OSError(errno.ETIMEDOUT, "timed out"), F.GENERIC_TIMEOUT),
        (OSError(errno.ENETUNREACH, "Network is unreachable"), F.NETWORK_UNREACHABLE),
        (OSError(errno.EHOSTUNREACH, "No route to host"), F.HOST_UNREACHABLE),
        (cert_error(62, "Hostname mismatch"), F.SSL_INVALID_HOSTNAME),
        (cert_error(20, "unable to get local issuer certificate"), F.SSL_UNKNOWN_AUTHORITY),
        (cert_error(18, "self-signed certificate"), F.SSL_UNKNOWN_AUTHORITY),
        (cert_error(19, "self-signed certificate in certificate chain"),
         F.SSL_UNKNOWN_AUTHORITY),
        (cert_error(21, "unable to verify the first certificate"), F.SSL_UNKNOWN_AUTHORITY),
        (cert_error(10, "certificate has expired"), F.SSL_INVALID_CERTIFICATE),
        (ssl.SSLEOFError(8, "EOF occurred in violation of protocol"), F.EOF_ERROR),
        (ssl.SSLZeroReturnError(6, "TLS/SSL connection has been closed"), F.EOF_ERROR),
        (asyncio.IncompleteReadError(b"abc", 10), F.EOF_ERROR),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"),
         F.SSL_FAILED_HANDSHAKE),
        (asyncio.CancelledError(), F.INTERRUPTED),
        (ValueError("a bug, not the network"), F.INTERNAL_ERROR),
    ],
)
def test_exception_maps_to_failure(exc: BaseException, failure: str) -> None:
    got, detail = classify(exc)
    assert got == failure
    assert got in F.ALL
    assert type(exc).__name__ in detail


def test_certificate_detail_keeps_openssl_words_for_support() -> None:
    _failure, detail = classify(cert_error(62, "Hostname mismatch"))
    assert "Hostname mismatch" in detail and "62" in detail


def test_unrecognized_name_alert_is_a_hostname_failure() -> None:
    exc = ssl.SSLError(1, "[SSL: TLSV1_ALERT_UNRECOGNIZED_NAME] tlsv1 alert unrecognized name")
    exc.reason = "TLSV1_ALERT_UNRECOGNIZED_NAME"
    assert classify(exc)[0] == F.SSL_INVALID_HOSTNAME
