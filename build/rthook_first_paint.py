"""PyInstaller runtime hook: an opt-in probe for the cold-start benchmark, dormant otherwise.

With CONNCHECK_BENCH_FIRST_PAINT=<file> in the environment, the frozen app writes the wall
clock time (time.time()) of the first paint of its window to <file> and quits. The benchmark
(benchmarks/packaging.py) compares it with the moment it started the process: that is the
cold start a user waits through after a double-click. Without the variable this hook only
reads the environment, so the shipped app behaves exactly as from source.
"""


def _install(target: str) -> None:
    import time

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    class _FirstPaint(QObject):
        done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (not self.done and event.type() == QEvent.Type.Paint
                    and isinstance(watched, QWidget) and watched.window().isVisible()):
                self.done = True
                with open(target, "w", encoding="utf-8") as out:
                    out.write(f"{time.time():.6f}\n")
                QTimer.singleShot(0, QApplication.quit)
            return False

    original_exec = QApplication.exec
    probe = _FirstPaint()

    def exec_with_probe() -> int:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(probe)
        return original_exec()

    # exec() is static in PySide6: app.exec() and QApplication.exec() both land here.
    QApplication.exec = staticmethod(exec_with_probe)  # type: ignore[method-assign]


def _main() -> None:
    import os

    target = os.environ.get("CONNCHECK_BENCH_FIRST_PAINT")
    if target:
        _install(target)


_main()
