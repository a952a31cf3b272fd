"""Cross-case deconfliction: the same firearm, account or address in two cases.

Apps look up matches in other cases themselves (they know their own models) and
hand them to `deconfliction_report`. It stores one hit per match, audits it on
both sides, tells the other case's leads, and returns what the searching user
may learn: full details for cases they belong to, otherwise only that another
case holds a match and which agency to contact.
"""
from dataclasses import dataclass

from django.db import transaction

from cases.access import Action, Role, can
from cases.audit import audit_record
from cases.models import CaseMembership, DeconflictionHit


@dataclass(frozen=True)
class Match:
    """A record of another case that matches the subject."""

    other_case: object  # cases.Case
    other_type: str  # model label, e.g. "seizures.Firearm"
    other_id: str
    matched_value: str
    match_type: str = DeconflictionHit.MatchType.EXACT
    other_label: str = ""  # shown only to members of the other case
    other_url: str = ""


@dataclass(frozen=True)
class Notice:
    """What the searching user is told about one hit."""

    hit: DeconflictionHit
    visible: bool
    message: str
    url: str = ""


def _notice(hit, user, other_label="", other_url=""):
    if can(user, hit.other_case, Action.VIEW):
        label = other_label or f"{hit.other_type} #{hit.other_id}"
        return Notice(hit, True, f"Case {hit.other_case.reference} also holds {hit.kind} "
                                 f"{hit.matched_value} ({hit.match_type}): {label}.", other_url)
    agency = hit.contact_agency
    article = "an" if hit.match_type[:1] in "aeiou" else "a"
    return Notice(hit, False, f"Another case holds {article} {hit.match_type} match for {hit.kind} {hit.matched_value}. "
                              f"Contact {agency.name} ({agency.get_kind_display()}, {agency.country}).")


@transaction.atomic
def deconfliction_report(*, by, case, subject, kind, matches) -> list[Notice]:
    """Record the hits of `subject` (a record of `case`) and say what `by` may know of them."""
    from cases.services import notify

    notices = []
    for match in matches:
        if match.other_case.pk == case.pk:
            continue
        hit, created = DeconflictionHit.objects.get_or_create(
            case=case, subject_type=subject._meta.label, subject_id=str(subject.pk),
            other_case=match.other_case, other_type=match.other_type, other_id=str(match.other_id),
            defaults=dict(
                kind=kind, subject_label=str(subject)[:300], matched_value=match.matched_value[:200],
                match_type=match.match_type, contact_agency=match.other_case.lead_agency, found_by=by,
            ),
        )
        if created:
            details = {"kind": kind, "value": hit.matched_value, "match_type": hit.match_type}
            audit_record(actor=by, action="deconfliction.hit", obj=subject, case=case,
                         details={**details, "other_case": "withheld", "contact_agency": hit.contact_agency.name})
            # The other side learns which case and agency searched, so its lead can make contact.
            audit_record(actor=by, action="deconfliction.hit_received", case=match.other_case,
                         details={**details, "record": f"{match.other_type} #{match.other_id}",
                                  "searching_case": case.reference,
                                  "searching_agency": getattr(by.agency, "name", "")})
            leads = CaseMembership.objects.active().filter(case=match.other_case, role=Role.LEAD)
            for membership in leads.select_related("user"):
                notify(
                    recipient=membership.user, case=match.other_case,
                    message=f"Case {case.reference} ({getattr(by.agency, 'name', 'unknown agency')}) recorded "
                            f"{kind} {hit.matched_value}, which matches a record of this case.",
                    dedupe_key=f"deconfliction:{hit.pk}",
                )
        notices.append(_notice(hit, by, match.other_label, match.other_url))
    return notices


def deconfliction_notices(*, user, case, subject=None) -> list[Notice]:
    """The stored hits of a case (or of one record of it), as `user` may see them."""
    hits = DeconflictionHit.objects.filter(case=case).select_related("other_case", "contact_agency")
    if subject is not None:
        hits = hits.filter(subject_type=subject._meta.label, subject_id=str(subject.pk))
    return [_notice(hit, user) for hit in hits]
