"""Choosing a cause's sentence from its evidence tags (keys.CAUSE_VARIANTS)."""

from __future__ import annotations

import pytest

from app.analysis.model import (
    Cause,
    CauseId,
    Diagnosis,
    FeatureResult,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.i18n import SUPPORTED, translator
from app.knowledge import explain_cause, explain_feature, keys


def test_no_evidence_gives_the_neutral_sentence():
    for (cid, part) in keys.CAUSE_VARIANTS:
        assert keys.cause_variant(cid, part, ()) is None
        assert keys.cause_text_for(cid, part, ()) == keys.cause_text(cid, part)


def test_the_most_specific_variant_that_holds_wins():
    choose = keys.cause_variant
    headline = (CauseId.DNS_FAILURE, "headline")
    assert choose(*headline, {"every_name", "timeout"}).name == "every_name_timeout"
    assert choose(*headline, {"every_name", "nxdomain"}).name == "every_name_nxdomain"
    # silence and "no such name" both seen: neither "only" sentence is true
    assert choose(*headline, {"every_name", "timeout", "nxdomain"}).name == "every_name"
    assert choose(*headline, {"timeout"}).name == "timeout"
    assert choose(*headline, {"trusted_answered"}) is None
    details = (CauseId.TLS_INTERCEPTION, "details")
    assert choose(*details, {"cert_failed", "issuer_known"}).name == "issuer_known"
    assert choose(*details, {"cert_failed"}).name == "no_issuer"
    assert choose(*details, {"cert_failed", "unknown_authority"}).name == "unknown_authority"


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_variant_says_something_else_than_the_neutral_sentence(lang):
    tr = translator(lang)
    for (cid, part), variants in keys.CAUSE_VARIANTS.items():
        neutral = tr.gettext(keys.cause_text(cid, part))
        names = [v.name for v in variants]
        assert len(set(names)) == len(names), (cid, part)
        for variant in variants:
            text = tr.gettext(keys.cause_text(cid, part, variant.name))
            assert text and text != neutral, (cid, part, variant.name)


def test_explain_cause_follows_the_evidence_of_a_cause_and_is_neutral_for_an_id():
    tr = translator("ru")
    bare = explain_cause(CauseId.DNS_FAILURE, tr)
    assert bare.headline == tr.gettext("cause.dns_failure.headline")
    told = explain_cause(Cause(CauseId.DNS_FAILURE, ("ctl",), (),
                               frozenset({"every_name", "timeout"})), tr)
    assert told.headline == tr.gettext("cause.dns_failure.every_name_timeout.headline")


def test_causes_merged_for_a_card_keep_the_evidence_of_both():
    """Two services' causes of one id: the card says what either shows, never an "only"."""
    tr = translator("en")
    wa = ServiceResult("WhatsApp", Verdict.UNKNOWN, (
        Cause(CauseId.DNS_FAILURE, ("wa",), ("WhatsApp",), frozenset({"timeout"})),))
    tg = ServiceResult("Telegram", Verdict.UNKNOWN, (
        Cause(CauseId.DNS_FAILURE, ("tg",), ("Telegram",), frozenset({"nxdomain"})),))
    feature = FeatureResult("messages", Verdict.UNKNOWN, services=(wa, tg))
    d = Diagnosis(NetworkResult(NetworkStatus.ONLINE), (feature,))
    body = explain_feature(feature, d, tr).body
    assert tr.gettext("cause.dns_failure.headline") in body
    assert tr.gettext("cause.dns_failure.timeout.headline") not in body
    assert tr.gettext("cause.dns_failure.nxdomain.headline") not in body
