"""Rules that keep verdicts right when DNS breaks, when a name leads to the wrong server, when
a service's message servers are gone, and when a server answers nonsense (docs/verdicts.md).

Each class has several forms — which services, which failure, which direction — so the rule
holds beyond one example. Same table and tests as test_scenarios.py.
"""

from __future__ import annotations

import pytest

from tests.lab import profiles as p
from tests.lab.harness import Outcome, Scenario, observation_problems, verdict_problems
from tests.lab.labcatalog import BLOCKPAGE_IP

pytestmark = pytest.mark.lab

TIMEOUT = "generic_timeout_error"
NOT_A_BLOCK = "unknown"  # an outage: neither "works" nor "blocked"

# 1. The provider's resolver fails for every name; traffic by address flows.
BROKEN_DNS = {"network": "online", "network.causes": "dns_failure",
              "messages": NOT_A_BLOCK, "maps": NOT_A_BLOCK, "calls": NOT_A_BLOCK,
              "calls/WhatsApp": NOT_A_BLOCK, "calls/Telegram": NOT_A_BLOCK,
              "messages/Telegram": NOT_A_BLOCK, "no_causes": "dns_tampering"}

SCENARIOS = [
    Scenario(
        "dns_broken_servfail", lambda plan: p.broken_resolver("servfail"),
        expect=BROKEN_DNS,
        observe={"role=control_international": "dns_server_failure", "kind=doh": "ok",
                 "id=tg-dc2-443": "ok"},
    ),
    Scenario(
        "dns_broken_silent", lambda plan: p.broken_resolver("silent"),
        expect=BROKEN_DNS,
        observe={"role=control_domestic": TIMEOUT, "kind=doh": "ok"},
    ),
    Scenario(
        "dns_broken_garbage", lambda plan: p.broken_resolver("dns-malformed"),
        expect=BROKEN_DNS,
        observe={"role=control_domestic": TIMEOUT + "|dns_server_failure", "kind=doh": "ok"},
    ),
    Scenario(
        "dns_broken_and_stun_dropped",
        lambda plan: p.broken_resolver("servfail") + p.drop_stun(),
        expect={**BROKEN_DNS, "calls/Signal": NOT_A_BLOCK},
        observe={"role=control_international": "dns_server_failure", "kind=doh": "ok",
                 "id=wa-call-relay-157-240-203-62": TIMEOUT},
    ),
    # 2. Calls are set up through the service's message servers.
    Scenario(
        "whatsapp_signalling_reset_calls_blocked", lambda plan: p.sni_reset("whatsapp"),
        expect={"messages/WhatsApp": "blocked", "calls/WhatsApp": "blocked",
                "calls/Telegram": "works", "calls": "degraded"},
        observe={"id=wa-web-https": "connection_reset",
                 "id=wa-call-relay-157-240-203-62": "ok"},
    ),
    Scenario(
        "whatsapp_removed_from_dns_calls_blocked",
        lambda plan: p.dns_lie("nxdomain", "whatsapp.com", "whatsapp.net"),
        expect={"messages/WhatsApp": "blocked", "calls/WhatsApp": "blocked",
                "causes": "dns_tampering", "messages/Telegram": "works"},
        observe={"id=wa-web-https": "dns_nxdomain_error",
                 "id=wa-call-relay-185-60-216-51": "ok"},
    ),
    Scenario(
        "signal_chat_dropped_calls_blocked",
        lambda plan: p.sni_drop("chat.signal.org", "storage.signal.org", "cdsi.signal.org"),
        expect={"messages/Signal": "blocked", "calls/Signal": "blocked",
                "calls/WhatsApp": "works"},
        observe={"id=signal-chat-https": TIMEOUT, "id=signal-call-sfu-https": "ok"},
    ),
    # 3. A name that leads to the wrong (public) server is DNS tampering, not interception.
    Scenario(
        "whatsapp_sent_to_block_page_wrong_name",
        lambda plan: p.dns_lie("blockpage", "whatsapp.com", "whatsapp.net"),
        expect={"messages/WhatsApp": "blocked", "messages.causes": "dns_tampering",
                "no_causes": "tls_interception", "messages/Telegram": "works"},
        observe={"id=wa-web-https": "ssl_invalid_hostname",
                 "id=wa-register-https": "ssl_invalid_hostname"},
    ),
    Scenario(
        "telegram_sent_to_untrusted_block_page",
        lambda plan: (p.dns_lie("blockpage", "web.telegram.org", "api.telegram.org")
                      + p.intercept(BLOCKPAGE_IP)),
        expect={"messages/Telegram": "blocked|degraded", "messages.causes": "dns_tampering",
                "no_causes": "tls_interception", "messages/WhatsApp": "works"},
        observe={"id=tg-web-https": "ssl_unknown_authority",
                 "id=tg-api-tls": "ssl_unknown_authority"},
    ),
    Scenario(
        "google_maps_sent_to_black_hole",
        lambda plan: (p.dns_lie("blockpage", *plan.hosts_of("Google Maps"))
                      + p.drop_ips(BLOCKPAGE_IP)),
        expect={"maps/Google Maps": "blocked", "maps.causes": "dns_tampering",
                "maps/Yandex Maps": "works"},
        observe={"id=maps-google-tile": TIMEOUT, "id=maps-yandex-tile": "ok"},
    ),
    Scenario(
        "signal_sent_to_resetting_server",
        lambda plan: (p.dns_lie("blockpage", "chat.signal.org", "storage.signal.org",
                                "cdsi.signal.org")
                      + p.reject_ips(BLOCKPAGE_IP)),
        expect={"messages/Signal": "blocked", "messages.causes": "dns_tampering",
                "no_causes": "tls_interception", "messages/WhatsApp": "works"},
        observe={"id=signal-chat-https": "connection_refused"},
    ),
    # 4. An answer that is not what the service sends is not "works".
    Scenario(
        "google_tiles_answer_a_web_page",
        lambda plan: p.wrong_content("html", *plan.ips_of("Google Maps")),
        expect={"maps/Google Maps": "!works", "maps.causes": "unexpected_content",
                "maps/Yandex Maps": "works", "no_causes": "tls_interception"},
        observe={"id=maps-google-tile": "unexpected_content", "id=maps-yandex-tile": "ok"},
    ),
    Scenario(
        "tiles_answer_endless_random_bytes",
        lambda plan: p.wrong_content("garbage", *plan.ips_of("OpenStreetMap", "2GIS")),
        expect={"maps/OpenStreetMap": "!works", "maps/2GIS": "!works",
                "maps.causes": "unexpected_content", "maps/Google Maps": "works"},
        observe={"id=maps-osm-tile": "unexpected_content",
                 "id=maps-2gis-tile": "unexpected_content"},
    ),
    Scenario(
        "yandex_tile_is_three_bytes_and_osmand_sends_a_tile",
        lambda plan: (p.wrong_content("tiny", *plan.ips_of("Yandex Maps"))
                      + p.wrong_content("tiny", *plan.ips_of("OsmAnd"))),
        expect={"maps/Yandex Maps": "!works", "maps/OsmAnd": "!works",
                "maps.causes": "unexpected_content", "maps": "degraded"},
        observe={"id=maps-yandex-tile": "unexpected_content",
                 "id=maps-osmand-download": "unexpected_content"},
    ),
]
BY_NAME = {s.name: s for s in SCENARIOS}


def _outcome(lab_outcomes: dict[str, Outcome], name: str) -> Outcome:
    outcome = lab_outcomes[name]
    assert outcome.report is not None, outcome.summary()
    assert outcome.returncode == 0, outcome.summary()
    return outcome


@pytest.mark.parametrize("name", list(BY_NAME))
def test_checks_see_the_rule(lab_outcomes: dict[str, Outcome], name: str) -> None:
    outcome = _outcome(lab_outcomes, name)
    assert outcome.report is not None
    problems = observation_problems(outcome.report, BY_NAME[name].observe)
    assert not problems, "\n".join(problems) + "\n" + outcome.summary()


@pytest.mark.parametrize("name", list(BY_NAME))
def test_user_is_told(lab_outcomes: dict[str, Outcome], name: str) -> None:
    outcome = _outcome(lab_outcomes, name)
    assert outcome.report is not None
    problems = verdict_problems(outcome.report, BY_NAME[name].expect)
    assert not problems, "\n".join(problems) + "\n" + outcome.summary()
