"""The closed vocabulary of failures, modelled on OONI's netxlite taxonomy.

A probe never raises for a network failure: it records one ``Failure`` together with the
phase in which it happened. The (phase, failure) pair is what analysis reasons about.
Documented for support staff in ``docs/failures.md``; a value is part of the JSON report's
contract (the check's ``failure``).

The module-level names (``GENERIC_TIMEOUT`` …) are aliases of the members, kept so the
engine's many ``F.GENERIC_TIMEOUT`` spellings stay short; they are the enum members themselves.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Failure(StrEnum):
    GENERIC_TIMEOUT = "generic_timeout_error"
    CONNECTION_REFUSED = "connection_refused"
    CONNECTION_RESET = "connection_reset"
    EOF_ERROR = "eof_error"
    NETWORK_UNREACHABLE = "network_unreachable"
    HOST_UNREACHABLE = "host_unreachable"
    DNS_NXDOMAIN = "dns_nxdomain_error"
    DNS_NO_ANSWER = "dns_no_answer"
    DNS_SERVER_FAILURE = "dns_server_failure"
    DNS_BOGON = "dns_bogon"
    SSL_INVALID_HOSTNAME = "ssl_invalid_hostname"
    SSL_UNKNOWN_AUTHORITY = "ssl_unknown_authority"
    SSL_INVALID_CERTIFICATE = "ssl_invalid_certificate"
    SSL_FAILED_HANDSHAKE = "ssl_failed_handshake"
    STALLED = "stalled"
    HTTP_REDIRECT = "http_redirect"
    HTTP_UNEXPECTED_STATUS = "http_unexpected_status"
    HTTP_INVALID_RESPONSE = "http_invalid_response"
    STUN_INVALID_RESPONSE = "stun_invalid_response"
    # the server answered 2xx with something that is not what the service sends (an HTML page
    # or random bytes where a map tile belongs, an object far too small or too large)
    UNEXPECTED_CONTENT = "unexpected_content"
    INTERRUPTED = "interrupted"
    # The engine stopped the check: no host on the internet had answered any check within
    # app/engine/timeouts.OFFLINE_AFTER_S, so the network is offline (docs/failures.md).
    SKIPPED_OFFLINE = "skipped_offline"
    DEADLINE_EXCEEDED = "deadline_exceeded"
    INTERNAL_ERROR = "internal_error"


GENERIC_TIMEOUT: Final = Failure.GENERIC_TIMEOUT
CONNECTION_REFUSED: Final = Failure.CONNECTION_REFUSED
CONNECTION_RESET: Final = Failure.CONNECTION_RESET
EOF_ERROR: Final = Failure.EOF_ERROR
NETWORK_UNREACHABLE: Final = Failure.NETWORK_UNREACHABLE
HOST_UNREACHABLE: Final = Failure.HOST_UNREACHABLE
DNS_NXDOMAIN: Final = Failure.DNS_NXDOMAIN
DNS_NO_ANSWER: Final = Failure.DNS_NO_ANSWER
DNS_SERVER_FAILURE: Final = Failure.DNS_SERVER_FAILURE
DNS_BOGON: Final = Failure.DNS_BOGON
SSL_INVALID_HOSTNAME: Final = Failure.SSL_INVALID_HOSTNAME
SSL_UNKNOWN_AUTHORITY: Final = Failure.SSL_UNKNOWN_AUTHORITY
SSL_INVALID_CERTIFICATE: Final = Failure.SSL_INVALID_CERTIFICATE
SSL_FAILED_HANDSHAKE: Final = Failure.SSL_FAILED_HANDSHAKE
STALLED: Final = Failure.STALLED
HTTP_REDIRECT: Final = Failure.HTTP_REDIRECT
HTTP_UNEXPECTED_STATUS: Final = Failure.HTTP_UNEXPECTED_STATUS
HTTP_INVALID_RESPONSE: Final = Failure.HTTP_INVALID_RESPONSE
STUN_INVALID_RESPONSE: Final = Failure.STUN_INVALID_RESPONSE
UNEXPECTED_CONTENT: Final = Failure.UNEXPECTED_CONTENT
INTERRUPTED: Final = Failure.INTERRUPTED
SKIPPED_OFFLINE: Final = Failure.SKIPPED_OFFLINE
DEADLINE_EXCEEDED: Final = Failure.DEADLINE_EXCEEDED
INTERNAL_ERROR: Final = Failure.INTERNAL_ERROR

ALL: Final[frozenset[Failure]] = frozenset(Failure)

# Failures that say "this machine has no usable network path at all" rather than
# anything about one destination.
LOCAL_NETWORK_FAILURES: Final = frozenset({Failure.NETWORK_UNREACHABLE})

# Failures that a censor typically produces (and that also happen for other reasons —
# analysis only calls them a block when the controls show the network otherwise works).
CENSORSHIP_LIKE: Final = frozenset(
    {
        Failure.GENERIC_TIMEOUT,
        Failure.CONNECTION_RESET,
        Failure.EOF_ERROR,
        Failure.CONNECTION_REFUSED,
        Failure.HOST_UNREACHABLE,
        Failure.DNS_NXDOMAIN,
        Failure.DNS_NO_ANSWER,
        Failure.DNS_BOGON,
        Failure.SSL_INVALID_HOSTNAME,
        Failure.SSL_UNKNOWN_AUTHORITY,
        Failure.SSL_INVALID_CERTIFICATE,
        Failure.SSL_FAILED_HANDSHAKE,
        Failure.STALLED,
    }
)
