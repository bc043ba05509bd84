"""Watch the network interfaces while a run goes on.

A link that drops and comes back within one check must not pass unnoticed: that check's
timeouts would read as a block. The engine runs ``watch_links`` next to the checks and marks
the run's interface snapshot ``changed_during_run`` when it returns True.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from app.core.system import LinkState

# How often the interfaces are looked at during a run.
LINK_WATCH_S = 0.25


async def watch_links(read: Callable[[], LinkState | None],
                      interval_s: float = LINK_WATCH_S) -> bool:
    """True as soon as an interface goes down or up or changes its addresses; False at once
    when the interfaces cannot be read. Otherwise runs until the caller cancels it (a failed
    read later on is skipped, not taken as a change)."""
    start = read()
    if start is None:
        return False
    while True:
        await asyncio.sleep(interval_s)
        now = read()
        if now is not None and now != start:
            return True
