"""The network's status, decided first: no analysis of services makes sense without it.

Rules (docs/verdicts.md, "Network status"):
1. No interface with an address is up                        -> offline (no_interface)
   An interface went down/up or changed address during the run -> unknown (network_changed)
2. The captive-portal probe got a redirect or a wrong answer  -> captive_portal
3. Nothing at all answered                                    -> offline (nothing_answers)
4. Some domestic control answers, no international one does   -> whitelist_only
5. Some international control answers                         -> online
   (also when the line is slow and the international ones only stayed silent: rule 4 needs
   more than silence on a slow line)
6. Anything else (e.g. only the controls of one side exist)   -> unknown
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.analysis import thresholds
from app.analysis.evidence import Outcome, evidence, reached, throughput_kbits
from app.analysis.model import Cause, CauseId, NetworkDetail, NetworkResult, NetworkStatus
from app.core import failures
from app.core.model import Observation, Role
from app.core.system import InterfaceSnapshot


@dataclass(frozen=True)
class NetworkFacts:
    """What the rest of the analysis needs to know about the network beyond its status."""

    result: NetworkResult
    slow: bool  # most transfers were slow: silence is weak evidence of a block
    control_kbits: float | None  # median control throughput, when measurable


def _ids(observations: Sequence[Observation]) -> tuple[str, ...]:
    return tuple(o.check_id for o in observations)


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def analyze_network(
    observations: Sequence[Observation], interfaces: InterfaceSnapshot | None
) -> NetworkFacts:
    by_role: dict[str, list[Observation]] = {}
    for obs in observations:
        by_role.setdefault(obs.role, []).append(obs)
    domestic = by_role.get(Role.CONTROL_DOMESTIC.value, [])
    international = by_role.get(Role.CONTROL_INTERNATIONAL.value, [])
    captive = by_role.get(Role.CAPTIVE_PORTAL.value, [])
    controls = domestic + international

    extra: list[Cause] = []
    vpn = interfaces.vpn_names if interfaces else ()
    if vpn:
        extra.append(Cause(CauseId.VPN_ACTIVE))
    if interfaces is not None and interfaces.proxy.configured:
        # The checks ignore proxies (raw sockets); apps that use this one take another path.
        extra.append(Cause(CauseId.SYSTEM_PROXY))
    # A certificate from an unknown authority on a trusted resolver or a control site:
    # something on this network intercepts secure connections (or a login page does).
    trusted_roles = (Role.RESOLVER.value, Role.CONTROL_DOMESTIC.value,
                     Role.CONTROL_INTERNATIONAL.value)
    intercepted = [o for o in observations if o.role in trusted_roles
                   and evidence(o).cause == CauseId.TLS_INTERCEPTION]
    if intercepted:
        extra.append(Cause(CauseId.TLS_INTERCEPTION, _ids(intercepted)))
    proxied = [o for o in observations if "fake_ip_proxy" in o.dns_flags]
    if proxied:
        extra.append(Cause(CauseId.LOCAL_PROXY, _ids(proxied)))

    # Transfers we can judge for speed: finished big ones, and ones still trickling at the end.
    # Only the control sites speak for the network as a whole: a service slowed on purpose must
    # not make the whole line "slow" (that would excuse its own block), and a feature's verdict
    # must not depend on another feature's checks (verdicts are shown as soon as they are known:
    # app/analysis/progressive.py).
    judged = [o for o in controls if (o.ok and throughput_kbits(o) is not None)
              or (reached(o) and not o.ok and o.failure != "stalled")]
    slow_ones = [o for o in judged if evidence(o).outcome == Outcome.SLOW]
    slow = bool(judged) and len(slow_ones) / len(judged) >= thresholds.NETWORK_SLOW_SHARE
    control_rates = [r for o in controls if o.ok and (r := throughput_kbits(o)) is not None]
    control_kbits = _median(control_rates)

    def done(status: NetworkStatus, causes: list[Cause],
             detail: NetworkDetail = NetworkDetail.NONE) -> NetworkFacts:
        if slow and status in (NetworkStatus.ONLINE, NetworkStatus.WHITELIST_ONLY):
            causes = [*causes, Cause(CauseId.THROTTLED, _ids(slow_ones))]
        return NetworkFacts(NetworkResult(status, tuple(causes + extra), detail), slow,
                            control_kbits)

    if interfaces is not None and interfaces.error is None and not interfaces.connected:
        return done(NetworkStatus.OFFLINE, [Cause(CauseId.OFFLINE)], NetworkDetail.NO_INTERFACE)

    if interfaces is not None and interfaces.changed_during_run:
        # Half the checks saw one network, half another (or none): no honest verdict exists.
        dropped = [o for o in observations if o.failure in failures.LOCAL_NETWORK_FAILURES]
        return done(NetworkStatus.UNKNOWN, [Cause(CauseId.NETWORK_CHANGED, _ids(dropped))])

    portal = [o for o in captive if evidence(o).cause == CauseId.CAPTIVE_PORTAL]
    if portal:
        return done(NetworkStatus.CAPTIVE_PORTAL, [Cause(CauseId.CAPTIVE_PORTAL, _ids(portal))])

    anything_ok = [o for o in observations if reached(o)]
    measured = [o for o in observations if evidence(o).outcome != Outcome.NO_EVIDENCE]
    if not anything_ok:
        if not measured:  # cancelled or broken before anything was measured
            return done(NetworkStatus.UNKNOWN, [])
        return done(NetworkStatus.OFFLINE, [Cause(CauseId.OFFLINE, _ids(controls))],
                    NetworkDetail.NOTHING_ANSWERS)

    dom_ok = [o for o in domestic if reached(o)]
    # International sites that answered count even when the transfer then froze or crawled:
    # that is a freeze or a slow line, not an allow-list.
    int_ok = [o for o in international if reached(o)]
    int_measured = [o for o in international if evidence(o).outcome != Outcome.NO_EVIDENCE]
    frozen = [o for o in controls if o.failure == "stalled" and o.bytes_received > 0]
    if int_ok:
        found = [Cause(CauseId.TRANSFER_FREEZE, _ids(frozen))] if frozen else []
        return done(NetworkStatus.ONLINE, found)
    if dom_ok and int_measured:
        failed = [o for o in int_measured if not o.ok]
        if slow and all(evidence(o).timeout for o in failed):
            # On a line this slow, silence from abroad is not evidence of an allow-list:
            # the handshakes may simply not have got through the queue in time.
            return done(NetworkStatus.ONLINE, [])
        return done(NetworkStatus.WHITELIST_ONLY,
                    [Cause(CauseId.WHITELIST_ONLY, _ids(dom_ok) + _ids(failed))])
    if not controls:
        # A catalog without controls (e.g. --catalog with one service): we cannot tell
        # "no internet" from "blocked", but something answered, so the network is up.
        return done(NetworkStatus.ONLINE, [])
    if all(o.phase == "dns" and not o.ok for o in controls):
        # Names do not resolve, yet something answered by address: the provider's resolver
        # is broken or blocking everything. Honest answer: we cannot tell more.
        return done(NetworkStatus.UNKNOWN, [Cause(CauseId.DNS_FAILURE, _ids(controls))])
    return done(NetworkStatus.UNKNOWN, [])
