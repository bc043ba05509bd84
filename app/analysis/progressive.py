"""Verdicts as soon as their evidence is in, not at the end of the run.

A feature's verdict depends on its own checks, on the network's status (the control sites,
the captive-portal probe, the resolvers) and, for calls, on the service's message servers
(``SIGNALLING``). As soon as all of those have finished, the verdict is
computed from what has been seen so far and handed to the presenter; the run goes on for the
features still waiting (a calls check lasts seconds longer than a message server's handshake).

Pure and Qt-free: the CLI and the window's engine thread both feed it the engine's events.
The final diagnosis is still computed from every observation at the end; ``timing()`` tells,
for each verdict, when it was known — the early time when the early verdict held, the end of
the run when it did not (the lab tests check that it holds in every scenario).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.analysis.diagnose import diagnose
from app.analysis.evidence import reached
from app.analysis.model import Diagnosis, FeatureResult, NetworkDetail, NetworkResult, NetworkStatus
from app.analysis.network import analyze_network
from app.analysis.verdicts import SIGNALLING
from app.core.catalog import Catalog
from app.core.events import CheckFinished, Event, RunStarted
from app.core.model import USER_FEATURES, Feature, Observation, Role
from app.core.system import InterfaceSnapshot

NETWORK = Feature.NETWORK.value
_CONTROLS = (Role.CONTROL_DOMESTIC, Role.CONTROL_INTERNATIONAL)


def network_settled(network_observations: Sequence[Observation],
                    interfaces: InterfaceSnapshot | None) -> bool:
    """Can no later check change the network's status? True when the network's own checks
    decide it: a control site answered (so "nothing answered" can no longer happen), a login
    page was found, or there is no connection at all. Otherwise (no control answered) the
    status depends on whether *anything* answers, so verdicts wait for the end of the run."""
    if any(o.role in _CONTROLS and reached(o) for o in network_observations):
        return True
    result = analyze_network(network_observations, interfaces).result
    return result.status == NetworkStatus.CAPTIVE_PORTAL or (
        result.status == NetworkStatus.OFFLINE and result.detail == NetworkDetail.NO_INTERFACE)


@dataclass(frozen=True)
class Decided:
    """A verdict known before the end of the run. ``feature`` is "network" or a user feature;
    ``result`` is the feature's result (None for "network")."""

    feature: str
    at_s: float  # seconds since the run started
    network: NetworkResult
    result: FeatureResult | None


class Progressive:
    """Feed it the engine's events; it returns the verdicts each event makes known."""

    def __init__(self, catalog: Catalog, features: Sequence[str] | None = None,
                 date: dt.date | None = None) -> None:
        self.catalog = catalog
        self.date = date
        self.features = [f.value for f in USER_FEATURES if features is None or f.value in features]
        self._waiting: dict[str, set[str]] = {
            name: {c.id for c in catalog.checks if c.feature.value == name}
            for name in (NETWORK, *self.features)
        }
        # A feature set up through another one's servers (calls through messages) waits for
        # that feature's checks of its services too: they can bound its verdict.
        for name, path in SIGNALLING.items():
            if name in self.features and path in self.features:
                mine = set(catalog.services(name))
                self._waiting[name] |= {c.id for c in catalog.checks
                                        if c.feature.value == path and c.service in mine}
        self._observations: dict[str, Observation] = {}
        self._interfaces: InterfaceSnapshot | None = None
        self._t0: float | None = None
        self.decided: dict[str, Decided] = {}

    def on_event(self, event: Event) -> list[Decided]:
        if isinstance(event, RunStarted):
            self._interfaces = event.interfaces
            self._t0 = event.started_monotonic
            return self._ready()
        if isinstance(event, CheckFinished):
            self._observations[event.check.id] = event.observation
            for waiting in self._waiting.values():
                waiting.discard(event.check.id)
            return self._ready()
        return []

    def _ready(self) -> list[Decided]:
        if self._t0 is None or self._waiting[NETWORK]:
            return []
        everything_in = not any(self._waiting.values())
        network = [o for o in self._observations.values() if o.feature == NETWORK]
        if not everything_in and not network_settled(network, self._interfaces):
            return []
        new = [name for name in (NETWORK, *self.features)
               if name not in self.decided and not self._waiting[name]]
        if not new:
            return []
        at_s = round(time.monotonic() - self._t0, 2)
        wanted = [name for name in new if name != NETWORK]
        diagnosis = diagnose(tuple(self._observations.values()), self.catalog, self._interfaces,
                             features=wanted, date=self.date)
        by_name = {f.feature: f for f in diagnosis.features}
        found = []
        for name in new:
            decided = Decided(name, at_s, diagnosis.network, by_name.get(name))
            self.decided[name] = decided
            found.append(decided)
        return found

    def timing(self, final: Diagnosis, duration_s: float, *, sequential: bool = False,
               stopped_early: str | None = None) -> dict[str, Any]:
        """When each verdict of ``final`` was known (the JSON report's ``timing``, schema 2)."""
        def known_at(name: str, same: bool) -> float:
            decided = self.decided.get(name)
            return decided.at_s if decided is not None and same else duration_s

        net = self.decided.get(NETWORK)
        same_net = net is not None and net.network.status == final.network.status
        network_s = known_at(NETWORK, same_net)
        features: dict[str, float] = {}
        for result in final.features:
            early = self.decided.get(result.feature)
            same = (early is not None and early.result is not None
                    and early.result.verdict == result.verdict)
            features[result.feature] = known_at(result.feature, same)
        values = list(features.values())
        return {
            "mode": "sequential" if sequential else "concurrent",
            "network_s": network_s,
            "features": features,
            "first_verdict_s": min(values) if values else None,
            "all_verdicts_s": max(values) if values else None,
            "stopped_early": stopped_early,
        }
