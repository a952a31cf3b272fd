"""Reads of dossiers: a dossier is visible to its requester only, while they may export from the case."""
from django.shortcuts import get_object_or_404

from cases.dossier.render import selected_sections
from cases.models import Dossier


def dossier_list(*, user, case):
    return Dossier.objects.visible_to(user).filter(case=case).select_related("case", "job", "requested_by")


def dossier_get(*, user, case, pk) -> Dossier:
    return get_object_or_404(dossier_list(user=user, case=case), pk=pk)


def available_sections(*, case):
    """Sections offered in the export form for this case, in dossier order."""
    return [s for s in selected_sections(case) if s.selectable]
