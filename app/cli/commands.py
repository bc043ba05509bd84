"""The commands behind ``conncheck check``, ``decode`` and ``history``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TextIO

from app.catalog import Catalog, CatalogError, load_catalog
from app.cli import render
from app.cli.main import EXIT_OK, EXIT_USAGE
from app.engine.events import CheckFinished, Event
from app.engine.runner import Engine, RunResult
from app.i18n import Translator, system_language, translator
from app.paths import default_catalog_path


def _translator(lang: str | None) -> Translator:
    return translator(lang or system_language())


def load(args: argparse.Namespace, tr: Translator) -> Catalog | None:
    path = args.catalog or default_catalog_path()
    try:
        catalog = load_catalog(path)
    except CatalogError as exc:
        print(tr.format("cli.catalog_error", problem=str(exc)), file=sys.stderr)
        return None
    if args.only:
        catalog = catalog.only(set(args.only))
    from app.engine.calls.from_args import CallArgsError, with_call_options

    try:
        catalog = with_call_options(catalog, turn=args.turn or (), echo_peer=args.echo_peer,
                                    calls_long=args.calls_long)
    except CallArgsError as exc:
        print(f"conncheck: {exc}", file=sys.stderr)
        return None
    return catalog


class _Progress:
    """One line that updates in place on a terminal; nothing when output is not a terminal."""

    def __init__(self, tr: Translator, stream: TextIO, enabled: bool) -> None:
        self.tr = tr
        self.stream = stream
        self.enabled = enabled and stream.isatty()

    def __call__(self, event: Event) -> None:
        if not self.enabled or not isinstance(event, CheckFinished):
            return
        what = render.feature_name(event.check.feature.value, self.tr)
        line = self.tr.format("cli.progress", done=event.done, total=event.total, what=what)
        self.stream.write("\r\033[K" + line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


def check(args: argparse.Namespace, lang: str | None) -> int:
    tr = _translator(lang)
    catalog = load(args, tr)
    if catalog is None:
        return EXIT_USAGE
    human = not args.json
    if human and not args.quiet:
        print(render.notice(catalog, tr), file=sys.stderr)
    progress = _Progress(tr, sys.stderr, human and not args.quiet)
    engine = Engine(catalog, on_event=progress, deadline_s=args.deadline)
    try:
        run = asyncio.run(engine.run())
    except KeyboardInterrupt:
        progress.close()
        print(tr.gettext("cli.interrupted"), file=sys.stderr)
        raise
    progress.close()
    return finish(run, catalog, args, tr)


def finish(run: RunResult, catalog: Catalog, args: argparse.Namespace, tr: Translator) -> int:
    from app.analysis.diagnose import diagnose
    from app.report.json_report import build_document

    diagnosis = diagnose(run.observations, catalog, run.interfaces, features=args.only)
    code = render.safe_code(diagnosis)
    if args.json:
        doc = build_document(run, diagnosis, tr, code=code, restrictions=catalog.restrictions,
                             include_identifiers=args.include_identifiers)
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render.human(run, diagnosis, tr, code, catalog))
    since = render.remember(diagnosis, code, tr)
    if since and not args.json:
        print(render.wrap(since))
    if args.report:
        return render.write_report(args.report, run, diagnosis, tr, code,
                                   include_identifiers=args.include_identifiers)
    return EXIT_OK


def decode(args: argparse.Namespace, lang: str | None) -> int:
    tr = _translator(lang)
    return render.decode(" ".join(args.code), tr)


def history(args: argparse.Namespace, lang: str | None) -> int:
    tr = _translator(lang)
    return render.history(tr, as_json=args.json)
