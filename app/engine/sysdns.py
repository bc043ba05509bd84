"""The operating system's resolver (getaddrinfo): what apps get, asked without holding anything up.

``loop.getaddrinfo`` runs in asyncio's default thread pool (a handful of threads on a small
machine), and ``asyncio.run`` waits for those threads on exit: with a silent resolver glibc
blocks each lookup for 10 s or more, so forty names queue behind each other and the program
cannot even exit. Here every lookup runs in its own daemon thread (at most ``MAX_THREADS`` at
once) that the process never waits for, and each name is asked once per run: checks that share
a host share the answer, as the apps themselves would.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Any

MAX_THREADS = 16
# A hostile resolver can answer with thousands of records; a report needs only a few.
MAX_ADDRESSES = 32


def _deliver(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _seen(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


class SystemResolver:
    """One run's view of the system resolver. Create it per run (its cache is per run)."""

    def __init__(self, max_threads: int = MAX_THREADS) -> None:
        self._max_threads = max_threads
        self._slots: asyncio.Semaphore | None = None
        self._cache: dict[str, asyncio.Future[tuple[str, ...]]] = {}

    async def resolve(self, host: str) -> tuple[str, ...]:
        """Addresses in the resolver's order, without duplicates. Raises ``socket.gaierror``
        (and other ``OSError``) as getaddrinfo does; may return () for an empty answer."""
        key = host.strip("[]").lower().rstrip(".")
        pending = self._cache.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._lookup(key))
            # A caller that gave up (its own timeout) detaches from the shield below; a failure
            # that comes later must still count as seen, or asyncio prints it as a traceback.
            pending.add_done_callback(_seen)
            self._cache[key] = pending
        # shield: one check giving up (its own timeout) must not cancel the others' answer
        return await asyncio.shield(pending)

    async def _lookup(self, host: str) -> tuple[str, ...]:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_threads)
        async with self._slots:
            loop = asyncio.get_running_loop()
            future: asyncio.Future[list[Any]] = loop.create_future()

            def work() -> None:
                result: Any = None
                error: BaseException | None = None
                try:
                    result = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
                except BaseException as exc:  # handed to the waiting coroutine
                    error = exc
                with contextlib.suppress(RuntimeError):  # the run ended and its loop closed
                    loop.call_soon_threadsafe(_deliver, future, result, error)

            threading.Thread(target=work, name=f"getaddrinfo {host}", daemon=True).start()
            infos = await future
        seen: list[str] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            address = str(sockaddr[0])
            if address not in seen:
                seen.append(address)
        return tuple(seen[:MAX_ADDRESSES])

    def close(self) -> None:
        """Forget lookups still running (their threads end on their own, unwaited)."""
        for pending in self._cache.values():
            if not pending.done():
                pending.cancel()
        self._cache.clear()
