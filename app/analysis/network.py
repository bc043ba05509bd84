"""The network's status, decided first: no analysis of services makes sense without it.

Rules (docs/verdicts.md, "Network status"):
1. No interface with an address is up                        -> offline (no_interface)
   An interface went down/up or changed address during the run -> unknown (network_changed)
2. The captive-portal probe got a redirect or a wrong answer  -> captive_portal
3. Nothing at all answered                                    -> offline (nothing_answers)
4. Some domestic control answers, no international one does   -> whitelist_only
5. Some international control answers                         -> online
   (also when the line is slow and the international ones only stayed silent: rule 4 needs
   more than silence on a slow line; at least half of the domestic sites that connected
   falling silent too makes the line slow)
6. Every control fails at name lookup, a trusted resolver answers by address
                                                              -> online (dns_failure)
   the same without a trusted answer                          -> unknown (dns_failure)
7. Anything else (e.g. only the controls of one side exist)   -> unknown
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.analysis import thresholds
from app.analysis.evidence import Outcome, evidence, reached, throughput_kbits
from app.analysis.model import Cause, CauseId, NetworkDetail, NetworkResult, NetworkStatus
from app.analysis.speed import Yardstick, yardstick
from app.core import failures
from app.core.failures import Failure
from app.core.model import DnsFlag, Observation, Phase, Role
from app.core.system import InterfaceSnapshot

# What a resolver that fails for every name gives: no answer, a failure, "no such name", an
# empty answer. Not a bogon: a fake address is a lie, not a breakdown.
BROKEN_RESOLVER_FAILURES = frozenset({Failure.DNS_SERVER_FAILURE, Failure.GENERIC_TIMEOUT,
                                      Failure.DNS_NXDOMAIN, Failure.DNS_NO_ANSWER})


@dataclass(frozen=True)
class NetworkFacts:
    """What the rest of the analysis needs to know about the network beyond its status."""

    result: NetworkResult
    slow: bool  # most transfers were slow: silence is weak evidence of a block
    # The control sites' speed, the yardstick for one service slowed down (speed.py)
    yardstick: Yardstick
    # The system resolver fails for every control site while a trusted resolver (by IP)
    # answers: a broken resolver, not censorship (docs/verdicts.md, rule 6).
    dns_broken: bool = False


def _ids(observations: Sequence[Observation]) -> tuple[str, ...]:
    return tuple(o.check_id for o in observations)


class _Status(NamedTuple):
    status: NetworkStatus
    causes: list[Cause]
    detail: NetworkDetail = NetworkDetail.NONE


def analyze_network(
    observations: Sequence[Observation], interfaces: InterfaceSnapshot | None
) -> NetworkFacts:
    domestic = [o for o in observations if o.role == Role.CONTROL_DOMESTIC]
    international = [o for o in observations if o.role == Role.CONTROL_INTERNATIONAL]
    captive = [o for o in observations if o.role == Role.CAPTIVE_PORTAL]
    controls = domestic + international
    slow, slow_ones = _speed(controls)
    resolvers = [o for o in observations if o.role == Role.RESOLVER]
    found = (_local_status(observations, interfaces, captive, controls)
             or _reach_status(domestic, international, slow, resolvers))
    causes = found.causes
    if slow and found.status in (NetworkStatus.ONLINE, NetworkStatus.WHITELIST_ONLY):
        causes = [*causes, Cause(CauseId.THROTTLED, _ids(slow_ones))]
    causes += _side_causes(observations, interfaces)
    dns_broken = found.status == NetworkStatus.ONLINE and any(
        c.id == CauseId.DNS_FAILURE for c in found.causes)
    return NetworkFacts(NetworkResult(found.status, tuple(causes), found.detail), slow,
                        yardstick(controls), dns_broken)


def _side_causes(observations: Sequence[Observation], interfaces: InterfaceSnapshot | None
                 ) -> list[Cause]:
    """What else shapes this network's results, whatever its status: a VPN, a proxy,
    interception of secure connections, a local proxy answering DNS."""
    found: list[Cause] = []
    if interfaces is not None and interfaces.vpn_names:
        found.append(Cause(CauseId.VPN_ACTIVE))
    if interfaces is not None and interfaces.proxy.configured:
        # The checks ignore proxies (raw sockets); apps that use this one take another path.
        found.append(Cause(CauseId.SYSTEM_PROXY))
    # A certificate from an unknown authority on a trusted resolver or a control site:
    # something on this network intercepts secure connections (or a login page does).
    intercepted = [o for o in observations if o.role in _TRUSTED_ROLES
                   and evidence(o).cause == CauseId.TLS_INTERCEPTION]
    if intercepted:
        found.append(Cause(CauseId.TLS_INTERCEPTION, _ids(intercepted)))
    proxied = [o for o in observations if DnsFlag.FAKE_IP_PROXY in o.dns_flags]
    if proxied:
        found.append(Cause(CauseId.LOCAL_PROXY, _ids(proxied)))
    return found


_TRUSTED_ROLES = frozenset({Role.RESOLVER, Role.CONTROL_DOMESTIC, Role.CONTROL_INTERNATIONAL})


def _speed(controls: Sequence[Observation]) -> tuple[bool, list[Observation]]:
    """(the line is slow, the slow transfers).

    Transfers we can judge for speed: finished big ones, and ones still trickling at the end.
    Only the control sites speak for the network as a whole: a service slowed on purpose must
    not make the whole line "slow" (that would excuse its own block), and a feature's verdict
    must not depend on another feature's checks (verdicts are shown as soon as they are known:
    app/analysis/progressive.py).
    """
    judged = [o for o in controls if (o.ok and throughput_kbits(o) is not None)
              or (reached(o) and not o.ok and o.failure != Failure.STALLED)]
    slow_ones = [o for o in judged if evidence(o).outcome == Outcome.SLOW]
    slow = bool(judged) and len(slow_ones) / len(judged) >= thresholds.NETWORK_SLOW_SHARE
    queued = _silent_after_connecting([o for o in controls if o.role == Role.CONTROL_DOMESTIC])
    if queued:
        slow, slow_ones = True, [*slow_ones, *(o for o in queued if o not in slow_ones)]
    return slow, slow_ones


def _silent_after_connecting(domestic: Sequence[Observation]) -> list[Observation]:
    """Domestic control sites that connected and then fell silent (in the handshake or the
    answer), when they are at least half of those that connected.

    An allow-list lets the domestic sites through untouched, so their silence after the
    connection is a line too full (or too slow) to carry the handshakes in time: the same
    silence from abroad is then no evidence of an allow-list (CI saw a 256 kbit/s line where
    one domestic site finished a short read and every other control timed out at TLS).
    """
    connected = [o for o in domestic if o.ok or (
        o.phase in (Phase.TLS, Phase.HTTP) and o.failure == Failure.GENERIC_TIMEOUT)]
    silent = [o for o in connected if not o.ok]
    return silent if silent and 2 * len(silent) >= len(connected) else []


def _local_status(observations: Sequence[Observation], interfaces: InterfaceSnapshot | None,
                  captive: Sequence[Observation], controls: Sequence[Observation]
                  ) -> _Status | None:
    """Rules 1-3: no connection, a connection that changed, a login page, nothing answers."""
    if interfaces is not None and interfaces.error is None and not interfaces.connected:
        return _Status(NetworkStatus.OFFLINE, [Cause(CauseId.OFFLINE)], NetworkDetail.NO_INTERFACE)
    if interfaces is not None and interfaces.changed_during_run:
        # Half the checks saw one network, half another (or none): no honest verdict exists.
        dropped = [o for o in observations if o.failure in failures.LOCAL_NETWORK_FAILURES]
        return _Status(NetworkStatus.UNKNOWN, [Cause(CauseId.NETWORK_CHANGED, _ids(dropped))])
    portal = [o for o in captive if evidence(o).cause == CauseId.CAPTIVE_PORTAL]
    if portal:
        return _Status(NetworkStatus.CAPTIVE_PORTAL, [Cause(CauseId.CAPTIVE_PORTAL, _ids(portal))])
    if any(reached(o) for o in observations):
        return None
    if all(evidence(o).outcome == Outcome.NO_EVIDENCE for o in observations):
        return _Status(NetworkStatus.UNKNOWN, [])  # cancelled or broken before any measurement
    return _Status(NetworkStatus.OFFLINE, [Cause(CauseId.OFFLINE, _ids(controls))],
                   NetworkDetail.NOTHING_ANSWERS)


def _reach_status(domestic: Sequence[Observation], international: Sequence[Observation],
                  slow: bool, resolvers: Sequence[Observation] = ()) -> _Status:
    """Rules 4-6, once something answered: which control sites did."""
    controls = [*domestic, *international]
    dom_ok = [o for o in domestic if reached(o)]
    # International sites that answered count even when the transfer then froze or crawled:
    # that is a freeze or a slow line, not an allow-list.
    if any(reached(o) for o in international):
        frozen = [o for o in controls if o.failure == Failure.STALLED and o.bytes_received > 0]
        return _Status(NetworkStatus.ONLINE,
                       [Cause(CauseId.TRANSFER_FREEZE, _ids(frozen))] if frozen else [])
    int_measured = [o for o in international if evidence(o).outcome != Outcome.NO_EVIDENCE]
    if dom_ok and int_measured:
        failed = [o for o in int_measured if not o.ok]
        if slow and all(evidence(o).timeout for o in failed):
            # On a line this slow, silence from abroad is not evidence of an allow-list:
            # the handshakes may simply not have got through the queue in time.
            return _Status(NetworkStatus.ONLINE, [])
        return _Status(NetworkStatus.WHITELIST_ONLY,
                       [Cause(CauseId.WHITELIST_ONLY, _ids(dom_ok) + _ids(failed))])
    if not controls:
        # A catalog without controls (e.g. --catalog with one service): we cannot tell
        # "no internet" from "blocked", but something answered, so the network is up.
        return _Status(NetworkStatus.ONLINE, [])
    if all(o.phase == Phase.DNS and not o.ok for o in controls):
        # Names do not resolve, yet something answered by address: the provider's resolver
        # is broken or blocking everything.
        failed_lookup = [o for o in controls if o.failure in BROKEN_RESOLVER_FAILURES]
        trusted_works = any(o.ok for o in resolvers) or any(o.trusted_addresses
                                                             for o in controls)
        if trusted_works and failed_lookup and len(failed_lookup) == len(controls):
            # A trusted resolver, asked by address, answers (and knows the names the
            # system resolver cannot find): the internet works, this network's address
            # lookup does not. An outage, not censorship: nothing is "blocked" by it.
            return _Status(NetworkStatus.ONLINE,
                           [Cause(CauseId.DNS_FAILURE, _ids(controls))])
        # Without a trusted answer we cannot tell more.
        return _Status(NetworkStatus.UNKNOWN, [Cause(CauseId.DNS_FAILURE, _ids(controls))])
    return _Status(NetworkStatus.UNKNOWN, [])
