"""An asset-recovery officer's journey in a real browser: register an asset, freeze it with an
expiry date, and find it on the deadlines dashboard."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_register_freeze_and_see_the_deadline(page, sign_in):
    world = build_world()
    sign_in("asset")
    page.goto(f"/cases/{world.case.reference}/")
    page.click("nav.tabs >> text=Assets")
    page.wait_for_url("**/assets/")
    assert page.locator("text=No assets registered yet").is_visible()

    page.click("text=Register an asset")
    page.select_option("select[name=kind]", "bank_account")
    page.fill("input[name=label]", "Business account of Adriatic Freight")
    page.fill("input[name=jurisdiction]", "HR")
    page.fill("input[name=institution]", "Zagrebačka banka")
    page.fill("input[name=estimated_value]", "184250")
    page.fill("input[name=currency]", "EUR")
    page.select_option("select[name=identifier_kind]", "iban")
    page.fill("input[name=identifier_value]", "HR12 1001 0051 8630 0016 1")  # wrong check digits
    page.click("button:has-text('Save')")
    error = page.locator(".field.has-error .error, .form-errors").first
    assert "IBAN" in error.inner_text()
    page.fill("input[name=identifier_value]", "HR12 1001 0051 8630 0016 0")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=registered.")
    assert page.locator("text=HR1210010051863000160").is_visible()

    page.click("text=Record a freeze / restraint order")
    expiry = timezone.localdate() + timedelta(days=10)
    page.fill("input[name=authority]", "County Court in Zagreb")
    page.fill("input[name=legal_basis]", "CPC art. 557.a")
    page.fill("input[name=order_reference]", "Kv-I-112/2026")
    page.fill("input[name=expires_on]", expiry.isoformat())
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=frozen / restrained recorded")
    assert page.locator(".page-head .asset-state").inner_text().startswith("Frozen")

    page.click("nav.mainnav >> text=Asset deadlines")
    page.wait_for_url("**/assets/")
    row = page.locator("table.deadlines tbody tr").first
    assert "Business account of Adriatic Freight" in row.inner_text()
    assert "in 10 days" in row.inner_text() and "Kv-I-112/2026" in row.inner_text()
