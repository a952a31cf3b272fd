"""The national focal point sees counts over all cases and no record; others see their own cases."""
import pytest
from django.urls import reverse

from cases import services
from cases.selectors import aggregate_statistics

pytestmark = pytest.mark.django_db


def test_focal_point_counts_every_case_without_details(world, client):
    services.entity_create(case=world.case, by=world.users["lead"], kind="person", name="Dario Kovač",
                           role_in_case="suspect", sex="male")
    services.entity_create(case=world.other_case, by=world.users["outsider"], kind="person", name="Ivan Broker",
                           role_in_case="broker")
    stats = aggregate_statistics(user=world.users["focal"])
    assert stats["cases_by_status"] == {"Open": 2}
    assert stats["persons_by_role"] == {"Suspect": 1, "Broker": 1}
    client.force_login(world.users["focal"])
    page = client.get(reverse("cases:statistics")).content.decode()
    assert "Suspect" in page and "Dario" not in page and "OP-ALPHA" not in page
    assert client.get(reverse("cases:detail", kwargs={"reference": "OP-ALPHA"})).status_code == 404


def test_a_member_counts_only_own_cases(world):
    services.entity_create(case=world.other_case, by=world.users["outsider"], kind="person", name="Ivan Broker",
                           role_in_case="broker")
    stats = aggregate_statistics(user=world.users["investigator"])
    assert stats["cases_by_status"] == {"Open": 1} and stats["persons_by_role"] == {}


def test_the_administrator_sees_no_case_records(world, client):
    client.force_login(world.users["admin"])
    assert client.get(reverse("cases:detail", kwargs={"reference": "OP-ALPHA"})).status_code == 404
    assert client.get("/api/cases/").json()["count"] == 0
    assert client.get("/admin/cases/agency/").status_code == 200
    assert client.get("/admin/cases/note/").status_code == 404  # case records are not in the admin
