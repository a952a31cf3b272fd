"""Every read of the finance app, built on the case-scoped querysets (handling codes apply)."""
from collections import OrderedDict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.db.models.functions import TruncMonth
from django.urls import reverse

from cases.access import Action
from cases.registry import SummaryCount, TimelineItem
from cases.selectors import visible
from finance.models import Account, ColumnMappingProfile, CryptoTransaction, Import, Party, ResolutionSuggestion, Transaction


def import_list(*, user, case, status=""):
    qs = visible(Import, user=user, case=case).select_related("created_by", "job", "evidence")
    return qs.filter(status=status) if status else qs


def profile_list(*, user, case):
    return visible(ColumnMappingProfile, user=user, case=case)


def transaction_list(*, user, case, account=None, party=None, date_from=None, date_to=None, amount_min=None,
                     amount_max=None, channel="", currency="", source_import=None, q="", duplicates=False):
    """The ledger with its filters. Amount bounds apply to the reference-currency amount when
    present, so ledgers in several currencies filter consistently."""
    qs = visible(Transaction, user=user, case=case).select_related(
        "debit_account", "credit_account", "debit_party", "credit_party", "source_import")
    if account:
        qs = qs.filter(Q(debit_account_id=account) | Q(credit_account_id=account))
    if party:
        qs = qs.filter(Q(debit_party_id=party) | Q(credit_party_id=party) | Q(debit_party__merged_into_id=party)
                       | Q(credit_party__merged_into_id=party))
    if date_from:
        qs = qs.filter(booked_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(booked_at__date__lte=date_to)
    if amount_min is not None:
        qs = qs.filter(Q(amount_reference__gte=amount_min) | Q(amount_reference__isnull=True, amount__gte=amount_min))
    if amount_max is not None:
        qs = qs.filter(Q(amount_reference__lte=amount_max) | Q(amount_reference__isnull=True, amount__lte=amount_max))
    if channel:
        qs = qs.filter(channel=channel)
    if currency:
        qs = qs.filter(currency=currency.upper())
    if source_import:
        qs = qs.filter(source_import_id=source_import)
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(external_id__icontains=q) | Q(debit_party__name__icontains=q)
                       | Q(credit_party__name__icontains=q))
    if duplicates:
        qs = qs.filter(probable_duplicate_of__isnull=False)
    return qs


def visible_holders(*, user):
    """Prefetch of an account's holders narrowed to the parties `user` may see: one account gathers
    parties from several imports, and an FIU import's party must not name itself on a team account."""
    return Prefetch("holders", queryset=Party.objects.visible_to(user).order_by("name"))


def account_get(*, user, case, pk):
    return get_object_or_404(visible(Account, user=user, case=case).prefetch_related(visible_holders(user=user)), pk=pk)


def account_list(*, user, case, q="", kind=""):
    qs = visible(Account, user=user, case=case).prefetch_related(visible_holders(user=user))
    if q:
        named = Party.objects.visible_to(user).filter(case=case, name__icontains=q).values("pk")
        qs = qs.filter(Q(identifier_normalized__icontains=q.replace(" ", "").upper()) | Q(institution__icontains=q)
                       | Q(holders__in=named)).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def account_flows(*, user, case, account) -> list[dict]:
    """Inflow and outflow per month, in the reference currency (or the account currency when no rate)."""
    txs = visible(Transaction, user=user, case=case)
    months = OrderedDict()
    for direction, field in (("inflow", "credit_account"), ("outflow", "debit_account")):
        rows = (txs.filter(**{field: account}).annotate(month=TruncMonth("booked_at"))
                .values("month").annotate(total=Sum("amount_reference"), raw=Sum("amount"), n=Count("id"))
                .order_by("month"))
        for row in rows:
            entry = months.setdefault(row["month"].date() if hasattr(row["month"], "date") else row["month"],
                                      {"inflow": Decimal(0), "outflow": Decimal(0), "count": 0})
            entry[direction] += row["total"] if row["total"] is not None else row["raw"]
            entry["count"] += row["n"]
    out = [{"month": month, **values} for month, values in sorted(months.items())]
    peak = max([max(r["inflow"], r["outflow"]) for r in out] or [Decimal(1)]) or Decimal(1)
    for row in out:
        row["inflow_pct"] = int(100 * row["inflow"] / peak)
        row["outflow_pct"] = int(100 * row["outflow"] / peak)
    return out


def party_list(*, user, case, q="", include_merged=False):
    qs = visible(Party, user=user, case=case).select_related("entity", "merged_into")
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def suggestion_list(*, user, case, status=ResolutionSuggestion.Status.OPEN):
    """Suggestions whose parties the user may see (a suggestion inherits its parties' handling)."""
    parties = visible(Party, user=user, case=case).values("id")
    qs = (ResolutionSuggestion.objects.visible_to(user).filter(case=case, party_id__in=parties)
          .filter(Q(other_party__isnull=True) | Q(other_party_id__in=parties))
          .filter(Q(entity__isnull=True) | Q(entity_id__in=visible_entity_ids(user, case)))
          .select_related("party", "entity", "other_party", "decided_by"))
    return qs.filter(status=status) if status else qs


def visible_entity_ids(user, case):
    from cases.models import Entity

    return visible(Entity, user=user, case=case).values("id")


def suggestion_get(*, user, case, pk, action=Action.VIEW):
    from django.shortcuts import get_object_or_404

    qs = suggestion_list(user=user, case=case, status=None)
    if action != Action.VIEW:
        qs = qs.filter(case__in=type(case).objects.visible_to(user, action))
    return get_object_or_404(qs, pk=pk)


def crypto_list(*, user, case, chain="", address=None):
    qs = visible(CryptoTransaction, user=user, case=case).prefetch_related("movements__address")
    if chain:
        qs = qs.filter(chain=chain)
    if address:
        qs = qs.filter(movements__address_id=address).distinct()
    return qs


# --- contributions to the case pages -----------------------------------------------------------

def finance_timeline(case, user, limit):
    for imp in import_list(user=user, case=case).order_by("-created_at")[:limit]:
        yield TimelineItem(imp.created_at, "Import", f"{imp.get_format_display()}: {imp.original_name}",
                           reverse("finance:import-detail", kwargs={"reference": case.reference, "pk": imp.pk}),
                           str(imp.created_by), f"{imp.get_status_display()}"
                           + (f", {imp.transaction_count} transactions" if imp.transaction_count else ""), imp.handling)


def finance_summary(case, user):
    def url(name):
        return reverse(name, kwargs={"reference": case.reference})

    count = visible(Transaction, user=user, case=case).count()
    if count or import_list(user=user, case=case).exists():
        yield SummaryCount("Transactions", count, url("finance:ledger"))
        yield SummaryCount("Accounts", visible(Account, user=user, case=case).count(), url("finance:accounts"))
        open_suggestions = suggestion_list(user=user, case=case).count()
        if open_suggestions:
            yield SummaryCount("Party matches to review", open_suggestions, url("finance:suggestions"))
