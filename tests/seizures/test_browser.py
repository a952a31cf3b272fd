"""In a real browser: record a seizure with two firearms, open a tracing request, see it on the tracing board."""
from datetime import timedelta

import pytest
from django.utils import timezone

from seizures.models import Firearm, TracingRequest
from tests.conftest import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_record_seizure_two_firearms_and_trace_them(page, sign_in):  # noqa: F811
    world = build_world()
    ref = world.case.reference
    sign_in("investigator")

    page.goto(f"/cases/{ref}/")
    page.click("nav.tabs >> text=Seizures")
    page.click("text=Record the first seizure")
    when = (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=occurred_at]", when)
    page.select_option("select[name=context]", "border_crossing")
    page.select_option("select[name=legal_basis]", "illicit_possession")
    page.fill("input[name=place]", "Bajakovo border crossing")
    page.select_option("select[name=route_departure]", "RS")
    page.select_option("select[name=route_destination]", "AT")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Now add what was seized")

    page.click("text=Add firearm")
    page.select_option("select[name=weapon_type]", "pistol")
    page.fill("input[name=make]", "Zastava")
    page.fill("input[name=model]", "CZ99")
    page.fill("input[name=serial_as_read]", "A 41-022")
    page.select_option("select[name=country_of_manufacture]", "RS")
    page.click("button:has-text('Save and add another')")
    page.wait_for_selector("text=its serial number was checked")

    page.select_option("select[name=weapon_type]", "revolver")
    page.fill("input[name=make]", "Ekol")
    page.fill("input[name=serial_as_read]", "EK-15 20331")
    page.select_option("select[name=marking_status]", "altered")
    page.check("input[name=converted]")
    page.fill("input[name=converted_from]", "alarm revolver")
    page.click("button.btn-primary:has-text('Save')")
    page.wait_for_selector("h2:has-text('Revolver Ekol')")
    assert Firearm.objects.filter(case=world.case).count() == 2

    page.click("text=Open a tracing request")
    for label in page.locator("input[name=firearms]").all():
        label.check()
    page.select_option("select[name=destination]", "foreign_state")
    page.select_option("select[name=destination_country]", "RS")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=drafted")
    tracing = TracingRequest.objects.get(case=world.case)
    assert tracing.firearms.count() == 2
    page.click("button:has-text('Mark as sent')")
    page.wait_for_selector("text=the due date is set")

    page.click("nav.tabs >> text=Tracing")
    page.wait_for_url(f"**/cases/{ref}/seizures/tracing/")
    card = page.locator("[data-status=sent] .board-card", has_text=tracing.reference)
    assert card.is_visible()
    assert "2 firearms" in card.inner_text()
