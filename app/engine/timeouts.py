"""How long each phase of a check may take, and when the engine decides nothing answers.

One blanket timeout makes every failure slow: a silent drop waits out the whole allowance. Each
phase gets its own limit instead, chosen from what other tools use and from how the network's
own retries are spaced (docs/performance.md, "Timeouts"). A check's ``timeout_s`` still bounds
the whole check; a phase limit only ever shortens a phase.
"""

from __future__ import annotations

from typing import Final

# The system resolver. glibc waits 5 s for a server before trying again (resolv.conf
# `timeout:5`); OONI allows 5 s per DNS-over-UDP exchange. An answer later than 4 s is
# already a broken resolver for an app, so we stop there.
DNS_S: Final = 4.0
# TCP handshake. Linux sends SYNs at 0, 1 and 3 s (initial RTO 1 s, doubling), Windows at 0,
# 1 and 3 s as well; 4 s sees all three. dpi-checkers use 3 s, OONI 15 s (for unattended runs).
CONNECT_S: Final = 4.0
# TLS handshake after TCP. dpi-checkers use 3 s; the mobile whitelist mode drops the ClientHello
# (TCP connects, TLS never answers), which this limit turns into a timely tls-phase timeout.
TLS_S: Final = 4.0
# From sending the HTTP request to the first byte of the answer. Analysis calls a first byte
# later than 4 s slow (app/analysis/thresholds.py); 5 s leaves room to see that.
FIRST_BYTE_S: Final = 5.0
# With no answer from any host on the internet for this long, the network is offline and the
# remaining checks are stopped (failure ``skipped_offline``). Three SYN round trips at a
# 1 s initial RTO fit; a DNS answer from the local router does not count as an answer.
OFFLINE_AFTER_S: Final = 3.0
# Calls: STUN retransmits at 0.5, 1 and 2 s (app/engine/probes/stun.py). When, after the
# last of them (3.5 s), no STUN server, relay or call-like flow has answered anything at all
# in this run, no later answer can change the verdict ("calls are blocked"): the calls checks
# stop there instead of waiting out their whole window. When anything answered, they run on.
CALLS_SILENT_S: Final = 3.5
