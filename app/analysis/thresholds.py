"""Every number the analysis uses, in one place, with where it comes from (docs/verdicts.md)."""

from __future__ import annotations

# A body transfer counts as "slow" below this throughput. Only transfers of at least
# SLOW_MIN_BYTES are judged: smaller ones fit in a server's first flight (ten segments,
# ~14 KB) and say little about the line. The two control sites read 24 KiB (budget:
# docs/performance.md), which takes two flights.
# 300 kbit/s is well under what a single voice call or map tile needs on a healthy link even
# with ~20 checks sharing it, so a healthy 3G/4G line does not trip it.
SLOW_KBITS = 300.0
SLOW_MIN_BYTES = 24 * 1024
# A body time under this is counted as this (a body already waiting when it was read; the
# report rounds times to 0.1 ms, so a replayed run must judge it the same).
FASTEST_BODY_MS = 1.0
# A first byte later than this (after the connection is set up) is slow too.
SLOW_TTFB_MS = 4000.0
# The network as a whole is "throttled" when at least this share of judged transfers is slow.
NETWORK_SLOW_SHARE = 0.5
# One service slowed down on its own (app/analysis/speed.py): every look at its reads is this
# many times slower than the same run's control sites, while the line as a whole is not slow.
SERVICE_SLOWER_FACTOR = 10.0
# Reads that can show a service's speed: an 8 KiB body takes ~1 s at 64 kbit/s and a few
# milliseconds on a working line (the catalog gives each messenger and tile server one). A
# bigger read shows it more surely but costs the budget (docs/performance.md: 400 KB a check).
SPEED_MIN_BYTES = 8 * 1024
# ... and only when it is also slow in absolute terms: ten times slower than a gigabit lab
# link (a 13 ms body against a 0.1 ms one) is still fast.
SERVICE_SLOW_FLOOR_KBITS = 2000.0
# ... and only when the body took at least this long: a busy computer (or a busy lab server)
# pauses a transfer for up to ~120 ms (measured over the lab's healthy runs on two cores), so a
# shorter body says nothing about the service. 8 KiB at 200 kbit/s takes 330 ms. The probe
# also takes a second look at every read slower than 100 ms (app/engine/second_look.py), and
# the faster look is judged: one pause cannot make a service look slowed down.
SERVICE_SLOW_MIN_BODY_MS = 150.0
# A first byte this late is slow whatever the controls did (with SERVICE_SLOWER_FACTOR times
# the controls' median): a distant server answers in a few hundred milliseconds, a busy one
# (a download server answering HEAD) in one or two seconds.
SERVICE_SLOW_TTFB_MS = 2500.0
