"""An investigator's first journey, in a real browser."""
import pytest

from tests.conftest import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_open_case_add_note_and_find_it_in_the_timeline(page, sign_in):
    world = build_world()
    sign_in("investigator")

    # The case list shows the team's case, not the other team's.
    assert page.locator("text=OP-ALPHA").first.is_visible()
    assert page.locator("text=OP-BETA").count() == 0

    page.click("text=OP-ALPHA")
    page.wait_for_url(f"**/cases/{world.case.reference}/")
    assert page.locator("h1").first.inner_text().strip().startswith("Operation Alpha") or \
        "Operation Alpha" in page.content()

    page.click("nav >> text=Notes")
    page.fill("input[name=title]", "Driver interview")
    page.fill("textarea[name=body]", "The driver says the trailer was loaded in Graz.")
    page.click("button:has-text('Add note')")
    page.wait_for_selector("text=Note added.")

    page.click("nav >> text=Timeline")
    page.wait_for_url("**/timeline/")
    assert page.locator("text=Driver interview").first.is_visible()


def test_a_form_error_is_shown_in_place(page, sign_in):
    world = build_world()
    sign_in("investigator")
    page.goto(f"/cases/{world.case.reference}/notes/")
    page.click("button:has-text('Add note')")  # empty note
    error = page.locator(".field.has-error .error").first
    assert error.is_visible() and "required" in error.inner_text()


def test_an_outsider_gets_not_found_for_the_case(page, sign_in):
    world = build_world()
    sign_in("outsider")
    response = page.goto(f"/cases/{world.case.reference}/")
    assert response.status == 404
