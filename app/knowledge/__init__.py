"""Knowledge: the plain-language texts we tell people, in Russian and English.

Analysis decides (verdicts, causes); this package only words the decision. Public API:
``explain_diagnosis``, ``explain_network``, ``explain_feature``, ``explain_cause``,
``service_line`` and the glossary words ``verdict_word``, ``feature_name``, ``status_word``,
``term``, ``service_name``. Translators come from ``app.i18n.translator(lang)``.
"""

from app.knowledge.explain import (
    ExplainedDiagnosis,
    Explanation,
    explain_cause,
    explain_diagnosis,
    explain_feature,
    explain_network,
    service_line,
)
from app.knowledge.names import (
    count_checks,
    feature_name,
    format_date,
    join_names,
    service_name,
    status_word,
    term,
    verdict_word,
)
from app.knowledge.workarounds import Workaround

__all__ = [
    "ExplainedDiagnosis",
    "Explanation",
    "Workaround",
    "count_checks",
    "explain_cause",
    "explain_diagnosis",
    "explain_feature",
    "explain_network",
    "feature_name",
    "format_date",
    "join_names",
    "service_line",
    "service_name",
    "status_word",
    "term",
    "verdict_word",
]
