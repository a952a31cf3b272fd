"""What asset recovery adds to a case's timeline and summary."""

from django.urls import reverse

from cases.registry import SummaryCount, TimelineItem
from cases.selectors import visible

from . import selectors
from .models import Asset, LegalMeasure, MlaRequest, RequestLetter, SharingAgreement


def recovery_timeline(case, user, limit):
    def url(name, **kw):
        return reverse(f"recovery:{name}", kwargs={"reference": case.reference, **kw})

    for a in visible(Asset, user=user, case=case).select_related("created_by").order_by("-created_at")[:limit]:
        value = f"{a.estimated_value} {a.currency}" if a.estimated_value is not None else "value not estimated"
        yield TimelineItem(a.created_at, "Asset", f"Asset identified: {a.label}", url("detail", pk=a.pk),
                           str(a.created_by), f"{a.get_kind_display()}, {a.jurisdiction}, {value}", a.handling)
    measures = (visible(LegalMeasure, user=user, case=case).select_related("created_by", "asset")
                .order_by("-created_at")[:limit])
    for m in measures:
        title = (f"{m.asset.label}: order renewed" if m.is_renewal
                 else f"{m.asset.label}: {m.get_to_state_display().lower()}")
        detail = "; ".join(x for x in (m.authority, m.order_reference, m.legal_basis,
                                        f"expires {m.expires_on:%d %b %Y}" if m.expires_on else "", m.reason) if x)
        yield TimelineItem(m.created_at, "Legal measure", title, url("detail", pk=m.asset_id), str(m.created_by),
                           detail, m.asset.handling)
    for letter in (visible(RequestLetter, user=user, case=case).filter(status=RequestLetter.Status.ISSUED)
                   .select_related("issued_by").order_by("-issued_at")[:limit]):
        yield TimelineItem(letter.issued_at, "Letter", f"{letter.get_kind_display()} sent to {letter.addressee}",
                           url("letter-detail", pk=letter.pk), str(letter.issued_by or ""), letter.legal_basis,
                           letter.handling)
    for mla in visible(MlaRequest, user=user, case=case).select_related("created_by").order_by("-created_at")[:limit]:
        yield TimelineItem(mla.created_at, "MLA request", str(mla), url("mla-detail", pk=mla.pk), str(mla.created_by),
                           f"{mla.get_purpose_display()} — {mla.get_status_display().lower()}", mla.handling)
    for s in visible(SharingAgreement, user=user, case=case).select_related("created_by").prefetch_related("shares").order_by("-created_at")[:limit]:
        yield TimelineItem(s.created_at, "Asset sharing", str(s), url("sharing-detail", pk=s.pk), str(s.created_by),
                           ", ".join(str(x) for x in s.shares.all()))


def recovery_summary(case, user):
    url = reverse("recovery:list", kwargs={"reference": case.reference})
    assets = visible(Asset, user=user, case=case)
    yield SummaryCount("Assets", assets.count(), url)
    frozen = assets.filter(state__in=["frozen", "seized"]).count()
    if frozen:
        yield SummaryCount("Assets frozen or seized", frozen, url)
    soon = [d for d in selectors.deadlines(user=user, case=case, horizon_days=30, past_days=0)]
    if soon:
        yield SummaryCount("Order deadlines in 30 days", len(soon),
                           reverse("recovery-global:deadlines") + f"?case={case.reference}")
