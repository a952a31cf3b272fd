"""Every read of asset recovery, built on the case-scoped querysets."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.access import Action
from cases.models import Case
from cases.selectors import visible

from . import states
from .fx import RateBook
from .models import (
    Asset, AssetHolder, AssetOrigin, AssetState, LegalMeasure, MlaRequest, RequestLetter, SharingAgreement,
)

# --- assets --------------------------------------------------------------------------------


def asset_list(*, user, case, q="", kind="", state="", jurisdiction="", action=Action.VIEW):
    qs = visible(Asset, user=user, case=case, action=action).prefetch_related("identifiers")
    if q:
        compact = "".join(ch for ch in q.upper() if ch.isalnum())
        match = Q(label__icontains=q) | Q(description__icontains=q) | Q(institution__icontains=q)
        if compact:
            match |= Q(identifiers__value_normalized__icontains=compact)
        qs = qs.filter(match).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if jurisdiction:
        qs = qs.filter(jurisdiction=jurisdiction.upper())
    return qs


def asset_get(*, user, case, pk, action=Action.VIEW) -> Asset:
    return get_object_or_404(visible(Asset, user=user, case=case, action=action).select_related("account", "created_by"),
                             pk=pk)


def asset_holders(*, user, asset):
    # a holder shows only when the user may also see the person or organisation
    from cases.models import Entity

    entities = visible(Entity, user=user, case=asset.case).values("id")
    return (visible(AssetHolder, user=user, case=asset.case).filter(asset=asset, entity_id__in=entities)
            .select_related("entity"))


def asset_origins(*, user, asset):
    from .origins import origin_kind

    rows = []
    for link in visible(AssetOrigin, user=user, case=asset.case).filter(asset=asset).select_related("content_type"):
        kind = origin_kind(link.kind)
        model = link.content_type.model_class()
        # a link is shown only if the user may still see what it points at
        if model is None or not model.objects.visible_to(user).filter(pk=link.object_id).exists():
            continue
        rows.append({"link": link, "kind": kind.label if kind else link.kind,
                     "url": kind.url(asset.case, link.object_id) if kind else ""})
    return rows


def origin_candidates(*, user, case, limit=200):
    """Records of the case that can be linked as origin evidence, grouped by kind: [(kind, [(value, label)])]."""
    from .origins import origin_kinds

    groups = []
    for kind in origin_kinds():
        qs = kind.model.objects.visible_to(user).filter(case=case).order_by("-pk")[:limit]
        options = [(f"{kind.key}:{obj.pk}", str(obj)) for obj in qs]
        if options:
            groups.append((kind.label, options))
    return groups


def asset_measures(*, user, asset):
    return (visible(LegalMeasure, user=user, case=asset.case).filter(asset=asset)
            .select_related("created_by").prefetch_related("documents").order_by("-created_at", "-id"))


def measure_list(*, user, case=None):
    qs = LegalMeasure.objects.visible_to(user).select_related("asset", "case", "created_by")
    return qs.filter(case=case) if case is not None else qs


# --- deadlines -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    measure: LegalMeasure
    what: str  # "expiry" | "review"
    due: date
    days_left: int

    @property
    def urgency(self):
        if self.days_left < 0:
            return "lapsed"
        if self.days_left <= 7:
            return "urgent"
        if self.days_left <= 30:
            return "soon"
        return "later"


def deadlines(*, user, case=None, horizon_days=90, past_days=30, today=None):
    """Expiry and review dates of the orders in force, across the user's cases (or one case), soonest first."""
    today = today or timezone.localdate()
    lo, hi = today - timedelta(days=past_days), today + timedelta(days=horizon_days)
    qs = (measure_list(user=user, case=case).filter(superseded_at__isnull=True)
          .exclude(asset__state__in=states.TERMINAL)
          .filter(Q(expires_on__range=(lo, hi)) | Q(review_on__range=(lo, hi))))
    rows = []
    for m in qs:
        for what, due in (("expiry", m.expires_on), ("review", m.review_on)):
            if due is not None and lo <= due <= hi:
                rows.append(Deadline(m, what, due, (due - today).days))
    return sorted(rows, key=lambda d: (d.due, d.measure.case.reference, d.measure.pk))


# --- totals ------------------------------------------------------------------------------------

BUCKETS = [
    ("identified", "Identified", None),
    ("frozen", "Frozen / restrained", states.FROZEN_STATES),
    ("seized", "Seized", states.SEIZED_STATES),
    ("confiscated", "Confiscated / forfeited", states.CONFISCATED_STATES),
    ("released", "Released", states.RELEASED_STATES),
]


@dataclass
class Totals:
    currency: str
    amounts: dict = field(default_factory=dict)  # bucket -> Decimal
    counts: dict = field(default_factory=dict)  # bucket -> int
    missing: list = field(default_factory=list)  # (asset, reason): not converted, no rate
    unvalued: list = field(default_factory=list)  # assets without an estimated value

    @property
    def rows(self):
        return [{"key": key, "label": label, "amount": self.amounts.get(key, Decimal("0.00")),
                 "count": self.counts.get(key, 0)} for key, label, _ in BUCKETS]

    @property
    def complete(self):
        return not self.missing


def bucket_of(state):
    for key, _label, members in BUCKETS[1:]:
        if state in members:
            return key
    return None


def compute_totals(assets, currency, *, book=None, today=None) -> Totals:
    """Sum the estimated values of `assets` in `currency` per bucket.

    Identified counts every registered asset, whatever its state since; the other buckets
    count the assets by the state they are in now (confiscated/forfeited includes assets
    later disposed of, returned or shared). Values are converted at the valuation date with
    the latest stored rate on or before it; an asset without a rate is listed in `missing`
    and left out of the sums, never guessed."""
    book = book or RateBook()
    today = today or timezone.localdate()
    totals = Totals(currency=currency)
    for key, _label, _ in BUCKETS:
        totals.amounts[key] = Decimal("0.00")
        totals.counts[key] = 0
    for asset in assets:
        bucket = bucket_of(asset.state)
        totals.counts["identified"] += 1
        if bucket:
            totals.counts[bucket] += 1
        if asset.estimated_value is None:
            totals.unvalued.append(asset)
            continue
        converted = book.convert(asset.estimated_value, asset.currency, currency, asset.valuation_date or today)
        if converted.amount is None:
            totals.missing.append((asset, converted.missing))
            continue
        totals.amounts["identified"] += converted.amount
        if bucket:
            totals.amounts[bucket] += converted.amount
    return totals


def case_totals(*, user, case, book=None) -> Totals:
    assets = asset_list(user=user, case=case).select_related("case")
    return compute_totals(assets, case.reference_currency, book=book)


def cases_with_assets(*, user):
    return Case.objects.visible_to(user).filter(pk__in=Asset.objects.visible_to(user).values("case_id")).order_by("reference")


def totals_across_cases(*, user, currency=None):
    """Totals per case (each in its reference currency) and over all the user's cases in `currency`
    (default: the reference currency most of those cases use)."""
    cases = list(cases_with_assets(user=user))
    if not currency:
        currency = Counter(c.reference_currency for c in cases).most_common(1)[0][0] if cases else "EUR"
    book = RateBook()
    per_case = [(case, case_totals(user=user, case=case, book=book)) for case in cases]
    assets = Asset.objects.visible_to(user).filter(case__in=cases)
    return currency, per_case, compute_totals(assets, currency, book=book)


def _month_ends(start: date, end: date):
    y, m = start.year, start.month
    while True:
        nxt = date(y + (m == 12), 1 if m == 12 else m + 1, 1)
        yield min(nxt - timedelta(days=1), end)
        if nxt > end:
            return
        y, m = nxt.year, nxt.month


def totals_over_time(*, user, currency, case=None, months=12, today=None):
    """Month-end values per bucket over the last `months` months, replaying each asset's measures
    (a measure takes effect on its date of issue). Returns (labels, {bucket: [Decimal]}, Totals-of-now)."""
    today = today or timezone.localdate()
    assets = list(Asset.objects.visible_to(user).filter(**({"case": case} if case else {}))
                  .prefetch_related("measures"))
    start = date(today.year, today.month, 1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    book = RateBook()
    values = {}
    for asset in assets:
        if asset.estimated_value is None:
            continue
        converted = book.convert(asset.estimated_value, asset.currency, currency, asset.valuation_date or today)
        values[asset.pk] = converted.amount
    labels, series = [], {key: [] for key, _l, _m in BUCKETS}
    for end in _month_ends(start, today):
        labels.append(end.strftime("%b %y"))
        sums = {key: Decimal("0") for key in series}
        for asset in assets:
            # known since registration, or since the first measure when that was recorded with an earlier date
            since = min([timezone.localtime(asset.created_at).date(), *(m.issued_on for m in asset.measures.all())])
            if since > end or values.get(asset.pk) is None:
                continue
            state = AssetState.IDENTIFIED
            for m in sorted(asset.measures.all(), key=lambda m: (m.issued_on, m.pk)):
                if m.issued_on <= end:
                    state = m.to_state
            sums["identified"] += values[asset.pk]
            bucket = bucket_of(state)
            if bucket:
                sums[bucket] += values[asset.pk]
        for key in series:
            series[key].append(sums[key])
    return labels, series


# --- letters and cooperation ------------------------------------------------------------------

def letter_list(*, user, case, status=""):
    qs = visible(RequestLetter, user=user, case=case).select_related("created_by", "evidence")
    return qs.filter(status=status) if status else qs


def letter_get(*, user, case, pk, action=Action.VIEW):
    qs = visible(RequestLetter, user=user, case=case, action=action).select_related("created_by", "evidence")
    return get_object_or_404(qs, pk=pk)


def mla_list(*, user, case, status=""):
    qs = visible(MlaRequest, user=user, case=case).prefetch_related("assets")
    return qs.filter(status=status) if status else qs


def sharing_list(*, user, case):
    return visible(SharingAgreement, user=user, case=case).prefetch_related("shares", "assets")
