"""Cross-case deconfliction: the same firearm, account or address in two cases.

Apps look up matches in other cases themselves (they know their own models) and
hand them to `deconfliction_report`. It stores one hit per pair of records,
audits it on both sides and tells the other side.

Both sides learn the same, and no more: a flag on their own record that another
case holds a match, and which agency to contact — never the other case's
reference or record, not even for a member of both cases. The hit carries the
strictest handling of the two records (`Handling.strictest`): unreleased FIU
intelligence matches only for users with FIU access to it, so an outsider's
import never learns that the FIU's unreleased data holds the same IBAN, and no
non-FIU member is told of it.
"""
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from cases.access import DerivedHandling, across_cases, Handling, Role, has_fiu_access, membership_for, user_is_fiu
from cases.audit import AuditAction, audit_record
from cases.models import CaseMembership, DeconflictionHit


@dataclass(frozen=True)
class Match:
    """A record of another case that matches the subject."""

    other_case: object  # cases.Case
    other_type: str  # model label, e.g. "seizures.Firearm"
    other_id: str
    matched_value: str
    match_type: str = DeconflictionHit.MatchType.EXACT
    other_url: str = ""  # the other record's page: the link its own side is given
    other: object = None  # the other record itself, for its handling
    other_value: str = ""  # the value as the other side holds it (a partial serial differs)


@dataclass(frozen=True)
class Notice:
    """What a user is told about one hit, on his own side."""

    hit: DeconflictionHit
    message: str
    url: str = ""  # the user's own record


def _allows(user, handling, origin_agency_id, fiu_case_ids) -> bool:
    if handling != Handling.FIU:
        return DerivedHandling(handling, origin_agency_id).visible_to(user, None)
    if not fiu_case_ids:  # agency material of two agencies: the FIU's own audience
        return user_is_fiu(user)
    return all(has_fiu_access(user, case_id) for case_id in fiu_case_ids)


def _matched_records(hit):
    """The two records as they are now (read only for their handling codes)."""
    from django.apps import apps

    found = []
    for label, pk in ((hit.subject_type, hit.subject_id), (hit.other_type, hit.other_id)):
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            found.append(None)
            continue
        found.append(across_cases(model._default_manager.all()).filter(pk=pk).first())
    return found


def hit_visible_to(hit, user) -> bool:
    """May `user` be told of `hit` (on his own side)? The hit's handling decides: team hits are for
    every member, agency hits for that agency, FIU hits only with FIU access to the case (or cases)
    whose unreleased FIU intelligence matched. The records' handling as it is now must allow it too
    (a record coded more strictly since, or a hit stored before hits had a handling)."""
    if not _allows(user, hit.handling, hit.origin_agency_id, hit.fiu_case_ids):
        return False
    subject, other = _matched_records(hit)
    now = Handling.strictest([subject, other])
    fiu = set(now.unreleased_fiu)
    fiu_cases = [case_id for record, case_id in ((subject, hit.case_id), (other, hit.other_case_id))
                 if record is not None and (record._meta.label, record.pk) in fiu]
    return _allows(user, now.handling, now.origin_agency_id, fiu_cases)


def _side(hit, case):
    """(own value, own url, contact agency) of `hit` seen from `case`."""
    if hit.case_id == case.pk:
        return hit.matched_value, hit.subject_url, hit.contact_agency
    return hit.other_value or hit.matched_value, hit.other_url, hit.case.lead_agency


def _message(hit, case):
    value, _url, agency = _side(hit, case)
    article = "an" if hit.match_type[:1] in "aeiou" else "a"
    return (f"Another case holds {article} {hit.match_type} match for {hit.kind} {value}. "
            f"Contact {agency.name} ({agency.get_kind_display()}, {agency.country}).")


def _notice(hit, case):
    return Notice(hit, _message(hit, case), _side(hit, case)[1])


def _existing(case, subject_type, subject_id, match):
    """The hit of this pair of records, whichever side recorded it first."""
    return DeconflictionHit.objects.filter(
        Q(case=case, subject_type=subject_type, subject_id=subject_id, other_case=match.other_case,
          other_type=match.other_type, other_id=str(match.other_id))
        | Q(case=match.other_case, subject_type=match.other_type, subject_id=str(match.other_id), other_case=case,
            other_type=subject_type, other_id=subject_id)
    ).select_related("case__lead_agency", "contact_agency").first()


def _recipients(hit, case):
    """Who of `case` (the side that did not search) is told: its leads, and for a hit on FIU
    intelligence its FIU members — each only if he may see the hit."""
    members = CaseMembership.objects.active().filter(case=case).select_related("user", "user__agency")
    if hit.handling == Handling.FIU:
        members = members.filter(Q(role=Role.LEAD) | Q(user__agency__kind="fiu"))
    else:
        members = members.filter(role=Role.LEAD)
    users = {m.user for m in members if m.user.is_active}
    return [u for u in sorted(users, key=lambda u: u.pk) if hit_visible_to(hit, u)]


@transaction.atomic
def deconfliction_report(*, by, case, subject, kind, matches, subject_url="") -> list[Notice]:
    """Record the hits of `subject` (a record of `case`, whose page is `subject_url`) and say what
    `by` may know of them. A match `by` may not be told of (it rests on FIU intelligence or agency
    material he may not see) is not recorded at all: nobody learns of it, on either side."""
    from cases.services import notify

    subject_type, subject_id = subject._meta.label, str(subject.pk)
    notices = []
    for match in matches:
        if match.other_case.pk == case.pk:
            continue
        hit = _existing(case, subject_type, subject_id, match)
        if hit is None:
            derived = Handling.strictest([subject, match.other])
            fiu_sources = set(derived.unreleased_fiu)
            hit = DeconflictionHit(
                case=case, subject_type=subject_type, subject_id=subject_id, other_case=match.other_case,
                other_type=match.other_type, other_id=str(match.other_id), kind=kind,
                subject_label=str(subject)[:300], matched_value=match.matched_value[:200],
                other_value=(match.other_value or match.matched_value)[:200], match_type=match.match_type,
                contact_agency=match.other_case.lead_agency, found_by=by, subject_url=subject_url[:300],
                other_url=match.other_url[:300], handling=derived.handling, origin_agency_id=derived.origin_agency_id,
                subject_fiu=(subject._meta.label, subject.pk) in fiu_sources,
                other_fiu=match.other is not None and (match.other._meta.label, match.other.pk) in fiu_sources,
            )
            if not hit_visible_to(hit, by):
                continue
            hit.save()
            _record_hit(hit, by=by, subject=subject, other=match.other, notify=notify)
        elif not hit_visible_to(hit, by):
            continue
        notices.append(_notice(hit, case))
    return notices


def _record_hit(hit, *, by, subject, other, notify):
    """Audit a new hit on both sides and tell the other side, in the words of its record page.

    The events' object is the hit itself (labelled without either case), so that a reader of a case's
    trail who may not be told of the hit (`hit_visible_to`) can be shown it redacted."""
    details = {"kind": hit.kind, "match_type": hit.match_type, "handling": hit.handling}
    audit_record(actor=by, action=AuditAction.DECONFLICTION_HIT, obj=hit, case=hit.case,
                 details={**details, "record": f"{hit.subject_type} #{hit.subject_id}", "value": hit.matched_value,
                          "contact_agency": hit.contact_agency.name})
    # The other side is told which agency to contact, never the searching case.
    audit_record(actor=by, action=AuditAction.DECONFLICTION_HIT_RECEIVED, obj=hit, case=hit.other_case,
                 details={**details, "record": f"{hit.other_type} #{hit.other_id}", "value": hit.other_value,
                          "contact_agency": hit.case.lead_agency.name})
    for user in _recipients(hit, hit.other_case):
        notify(recipient=user, case=hit.other_case, message=_message(hit, hit.other_case), url=hit.other_url,
               dedupe_key=f"deconfliction:{hit.pk}", sources=[hit, other])


def deconfliction_notices(*, user, case, subject=None) -> list[Notice]:
    """The hits on a case's records (or on one record of it), on whichever side they were recorded,
    as `user` may be told of them. The caller has checked that `user` may see the records."""
    if membership_for(user, case) is None:
        return []
    own = Q(case=case)
    theirs = Q(other_case=case)
    if subject is not None:
        label, pk = subject._meta.label, str(subject.pk)
        own &= Q(subject_type=label, subject_id=pk)
        theirs &= Q(other_type=label, other_id=pk)
    hits = DeconflictionHit.objects.filter(own | theirs).select_related("case__lead_agency", "contact_agency")
    return [_notice(hit, case) for hit in hits if hit_visible_to(hit, user)]
