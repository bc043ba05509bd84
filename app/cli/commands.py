"""The commands behind ``conncheck check``, ``decode`` and ``history``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TextIO

from app.analysis.progressive import Progressive
from app.catalog import CatalogError, load_catalog
from app.cli import render
from app.cli.main import EXIT_OK, EXIT_USAGE
from app.core.catalog import Catalog
from app.core.events import CheckFinished, Event
from app.core.run import RunResult
from app.engine.runner import Engine
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


class _EarlyVerdicts:
    """Feeds the engine's events to the progressive analysis; in the terminal, prints each
    verdict the moment it is known (the full explanation follows at the end)."""

    def __init__(self, catalog: Catalog, args: argparse.Namespace, tr: Translator,
                 stream: TextIO, progress: _Progress) -> None:
        self.progressive = Progressive(catalog, features=args.only)
        self.tr = tr
        self.stream = stream
        self.progress = progress
        self.enabled = not args.json and not args.quiet

    def __call__(self, event: Event) -> None:
        self.progress(event)
        decided = self.progressive.on_event(event)
        if self.enabled and decided:
            self.progress.close()  # the line being redrawn makes way for the verdicts
            for item in decided:
                self.stream.write(render.early_line(item, self.tr) + "\n")
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
    early = _EarlyVerdicts(catalog, args, tr, sys.stderr, progress)
    engine = Engine(catalog, on_event=early, deadline_s=args.deadline, sequential=args.sequential)
    try:
        run = asyncio.run(engine.run())
    except KeyboardInterrupt:
        progress.close()
        print(tr.gettext("cli.interrupted"), file=sys.stderr)
        raise
    progress.close()
    return finish(run, catalog, args, tr, early.progressive)


def finish(run: RunResult, catalog: Catalog, args: argparse.Namespace, tr: Translator,
           progressive: Progressive | None = None) -> int:
    from app.analysis.diagnose import diagnose
    from app.report.json_report import build_document

    diagnosis = diagnose(run.observations, catalog, run.interfaces, features=args.only)
    code = render.safe_code(diagnosis)
    timing = None if progressive is None else progressive.timing(
        diagnosis, run.duration_s, sequential=run.sequential, stopped_early=run.stopped_early)
    if args.json:
        doc = build_document(run, diagnosis, tr, code=code, restrictions=catalog.restrictions,
                             include_identifiers=args.include_identifiers, timing=timing)
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
