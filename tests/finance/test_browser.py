"""An FIU analyst uploads a bank CSV in a real browser, confirms the mapping, sees the job finish
and finds the transactions in the ledger."""
import pytest

from tests.conftest import build_world

from .conftest import FIXTURES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_upload_confirm_mapping_and_see_the_ledger(page, sign_in, settings, tmp_path):  # noqa: F811
    world = build_world()
    sign_in("analyst")
    page.goto(f"/cases/{world.case.reference}/finance/imports/")
    page.set_input_files("input[name=file]", str(FIXTURES / "bank_export.csv"))
    page.fill("input[name=source_label]", "Jadranska banka")
    page.click("button:has-text('Upload')")
    page.wait_for_selector("text=Confirm the column mapping")
    # the guess is shown for confirmation: amount column found, sample rows visible
    assert page.locator("select[name=map_amount]").input_value() == "Amount"
    assert page.locator("text=Invoice 2026-117 machine parts").first.is_visible()
    page.fill("input[name=profile_name]", "Jadranska banka CSV")
    page.click("button:has-text('Confirm and import')")
    page.wait_for_selector("#import-status[data-status=imported]", timeout=30_000)
    assert "5 transactions imported" in page.locator("#import-status").inner_text()
    page.click("text=See these transactions in the ledger")
    page.wait_for_selector("table.ledger")
    assert page.locator("table.ledger tbody tr").count() == 5
    assert page.locator("text=Nordwaffen Handels GmbH").first.is_visible()
    page.click("text=Transactions")
    page.fill("input[name=amount_min]", "5000")
    page.click("button:has-text('Filter')")
    page.wait_for_url("**amount_min=5000**")
    assert page.locator("table.ledger tbody tr").count() == 2
