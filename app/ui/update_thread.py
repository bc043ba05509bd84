"""A catalog update for the window, off the GUI thread (docs/catalog.md "Updates").

Like a check (app/ui/bridge.py), the download runs on its own thread with a plain asyncio
loop; the result crosses to the GUI thread as a Qt signal carrying the frozen
``UpdateResult``. At most one update at a time; the thread is a daemon, so closing the window
never waits for a slow mirror (the update is bounded anyway: app/catalog/update.py TOTAL_S).
"""

from __future__ import annotations

import asyncio
import logging
import threading

from PySide6.QtCore import QObject, Signal

from app.session import Options, update_catalog

logger = logging.getLogger(__name__)


class CatalogUpdater(QObject):
    done = Signal(object)  # app.catalog.update.UpdateResult

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, options: Options) -> bool:
        """Start an update unless one is running. True when it started."""
        if self.is_running():
            return False
        self._thread = threading.Thread(target=self._main, args=(options,),
                                        name="catalog-update", daemon=True)
        self._thread.start()
        return True

    def _main(self, options: Options) -> None:
        try:
            result = asyncio.run(update_catalog(options))
        except Exception:  # a bug, or a --catalog that cannot be used: logged, never shown
            logger.exception("catalog update failed")
            return
        for line in result.details:
            logger.info("catalog update: %s", line)
        try:
            self.done.emit(result)
        except RuntimeError:  # the window closed while the download ran: nobody to tell
            pass

    def wait(self, timeout_s: float) -> bool:
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout_s)
        return not thread.is_alive()
