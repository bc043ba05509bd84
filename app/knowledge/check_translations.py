"""Check (and compile) the translation catalogs: ``python -m app.knowledge.check_translations``.

Why a tool of our own: with symbolic keys, a missing Russian text would show the user a key
like ``feature.calls.blocked.headline``, and a stale ``.mo`` would show yesterday's wording.
This runs in ``make lint`` and fails with the full list of problems:

* every key the knowledge base uses is present and non-empty in every language;
* every literal key the code passes to ``tr.gettext/format/ngettext/nformat`` is too;
* every key of one language exists in the others (presenters add their own keys too);
* ``{placeholders}`` and the number of workaround steps agree between languages;
* every ``.mo`` equals what its ``.po`` compiles to;
* no English is left in Russian: no Latin word outside the names and (in texts for support
  staff) the technical words of ``app/knowledge/latin.py`` — in every Russian text, and on
  every page of the window drawn in Russian (``python -m app.ui.selftest_pages
  --english-in-russian``, in a child process with Qt's offscreen platform).

``--compile`` rewrites the ``.mo`` files; ``--pot FILE`` writes a template of all keys.
Needs Babel (a development dependency); the app itself only reads the ``.mo`` files.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import re
import string
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from app.i18n import DOMAIN, EXTRA_DOMAINS, SUPPORTED
from app.knowledge.keys import PLURALS, all_keys
from app.knowledge.latin import is_details_key, latin_words
from app.paths import resources_dir

ALL_DOMAINS: tuple[str, ...] = (DOMAIN, *EXTRA_DOMAINS)
RENDER_TIMEOUT_S = 120

Msgid = str | tuple[str, ...]

# Translator methods whose first argument (two for plurals) is a key.
_KEY_METHODS = frozenset({"gettext", "format", "ngettext", "nformat"})
_KEY_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_-]+)+$")  # symbolic keys, not stray literals


def locale_dir() -> Path:
    return resources_dir() / "locale"


def po_path(lang: str, domain: str = DOMAIN) -> Path:
    return locale_dir() / lang / "LC_MESSAGES" / f"{domain}.po"


def mo_path(lang: str, domain: str = DOMAIN) -> Path:
    return locale_dir() / lang / "LC_MESSAGES" / f"{domain}.mo"


def read_catalog(lang: str, domain: str = DOMAIN) -> Catalog:
    with po_path(lang, domain).open("rb") as handle:
        return read_po(handle, locale=lang, domain=domain)


def compiled(catalog: Catalog) -> bytes:
    """What ``pybabel compile`` writes for this catalog (fuzzy entries left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _literal_keys(node: ast.expr) -> list[str]:
    """The string constants an argument can evaluate to: "k" or ("a" if x else "b")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_keys(node.body) + _literal_keys(node.orelse)
    return []


def code_keys(package: Path | None = None) -> list[Msgid]:
    """Literal keys the code passes to a translator's gettext/format/ngettext/nformat (keys
    built at run time are listed in ``keys.py`` instead). Anything that does not look like a
    symbolic key (``a.b``) is ignored, so ``"{x}".format(...)`` elsewhere is not mistaken."""
    root = package or Path(__file__).resolve().parent.parent
    found: list[Msgid] = []
    for source in sorted(root.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method = node.func.attr
            if method not in _KEY_METHODS or not node.args:
                continue
            if method in ("ngettext", "nformat") and len(node.args) >= 2:
                pair = (_literal_keys(node.args[0]), _literal_keys(node.args[1]))
                if len(pair[0]) == 1 and len(pair[1]) == 1:
                    candidates: list[Msgid] = [(pair[0][0], pair[1][0])]
                else:
                    candidates = []
            else:
                candidates = list(_literal_keys(node.args[0]))
            for msgid in candidates:
                parts = (msgid,) if isinstance(msgid, str) else msgid
                if all(_KEY_RE.match(p) for p in parts) and msgid not in found:
                    found.append(msgid)
    return found


def placeholders(text: str) -> set[str]:
    """Named str.format fields of a text; a broken brace counts as the field "<bad braces>"."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<bad braces>"}


def _texts(catalog: Catalog) -> dict[Msgid, tuple[str, ...]]:
    """msgid -> its non-fuzzy texts (one, or one per plural form); header excluded."""
    out: dict[Msgid, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id:
            continue
        raw = message.string
        strings = list(raw) if isinstance(raw, tuple | list) else [raw]
        texts = tuple(str(s or "") for s in strings)
        msgid: Msgid = message.id if isinstance(message.id, str) else tuple(message.id)
        out[msgid] = () if message.fuzzy else texts
    return out


def _name(msgid: Msgid) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def problems(langs: Iterable[str] = SUPPORTED) -> list[str]:
    """Every problem found, one readable line each; an empty list means all is well."""
    found: list[str] = []
    # The window, the reports and the knowledge base keep their texts in separate domains
    # (one .po each), merged into one Translator: check them as one set per language.
    texts: dict[str, dict[Msgid, tuple[str, ...]]] = {}
    for lang in langs:
        for domain in ALL_DOMAINS:
            found += _read_domain(lang, domain, texts)
    required: list[Msgid] = [*all_keys(), *PLURALS]
    required += [k for k in code_keys() if k not in required]
    every: list[Msgid] = list(required)
    for lang_texts in texts.values():
        every += [m for m in lang_texts if m not in every]
    for msgid in every:
        found += _key_problems(msgid, texts)
    return found


def _read_domain(lang: str, domain: str,
                 texts: dict[str, dict[Msgid, tuple[str, ...]]]) -> list[str]:
    """Merge one .po into ``texts[lang]``; its problems (unreadable, a key defined in two
    domains, a missing or stale .mo)."""
    try:
        catalog = read_catalog(lang, domain)
    except FileNotFoundError:
        return [f"{lang}: {po_path(lang, domain)} is missing"]
    except Exception as exc:  # a syntax error in the .po: report, keep checking
        return [f"{lang}: cannot read {po_path(lang, domain)}: {exc}"]
    found: list[str] = []
    merged = texts.setdefault(lang, {})
    for msgid, value in _texts(catalog).items():
        if msgid in merged:
            found.append(f"{lang}: key {_name(msgid)} is defined in two domains")
        merged[msgid] = value
    try:
        on_disk = mo_path(lang, domain).read_bytes()
    except FileNotFoundError:
        found.append(f"{lang}: {mo_path(lang, domain)} is missing; run with --compile")
    else:
        if on_disk != compiled(catalog):
            found.append(
                f"{lang}: {mo_path(lang, domain)} is out of date; run with --compile"
            )
    return found


def _key_problems(msgid: Msgid, texts: dict[str, dict[Msgid, tuple[str, ...]]]) -> list[str]:
    """One key in every language: present, not empty or fuzzy, and agreeing with English."""
    found: list[str] = []
    for lang, lang_texts in texts.items():
        if msgid not in lang_texts:
            found.append(f"{lang}: key {_name(msgid)} is missing")
        elif not lang_texts[msgid] or not all(t.strip() for t in lang_texts[msgid]):
            found.append(f"{lang}: key {_name(msgid)} is empty or marked fuzzy")
    present = {lang: t[msgid] for lang, t in texts.items() if t.get(msgid)}
    return found + _compare(msgid, present)


def _compare(msgid: Msgid, present: dict[str, tuple[str, ...]]) -> list[str]:
    """Placeholders and step counts must agree across languages (and plural forms)."""
    found: list[str] = []
    if "en" not in present:
        return found
    reference = placeholders(present["en"][0])
    steps = len(present["en"][0].split("\n"))
    for lang, forms in present.items():
        for form in forms:
            fields = placeholders(form)
            if fields != reference:
                found.append(
                    f"{lang}: key {_name(msgid)} has placeholders "
                    f"{sorted(fields) or 'none'}, English has {sorted(reference) or 'none'}"
                )
        if _name(msgid).endswith(".steps") and len(forms[0].split("\n")) != steps:
            found.append(
                f"{lang}: key {_name(msgid)} has {len(forms[0].split(chr(10)))} steps, "
                f"English has {steps}"
            )
    return found


def english_in_russian_texts() -> list[str]:
    """Russian texts with a Latin word outside the allowed names (technical words are
    allowed only in the texts support staff read)."""
    found: list[str] = []
    for domain in ALL_DOMAINS:
        try:
            texts = _texts(read_catalog("ru", domain))
        except (FileNotFoundError, ValueError):
            continue  # reported by problems()
        for msgid, forms in texts.items():
            name = _name(msgid)
            for form in forms:
                words = latin_words(form, details=is_details_key(name))
                if words:
                    found.append(f"ru: key {name} has English words: {', '.join(words)}")
    return found


def english_in_russian_window() -> list[str]:
    """Draw every page of the window in Russian (a child process: Qt stays out of this one)
    and list the Latin words left on screen."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "app.ui.selftest_pages", "--english-in-russian"],
            capture_output=True, text=True, env=env, timeout=RENDER_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return [f"ru: the window did not draw its pages within {RENDER_TIMEOUT_S} s"]
    if done.returncode == 0:
        return []
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if not lines:  # it failed before it could look: say why
        tail = done.stderr.strip().splitlines()[-3:]
        return ["ru: drawing the window in Russian failed: " + " / ".join(tail)]
    return [f"ru window: {line}" for line in lines]


def compile_all(langs: Iterable[str] = SUPPORTED) -> list[Path]:
    """Write every .mo from its .po; returns the files written."""
    written = []
    for lang in langs:
        for domain in ALL_DOMAINS:
            if not po_path(lang, domain).exists():
                continue
            path = mo_path(lang, domain)
            path.write_bytes(compiled(read_catalog(lang, domain)))
            written.append(path)
    return written


def write_template(target: Path) -> None:
    """A .pot with every knowledge key, for translators' tools (``pybabel update``)."""
    catalog = Catalog(domain=DOMAIN, project="Connection Check", fuzzy=False)
    for key in all_keys():
        catalog.add(key)
    for pair in PLURALS:
        catalog.add(pair)
    with target.open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.knowledge.check_translations",
                                     description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--compile", action="store_true", help="rewrite the .mo files first")
    parser.add_argument("--pot", type=Path, help="write a template of all keys to this file")
    parser.add_argument("--no-window", action="store_true",
                        help="do not draw the window to look for English in Russian")
    args = parser.parse_args(argv)
    if args.pot:
        write_template(args.pot)
        print(f"wrote {args.pot}")
    if args.compile:
        for path in compile_all():
            print(f"compiled {path}")
    found = problems() + english_in_russian_texts()
    if not args.no_window:
        found += english_in_russian_window()
    if found:
        print(f"{len(found)} translation problem(s):", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"translations OK: {len(all_keys()) + len(PLURALS)} keys in {', '.join(SUPPORTED)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
