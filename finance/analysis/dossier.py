"""The "Financial findings" section of the case dossier: trace summaries with a server-rendered
flow diagram, and confirmed typology alerts with their explanation and supporting transactions.
FIU-handled results appear only once released (dossier_records leaves the others out)."""
from django.utils.safestring import mark_safe

from cases.dossier.base import ChronologyEntry, DossierSection, SectionContent, dossier_records, record_ref
from finance.models import Transaction

from .flow_svg import flow_svg
from .models import Alert, AnalysisRun

MAX_TRACES = 5


class FinancialFindingsSection(DossierSection):
    key, title, order = "financial-findings", "Financial findings", 520
    template = "analysis/dossier_section.html"
    description = "Money-flow traces with their flow diagram, and confirmed typology alerts with their transactions."

    def applies(self, case):
        return AnalysisRun.objects.filter(case=case, status=AnalysisRun.Status.SUCCEEDED).exists()

    def collect(self, case, user, period):
        runs = dossier_records(AnalysisRun, case=case, user=user).filter(
            kind=AnalysisRun.Kind.TRACE, status=AnalysisRun.Status.SUCCEEDED).select_related("created_by")
        runs = list(period.filter(runs, "finished_at").order_by("-finished_at")[:MAX_TRACES])
        traces = []
        for run in runs:
            nodes = {n["key"]: n for n in run.result.get("nodes", [])}
            traces.append({"run": run, "svg": mark_safe(flow_svg(run.result, width=700, max_edges=30)),
                           "paths": [{**p, "labels": [nodes.get(k, {}).get("label", k) for k in p["nodes"]]}
                                     for p in run.result.get("paths", [])[:5]]})
        alerts = dossier_records(Alert, case=case, user=user).filter(status=Alert.Status.CONFIRMED).select_related(
            "decided_by", "run")
        alerts = list(period.filter(alerts, "last_at").order_by("-score", "id"))
        # one alert per fingerprint (the same pattern found by several scans)
        seen, unique = set(), []
        for a in alerts:
            if a.fingerprint not in seen:
                seen.add(a.fingerprint)
                unique.append(a)
        txs = dossier_records(Transaction, case=case, user=user).select_related(
            "debit_account", "credit_account", "source_import")
        records = [record_ref(r) for r in runs]
        chronology = []
        for a in unique:
            a.evidence_list = list(txs.filter(pk__in=a.evidence.values("pk")).order_by("booked_at"))
            records.append(record_ref(a))
            records.extend(record_ref(t) for t in a.evidence_list)
            if a.decided_at:
                chronology.append(ChronologyEntry(at=a.decided_at, kind="Financial finding", title=a.title,
                                                  detail=a.decision_reason, actor=str(a.decided_by or ""),
                                                  handling=a.handling))
        return SectionContent(data={"traces": traces, "alerts": unique}, records=records, chronology=chronology,
                              count=len(traces) + len(unique),
                              empty_message="No released money-flow trace or confirmed alert in the selected period.")
