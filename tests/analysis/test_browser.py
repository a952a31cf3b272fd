"""In a real browser: start a trace from a seizure, watch its progress, open the graph, click a flow."""
from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from tests.analysis.conftest import LedgerFactory
from tests.conftest import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_trace_the_money_from_a_seizure(page, sign_in):
    from seizures import services as seizure_services

    world = build_world()
    ledger = LedgerFactory(world.case, world.users["analyst"])
    suspect = case_services.entity_create(case=world.case, by=world.users["lead"], kind="person", name="Ivo Suspect")
    ledger.account("HR-SUSPECT", holder=ledger.party("Ivo Suspect", entity=suspect))
    ledger.tx("HR-SUSPECT", "AT-BROKER", 12000, day=1)
    ledger.tx("AT-BROKER", "DE-MAKER", 11000, day=2)
    seizure = seizure_services.seizure_record(
        case=world.case, by=world.users["investigator"], reference="SZ-E2E", country="HR", context="border_crossing",
        legal_basis="illicit_possession", occurred_at=timezone.now() - timedelta(days=1))
    seizure_services.seizure_party_add(seizure=seizure, by=world.users["investigator"], entity=suspect, role="possessor")

    sign_in("analyst")
    page.goto(f"/cases/{world.case.reference}/analyses/money/")
    page.click("text=Trace the money")
    page.wait_for_url("**/analyses/new/**")
    assert f"seizure:{seizure.pk}" in page.input_value("textarea[name=seeds]")
    page.click("button:has-text('Start')")
    page.wait_for_url("**/jobs/**")  # the job page with its progress bar
    page.wait_for_selector("#job-progress[data-status=succeeded]", timeout=30_000)
    page.click("text=Open the result")
    page.wait_for_selector("svg.flow-svg")
    page.wait_for_selector("#flow-graph line.flow-edge")
    assert page.locator("#flow-graph line.flow-edge").count() == 2
    page.locator("#flow-graph line.flow-edge").first.dispatch_event("click")
    page.wait_for_selector("#flow-panel .edge-panel")
    panel = page.locator("#flow-panel").inner_text()
    assert "EUR" in panel and ("12000" in panel or "11000" in panel)
    # the server-side flow summary links each band to its transactions
    page.locator("svg.flow-svg a").first.dispatch_event("click")  # a straight band has a zero-height box
    page.wait_for_url("**/edge/**")
    assert "transaction(s)" in page.content()
