"""Deconfliction tells both sides the same — a flag on their own record and the contact agency — and
unreleased FIU identifiers match for FIU members only."""
import pytest
from django.urls import reverse

from cases import services as case_services
from cases.deconfliction import deconfliction_notices
from cases.models import DeconflictionHit, Notification
from finance.recovery import services as recovery
from tests.seizures.conftest import record_firearm, record_seizure

pytestmark = pytest.mark.django_db

IBAN = "HR1210010051863000160"


def register(world, by, case, handling="team", label="Account"):
    return recovery.asset_register(case=case, by=world.users[by], kind="bank_account", label=label, jurisdiction="HR",
                                   handling=handling, identifiers=[{"kind": "iban", "value": IBAN}])


def page(client, user, asset):
    client.force_login(user)
    response = client.get(reverse("recovery:detail", kwargs={"reference": asset.case.reference, "pk": asset.pk}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def beta_fiu_member(world):
    """An FIU analyst of Operation Beta: the one member there entitled to hear of FIU intelligence."""
    user = case_services.user_create(username="beta_fiu", password="x-Very-long-pass-42", agency=world.agencies["fiu"])
    case_services.membership_add(case=world.other_case, by=world.users["outsider"], user=user,
                                 role="financial_analyst")
    return user


def test_an_outsiders_record_never_learns_of_an_iban_only_unreleased_fiu_data_holds(world, client):
    register(world, "analyst", world.case, handling="fiu", label="STR account")
    beta = register(world, "outsider", world.other_case)
    assert deconfliction_notices(user=world.users["outsider"], case=world.other_case, subject=beta) == []
    assert "Another case holds" not in page(client, world.users["outsider"], beta)
    assert not DeconflictionHit.objects.exists()
    assert not Notification.objects.exists()


def test_fiu_intelligence_matching_a_team_record_is_not_told_to_the_non_fiu_side(world, client, beta_fiu_member):
    beta = register(world, "outsider", world.other_case)
    alpha = register(world, "analyst", world.case, handling="fiu", label="STR account")
    hit = DeconflictionHit.objects.get()
    assert hit.handling == "fiu" and hit.subject_fiu and not hit.other_fiu
    # The non-FIU lead of Operation Beta: no notification, no flag on his own record.
    assert not Notification.objects.filter(recipient=world.users["outsider"]).exists()
    assert "Another case holds" not in page(client, world.users["outsider"], beta)
    # The FIU analyst of Beta is told, in the words of the record page, with a link to Beta's record.
    note = Notification.objects.get(recipient=beta_fiu_member)
    assert note.handling == "fiu" and "OP-ALPHA" not in note.message and "Financial Intelligence" not in note.message
    assert note.url == reverse("recovery:detail", kwargs={"reference": "OP-BETA", "pk": beta.pk})
    assert "National Police" in note.message  # Operation Alpha's lead agency is the contact
    # The analyst who recorded it sees the flag on his own record, naming the contact agency only.
    html = page(client, world.users["analyst"], alpha)
    assert "Another case holds an exact match for IBAN" in html and "Arms Control Authority" in html
    assert "OP-BETA" not in html
    # Non-FIU members of Alpha hear nothing of it, case-wide.
    assert deconfliction_notices(user=world.users["lead"], case=world.case) == []


def test_a_hit_shows_on_both_sides_records_the_same_way(world, client):
    alpha = register(world, "asset", world.case)  # recorded first
    beta = register(world, "outsider", world.other_case)
    assert DeconflictionHit.objects.count() == 1
    alpha_page = page(client, world.users["asset"], alpha)
    beta_page = page(client, world.users["outsider"], beta)
    assert f"Another case holds an exact match for IBAN {IBAN}. Contact Arms Control Authority" in alpha_page
    assert f"Another case holds an exact match for IBAN {IBAN}. Contact National Police" in beta_page
    assert "OP-BETA" not in alpha_page and "OP-ALPHA" not in beta_page
    # The side that recorded first is told no more than its record page says, with a link to its own record.
    note = Notification.objects.get(recipient=world.users["lead"])
    [notice] = deconfliction_notices(user=world.users["lead"], case=world.case, subject=alpha)
    assert note.message == notice.message and "OP-BETA" not in note.message
    assert note.url == reverse("recovery:detail", kwargs={"reference": "OP-ALPHA", "pk": alpha.pk}) == notice.url


def test_the_first_firearm_recorded_shows_the_flag_too(world, client):
    beta_seizure = record_seizure(world, by="outsider", case=world.other_case, reference="BETA-1")
    beta = record_firearm(beta_seizure, world.users["outsider"], serial_as_read="A12 345", make="ZASTAVA")
    alpha = record_firearm(record_seizure(world), world.users["investigator"], serial_as_read="a12-345")
    assert alpha.deconfliction and beta.deconfliction == []
    client.force_login(world.users["outsider"])
    html = client.get(reverse("seizures:firearm-detail", kwargs={"reference": "OP-BETA", "pk": beta.pk})).content.decode()
    assert "Another case holds an exact match for serial number" in html and "National Police" in html
    assert "OP-ALPHA" not in html
    note = Notification.objects.get(recipient=world.users["outsider"])
    assert "OP-ALPHA" not in note.message and "Customs" not in note.message
    assert note.url == reverse("seizures:firearm-detail", kwargs={"reference": "OP-BETA", "pk": beta.pk})


def test_hits_and_notifications_stored_before_the_policy_leak_nothing(world, client):
    """A hit stored without handling (before hits had one) is checked against the records as they are now,
    and the old notification text that named the searching case is rewritten by the migration."""
    import importlib

    from django.apps import apps

    alpha = register(world, "analyst", world.case, handling="fiu", label="STR account")
    beta = register(world, "outsider", world.other_case)
    old = DeconflictionHit.objects.create(
        case=world.case, kind="IBAN", subject_type="recovery.Asset", subject_id=str(alpha.pk), subject_label="x",
        matched_value=IBAN, other_case=world.other_case, other_type="recovery.Asset", other_id=str(beta.pk),
        contact_agency=world.other_case.lead_agency, found_by=world.users["analyst"])
    assert old.handling == "team"
    assert deconfliction_notices(user=world.users["outsider"], case=world.other_case, subject=beta) == []
    assert "Another case holds" not in page(client, world.users["outsider"], beta)
    Notification.objects.create(recipient=world.users["outsider"], case=world.other_case,
                                dedupe_key=f"deconfliction:{old.pk}",
                                message=f"Case OP-ALPHA (Financial Intelligence Unit) recorded IBAN {IBAN}, which "
                                        f"matches a record of this case.")
    migration = importlib.import_module("cases.migrations.0005_deconfliction_and_notification_handling")
    migration.neutral_deconfliction_notifications(apps, None)
    note = Notification.objects.get(recipient=world.users["outsider"])
    assert "OP-ALPHA" not in note.message and note.handling == "fiu"
    assert not Notification.objects.visible_to(world.users["outsider"]).exists()
