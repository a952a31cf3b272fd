"""Which records can be linked as evidence of an asset's illicit origin.

Each kind names a model with a `case` FK; a link is only made to a record of the
asset's own case that the user may see. Money-flow analyses add their result
model later with `register_origin_kind("analysis_result", "Analysis result",
"analysis.AnalysisResult", url_name=...)` from their AppConfig.ready().
"""
from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class OriginKind:
    key: str
    label: str
    model_label: str  # "app_label.ModelName"
    url_name: str = ""  # reversed with reference= and pk=

    @property
    def model(self):
        try:
            return apps.get_model(self.model_label)
        except LookupError:
            return None

    def url(self, case, pk):
        if not self.url_name:
            return ""
        try:
            return reverse(self.url_name, kwargs={"reference": case.reference, "pk": pk})
        except NoReverseMatch:
            return ""


_KINDS: dict[str, OriginKind] = {}


def register_origin_kind(key, label, model_label, url_name=""):
    _KINDS[key] = OriginKind(key, label, model_label, url_name)


def origin_kinds() -> list[OriginKind]:
    """Kinds whose model is installed."""
    return [k for k in _KINDS.values() if k.model is not None]


def origin_kind(key) -> OriginKind | None:
    kind = _KINDS.get(key)
    return kind if kind is not None and kind.model is not None else None


register_origin_kind("transaction", "Transaction", "finance.Transaction", "finance:transaction-detail")
register_origin_kind("crypto_transaction", "Crypto transaction", "finance.CryptoTransaction")
register_origin_kind("seizure", "Seizure", "seizures.Seizure", "seizures:detail")
register_origin_kind("firearm", "Firearm", "seizures.Firearm", "seizures:firearm-detail")
register_origin_kind("evidence", "Evidence file", "cases.EvidenceFile", "cases:evidence-detail")
