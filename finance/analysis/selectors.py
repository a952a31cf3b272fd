"""Every read of the money-flow analyses, on the case-scoped querysets."""
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse

from cases.registry import SummaryCount, TimelineItem
from cases.selectors import visible
from finance.models import Transaction

from .models import Alert, AnalysisRun, CryptoTag, ListEntry, SeizurePayment


def run_list(*, user, case, kind="", status=""):
    qs = visible(AnalysisRun, user=user, case=case).select_related("created_by", "job", "seizure")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs


def alert_list(*, user, case, typology="", status="", run=None, min_score=None, q=""):
    qs = visible(Alert, user=user, case=case).select_related("run", "subject", "decided_by")
    if typology:
        qs = qs.filter(typology=typology)
    if status:
        qs = qs.filter(status=status)
    if run:
        qs = qs.filter(run_id=run)
    if min_score not in (None, ""):
        qs = qs.filter(score__gte=min_score)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(subject_label__icontains=q) | Q(explanation__icontains=q))
    return qs


def latest_alerts(*, user, case, **filters):
    """Alerts of the latest successful typology run only (older runs stay readable from their page)."""
    latest = (visible(AnalysisRun, user=user, case=case)
              .filter(kind=AnalysisRun.Kind.TYPOLOGIES, status=AnalysisRun.Status.SUCCEEDED).first())
    if latest is None:
        return Alert.objects.none(), None
    return alert_list(user=user, case=case, run=latest.pk, **filters), latest


def edge_transactions(*, user, case, run, source, target):
    """The transactions behind one edge of a trace (only those the user may still see)."""
    edge = next((e for e in run.result.get("edges", []) if e["source"] == source and e["target"] == target), None)
    if edge is None:
        return None, Transaction.objects.none()
    qs = visible(Transaction, user=user, case=case).filter(pk__in=edge["tx"]).select_related(
        "debit_account", "credit_account", "debit_party", "credit_party", "source_import").order_by("booked_at", "id")
    return edge, qs


def crypto_transactions_by_ids(*, user, case, ids):
    from finance.models import CryptoTransaction

    return visible(CryptoTransaction, user=user, case=case).filter(pk__in=ids).prefetch_related(
        "movements__address").order_by("block_time", "id")


def transactions_by_ids(*, user, case, ids):
    return visible(Transaction, user=user, case=case).filter(pk__in=ids).select_related(
        "debit_account", "credit_account", "debit_party", "credit_party", "source_import").order_by("booked_at", "id")


def list_entries(*, user, case, kind="", list_name=""):
    qs = visible(ListEntry, user=user, case=case)
    if kind:
        qs = qs.filter(kind=kind)
    if list_name:
        qs = qs.filter(list_name=list_name)
    return qs


def crypto_tags(*, user, case, label=""):
    qs = visible(CryptoTag, user=user, case=case)
    return qs.filter(label=label) if label else qs


def seizure_payments(*, user, case, seizure=None):
    """Payments marked against seizures. A link inherits the handling of its payment: it is shown only
    to those who may see the transaction (an unreleased FIU crypto purchase stays FIU intelligence)."""
    from finance.models import CryptoTransaction

    qs = visible(SeizurePayment, user=user, case=case).select_related("seizure", "transaction", "crypto_transaction")
    qs = qs.filter(Q(transaction__isnull=True) | Q(transaction__in=visible(Transaction, user=user, case=case)))
    qs = qs.filter(Q(crypto_transaction__isnull=True)
                   | Q(crypto_transaction__in=visible(CryptoTransaction, user=user, case=case)))
    return qs.filter(seizure=seizure) if seizure else qs


def taint_endpoints(run) -> list[dict]:
    """Freeze candidates of a finished run, for the asset-recovery freeze-request letter.

    Taint runs: the labelled exchange addresses reached, with the tainted amount (asset units).
    Trace runs (downstream): the accounts where traced money ended (no further outgoing
    transfer in the trace), with the amount received there (reference currency).
    Each item: {"kind": "crypto"|"account", "account_id", "identifier", "institution" or
    "exchange", "amount" (Decimal), "currency", "evidence" (tx hashes or transaction ids)}.
    The caller is responsible for having loaded `run` through a scoped selector.
    """
    if run.status != AnalysisRun.Status.SUCCEEDED:
        return []
    out = []
    if run.kind == AnalysisRun.Kind.TAINT:
        for e in run.result.get("endpoints", []):
            out.append({"kind": "crypto", "account_id": e["account_id"], "identifier": e["address"],
                        "chain": e.get("chain", ""), "exchange": e["name"], "label": e["label"],
                        "label_source": e["source"], "confidence": Decimal(e["confidence"]),
                        "amount": Decimal(e["amount"]), "currency": e["asset"], "evidence": e["tx_hashes"]})
    elif run.kind == AnalysisRun.Kind.TRACE:
        edges = run.result.get("edges", [])
        has_out = {e["source"] for e in edges}
        for node in run.result.get("nodes", []):
            if node.get("seed") or node["key"] in has_out or not node.get("account_id") or Decimal(node["in"]) <= 0:
                continue
            out.append({"kind": "account", "account_id": node["account_id"], "identifier": node.get("identifier", ""),
                        "institution": node.get("institution", ""), "holders": node.get("holders", []),
                        "amount": Decimal(node["in"]), "currency": run.result.get("currency", ""),
                        "evidence": [t for e in edges if e["target"] == node["key"] for t in e["tx"]]})
        out.sort(key=lambda x: -x["amount"])
    return out


# --- contributions to the case pages ------------------------------------------------------------

def analysis_summary(case, user):
    runs = visible(AnalysisRun, user=user, case=case)
    if not runs.exists():
        return []
    alerts = visible(Alert, user=user, case=case).filter(
        run__in=runs.filter(kind=AnalysisRun.Kind.TYPOLOGIES, status=AnalysisRun.Status.SUCCEEDED)[:1])
    items = [SummaryCount("Money-flow analyses", runs.count(),
                          reverse("analysis:runs", kwargs={"reference": case.reference}))]
    open_alerts = alerts.filter(status=Alert.Status.OPEN).count()
    confirmed = alerts.filter(status=Alert.Status.CONFIRMED).count()
    url = reverse("analysis:alerts", kwargs={"reference": case.reference})
    items.append(SummaryCount("Open typology alerts", open_alerts, url))
    items.append(SummaryCount("Confirmed alerts", confirmed, url + "?status=confirmed"))
    return items


def analysis_timeline(case, user, limit):
    runs = visible(AnalysisRun, user=user, case=case).filter(status=AnalysisRun.Status.SUCCEEDED).select_related(
        "created_by").order_by("-finished_at")[:limit]
    for run in runs:
        yield TimelineItem(at=run.finished_at or run.created_at, kind="Analysis", title=str(run),
                           url=reverse("analysis:run-detail", kwargs={"reference": case.reference, "pk": run.pk}),
                           actor=str(run.created_by), handling=run.handling)
