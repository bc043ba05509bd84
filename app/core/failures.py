"""The closed vocabulary of failure strings, modelled on OONI's netxlite taxonomy.

A probe never raises for a network failure: it records one of these strings together with
the phase in which it happened. The (phase, failure) pair is what analysis reasons about.
Documented for support staff in ``docs/failures.md``.
"""

from __future__ import annotations

from typing import Final

GENERIC_TIMEOUT: Final = "generic_timeout_error"
CONNECTION_REFUSED: Final = "connection_refused"
CONNECTION_RESET: Final = "connection_reset"
EOF_ERROR: Final = "eof_error"
NETWORK_UNREACHABLE: Final = "network_unreachable"
HOST_UNREACHABLE: Final = "host_unreachable"
DNS_NXDOMAIN: Final = "dns_nxdomain_error"
DNS_NO_ANSWER: Final = "dns_no_answer"
DNS_SERVER_FAILURE: Final = "dns_server_failure"
DNS_BOGON: Final = "dns_bogon"
SSL_INVALID_HOSTNAME: Final = "ssl_invalid_hostname"
SSL_UNKNOWN_AUTHORITY: Final = "ssl_unknown_authority"
SSL_INVALID_CERTIFICATE: Final = "ssl_invalid_certificate"
SSL_FAILED_HANDSHAKE: Final = "ssl_failed_handshake"
STALLED: Final = "stalled"
HTTP_REDIRECT: Final = "http_redirect"
HTTP_UNEXPECTED_STATUS: Final = "http_unexpected_status"
HTTP_INVALID_RESPONSE: Final = "http_invalid_response"
STUN_INVALID_RESPONSE: Final = "stun_invalid_response"
INTERRUPTED: Final = "interrupted"
# The engine stopped the check: no host on the internet had answered any check within
# app/engine/timeouts.OFFLINE_AFTER_S, so the network is offline (docs/failures.md).
SKIPPED_OFFLINE: Final = "skipped_offline"
DEADLINE_EXCEEDED: Final = "deadline_exceeded"
INTERNAL_ERROR: Final = "internal_error"

ALL: Final[frozenset[str]] = frozenset(
    {
        GENERIC_TIMEOUT,
        CONNECTION_REFUSED,
        CONNECTION_RESET,
        EOF_ERROR,
        NETWORK_UNREACHABLE,
        HOST_UNREACHABLE,
        DNS_NXDOMAIN,
        DNS_NO_ANSWER,
        DNS_SERVER_FAILURE,
        DNS_BOGON,
        SSL_INVALID_HOSTNAME,
        SSL_UNKNOWN_AUTHORITY,
        SSL_INVALID_CERTIFICATE,
        SSL_FAILED_HANDSHAKE,
        STALLED,
        HTTP_REDIRECT,
        HTTP_UNEXPECTED_STATUS,
        HTTP_INVALID_RESPONSE,
        STUN_INVALID_RESPONSE,
        INTERRUPTED,
        SKIPPED_OFFLINE,
        DEADLINE_EXCEEDED,
        INTERNAL_ERROR,
    }
)

# Failures that say "this machine has no usable network path at all" rather than
# anything about one destination.
LOCAL_NETWORK_FAILURES: Final = frozenset({NETWORK_UNREACHABLE})

# Failures that a censor typically produces (and that also happen for other reasons —
# analysis only calls them a block when the controls show the network otherwise works).
CENSORSHIP_LIKE: Final = frozenset(
    {
        GENERIC_TIMEOUT,
        CONNECTION_RESET,
        EOF_ERROR,
        CONNECTION_REFUSED,
        HOST_UNREACHABLE,
        DNS_NXDOMAIN,
        DNS_NO_ANSWER,
        DNS_BOGON,
        SSL_INVALID_HOSTNAME,
        SSL_UNKNOWN_AUTHORITY,
        SSL_INVALID_CERTIFICATE,
        SSL_FAILED_HANDSHAKE,
        STALLED,
    }
)
