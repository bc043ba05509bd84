"""The commands behind ``conncheck check``, ``decode`` and ``history``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TextIO

from app.analysis.progressive import Decided
from app.cli import render
from app.cli.options import options_from, report_problem
from app.core import exit_codes
from app.core.catalog import Catalog
from app.core.events import CheckFinished, Event
from app.i18n import Translator, system_language, translator
from app.report.changes_text import since_last_time
from app.session import (
    CallOptionsProblem,
    CatalogProblem,
    Options,
    OptionsProblem,
    Outcome,
    Session,
    prepare,
    remember,
)


def _translator(lang: str | None) -> Translator:
    return translator(lang or system_language())


def _prepare(options: Options, tr: Translator) -> Catalog | None:
    """The catalog to check, or None after saying in one line why there is none."""
    try:
        return prepare(options)
    except CatalogProblem as exc:
        print(tr.format("cli.catalog_error", problem=str(exc)), file=sys.stderr)
    except (CallOptionsProblem, OptionsProblem) as exc:
        print(f"conncheck: {exc}", file=sys.stderr)
    return None


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
    """In the terminal, prints each verdict the moment it is known (the full explanation
    follows at the end)."""

    def __init__(self, tr: Translator, stream: TextIO, progress: _Progress,
                 enabled: bool) -> None:
        self.tr = tr
        self.stream = stream
        self.progress = progress
        self.enabled = enabled
        self.said: set[str] = set()  # "network", "calls", …: not repeated in the summary

    def __call__(self, decided: Decided) -> None:
        if not self.enabled:
            return
        self.progress.close()  # the line being redrawn makes way for the verdict
        self.stream.write(render.early_line(decided, self.tr) + "\n")
        self.stream.flush()
        self.said.add("network" if decided.result is None else decided.feature)


def check(args: argparse.Namespace, lang: str | None) -> int:
    tr = _translator(lang)
    options = options_from(args)
    if args.report is not None:  # said before the check, never after it (nothing is sent)
        problem = report_problem(args.report, tr)
        if problem is not None:
            print(tr.format("cli.report_unusable", problem=problem), file=sys.stderr)
            return exit_codes.USAGE
    catalog = _prepare(options, tr)
    if catalog is None:
        return exit_codes.USAGE
    human = not args.json
    if human and not args.quiet:
        print(render.notice(catalog, tr), file=sys.stderr)
    progress = _Progress(tr, sys.stderr, human and not args.quiet)
    early = _EarlyVerdicts(tr, sys.stderr, progress, human and not args.quiet)
    session = Session(catalog, options, on_event=progress, on_verdict=early)
    try:
        outcome = asyncio.run(session.run())
    except KeyboardInterrupt:
        progress.close()
        print(tr.gettext("cli.interrupted"), file=sys.stderr)
        raise
    progress.close()
    if early.said:
        print(file=sys.stderr)  # the live lines, a blank line, then the summary
    return finish(outcome, args, tr, said=frozenset(early.said) if _same_screen() else frozenset())


def _same_screen() -> bool:
    """True when the live lines (standard error) and the summary (standard output) both go
    to the terminal: then the summary need not repeat them. Otherwise (``> file``) the
    summary is complete on its own."""
    try:
        return sys.stdout.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def finish(outcome: Outcome, args: argparse.Namespace, tr: Translator,
           said: frozenset[str] = frozenset()) -> int:
    if args.json:
        doc = outcome.document(tr, include_identifiers=args.include_identifiers)
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render.human(outcome.run, outcome.diagnosis, tr, outcome.code,
                                      outcome.catalog, said=said))
    since = since_last_time(remember(outcome), tr)
    if since and not args.json:
        print(render.wrap(since))
    if args.report:
        return render.write_report(args.report, outcome.run, outcome.diagnosis, tr,
                                   outcome.code or "",
                                   include_identifiers=args.include_identifiers)
    return exit_codes.OK


def decode(args: argparse.Namespace, lang: str | None) -> int:
    tr = _translator(lang)
    return render.decode(" ".join(args.code), tr)


def history(args: argparse.Namespace, lang: str | None) -> int:
    tr = _translator(lang)
    return render.history(tr, as_json=args.json)


def update(args: argparse.Namespace, lang: str | None) -> int:
    """``conncheck update``: running it is the person's consent to contact the update sources
    of the catalog in use, this once (docs/catalog.md "Updates"). One line on stdout; what each
    mirror did on stderr, under Details. A bad or stale download changes nothing."""
    from app.session import update_catalog

    tr = _translator(lang)
    try:
        result = asyncio.run(update_catalog(Options(catalog=args.catalog)))
    except CatalogProblem as exc:
        print(tr.format("cli.catalog_error", problem=str(exc)), file=sys.stderr)
        return exit_codes.USAGE
    print(tr.format(f"cli.update.{result.status.value}", version=result.version))
    if result.details:
        print(tr.gettext("term.details") + ":", file=sys.stderr)
        for line in result.details:
            print("  " + line, file=sys.stderr)
    return exit_codes.OK
