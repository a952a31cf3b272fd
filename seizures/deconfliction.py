"""Serial-number deconfliction: the same firearm recorded in another case.

This is the one place where firearms of *other* cases are read without the
case-scoped filter; what the searching user learns of them is decided by
`cases.deconfliction` (a flag on each side's own record, the contact agency only).
"""
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse

from cases.deconfliction import Match, deconfliction_report
from cases.models import DeconflictionHit

from . import serials
from .models import Firearm

# A partial serial with fewer readable characters than this is not searched:
# "*7" would match thousands of firearms and tell nobody anything.
MIN_KNOWN_CHARACTERS = 3


def serial_matches(firearm) -> list[Match]:
    """Firearms of other cases whose make and serial may be this firearm's."""
    value = firearm.serial_normalized
    if not value or serials.known_characters(value) < MIN_KNOWN_CHARACTERS:
        return []
    others = Firearm.objects.across_cases().exclude(case_id=firearm.case_id).exclude(serial_normalized="").select_related("case")
    make = firearm.make_normalized
    # Unknown make on either side: the serial alone decides, and the match is only partial.
    same_make = others.filter(make_normalized__in=[make, ""]) if make else others
    matches = []
    if not firearm.serial_is_partial:
        for other in same_make.filter(serial_normalized=value):
            exact = bool(make) and other.make_normalized == make
            matches.append(_match(other, value, exact))
        candidates = same_make.filter(serial_is_partial=True)
    else:
        candidates = same_make
    if serials.ANY_RUN not in value:
        # Without a run wildcard on this side, only serials of the same length or with a run can fit.
        candidates = candidates.annotate(serial_length=Length("serial_normalized")).filter(
            Q(serial_length=len(value)) | Q(serial_normalized__contains=serials.ANY_RUN))
    for other in candidates.only("id", "case", "serial_normalized", "serial_as_read", "make", "make_normalized",
                                 "model", "item_number", "weapon_type", "serial_is_partial", "seizure_id"):
        if other.serial_normalized == value and not firearm.serial_is_partial:
            continue  # already an exact hit above
        if serials.known_characters(other.serial_normalized) < MIN_KNOWN_CHARACTERS:
            continue
        if serials.patterns_may_match(value, other.serial_normalized):
            matches.append(_match(other, value, False))
    return matches


def _match(other, value, exact):
    url = reverse("seizures:firearm-detail", kwargs={"reference": other.case.reference, "pk": other.pk})
    return Match(
        other_case=other.case, other_type=Firearm._meta.label, other_id=str(other.pk), matched_value=value,
        match_type=DeconflictionHit.MatchType.EXACT if exact else DeconflictionHit.MatchType.PARTIAL,
        other_url=url, other=other, other_value=other.serial_normalized,
    )


def firearm_deconflict(*, firearm, by):
    """Search, store and audit hits of this firearm; return what `by` may be told."""
    url = reverse("seizures:firearm-detail", kwargs={"reference": firearm.case.reference, "pk": firearm.pk})
    return deconfliction_report(by=by, case=firearm.case, subject=firearm, kind="serial number",
                                matches=serial_matches(firearm), subject_url=url)
