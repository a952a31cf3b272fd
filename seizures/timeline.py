"""What the seizures app adds to a case's timeline, summary and tabs."""
from django.urls import reverse
from django.utils import timezone

from cases.registry import SummaryCount, TimelineItem
from cases.selectors import visible

from .models import CriminalContextChange, CustodyEvent, Firearm, Seizure, TracingRequest, TransferDocument


def seizures_timeline(case, user, limit):
    def url(name, **kw):
        return reverse(f"seizures:{name}", kwargs={"reference": case.reference, **kw})

    for s in visible(Seizure, user=user, case=case).select_related("created_by", "seizing_agency").order_by("-occurred_at")[:limit]:
        yield TimelineItem(s.occurred_at, "Seizure", f"Seizure {s.reference} — {s.get_context_display().lower()}, "
                                                     f"{s.place or s.country}", url("detail", pk=s.pk), str(s.created_by),
                           f"{s.get_recovery_type_display()} by {s.seizing_agency}; legal basis "
                           f"{s.get_legal_basis_display().lower()}")
    for f in visible(Firearm, user=user, case=case).select_related("created_by").order_by("-created_at")[:limit]:
        yield TimelineItem(f.created_at, "Firearm", f"Firearm {f} recorded", url("firearm-detail", pk=f.pk),
                           str(f.created_by), f"{f.get_weapon_type_display()}, marking {f.get_marking_status_display().lower()}")
    for c in (visible(CriminalContextChange, user=user, case=case).exclude(previous="")
              .select_related("created_by", "seizure").order_by("-created_at")[:limit]):
        yield TimelineItem(c.created_at, "Seizure", f"Criminal context of {c.seizure.reference} now "
                                                    f"{c.get_context_display().lower()}", url("detail", pk=c.seizure_id),
                           str(c.created_by), c.reason)
    events = (visible(CustodyEvent, user=user, case=case).select_related("created_by", "firearm", "part", "ammunition")
              .order_by("-occurred_at")[:limit])
    for e in events:
        kind = "firearm" if e.firearm_id else "part" if e.part_id else "ammunition"
        yield TimelineItem(e.occurred_at, "Custody", f"{e.item.item_number}: {e.get_kind_display().lower()}",
                           url("custody", kind=kind, pk=e.item.pk), str(e.created_by),
                           " → ".join(x for x in (e.to_holder, e.to_location) if x))
    for t in visible(TracingRequest, user=user, case=case).select_related("created_by").order_by("-updated_at")[:limit]:
        moment = t.closed_at or t.responded_at or t.acknowledged_at or t.sent_at or t.created_at
        detail = t.get_outcome_display() if t.outcome else (f"due {t.due_date:%d %b %Y}" if t.due_date else "draft")
        yield TimelineItem(moment, "Tracing", f"Tracing request {t.reference} {t.get_status_display().lower()}",
                           url("tracing-detail", pk=t.pk), str(t.created_by), detail, t.handling)
    for d in visible(TransferDocument, user=user, case=case).select_related("created_by").order_by("-created_at")[:limit]:
        yield TimelineItem(d.created_at, "Document", f"{d} ({d.get_verification_status_display().lower()})",
                           url("document-detail", pk=d.pk), str(d.created_by), d.issuing_authority, d.handling)


def seizures_summary(case, user):
    def url(name):
        return reverse(f"seizures:{name}", kwargs={"reference": case.reference})

    yield SummaryCount("Seizures", visible(Seizure, user=user, case=case).count(), url("list"))
    yield SummaryCount("Firearms", visible(Firearm, user=user, case=case).count(), url("firearms"))
    tracing = visible(TracingRequest, user=user, case=case)
    yield SummaryCount("Open tracing requests", tracing.filter(status__in=["draft", *TracingRequest.OPEN_STATUSES]).count(),
                       url("tracing"))
    overdue = tracing.filter(status__in=TracingRequest.OPEN_STATUSES, due_date__lt=timezone.localdate()).count()
    if overdue:
        yield SummaryCount("Overdue tracing requests", overdue, url("tracing"))
