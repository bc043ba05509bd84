"""The link watcher on its own: a changed link is noticed, a steady one is not, an unreadable
one ends the watch at once."""

from __future__ import annotations

import asyncio

from app.core.system import LinkState
from app.engine.linkwatch import watch_links

UP: LinkState = frozenset({("eth0", True, ("198.18.0.2",))})
DOWN: LinkState = frozenset({("eth0", False, ("198.18.0.2",))})
NEW_ADDRESS: LinkState = frozenset({("eth0", True, ("198.18.0.7",))})


def reads(*states: LinkState | None, then: LinkState | None):
    it = iter(states)
    return lambda: next(it, then)


async def test_a_link_going_down_is_noticed():
    assert await asyncio.wait_for(watch_links(reads(UP, UP, DOWN, then=UP), 0.001), 2)


async def test_a_changed_address_is_noticed():
    assert await asyncio.wait_for(watch_links(reads(UP, then=NEW_ADDRESS), 0.001), 2)


async def test_interfaces_that_cannot_be_read_end_the_watch_at_once():
    assert not await asyncio.wait_for(watch_links(lambda: None, 3600), 1)


async def test_a_failed_read_later_is_not_a_change():
    assert await asyncio.wait_for(watch_links(reads(UP, None, None, DOWN, then=UP), 0.001), 2)


async def test_a_steady_link_keeps_watching_until_cancelled():
    calls = 0

    def steady() -> LinkState:
        nonlocal calls
        calls += 1
        return UP

    task = asyncio.create_task(watch_links(steady, 0.001))
    await asyncio.sleep(0.05)
    assert not task.done() and calls > 2
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
