"""Statistics and SDG 16.4.2 on a fixture with a known answer."""
import csv
import io
from datetime import date, datetime, timezone as dt_timezone

import pytest
from django.urls import reverse

from cases import services as case_services
from seizures import services
from seizures.statistics import csv_safe, seizure_statistics
from tests.seizures.conftest import record_firearm, record_seizure


def at(day):
    return datetime(2026, 1, day, 10, 0, tzinfo=dt_timezone.utc)


@pytest.fixture
def known(world):
    """Ten firearms in January 2026 (7 seized, 2 found, 1 surrendered) and one in 2025 outside the period.

    Traced: 2 (one to the point of diversion, one to the last legal owner); a third request came back
    "not traced"; one more firearm's origin was established without a trace. 16.4.2 = 3 / 10.
    """
    inv, lead = world.users["investigator"], world.users["lead"]
    seized = record_seizure(world, reference="S1", occurred_at=at(5), route_departure="RS", route_destination="AT")
    found = record_seizure(world, reference="S2", occurred_at=at(12), recovery_type="found", context="inland",
                           route_departure="", route_destination="")
    surrendered = record_seizure(world, reference="S3", occurred_at=at(20), recovery_type="surrendered",
                                 context="premises", legal_basis="other", legal_basis_detail="Amnesty",
                                 route_departure="", route_destination="")
    record_seizure(world, reference="OLD", occurred_at=datetime(2025, 6, 1, tzinfo=dt_timezone.utc))
    guns = [record_firearm(seized, inv, serial_as_read=f"S1-{i}", weapon_type="pistol") for i in range(5)]
    guns += [record_firearm(seized, inv, serial_as_read=f"R-{i}", weapon_type="revolver", converted=True,
                            converted_from="alarm revolver", country_of_manufacture="TR", make="Ekol") for i in range(2)]
    guns += [record_firearm(found, inv, serial_as_read=f"F-{i}", weapon_type="rifle", country_of_manufacture="")
             for i in range(2)]
    guns += [record_firearm(surrendered, inv, serial_as_read="SUR-1", weapon_type="shotgun", origin_established=True,
                            origin_established_note="Registry: stolen in 2018 burglary, police report 44/18",
                            country_of_manufacture="IT")]
    record_firearm(world.case and record_seizure(world, reference="OLD2",
                                                 occurred_at=datetime(2025, 7, 1, tzinfo=dt_timezone.utc)),
                   inv, serial_as_read="OLD-1")

    def trace(firearms, outcome, **fields):
        request = services.tracing_request_create(case=world.case, by=lead, firearms=firearms, destination="iarms")
        services.tracing_request_send(request=request, by=lead, sent_at=at(25))
        if outcome:
            services.tracing_request_respond(request=request, by=lead, outcome=outcome, **fields)
        return request

    trace([guns[0]], "diversion_point", diversion_type="theft")
    trace([guns[1]], "last_legal_owner", last_legal_owner="Gun shop Novi Sad")
    trace([guns[2]], "not_traced", not_traced_reason="Records destroyed")
    trace([guns[3], guns[4]], None)
    draft = services.tracing_request_create(case=world.case, by=lead, firearms=[guns[5]], destination="iarms")
    person = case_services.entity_create(case=world.case, by=lead, kind="person", name="Goran P.", sex="male",
                                         date_of_birth=date(2000, 5, 1))
    services.seizure_party_add(seizure=seized, by=lead, entity=person, role="carrier")
    services.seizure_context_change(seizure=seized, by=lead, context="arms_trafficking", reason="Financial analysis")
    return {"guns": guns, "draft": draft}


PERIOD = dict(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))


def test_sdg_1642_known_answer(world, known):
    stats = seizure_statistics(user=world.users["lead"], **PERIOD)
    assert (stats.sdg_numerator, stats.sdg_denominator) == (3, 10)
    assert stats.sdg_1642 == pytest.approx(0.3)
    assert stats.firearms == 10 and stats.seizures == 3
    assert stats.tracing == {
        "Firearms for which tracing was initiated": 5,  # drafts are not initiated
        "Firearms with a tracing response": 3,
        "Firearms traced successfully": 2,
        "Firearms whose origin was established without a trace": 1,
    }
    assert stats.tracing_requests_sent == 4
    assert stats.by_recovery_type == {"Seized": 7, "Found": 2, "Surrendered": 1}
    assert stats.by_weapon_type == {"Pistol": 5, "Revolver": 2, "Rifle": 2, "Shotgun": 1}
    assert stats.by_legal_basis == {"Illicit possession": 9, "Other": 1}
    assert stats.by_criminal_context == {"Arms trafficking": 7, "Not yet established": 3}
    assert stats.by_country_of_manufacture["Serbia (RS)"] == 5
    assert stats.by_country_of_manufacture["Unknown"] == 2
    assert stats.by_route == {"RS → AT": 7, "? → ?": 3}
    assert stats.persons_by_sex_and_age == [{"sex": "male", "age_group": "25–34", "count": 1}]
    # the list behind each number, for a member
    assert len(stats.lists["sdg_numerator"]) == 3 and len(stats.lists["sdg_denominator"]) == 10


def test_the_whole_history_without_a_period(world, known):
    stats = seizure_statistics(user=world.users["lead"])
    assert stats.sdg_denominator == 11


def test_focal_point_sees_all_cases_but_no_records(world, known, login):
    other = record_seizure(world, by="outsider", case=world.other_case, reference="B1", occurred_at=at(7))
    record_firearm(other, world.users["outsider"], serial_as_read="ZZ-99")
    stats = seizure_statistics(user=world.users["focal"], **PERIOD)
    assert stats.sdg_denominator == 11 and stats.lists == {} and not stats.with_details
    assert seizure_statistics(user=world.users["lead"], **PERIOD).sdg_denominator == 10
    assert seizure_statistics(user=world.users["outsider"], **PERIOD).sdg_denominator == 1
    page = login(world.users["focal"]).get(reverse("seizures-global:figures"), {"date_from": "2026-01-01",
                                                                                  "date_to": "2026-01-31"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="sdg-1642">27 %' in body  # 3 of 11
    assert "S1-0" not in body and "/firearms/" not in body and "OP-ALPHA" not in body


def test_member_page_lists_the_firearms_behind_the_figure(world, known, login):
    body = login(world.users["observer"]).get(reverse("seizures-global:figures"),
                                              {"date_from": "2026-01-01", "date_to": "2026-01-31"}).content.decode()
    assert 'id="sdg-1642">30 %' in body
    assert "S1-0" in body and "SUR-1" in body


def test_csv_export_is_safe_against_formula_injection(world, known, login):
    response = login(world.users["lead"]).get(reverse("seizures-global:figures-csv"),
                                              {"date_from": "2026-01-01", "date_to": "2026-01-31"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["SDG 16.4.2", "proportion", "0.3000"] in rows
    assert ["SDG 16.4.2", "traced or established (numerator)", "3"] in rows
    assert csv_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert csv_safe("+1") == "'+1" and csv_safe("-1") == "'-1" and csv_safe("@x") == "'@x"
    assert csv_safe(5) == 5 and csv_safe("Pistol") == "Pistol"


def test_injected_labels_are_neutralised_in_the_export(world, login):
    seizure = record_seizure(world, reference="X", occurred_at=at(3))
    record_firearm(seizure, world.users["investigator"], serial_as_read="Q1")
    from seizures.models import Seizure
    Seizure.objects.filter(pk=seizure.pk).update(route_departure="=1")  # bypassing validation on purpose
    content = login(world.users["lead"]).get(reverse("seizures-global:figures-csv")).content.decode()
    rows = list(csv.reader(io.StringIO(content)))
    assert ["Route (departure → destination)", "'=1 → AT", "1"] in rows
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
