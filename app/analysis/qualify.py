"""What the evidence behind each cause actually shows: tags the words are chosen by. Pure.

A cause id says what kind of problem was found; it does not say how it showed itself in this
run. "This network's resolver is broken" may be silence (timeouts) or a quick "no such name";
a trusted resolver may have answered, failed, or not been asked; a certificate's issuer may be
known or not. ``qualify`` attaches to every cause the tags that are true of this run, and the
knowledge layer picks the sentence whose claims they support (app/knowledge/keys.py,
``CAUSE_VARIANTS``; docs/verdicts.md "Words follow the evidence").

Every tag is an *existence* statement — "some supporting check shows X" or a fact of the whole
run — so the tags of two causes with the same id can be merged by union and stay true. A
sentence that claims "only X" requires X and excludes the other tags.

Tags about the cause's supporting checks (``Cause.checks``; the failure tags count failed
checks that reached a conclusion). Some supporting check …

- ``timeout``: failed by silence (``generic_timeout_error``);
- ``nxdomain``, ``no_answer``, ``servfail``, ``bogon``: got "no such name", an empty answer,
  a server failure, a non-public address;
- ``reset`` (``connection_reset``, ``eof_error``), ``refused``, ``unreachable`` (host or
  network), ``handshake_failed`` (``ssl_failed_handshake``), ``stalled``, ``skipped``
  (stopped because nothing answered), ``invalid_answer`` (an answer that is not STUN or HTTP);
- ``unknown_authority``, ``wrong_name``, ``bad_certificate``: the certificate failures, and
  ``cert_failed`` for any of them; ``issuer_known``: a certificate issuer is recorded;
- ``at_tcp``, ``at_tls``, ``at_udp``: failed at that phase;
- ``mixed``: more than one distinct failure among them;
- ``control``: is a control site; ``test_call``: is a real test call;
- ``trusted_compared``: carries a trusted resolver's addresses for its name (non-empty
  ``trusted_addresses``); ``led_elsewhere``: failed at connect or handshake after the system
  resolver's answer differed from the trusted one (``differs_from_trusted``);
- ``near_16k``: froze after 12-24 KiB had arrived (the "16 KB freeze").

Tags about the whole run:

- ``trusted_answered``: a trusted DNS-over-HTTPS resolver answered (a ``doh`` check worked,
  or a check carries a non-empty ``trusted_addresses``); ``trusted_failed``: no trusted answer
  at all and some ``doh`` check failed; ``trusted_not_asked``: no trusted answer and no
  ``doh`` check failed;
- ``every_name``: there are control sites and each failed at its name lookup without any
  address (timeout, server failure, "no such name", empty answer);
- ``nothing_answered``: no check reached its destination;
- ``foreign_ok`` / ``domestic_ok``: an international / domestic control site was reached;
  ``controls_fast``: a control site's transfer finished and was not slow;
- ``udp_passes``: a plain UDP datagram came back (kind ``udp``);
- ``domestic_complete``: a domestic control site's check worked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from app.analysis.evidence import Outcome, evidence, reached
from app.analysis.model import Cause, Diagnosis
from app.core.failures import Failure
from app.core.model import DnsFlag, Kind, Observation, Phase, Role

_FAILURE_TAGS: dict[Failure, str] = {
    Failure.GENERIC_TIMEOUT: "timeout",
    Failure.DNS_NXDOMAIN: "nxdomain",
    Failure.DNS_NO_ANSWER: "no_answer",
    Failure.DNS_SERVER_FAILURE: "servfail",
    Failure.DNS_BOGON: "bogon",
    Failure.CONNECTION_RESET: "reset",
    Failure.EOF_ERROR: "reset",
    Failure.CONNECTION_REFUSED: "refused",
    Failure.HOST_UNREACHABLE: "unreachable",
    Failure.NETWORK_UNREACHABLE: "unreachable",
    Failure.SSL_FAILED_HANDSHAKE: "handshake_failed",
    Failure.SSL_UNKNOWN_AUTHORITY: "unknown_authority",
    Failure.SSL_INVALID_HOSTNAME: "wrong_name",
    Failure.SSL_INVALID_CERTIFICATE: "bad_certificate",
    Failure.STALLED: "stalled",
    Failure.SKIPPED_OFFLINE: "skipped",
    Failure.STUN_INVALID_RESPONSE: "invalid_answer",
    Failure.HTTP_INVALID_RESPONSE: "invalid_answer",
}
_CERT = frozenset({Failure.SSL_UNKNOWN_AUTHORITY, Failure.SSL_INVALID_HOSTNAME,
                   Failure.SSL_INVALID_CERTIFICATE})
_PHASE_TAGS = {Phase.TCP: "at_tcp", Phase.TLS: "at_tls", Phase.UDP: "at_udp"}
# A lookup that gave no address at all (a bogon is an address, a false one)
_NO_ADDRESS = frozenset({Failure.GENERIC_TIMEOUT, Failure.DNS_NXDOMAIN, Failure.DNS_NO_ANSWER,
                         Failure.DNS_SERVER_FAILURE})
# The "16 KB freeze": a transfer that stops after about 16-20 KB (docs/verdicts.md)
_FREEZE_FROM, _FREEZE_TO = 12 * 1024, 24 * 1024
_CONTROLS = frozenset({Role.CONTROL_DOMESTIC, Role.CONTROL_INTERNATIONAL})
_TEST_CALLS = frozenset({Kind.TURN_CALL, Kind.ECHO_CALL})


def run_tags(observations: Sequence[Observation]) -> frozenset[str]:
    """What the whole run shows, the same for every cause."""
    tags: set[str] = set()
    doh = [o for o in observations if o.kind == Kind.DOH]
    answered = any(o.ok for o in doh) or any(o.trusted_addresses for o in observations)
    asked_back = any(o.trusted_addresses is not None for o in observations)
    # Asked and not answered: a failure, or silence after connecting (which evidence()
    # calls "slow" for a transfer, but a resolver that never answers is no answer).
    doh_failed = any(not o.ok and evidence(o).outcome != Outcome.NO_EVIDENCE for o in doh)
    if answered:
        tags.add("trusted_answered")
    elif doh_failed and not asked_back:
        tags.add("trusted_failed")
    elif not asked_back:
        tags.add("trusted_not_asked")
    controls = [o for o in observations if o.role in _CONTROLS]
    if controls and all(not o.ok and o.phase == Phase.DNS and o.failure in _NO_ADDRESS
                        for o in controls):
        tags.add("every_name")
    if not any(reached(o) for o in observations):
        tags.add("nothing_answered")
    if any(reached(o) for o in controls if o.role == Role.CONTROL_INTERNATIONAL):
        tags.add("foreign_ok")
    if any(reached(o) for o in controls if o.role == Role.CONTROL_DOMESTIC):
        tags.add("domestic_ok")
    if any(o.ok and evidence(o).outcome == Outcome.OK for o in controls):
        tags.add("controls_fast")
    if any(o.ok for o in observations if o.kind == Kind.UDP_ECHO):
        tags.add("udp_passes")
    if any(o.ok for o in controls if o.role == Role.CONTROL_DOMESTIC):
        tags.add("domestic_complete")
    return frozenset(tags)


def check_tags(supporting: Iterable[Observation]) -> frozenset[str]:
    """What the cause's own supporting checks show."""
    tags: set[str] = set()
    failures: set[Failure] = set()
    for obs in supporting:
        if obs.role in _CONTROLS:
            tags.add("control")
        if obs.kind in _TEST_CALLS:
            tags.add("test_call")
        if obs.tls_issuer:
            tags.add("issuer_known")
        if obs.trusted_addresses:
            tags.add("trusted_compared")
        if obs.ok or obs.failure is None or evidence(obs).outcome == Outcome.NO_EVIDENCE:
            continue
        failures.add(obs.failure)
        tags |= _failure_tags(obs, obs.failure)
    if len(failures) > 1:
        tags.add("mixed")
    return frozenset(tags)


def _failure_tags(obs: Observation, failure: Failure) -> set[str]:
    """What one conclusive failure shows."""
    tags = {tag for tag in (_FAILURE_TAGS.get(failure), _PHASE_TAGS.get(obs.phase)) if tag}
    if failure in _CERT:
        tags.add("cert_failed")
    if obs.phase in (Phase.TCP, Phase.TLS) and DnsFlag.DIFFERS_FROM_TRUSTED in obs.dns_flags:
        tags.add("led_elsewhere")
    if failure == Failure.STALLED and _near_16k(obs):
        tags.add("near_16k")
    return tags


def _near_16k(obs: Observation) -> bool:
    arrived = obs.stalled_after_bytes if obs.stalled_after_bytes is not None \
        else obs.bytes_received
    return _FREEZE_FROM <= arrived <= _FREEZE_TO


def qualify(diagnosis: Diagnosis, observations: Sequence[Observation]) -> Diagnosis:
    """The same diagnosis, every cause carrying the tags that are true of this run."""
    by_id = {o.check_id: o for o in observations}
    common = run_tags(observations)

    def tagged(causes: tuple[Cause, ...]) -> tuple[Cause, ...]:
        return tuple(
            replace(c, evidence=common | check_tags(by_id[i] for i in c.checks if i in by_id))
            for c in causes)

    network = replace(diagnosis.network, causes=tagged(diagnosis.network.causes))
    features = tuple(
        replace(f, causes=tagged(f.causes),
                services=tuple(replace(s, causes=tagged(s.causes)) for s in f.services))
        for f in diagnosis.features)
    return replace(diagnosis, network=network, features=features)
