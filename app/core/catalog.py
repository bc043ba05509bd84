"""The catalog as the rest of the app sees it: what to check, with the dated restriction notes.

Types only; ``app/catalog/loader.py`` builds them from TOML.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.core.model import Check, Feature, Kind, Role

SCHEMA = 1


@dataclass(frozen=True)
class Restriction:
    """A dated, sourced note of a restriction announced in a country. Never a verdict."""

    id: str
    country: str
    announced: dt.date
    feature: Feature
    services: tuple[str, ...]
    source: str
    summary: str = ""
    # Cause ids (app/analysis/model.CauseId) the announcement is about, e.g. ("throttled",)
    # for a slowdown: the note then stands only beside a measured problem with one of them.
    # Empty: beside any measured block or problem of the service.
    causes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    path: Path
    name: str
    version: str
    country: str
    checks: tuple[Check, ...]
    extra_ca: Path | None = None
    ordinary_ranges: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    timeout_s: float = 8.0
    deadline_s: float = 45.0
    concurrency: int = 24
    restrictions: tuple[Restriction, ...] = field(default=())
    schema: int = SCHEMA
    update_urls: tuple[str, ...] = ()  # HTTPS mirrors of the signed catalog (docs/catalog.md)

    def by_id(self, check_id: str) -> Check:
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(check_id)

    def services(self, feature: Feature | str) -> list[str]:
        """Services of a feature, in catalog order, without duplicates or reference entries."""
        seen: list[str] = []
        for check in self.checks:
            mine = check.feature == feature and check.role == Role.SERVICE
            if mine and check.service not in seen:
                seen.append(check.service)
        return seen

    def resolvers(self) -> list[Check]:
        return [c for c in self.checks if c.kind == Kind.DOH]

    def only(self, features: set[str]) -> Catalog:
        """A copy keeping the given user features plus everything the network needs."""
        keep = tuple(
            c for c in self.checks if c.feature == Feature.NETWORK or c.feature in features
        )
        return replace(self, checks=keep)

    def hosts(self) -> list[str]:
        """Every host name and address this catalog will contact, for the privacy notice."""
        seen: list[str] = []
        for check in self.checks:
            if check.host and check.host not in seen:
                seen.append(check.host)
        return seen
