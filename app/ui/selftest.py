"""``conncheck --self-test``: can this build draw its window? Used on the frozen app.

Starts the window offscreen, loads every resource it needs (icons, both translation domains,
Qt's own translations, the catalog), draws every page in both languages and checks each
picture is a real drawing. Any missing piece fails loudly: exit 1 with its name. Exit 0 only
when everything was drawn.
"""

from __future__ import annotations

import os
import sys
import tempfile

from app.paths import resources_dir

REQUIRED_UI_KEYS = ("ui.results.title", "ui.welcome.intro", "ui.error.copy")


class SelfTestError(Exception):
    """One missing or broken resource; ``str()`` names it."""


def _check_resources() -> object:
    """Everything the window loads from disk. Returns the catalog."""
    from PySide6.QtSvg import QSvgRenderer

    from app.i18n import SUPPORTED, translator
    from app.session import Options, SessionError, prepare
    from app.ui import icons, language

    for name in icons.ICON_NAMES:
        try:
            text = icons.svg_text(name)
        except FileNotFoundError as exc:
            raise SelfTestError(f"icon {name}.svg: {exc}") from None
        if not QSvgRenderer(text.encode("utf-8")).isValid():
            raise SelfTestError(f"icon {name}.svg: not a valid SVG")
    for lang in SUPPORTED:
        try:
            tr = translator(lang)
        except (FileNotFoundError, OSError) as exc:
            raise SelfTestError(f"translations {lang}: {exc}") from None
        for key in REQUIRED_UI_KEYS:
            if not tr.has(key):
                raise SelfTestError(f"translations {lang}: ui.mo is missing or lacks {key}")
        if lang != "en" and language.load_qt_translator(lang) is None:
            raise SelfTestError(
                f"Qt translations qtbase_{lang}.qm not found in {language.qt_translations_dir()}")
    try:
        return prepare(Options())  # the shipped catalog, as a check would load it
    except (SessionError, FileNotFoundError) as exc:
        raise SelfTestError(f"catalog: {exc}") from None


def _draw_everything(catalog: object) -> list[str]:
    import shiboken6

    from app.core.catalog import Catalog
    from app.ui.app import application, create_window
    from app.ui.selftest_pages import image_problem, render_pages
    from app.ui.settings import Settings

    assert isinstance(catalog, Catalog)
    application()
    drawn = []
    window = create_window("ru", settings=Settings(notice_seen=True))
    try:
        window.show()
        for lang in ("ru", "en"):
            window.set_language(lang)
            for page, image in render_pages(window, catalog).items():
                problem = image_problem(image)
                if problem is not None:
                    raise SelfTestError(f"page {page} ({lang}): {problem}")
                drawn.append(f"{page}-{lang}")
    finally:
        window.close()
        shiboken6.delete(window)  # a self-test inside a longer process leaves nothing behind
    return drawn


def _quiet_offscreen_warnings() -> object:
    """The offscreen platform warns about window hints it cannot apply; that is not news.
    Returns the previous handler, to put back."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    return qInstallMessageHandler(handler)


def run_self_test(lang: str | None = None) -> int:
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Never touch the user's saved settings from a self-test.
    os.environ.setdefault("CONNCHECK_CONFIG_DIR", tempfile.mkdtemp(prefix="conncheck-selftest-"))
    from PySide6.QtCore import qInstallMessageHandler

    previous = _quiet_offscreen_warnings()
    try:
        catalog = _check_resources()
        drawn = _draw_everything(catalog)
    except SelfTestError as exc:
        print(f"self-test FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # anything else is just as fatal, and must be named
        print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        qInstallMessageHandler(previous)  # type: ignore[arg-type]
    print(f"self-test OK: {len(drawn)} pages drawn ({', '.join(drawn)}); "
          f"resources in {resources_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(run_self_test(sys.argv[1] if len(sys.argv) > 1 else None))
