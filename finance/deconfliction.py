"""Cross-case deconfliction of accounts: the same IBAN, account number or crypto address in another case."""
from django.urls import reverse

from cases.deconfliction import Match, deconfliction_report
from finance.models import Account

KIND_LABELS = {"crypto": "crypto address", "bank": "bank account", "card": "card", "payment_service": "payment account",
               "cash": "cash point"}


def _label(account):
    if account.is_iban:
        return "IBAN"
    return KIND_LABELS.get(account.kind, "account")


def _url(account):
    return reverse("finance:account-detail", kwargs={"reference": account.case.reference, "pk": account.pk})


def check_accounts(*, case, by, account_ids):
    """Report accounts of `case` that another case also holds; returns the notices for `by`."""
    notices = []
    accounts = Account.objects.filter(case=case, pk__in=account_ids).exclude(identifier_normalized="")
    wanted = {a.identifier_normalized: a for a in accounts if len(a.identifier_normalized) >= 6}
    if not wanted:
        return notices
    # Deliberately unscoped: deconfliction searches every case; `deconfliction_report` keeps unreleased FIU
    # intelligence to users with FIU access and tells either side only the contact agency.
    others = Account.objects.across_cases().filter(identifier_normalized__in=list(wanted)).exclude(case=case).select_related("case")
    matches = {}
    for other in others:
        subject = wanted[other.identifier_normalized]
        if subject.kind != other.kind or subject.chain != other.chain:
            continue
        matches.setdefault(subject.pk, (subject, []))[1].append(
            Match(other_case=other.case, other_type="finance.Account", other_id=str(other.pk),
                  matched_value=subject.identifier, other=other,
                  other_value=other.identifier, other_url=_url(other)))
    for subject, subject_matches in matches.values():
        notices += deconfliction_report(by=by, case=case, subject=subject, kind=_label(subject), matches=subject_matches,
                                        subject_url=_url(subject))
    return notices
