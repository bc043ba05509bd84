"""What a person reads for hand-built diagnoses, in both languages."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from app.analysis.model import (
    Cause,
    CauseId,
    Diagnosis,
    FeatureResult,
    NetworkDetail,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.core.catalog import Restriction
from app.core.model import Feature
from app.i18n import SUPPORTED, translator
from app.knowledge import (
    Explanation,
    explain_cause,
    explain_diagnosis,
    explain_feature,
    explain_network,
    feature_name,
    format_date,
    service_line,
    service_name,
    status_word,
    verdict_word,
)
from app.knowledge.keys import FEATURES
from tests.knowledge.test_catalogs import technical

ONLINE = NetworkResult(NetworkStatus.ONLINE)
SERVICES = {
    "calls": ("WhatsApp", "Telegram"),
    "messages": ("WhatsApp", "Telegram", "Signal"),
    "maps": ("Google Maps", "Yandex Maps", "OpenStreetMap"),
}
CALLS_RESTRICTION = Restriction(
    id="ru-2025-08-calls", country="RU", announced=dt.date(2025, 8, 13), feature=Feature.CALLS,
    services=("WhatsApp", "Telegram"), source="https://example.org/news",
)


def feature(name: str, verdict: Verdict, **per_service: Verdict) -> FeatureResult:
    services = tuple(ServiceResult(s, per_service.get(s.replace(" ", "_"), verdict))
                     for s in SERVICES[name])
    return FeatureResult(name, verdict, services=services)


def diagnosis(*features: FeatureResult, network: NetworkResult = ONLINE) -> Diagnosis:
    return Diagnosis(network, features)


def main_text(e: Explanation) -> str:
    parts = [e.headline, e.body, e.support_line, *e.service_lines]
    for w in e.workarounds:
        parts += [w.title, *w.steps]
    return "\n".join(parts)


def all_text(e: Explanation) -> str:
    return main_text(e) + "\n" + "\n".join(e.details)


def keys_of(e: Explanation) -> list[str]:
    return [w.key for w in e.workarounds]


# ------------------------------------------------------------ the scenarios


@pytest.mark.parametrize("lang", SUPPORTED)
def test_blocked_whatsapp_calls_with_working_telegram(lang: str) -> None:
    tr = translator(lang)
    calls = FeatureResult("calls", Verdict.DEGRADED, services=(
        ServiceResult("WhatsApp", Verdict.BLOCKED, (Cause(CauseId.CALL_TRAFFIC_FILTERED),)),
        ServiceResult("Telegram", Verdict.WORKS),
    ))
    d = diagnosis(calls, feature("messages", Verdict.WORKS), feature("maps", Verdict.WORKS))
    e = explain_feature(calls, d, tr)
    assert "WhatsApp" in e.headline and "Telegram" not in e.headline
    assert ("Messages still work." if lang == "en" else "Сообщения при этом доходят.") \
        in e.headline
    assert keys_of(e)[:3] == ["calls.voice_messages", "calls.phone_call", "calls.other_app"]
    other_app = e.workarounds[2]
    assert "Telegram" in other_app.title and "WhatsApp" not in other_app.title
    # the service that differs is named once, in its own line — not repeated in the body
    assert any("Telegram" in line for line in e.service_lines)
    assert "Telegram" not in e.body
    assert e.service_lines[0] == (
        "Calls in WhatsApp are being blocked on this network." if lang == "en"
        else "Звонки в WhatsApp в этой сети блокируются."
    )


def test_no_other_app_offered_when_no_call_app_works() -> None:
    calls = feature("calls", Verdict.BLOCKED)
    d = diagnosis(calls, feature("messages", Verdict.WORKS))
    e = explain_feature(calls, d, translator("en"))
    assert "calls.other_app" not in keys_of(e)
    assert e.headline.startswith("Calls in WhatsApp and Telegram are being blocked")


def test_voice_messages_not_offered_when_messages_fail_too() -> None:
    calls = feature("calls", Verdict.BLOCKED)
    d = diagnosis(calls, feature("messages", Verdict.BLOCKED))
    e = explain_feature(calls, d, translator("en"))
    assert "calls.voice_messages" not in keys_of(e)
    assert "calls.phone_call" in keys_of(e)
    assert "Messages still work" not in e.headline


@pytest.mark.parametrize("lang", SUPPORTED)
def test_maps_work_mentions_gps_interference(lang: str) -> None:
    tr = translator(lang)
    maps = feature("maps", Verdict.WORKS)
    e = explain_feature(maps, diagnosis(maps), tr)
    assert "GPS" in e.body
    assert ("interference" in e.body) if lang == "en" else ("помехи" in e.body)
    assert keys_of(e)[0] == "maps.gps_weak_mode"
    weak = " ".join(e.workarounds[0].steps)
    assert ("Yandex Navigator" in weak) if lang == "en" else ("Яндекс Навигатор" in weak)
    assert "maps.offline.organic" in keys_of(e) and "maps.offline.osmand" in keys_of(e)


def test_offline_maps_name_every_app_with_its_steps() -> None:
    maps = feature("maps", Verdict.BLOCKED)
    e = explain_feature(maps, diagnosis(maps), translator("ru"))
    titles = " ".join(w.title for w in e.workarounds)
    for app in ("Google Карты", "Яндекс Карты", "Organic Maps", "OsmAnd", "2ГИС"):
        assert app in titles
    assert all(len(w.steps) >= 2 for w in e.workarounds)


@pytest.mark.parametrize("lang", SUPPORTED)
@pytest.mark.parametrize("detail", list(NetworkDetail))
def test_offline_never_says_blocked(lang: str, detail: NetworkDetail) -> None:
    tr = translator(lang)
    offline = NetworkResult(NetworkStatus.OFFLINE, (Cause(CauseId.OFFLINE),), detail)
    features = []
    for name in FEATURES:
        services = tuple(ServiceResult(s, Verdict.UNAVAILABLE) for s in SERVICES[name])
        features.append(FeatureResult(name, Verdict.UNAVAILABLE, (Cause(CauseId.OFFLINE),),
                                      services))
    d = diagnosis(*features, network=offline)
    explained = explain_diagnosis(d, tr)
    texts = [all_text(explained.network), *(all_text(e) for e in explained.features.values())]
    joined = "\n".join(texts).lower()
    assert "block" not in joined and "блок" not in joined
    assert "restricted" not in joined and "ограничен" not in joined
    if detail == NetworkDetail.NO_INTERFACE:
        steps = " ".join(explained.network.workarounds[0].steps).lower()
        assert ("airplane mode" in steps) if lang == "en" else ("режим полёта" in steps)


def test_offline_features_still_offer_what_works_without_internet() -> None:
    tr = translator("en")
    for name, expected in (("calls", "calls.phone_call"), ("messages", "messages.sms"),
                           ("maps", "maps.use_offline")):
        result = feature(name, Verdict.UNAVAILABLE)
        assert expected in keys_of(explain_feature(result, diagnosis(result), tr))


# ------------------------------------------------------------ network


@pytest.mark.parametrize("lang", SUPPORTED)
def test_network_statuses(lang: str) -> None:
    tr = translator(lang)
    seen = set()
    for status in NetworkStatus:
        e = explain_network(NetworkResult(status), tr)
        assert e.headline and e.body and e.support_line
        assert not technical(main_text(e))
        seen.add(e.headline)
    assert len(seen) == len(NetworkStatus)
    captive = explain_network(NetworkResult(NetworkStatus.CAPTIVE_PORTAL), tr)
    assert keys_of(captive) == ["network.login_page"]
    whitelist = explain_network(NetworkResult(NetworkStatus.WHITELIST_ONLY), tr)
    assert keys_of(whitelist)[0] == "network.use_wifi"
    assert "Wi-Fi" in whitelist.workarounds[0].title


def test_network_adds_sentences_for_extra_causes_only() -> None:
    tr = translator("en")
    net = NetworkResult(NetworkStatus.ONLINE, (Cause(CauseId.VPN_ACTIVE),))
    e = explain_network(net, tr)
    assert "A VPN is on." in e.body
    assert keys_of(e) == ["any.turn_off_vpn"]
    whitelist = explain_network(
        NetworkResult(NetworkStatus.WHITELIST_ONLY, (Cause(CauseId.WHITELIST_ONLY),)), tr)
    assert "Only some Russian sites work." not in whitelist.body  # not repeated


# ------------------------------------------------------------ every combination


@pytest.mark.parametrize("lang", SUPPORTED)
@pytest.mark.parametrize(("name", "verdict"), list(itertools.product(FEATURES, Verdict)))
def test_every_feature_and_verdict(lang: str, name: str, verdict: Verdict) -> None:
    tr = translator(lang)
    result = FeatureResult(name, verdict)
    e = explain_feature(result, diagnosis(result), tr)
    assert e.headline and e.body and e.support_line
    assert not technical(main_text(e)), main_text(e)
    low = main_text(e).lower()
    says_blocked = "blocked" in low if lang == "en" else "блокир" in low
    assert says_blocked == (verdict == Verdict.BLOCKED)
    if verdict == Verdict.UNKNOWN:
        assert e.headline.startswith("We couldn't tell" if lang == "en" else "Не удалось понять")
        assert keys_of(e)[0] == "any.check_again"
    if verdict == Verdict.WORKS and name != "maps":
        assert e.workarounds == ()


@pytest.mark.parametrize("lang", SUPPORTED)
@pytest.mark.parametrize("cause", list(CauseId))
def test_every_cause(lang: str, cause: CauseId) -> None:
    tr = translator(lang)
    e = explain_cause(cause, tr)
    assert e.headline and e.body and e.details[0]
    assert e.workarounds, "every cause says what to do"
    assert not technical(main_text(e))
    calls = FeatureResult("calls", Verdict.DEGRADED, (Cause(cause, ("chk-1",)),))
    explained = explain_feature(calls, diagnosis(calls), tr)
    assert e.headline in explained.body
    assert any("chk-1" in line for line in explained.details)


# ------------------------------------------------------------ messages, services, notes


def test_messages_proxy_is_per_service() -> None:
    messages = FeatureResult("messages", Verdict.BLOCKED, services=(
        ServiceResult("Telegram", Verdict.BLOCKED), ServiceResult("Signal", Verdict.BLOCKED),
        ServiceResult("WhatsApp", Verdict.WORKS),
    ))
    for lang, path_tg, path_signal in (
        ("en", "Settings › Data and Storage › Proxy", "Settings › Privacy › Advanced"),
        ("ru", "Настройки › Данные и память › Прокси", "Конфиденциальность › Дополнительно"),
    ):
        e = explain_feature(messages, diagnosis(messages), translator(lang))
        k = keys_of(e)
        assert "messages.proxy.telegram" in k and "messages.proxy.signal" in k
        assert "messages.proxy.whatsapp" not in k  # WhatsApp works: no advice for it
        assert k.index("any.other_network") < k.index("messages.proxy.telegram") \
            < k.index("any.vpn")
        assert k[0] == "messages.other_app" and "WhatsApp" in e.workarounds[0].title
        text = main_text(e)
        assert path_tg in text and path_signal in text


def test_maps_working_app_uses_russian_names_and_skips_tile_services() -> None:
    maps = FeatureResult("maps", Verdict.BLOCKED, services=(
        ServiceResult("Google Maps", Verdict.BLOCKED),
        ServiceResult("Yandex Maps", Verdict.WORKS),
        ServiceResult("2GIS", Verdict.WORKS),
        ServiceResult("OpenStreetMap", Verdict.WORKS),
    ))
    e = explain_feature(maps, diagnosis(maps), translator("ru"))
    assert e.headline == "В этой сети блокируются карты: Google Карты."
    working = next(w for w in e.workarounds if w.key == "maps.working_app")
    assert working.title.endswith("Яндекс Карты и 2ГИС")
    assert "OpenStreetMap" not in working.title
    only_osm = FeatureResult("maps", Verdict.BLOCKED, services=(
        ServiceResult("Google Maps", Verdict.BLOCKED),
        ServiceResult("OpenStreetMap", Verdict.WORKS),
    ))
    assert "maps.working_app" not in keys_of(
        explain_feature(only_osm, diagnosis(only_osm), translator("ru")))


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "This matches a restriction announced on 13 August 2025. Calls in WhatsApp and "
           "Telegram are restricted across Russia."),
    ("ru", "Это совпадает с ограничением, о котором объявили 13 августа 2025 года. Звонки в "
           "WhatsApp и Telegram ограничены по всей России."),
])
def test_restriction_note_only_for_measured_problem(lang: str, expected: str) -> None:
    tr = translator(lang)
    blocked = FeatureResult("calls", Verdict.BLOCKED, services=(
        ServiceResult("WhatsApp", Verdict.BLOCKED, restriction_id="ru-2025-08-calls"),
    ))
    e = explain_feature(blocked, diagnosis(blocked), tr, [CALLS_RESTRICTION])
    assert expected in e.body
    assert any("https://example.org/news" in line for line in e.details)
    works = FeatureResult("calls", Verdict.WORKS, services=(
        ServiceResult("WhatsApp", Verdict.WORKS, restriction_id="ru-2025-08-calls"),
    ))
    quiet = explain_feature(works, diagnosis(works), tr, [CALLS_RESTRICTION])
    assert "2025" not in all_text(quiet)
    unknown = FeatureResult("calls", Verdict.UNKNOWN, services=(
        ServiceResult("WhatsApp", Verdict.UNKNOWN, restriction_id="ru-2025-08-calls"),
    ))
    assert "2025" not in all_text(explain_feature(unknown, diagnosis(unknown), tr,
                                                  {"ru-2025-08-calls": CALLS_RESTRICTION}))


def test_unknown_restriction_id_still_gets_its_date() -> None:
    note = Restriction("xx-new", "RU", dt.date(2026, 1, 5), Feature.CALLS, (), "src")
    calls = FeatureResult("calls", Verdict.BLOCKED, services=(
        ServiceResult("WhatsApp", Verdict.BLOCKED, restriction_id="xx-new"),))
    e = explain_feature(calls, diagnosis(calls), translator("en"), [note])
    assert e.body.endswith("This matches a restriction announced on 5 January 2026.")


def test_glossary_helpers() -> None:
    ru, en = translator("ru"), translator("en")
    assert verdict_word(Verdict.DEGRADED, ru) == "Работает с перебоями"
    assert verdict_word("blocked", en) == "Blocked"
    assert feature_name("maps", ru) == "Карты"
    assert status_word(NetworkStatus.CAPTIVE_PORTAL, en) == "Wi-Fi asks you to log in"
    assert service_name("Yandex Maps", ru) == "Яндекс Карты"
    assert service_name("Yandex Maps", en) == "Yandex Maps"
    assert service_name("2GIS", ru) == "2ГИС"
    assert format_date(dt.date(2026, 2, 11), ru) == "11 февраля 2026 года"
    assert service_line(ServiceResult("2GIS", Verdict.BLOCKED), "maps", ru) == (
        "Сервис 2ГИС в этой сети блокируется."
    )
    assert service_line(ServiceResult("Signal", Verdict.UNKNOWN), "messages", en) == (
        "We couldn't tell whether messages in Signal work."
    )


def test_service_names_come_from_the_translations() -> None:
    from app.knowledge.names import service_name

    ru, en = translator("ru"), translator("en")
    assert service_name("Yandex Maps", ru) == "Яндекс Карты"
    assert service_name("yandex maps", ru) == "Яндекс Карты"  # catalogs vary in case
    assert service_name("Yandex", ru) == "Яндекс"  # the site, not the maps
    assert service_name("2GIS", ru) == "2ГИС" and service_name("2GIS", en) == "2GIS"
    assert service_name("Telegram", ru) == "Telegram"  # no own name: as the catalog writes it


# ------------------------------------------------ one service slowed down (issue 17 part 7)
def _run_with(tg_web):
    from app.analysis.diagnose import diagnose
    from tests.analysis.factory import CONNECTED, catalog, healthy

    return diagnose(healthy(tg_web=tg_web), catalog(), CONNECTED, date=dt.date(2026, 11, 23))


def _slow_tg_web():
    from tests.analysis.factory import ok

    return ok("tg-web", bytes_received=16384,
              timings_ms={"dns": 5, "tcp": 20, "tls": 30, "ttfb": 40, "body": 2000.0})


@pytest.mark.parametrize(("lang", "said", "not_said"), [
    ("ru", "Сообщения в Telegram в этой сети идут медленно", "с перебоями"),
    ("en", "Messages in Telegram are slowed down on this network", "with problems"),
])
def test_a_service_slowed_down_on_its_own_is_said_so(lang: str, said: str, not_said: str
                                                     ) -> None:
    d = _run_with(_slow_tg_web())
    e = explain_feature(d.feature("messages"), d, translator(lang))
    assert e.headline.startswith(said)
    assert not_said not in e.headline and not_said not in e.title
    line = e.service_lines[[s.service for s in d.feature("messages").services].index("Telegram")]
    assert line.startswith(said)


def test_a_service_with_a_failure_besides_slowness_keeps_the_plain_words() -> None:
    """Slow and partly reset: "slowed down" would hide the block."""
    from app.analysis.diagnose import diagnose
    from tests.analysis.factory import CONNECTED, catalog, fail, healthy

    obs = healthy(tg_web=_slow_tg_web(), tg_dc1=fail("tg-dc1", "connection_reset", "tcp"))
    d = diagnose(obs, catalog(), CONNECTED, date=dt.date(2026, 11, 23))
    e = explain_feature(d.feature("messages"), d, translator("ru"))
    assert "идут медленно" not in e.headline
    assert "с перебоями" in e.headline
