"""Run an asyncio server on its own thread and event loop, so any test can use it.

Sync tests, async tests (whatever their loop scope), GUI tests and a lab subprocess all get the
same object: ``start()`` returns once the port is bound, ``stop()`` closes the listener,
cancels every open connection and joins the thread. Every held connection also ends by itself
after ``hold_s`` so a forgotten server cannot keep a test run alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, Self

START_TIMEOUT_S = 10.0
DEFAULT_HOLD_S = 30.0


class BackgroundServer:
    """Base class: subclasses implement ``_serve()`` (bind, set ``self.port``) and may
    override ``_close()``. Use as a context manager or call ``start()``/``stop()``."""

    kind = "server"

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 hold_s: float = DEFAULT_HOLD_S) -> None:
        self.host = host
        self.port = port
        self.hold_s = hold_s
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stopping: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.connections = 0  # how many clients came (for tests that assert "nobody came")

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        self._thread = threading.Thread(target=self._thread_main, name=f"{self.kind}-server",
                                        daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S):
            raise RuntimeError(f"{self.kind} server did not start")
        if self._error is not None:
            raise RuntimeError(f"{self.kind} server failed to start: {self._error}")
        return self

    def stop(self) -> None:
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(START_TIMEOUT_S)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def info(self) -> dict[str, Any]:
        """What a CLI prints so a parent process can find the server."""
        return {"kind": self.kind, "host": self.host, "port": self.port}

    # -- inside the server's loop ----------------------------------------------------------
    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        finally:
            loop.close()
            self._ready.set()

    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        try:
            await self._serve()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stopping.wait()
        await self._close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=2.0)

    def track(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def hold(self) -> None:
        """Keep a connection open until the server stops or ``hold_s`` passes."""
        assert self._stopping is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), self.hold_s)

    async def _serve(self) -> None:
        raise NotImplementedError

    async def _close(self) -> None:
        return None


class StreamServer(BackgroundServer):
    """A TCP (optionally TLS) server; subclasses implement ``handle(reader, writer)``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 hold_s: float = DEFAULT_HOLD_S) -> None:
        super().__init__(host, port, hold_s)
        self._server: asyncio.Server | None = None

    def ssl_context(self) -> Any:
        return None

    async def _serve(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port,
                                                  ssl=self.ssl_context())
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        try:
            await self.handle(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client went away: normal for a test server
        finally:
            writer.close()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
