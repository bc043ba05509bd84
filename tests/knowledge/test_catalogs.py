"""The two catalogs are complete, consistent, compiled, and keep technical words out."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.analysis.model import CauseId, NetworkDetail, NetworkStatus, Verdict
from app.i18n import SUPPORTED, translator
from app.knowledge import check_translations as ct
from app.knowledge import keys

# Words that belong in Details only (glossary: "Words that stay out of the main text").
# Acronyms match in capitals only, so "turn off" is not TURN.
FORBIDDEN_CASED = re.compile(r"\b(SNI|DPI|UDP|TCP|TLS|STUN|TURN|NAT|DNS|RST)\b|ТСПУ|TSPU")
FORBIDDEN_WORDS = re.compile(r"handshake|рукопожат|\bpacket|пакет", re.IGNORECASE)


def technical(text: str) -> bool:
    return bool(FORBIDDEN_CASED.search(text) or FORBIDDEN_WORDS.search(text))


def _is_details(key: str) -> bool:
    # check labels, phases and timing steps are shown only in Details (and reports' check lists)
    return (key.endswith(".details") or key.startswith(("details.", "check.", "phase.", "timing."))
            or key == "service_name.stun_servers")  # the reference servers: a Details row


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_key_has_text(lang: str) -> None:
    tr = translator(lang)
    missing = [k for k in keys.all_keys() if not tr.has(k) or not tr.gettext(k).strip()]
    assert missing == []
    for singular, plural in keys.PLURALS:
        for n in (1, 2, 5):
            text = tr.ngettext(singular, plural, n)
            assert text not in (singular, plural) and "{n}" in text


def test_placeholders_match_between_languages() -> None:
    en, ru = translator("en"), translator("ru")
    for key in keys.all_keys():
        assert ct.placeholders(en.gettext(key)) == ct.placeholders(ru.gettext(key)), key


def test_steps_have_the_same_count_in_both_languages() -> None:
    en, ru = translator("en"), translator("ru")
    for wid in keys.WORKAROUND_IDS:
        key = keys.workaround_steps(wid)
        assert len(en.gettext(key).split("\n")) == len(ru.gettext(key).split("\n")) >= 2, key


def test_every_situation_has_headline_and_body() -> None:
    for lang in SUPPORTED:
        tr = translator(lang)
        wanted = []
        for feature in keys.FEATURES:
            for verdict in Verdict:
                wanted += [keys.feature_text(feature, verdict, p) for p in ("headline", "body")]
        for status in NetworkStatus:
            wanted += [keys.network_text(status, NetworkDetail.NONE, p)
                       for p in ("headline", "body")]
        for detail in (NetworkDetail.NO_INTERFACE, NetworkDetail.NOTHING_ANSWERS):
            wanted += [keys.network_text(NetworkStatus.OFFLINE, detail, p)
                       for p in ("headline", "body")]
        for cause in CauseId:
            wanted += [keys.cause_text(cause, p) for p in ("headline", "body", "details")]
        assert [k for k in wanted if not tr.has(k)] == []
    # offline texts really differ by what the check saw
    en = translator("en")
    assert len({en.gettext(keys.network_text(NetworkStatus.OFFLINE, d, "headline"))
                for d in NetworkDetail}) == 3


@pytest.mark.parametrize("lang", SUPPORTED)
def test_no_technical_words_in_main_text(lang: str) -> None:
    tr = translator(lang)
    offenders = [
        (k, tr.gettext(k)) for k in keys.all_keys()
        if not _is_details(k) and technical(tr.gettext(k))
    ]
    assert offenders == []


def test_details_do_carry_technical_words() -> None:
    en = translator("en")
    assert FORBIDDEN_CASED.search(en.gettext(keys.cause_text(CauseId.SNI_FILTERING, "details")))


def test_glossary_words() -> None:
    en, ru = translator("en"), translator("ru")
    expected = {
        Verdict.WORKS: ("Works", "Работает"),
        Verdict.DEGRADED: ("Works with problems", "Работает с перебоями"),
        Verdict.BLOCKED: ("Blocked", "Заблокировано"),
        Verdict.UNAVAILABLE: ("Can't work without internet", "Не работает без интернета"),
        Verdict.UNKNOWN: ("Couldn't tell", "Не удалось определить"),
    }
    for verdict, (e, r) in expected.items():
        assert (en.gettext(keys.verdict_word(verdict)), ru.gettext(keys.verdict_word(verdict))) \
            == (e, r)
    assert ru.gettext(keys.status_word(NetworkStatus.OFFLINE)) == "Нет подключения к интернету"
    assert ru.gettext(keys.term("check_code")) == "Код проверки"


def test_russian_uses_lower_case_vy() -> None:
    ru = translator("ru")
    for key in keys.all_keys():
        text = ru.gettext(key)
        assert not re.search(r"(?<![.!?»]\s)(?<!^)\b(Вы|Вас|Вам|Ваш\w*)\b", text), (key, text)


def test_the_repository_catalogs_pass_the_checker(monkeypatch: pytest.MonkeyPatch) -> None:
    # Keys the presenters use literally are their own tests' business; the rest must pass.
    monkeypatch.setattr(ct, "code_keys", lambda package=None: [])
    assert ct.problems() == []


@pytest.fixture
def locale_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "locale"
    shutil.copytree(ct.locale_dir(), target)
    monkeypatch.setattr(ct, "locale_dir", lambda: target)
    monkeypatch.setattr(ct, "code_keys", lambda package=None: [])
    return target


def _edit_po(locale: Path, lang: str, old: str, new: str) -> None:
    po = locale / lang / "LC_MESSAGES" / "conncheck.po"
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_checker_reports_broken_catalogs(locale_copy: Path) -> None:
    assert ct.problems() == []
    _edit_po(locale_copy, "ru", 'msgstr "Отменить"', 'msgstr ""')
    _edit_po(locale_copy, "ru", "ограничением, о котором объявили {date}.",
             "ограничением, о котором объявили {data}.")
    _edit_po(locale_copy, "en", 'msgid "term.report"\nmsgstr "Report"\n', "")
    found = "\n".join(ct.problems())
    assert "ru: key term.cancel is empty" in found
    assert "ru: key restriction.matches has placeholders ['data']" in found
    assert "en: key term.report is missing" in found
    assert "out of date" in found  # the .mo no longer matches the edited .po
    ct.compile_all()
    assert "out of date" not in "\n".join(ct.problems())


def test_checker_main_exit_codes(locale_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ct.main([]) == 0
    (locale_copy / "en" / "LC_MESSAGES" / "conncheck.mo").unlink()
    assert ct.main([]) == 1
    assert "conncheck.mo is missing" in capsys.readouterr().err
    assert ct.main(["--compile"]) == 0


def test_code_keys_finds_literal_keys(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(
        'tr.gettext("ui.a.b")\n'
        'tr.format("ui.c" if x else "ui.d", n=1)\n'
        'tr.nformat("count.x", "count.x.plural", 3)\n'
        '"{x}".format("not a key")\n'
        'tr.gettext(f"cli.{name}")\n',
        encoding="utf-8",
    )
    assert ct.code_keys(tmp_path) == ["ui.a.b", "ui.c", "ui.d", ("count.x", "count.x.plural")]


def test_template_lists_every_key(tmp_path: Path) -> None:
    pot = tmp_path / "conncheck.pot"
    ct.write_template(pot)
    text = pot.read_text(encoding="utf-8")
    assert all(f'msgid "{k}"' in text for k in keys.all_keys())
