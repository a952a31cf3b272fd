"""Handling codes: an `agency` or `fiu` record is invisible to the members it excludes —
in lists, detail pages, search, the API and the timeline."""
import pytest
from django.urls import reverse

from cases import selectors, services
from cases.access import Handling
from cases.models import Note

pytestmark = pytest.mark.django_db

POLICE_ONLY = "Informant CI-17 names the organiser"
FIU_ONLY = "Three STRs on cash deposits below threshold"


@pytest.fixture
def notes(world):
    u = world.users
    agency_note = services.note_add(case=world.case, by=u["lead"], title="Source report", body=POLICE_ONLY,
                                    handling=Handling.AGENCY)
    fiu_note = services.note_add(case=world.case, by=u["analyst"], title="STR digest", body=FIU_ONLY,
                                 handling=Handling.FIU)
    return agency_note, fiu_note


# who sees what: lead and asset are police (the agency note's origin); analyst is FIU.
SEES_AGENCY = {"lead", "asset"}
SEES_FIU = {"analyst"}
TEAM = ("lead", "investigator", "analyst", "prosecutor", "asset", "observer")


@pytest.mark.parametrize("person", TEAM)
def test_notes_list_and_search_show_only_what_the_handling_admits(world, notes, client, person):
    client.force_login(world.users[person])
    page = client.get(reverse("cases:notes", kwargs={"reference": world.case.reference})).content.decode()
    assert (POLICE_ONLY in page) == (person in SEES_AGENCY)
    assert (FIU_ONLY in page) == (person in SEES_FIU)
    found = client.get(reverse("cases:notes", kwargs={"reference": world.case.reference}), {"q": "STR"}).content.decode()
    assert (FIU_ONLY in found) == (person in SEES_FIU)


@pytest.mark.parametrize("person", TEAM)
def test_detail_pages_answer_404_to_excluded_members(world, notes, client, person):
    agency_note, fiu_note = notes
    client.force_login(world.users[person])
    for note, seers in ((agency_note, SEES_AGENCY), (fiu_note, SEES_FIU)):
        url = reverse("cases:note-detail", kwargs={"reference": world.case.reference, "pk": note.pk})
        assert client.get(url).status_code == (200 if person in seers else 404)
        api = client.get(f"/api/notes/{note.pk}/")
        assert api.status_code == (200 if person in seers else 404)


@pytest.mark.parametrize("person", TEAM)
def test_api_list_and_timeline_leave_out_excluded_records(world, notes, client, person):
    client.force_login(world.users[person])
    listed = {n["body"] for n in client.get("/api/notes/", {"case": world.case.reference}).json()["results"]}
    assert (POLICE_ONLY in listed) == (person in SEES_AGENCY)
    assert (FIU_ONLY in listed) == (person in SEES_FIU)
    titles = {item.title for item in selectors.timeline(user=world.users[person], case=world.case, limit=100)}
    assert ("Source report" in " ".join(titles)) == (person in SEES_AGENCY)
    assert ("STR digest" in " ".join(titles)) == (person in SEES_FIU)
    api_titles = " ".join(i["title"] for i in client.get(f"/api/cases/{world.case.reference}/timeline/").json())
    assert ("STR digest" in api_titles) == (person in SEES_FIU)
    page = client.get(reverse("cases:timeline", kwargs={"reference": world.case.reference})).content.decode()
    assert ("Source report" in page) == (person in SEES_AGENCY)


def test_fiu_release_opens_the_record_to_the_whole_team_and_is_audited(world, notes):
    _, fiu_note = notes
    prosecutor = world.users["prosecutor"]
    assert not Note.objects.visible_to(prosecutor).filter(pk=fiu_note.pk).exists()
    services.record_release_fiu(record=fiu_note, by=world.users["analyst"], reason="FIU consent 12/2026")
    assert Note.objects.visible_to(prosecutor).filter(pk=fiu_note.pk).exists()
    assert selectors.audit_list(user=world.users["lead"], case=world.case, action_prefix="fiu.release").exists()


def test_only_fiu_members_can_mark_records_fiu(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="FIU"):
        services.note_add(case=world.case, by=world.users["investigator"], body="x", handling=Handling.FIU)


def test_outsider_sees_no_case_and_no_record(world, notes, client):
    client.force_login(world.users["outsider"])
    assert world.case.reference not in client.get(reverse("cases:list")).content.decode()
    assert client.get("/api/notes/").json()["count"] == 0
    for note in notes:
        assert client.get(f"/api/notes/{note.pk}/").status_code == 404
