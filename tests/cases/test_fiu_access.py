"""FIU intelligence follows FIU agency membership, not a role (issue 11, finding 4): a police officer
whom the lead makes "financial analyst" reads no unreleased FIU record and releases nothing; an FIU
member's grant opens the case's FIU material to one member, audited and revocable."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import services
from cases.access import Action, Handling, can
from cases.models import AuditEvent, Note

pytestmark = pytest.mark.django_db

SECRET = "STR 2026-0107: structuring below threshold"


@pytest.fixture
def fiu_note(world):
    return services.note_add(case=world.case, by=world.users["analyst"], title="STR digest", body=SECRET,
                             handling=Handling.FIU)


@pytest.fixture
def police_analyst(world):
    """A police officer the lead invites with the financial-analyst role."""
    user = services.user_create(username="pc-analyst", password="x-long-password-123", agency=world.agencies["police"])
    services.membership_add(case=world.case, by=world.users["lead"], user=user, role="financial_analyst")
    return user


def test_the_analyst_role_alone_reads_no_fiu_intelligence(world, fiu_note, police_analyst, client):
    assert not Note.objects.visible_to(police_analyst).filter(pk=fiu_note.pk).exists()
    client.force_login(police_analyst)
    url = reverse("cases:note-detail", kwargs={"reference": world.case.reference, "pk": fiu_note.pk})
    assert client.get(url).status_code == 404
    assert SECRET not in client.get(reverse("cases:notes", kwargs={"reference": world.case.reference})).content.decode()


def test_the_analyst_role_alone_releases_nothing_and_marks_nothing_fiu(world, fiu_note, police_analyst, client):
    assert not can(police_analyst, world.case, Action.RELEASE_FIU)
    with pytest.raises(PermissionDenied):
        services.record_release_fiu(record=fiu_note, by=police_analyst, reason="court")
    with pytest.raises(ValidationError):
        services.note_add(case=world.case, by=police_analyst, body="x", handling=Handling.FIU)
    client.force_login(police_analyst)
    assert client.post(f"/api/notes/{fiu_note.pk}/release/", {"reason": "court"},
                       content_type="application/json").status_code == 404


def test_a_police_lead_does_not_release_although_the_role_allows_it(world, fiu_note):
    assert not can(world.users["lead"], world.case, Action.RELEASE_FIU)
    assert can(world.users["analyst"], world.case, Action.RELEASE_FIU)


def test_an_fiu_grant_opens_the_case_fiu_material_and_its_revocation_closes_it(world, fiu_note, client):
    prosecutor = world.users["prosecutor"]
    assert not Note.objects.visible_to(prosecutor).filter(pk=fiu_note.pk).exists()
    grant = services.fiu_access_grant(case=world.case, by=world.users["analyst"], user=prosecutor,
                                      reason="charging decision")
    assert Note.objects.visible_to(prosecutor).filter(pk=fiu_note.pk).exists()
    # The grant is for this case only: OP-BETA's FIU material stays closed, and it grants no release.
    assert not can(prosecutor, world.case, Action.RELEASE_FIU)
    services.fiu_access_revoke(grant=grant, by=world.users["analyst"])
    assert not Note.objects.visible_to(prosecutor).filter(pk=fiu_note.pk).exists()
    actions = list(AuditEvent.objects.filter(case=world.case, action__startswith="fiu.access").values_list("action", flat=True))
    assert actions == ["fiu.access.grant", "fiu.access.revoke"]


def test_only_fiu_members_grant(world):
    with pytest.raises(PermissionDenied):
        services.fiu_access_grant(case=world.case, by=world.users["lead"], user=world.users["prosecutor"], reason="x")
    with pytest.raises(ValidationError):
        services.fiu_access_grant(case=world.case, by=world.users["analyst"], user=world.users["outsider"], reason="x")


def test_grant_and_revoke_through_the_team_page(world, fiu_note, client):
    client.force_login(world.users["analyst"])
    team = reverse("cases:team", kwargs={"reference": world.case.reference})
    membership = world.case.memberships.get(user=world.users["investigator"])
    response = client.post(reverse("cases:fiu-grant", kwargs={"reference": world.case.reference, "pk": membership.pk}),
                           {"reason": "joint analysis"})
    assert response.status_code == 302
    assert "granted by analyst" in client.get(team).content.decode()
    assert Note.objects.visible_to(world.users["investigator"]).filter(pk=fiu_note.pk).exists()
    # A lead (police) sees no grant button and cannot post one.
    client.force_login(world.users["lead"])
    other = world.case.memberships.get(user=world.users["observer"])
    assert client.post(reverse("cases:fiu-grant", kwargs={"reference": world.case.reference, "pk": other.pk}),
                       {"reason": "x"}).status_code == 404


def test_ending_a_membership_ends_its_grant(world, fiu_note):
    prosecutor = world.users["prosecutor"]
    services.fiu_access_grant(case=world.case, by=world.users["analyst"], user=prosecutor, reason="charging")
    services.membership_end(membership=world.case.memberships.get(user=prosecutor, until__isnull=True),
                            by=world.users["lead"])
    services.membership_add(case=world.case, by=world.users["lead"], user=prosecutor, role="prosecutor")
    assert not Note.objects.visible_to(prosecutor).filter(pk=fiu_note.pk).exists()
