"""What a dossier holds depends on who asks: the same case, three people."""
import pytest
from django.core.exceptions import PermissionDenied

from cases.dossier import services as dossier_services
from tests.dossier.conftest import normalized, pdf_text, render

pytestmark = pytest.mark.django_db


def test_prosecutor_gets_team_material_and_released_fiu_only(world, content):
    dossier, pdf = render(world, "prosecutor")
    text = normalized(pdf_text(pdf))
    assert "Lorry stopped at the crossing" in text
    assert "Bank statement analysis" in text  # released FIU intelligence
    assert "Suspicious transaction reports" not in text  # unreleased FIU
    assert "Three STRs" not in text
    assert "Informant statement" not in text  # police agency only
    assert "Source CI-17" not in text
    assert "Offshore Shell Ltd" not in text
    assert "Dario Kovač" in text and "HR 0123 4567" in text
    assert "RESTRICTED" in text  # classification marking from settings
    assert dossier.handling_included == ["team", "fiu"]
    assert "Handling codes included" in text
    assert "financial intelligence released by the FIU for evidential use" in text


def test_fiu_analyst_does_not_get_unreleased_intelligence_they_can_see(world, content):
    _dossier, pdf = render(world, "analyst")
    text = normalized(pdf_text(pdf))
    assert "Bank statement analysis" in text
    assert "Suspicious transaction reports" not in text
    assert "Offshore Shell Ltd" not in text
    assert "beneficial owner of" not in text.lower()  # the link to the unreleased entity goes with it
    assert "Informant statement" not in text


def test_agency_material_appears_for_its_own_agency_and_the_cover_says_so(world, content):
    dossier, pdf = render(world, "lead")
    text = normalized(pdf_text(pdf))
    assert "Informant statement" in text and "Source CI-17" in text
    assert dossier.handling_included == ["team", "agency", "fiu"]
    assert f"records restricted to {world.agencies['police'].name}" in text


def test_observer_gets_team_material_only(world, content):
    # the observer is from the border guard: no police agency notes, no FIU intelligence unless released
    dossier, pdf = render(world, "observer")
    text = normalized(pdf_text(pdf))
    assert "Lorry stopped at the crossing" in text
    assert "Bank statement analysis" in text
    assert "Informant statement" not in text and "Source CI-17" not in text
    assert "Suspicious transaction reports" not in text and "Offshore Shell Ltd" not in text
    assert dossier.handling_included == ["team", "fiu"]


def test_someone_outside_the_team_cannot_obtain_a_dossier(world, content):
    with pytest.raises(PermissionDenied):
        dossier_services.dossier_request(case=world.case, by=world.users["outsider"], start_job=False)


def test_manifest_lists_printed_records_with_versions_and_nothing_withheld(world, content):
    dossier, _pdf = render(world, "prosecutor")
    refs = {(r["type"], r["id"]): r for s in dossier.manifest["sections"] for r in s["records"]}
    assert ("cases.Note", content.team_note.pk) in refs
    assert ("cases.Note", content.fiu_released.pk) in refs
    assert ("cases.Note", content.fiu_unreleased.pk) not in refs
    assert ("cases.Note", content.agency_note.pk) not in refs
    assert ("cases.Entity", content.fiu_entity.pk) not in refs
    exhibit = refs[("cases.EvidenceFile", content.exhibit.pk)]
    assert exhibit["version"] == "1" and exhibit["sha256"] == content.exhibit.sha256
    assert refs[("cases.Entity", content.suspect.pk)]["version"] == content.suspect.updated_at.isoformat()
    assert dossier.manifest["requested_by"] == "prosecutor"
    assert dossier.manifest["parameters"]["sections"] is None


def test_period_narrows_the_chronology(world, content):
    from datetime import timedelta

    from django.utils import timezone

    from cases.models import Note

    Note.objects.filter(pk=content.team_note.pk).update(created_at=timezone.now() - timedelta(days=400))
    today = timezone.localdate()
    dossier, pdf = render(world, "prosecutor", sections=["chronology", "persons"], period_from=today - timedelta(days=30))
    text = normalized(pdf_text(pdf))
    assert "Lorry stopped at the crossing" not in text
    assert "Bank statement analysis" in text
    assert "Dario Kovač" in text  # persons are not narrowed by the period
    assert dossier.sections == ["persons", "chronology"]
    assert "Case summary and status" not in text
