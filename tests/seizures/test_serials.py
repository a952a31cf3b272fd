"""Serial numbers: normalization, partial patterns, and hits across cases that leak nothing."""
import pytest
from django.urls import reverse

from cases.models import AuditEvent, DeconflictionHit, Notification
from seizures import serials
from seizures.deconfliction import serial_matches
from tests.seizures.conftest import record_firearm, record_seizure


@pytest.mark.parametrize("as_read,expected", [
    ("A12-345", "A12345"),
    (" a12 345 ", "A12345"),
    ("AB.12/34", "AB1234"),
    ("4O1I-22", "40112" + "2"),  # O read for 0, I for 1
    ("ab12??56", "AB12??56"),
    ("AB12__56", "AB12??56"),
    ("AB1**", "AB1*"),
    ("", ""),
])
def test_normalization_folds_separators_case_and_confusable_letters(as_read, expected):
    assert serials.normalize_serial(as_read) == expected


def test_confusable_letters_follow_the_setting(settings):
    settings.PARALLAX_SERIAL_CONFUSABLES = {}
    assert serials.normalize_serial("O1I") == "O1I"
    settings.PARALLAX_SERIAL_CONFUSABLES = {"O": "0", "I": "1", "S": "5"}
    assert serials.normalize_serial("OIS") == "015"


def test_make_normalization():
    assert serials.normalize_make("Zastava-Arms") == serials.normalize_make("zastava arms")
    assert serials.normalize_make("Glock") != serials.normalize_make("Walther")
    assert serials.normalize_make("ZASTAVA ARMS") == serials.normalize_make("Zastava") == "zastava"
    assert serials.normalize_make("Glock Ges.m.b.H.") == serials.normalize_make("GLOCK") == "glock"
    assert serials.normalize_make("Arms") == "arms"  # a name made only of noise words is kept


@pytest.mark.parametrize("a,b,expected", [
    ("AB12??56", "AB123456", True),
    ("AB12??56", "AB12345", False),  # wrong length
    ("AB12??56", "AC123456", False),
    ("AB1*", "AB1999999", True),
    ("*3456", "AB123456", True),
    ("AB12??56", "AB1?3456", True),  # both partial, compatible
    ("AB12??56", "AC1?3456", False),
    ("AB*56", "AB1*", True),
    ("AB*56", "AC1*", False),
    ("AB123456", "AB123456", True),
    ("AB123456", "AB123457", False),
])
def test_partial_patterns(a, b, expected):
    assert serials.patterns_may_match(a, b) is expected
    assert serials.patterns_may_match(b, a) is expected


def test_an_intact_marking_cannot_carry_unreadable_characters(world, seizure):
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError) as err:
        record_firearm(seizure, world.users["investigator"], serial_as_read="A1?-345", marking_status="intact")
    assert "serial_as_read" in err.value.message_dict


@pytest.fixture
def beta_firearm(world):
    """The outsider's case already holds a Zastava with serial A12345 and an obliterated Glock."""
    other = record_seizure(world, by="outsider", case=world.other_case, reference="BETA-1")
    outsider = world.users["outsider"]
    return {
        "zastava": record_firearm(other, outsider, serial_as_read="A12 345", make="ZASTAVA"),
        "glock": record_firearm(other, outsider, make="Glock", model="17", serial_as_read="BK?7?1",
                                marking_status="obliterated"),
    }


def test_exact_hit_in_a_case_the_user_cannot_see_names_only_the_agency(world, seizure, beta_firearm):
    firearm = record_firearm(seizure, world.users["investigator"], serial_as_read="a12-345")
    assert len(firearm.deconfliction) == 1
    notice = firearm.deconfliction[0]
    assert notice.hit.match_type == "exact"
    assert "Another case holds" in notice.message
    assert world.other_case.lead_agency.name in notice.message
    # nothing of the other case's record leaks
    assert "OP-BETA" not in notice.message and "BETA-1" not in notice.message
    assert notice.url == reverse("seizures:firearm-detail", kwargs={"reference": world.case.reference,
                                                                    "pk": firearm.pk})  # his own record
    # audited on both sides, the other case's lead is told
    assert AuditEvent.objects.filter(action="deconfliction.hit", case=world.case).exists()
    assert AuditEvent.objects.filter(action="deconfliction.hit_received", case=world.other_case).exists()
    assert Notification.objects.filter(recipient=world.users["outsider"], case=world.other_case).exists()


def test_member_of_both_cases_is_told_the_same_contact_agency_only(world, seizure, beta_firearm):
    from cases import services as case_services
    case_services.membership_add(case=world.other_case, by=world.users["outsider"], user=world.users["investigator"],
                                 role="investigator")
    firearm = record_firearm(seizure, world.users["investigator"], serial_as_read="A12345")
    notice = firearm.deconfliction[0]
    assert "OP-BETA" not in notice.message and "BETA-1" not in notice.message
    assert world.other_case.lead_agency.name in notice.message and world.case.reference in notice.url


def test_obliterated_serial_finds_a_partial_match_and_the_reverse(world, seizure, beta_firearm):
    restored = record_firearm(seizure, world.users["investigator"], make="GLOCK", model="17", serial_as_read="BK171",
                              marking_status="restored")
    assert restored.deconfliction == []  # length differs: BK?7?1 has six characters
    full = record_firearm(seizure, world.users["investigator"], make="Glock", serial_as_read="BK3701",
                          model="17", item_number="X2")
    assert [n.hit.match_type for n in full.deconfliction] == ["partial"]
    assert full.deconfliction[0].hit.other_id == str(beta_firearm["glock"].pk)


def test_same_serial_of_another_make_is_not_a_hit(world, seizure, beta_firearm):
    firearm = record_firearm(seizure, world.users["investigator"], make="Walther", serial_as_read="A12345")
    assert firearm.deconfliction == []


def test_unknown_make_matches_on_serial_but_only_as_partial(world, seizure, beta_firearm):
    firearm = record_firearm(seizure, world.users["investigator"], make="", serial_as_read="A12345",
                             marking_status="altered")
    assert [n.hit.match_type for n in firearm.deconfliction] == ["partial"]


def test_too_few_readable_characters_are_not_searched(world, seizure, beta_firearm):
    firearm = record_firearm(seizure, world.users["investigator"], make="Glock", serial_as_read="*1",
                             marking_status="obliterated")
    assert serial_matches(firearm) == []


def test_hits_are_stored_once(world, seizure, beta_firearm):
    firearm = record_firearm(seizure, world.users["investigator"], serial_as_read="A12345")
    from seizures.deconfliction import firearm_deconflict
    firearm_deconflict(firearm=firearm, by=world.users["investigator"])
    assert DeconflictionHit.objects.filter(case=world.case).count() == 1


def test_a_run_wildcard_matches_serials_of_any_length(world, seizure):
    other = record_seizure(world, by="outsider", case=world.other_case, reference="BETA-2")
    record_firearm(other, world.users["outsider"], make="Glock", serial_as_read="ZX9*", marking_status="obliterated")
    firearm = record_firearm(seizure, world.users["investigator"], make="Glock", serial_as_read="ZX9-1234")
    assert [n.hit.match_type for n in firearm.deconfliction] == ["partial"]
    shorter = record_firearm(seizure, world.users["investigator"], make="Glock", serial_as_read="ZX8-12")
    assert shorter.deconfliction == []
