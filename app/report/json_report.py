"""The JSON document of ``conncheck check --json``: a public contract (docs/report-json.md).

Privacy: addresses that identify the user — this computer's own addresses and the public
address a STUN server saw — are left out unless ``include_identifiers`` is set. The addresses
of the services' servers are kept: they are public and they are the evidence of DNS tampering.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app import __version__
from app.analysis.model import Cause, Diagnosis
from app.core.catalog import Restriction
from app.core.run import RunResult
from app.i18n import Translator
from app.knowledge.explain import explain_feature, explain_network

SCHEMA = 3  # 3: "code" is a version-2 (digit) code; 2: adds "timing", "proxy_configured"
# Keys inside an observation's ``extra`` that identify the user.
_IDENTIFYING_EXTRA = {"mapped_address", "local_address", "mapped_addresses", "local_addresses"}


def _causes(causes: tuple[Cause, ...]) -> list[dict[str, Any]]:
    out = []
    for cause in causes:
        item: dict[str, Any] = {"id": cause.id.value, "checks": list(cause.checks)}
        if cause.services:
            item["services"] = list(cause.services)
        out.append(item)
    return out


def default_timing(run: RunResult, diagnosis: Diagnosis) -> dict[str, Any]:
    """``timing`` when no one watched the verdicts arrive: every verdict known at the end."""
    features = {f.feature: run.duration_s for f in diagnosis.features}
    return {
        "mode": "sequential" if run.sequential else "concurrent",
        "network_s": run.duration_s,
        "features": features,
        "first_verdict_s": run.duration_s if features else None,
        "all_verdicts_s": run.duration_s if features else None,
        "stopped_early": run.stopped_early,
    }


def build_document(run: RunResult, diagnosis: Diagnosis, tr: Translator, *,
                   code: str | None = None, restrictions: Sequence[Restriction] = (),
                   include_identifiers: bool = False,
                   timing: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``timing``: when each verdict was known (app.analysis.progressive.Progressive.timing);
    without it, every verdict counts as known at the end of the run."""
    net_text = explain_network(diagnosis.network, tr)
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "app_version": __version__,
        "started_at": run.started_at.isoformat(timespec="seconds"),
        "duration_s": run.duration_s,
        "lang": tr.lang,
        "catalog": {"name": diagnosis.catalog_name, "version": diagnosis.catalog_version},
        "complete": not (run.cancelled or run.deadline_hit),
        "network": {
            "status": diagnosis.network.status.value,
            "detail": diagnosis.network.detail.value or None,
            "causes": _causes(diagnosis.network.causes),
            "summary": net_text.headline,
        },
        "features": {},
        "timing": dict(timing) if timing is not None else default_timing(run, diagnosis),
        "checks": [],
    }
    if code is not None:
        doc["code"] = code
    for feature in diagnosis.features:
        text = explain_feature(feature, diagnosis, tr, restrictions=restrictions)
        doc["features"][feature.feature] = {
            "verdict": feature.verdict.value,
            "causes": _causes(feature.causes),
            "services": {s.service: s.verdict.value for s in feature.services},
            "summary": text.headline,
            "workarounds": [w.title for w in text.workarounds],
        }
    for obs in run.observations:
        item = obs.to_dict()
        if not include_identifiers:
            item["extra"] = {k: v for k, v in item["extra"].items() if k not in _IDENTIFYING_EXTRA}
        doc["checks"].append(item)
    if include_identifiers:
        doc["interfaces"] = [
            {"name": i.name, "up": i.is_up, "addresses": list(i.addresses)}
            for i in run.interfaces.interfaces
        ]
    return doc
