"""Every number the analysis uses, in one place, with where it comes from (docs/verdicts.md)."""

from __future__ import annotations

# A body transfer counts as "slow" below this throughput. Only transfers of at least
# SLOW_MIN_BYTES are judged: smaller ones finish inside one round trip and say nothing.
# 300 kbit/s is well under what a single voice call or map tile needs on a healthy link even
# with ~20 checks sharing it, so a healthy 3G/4G line does not trip it.
SLOW_KBITS = 300.0
SLOW_MIN_BYTES = 32 * 1024
# A first byte later than this (after the connection is set up) is slow too.
SLOW_TTFB_MS = 4000.0
# The network as a whole is "throttled" when at least this share of judged transfers is slow.
NETWORK_SLOW_SHARE = 0.5
# A service is slowed down on its own when its median throughput is this many times lower than
# the controls' median while the controls are not slow themselves.
SERVICE_SLOWER_FACTOR = 4.0
# ... and only when it is also below this absolute rate: comparing a 13 ms body with a 0.1 ms
# one on a fast LAN says nothing about throttling.
SERVICE_SLOW_FLOOR_KBITS = 2000.0
