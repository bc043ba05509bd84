"""The only door between the window and the engine.

The engine runs on its own ``threading.Thread`` with a plain asyncio loop (docs/architecture.md,
"The window and the engine thread"): UI stalls must never delay a probe's timers, and aioice
needs the stock loop's UDP support. Engine → window: Qt signals carrying frozen objects, which
Qt queues onto the GUI thread. Window → engine: ``loop.call_soon_threadsafe(engine.cancel)``.

Every signal carries the run's number, so a late message from a cancelled run can never be
mistaken for the current one.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import traceback
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.core.catalog import Catalog
from app.session import Options, Outcome, Session


@dataclass(frozen=True)
class RunFailure:
    """The engine (or the analysis) raised: a bug, never a network condition."""

    summary: str  # one line: the exception type and message
    details: str  # the traceback, for "Copy details" only


class EngineBridge(QObject):
    progress = Signal(int, object)  # run number, app.core.events.Event
    verdict = Signal(int, object)  # run number, app.analysis.progressive.Decided (as known)
    finished = Signal(int, object)  # run number, app.session.Outcome
    failed = Signal(int, object)  # run number, RunFailure

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run_number = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: Session | None = None

    @property
    def run_number(self) -> int:
        return self._run_number

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, catalog: Catalog, options: Options = Options()) -> int:
        """Start a run on a new engine thread; returns its number. Raises only if the engine
        cannot be built (e.g. a catalog CA file vanished) — the caller shows that as an error."""
        self._run_number += 1
        number = self._run_number
        # The callbacks run on the engine thread and never touch widgets: signals only.
        session = Session(catalog, options,
                          on_event=lambda event: self.progress.emit(number, event),
                          on_verdict=lambda decided: self.verdict.emit(number, decided))
        loop = asyncio.new_event_loop()
        self._session, self._loop = session, loop
        self._thread = threading.Thread(
            target=self._main, args=(number, session, loop), name=f"engine-{number}",
            daemon=True,
        )
        self._thread.start()
        return number

    def _main(self, number: int, session: Session, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            outcome: Outcome = loop.run_until_complete(session.run())
        except BaseException as exc:  # reported to the window, never lost in a thread
            failure = RunFailure(f"{type(exc).__name__}: {exc}", traceback.format_exc())
            self.failed.emit(number, failure)
        else:
            self.finished.emit(number, outcome)
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def cancel(self) -> None:
        """Ask the current run to stop; it returns within about half a second."""
        loop, session = self._loop, self._session
        if loop is None or session is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already closed: nothing to stop
            loop.call_soon_threadsafe(session.cancel)
    def wait(self, timeout_s: float) -> bool:
        """Wait (bounded) for the engine thread to end. True when it has ended."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout_s)
        return not thread.is_alive()
