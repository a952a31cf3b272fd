"""Pages and API: upload → mapping → job → ledger, filters, error report, handling."""
import pytest

from finance.models import Import, Transaction

from .conftest import fixture_bytes, upload


@pytest.fixture
def analyst(login, world):
    return login(world.users["analyst"])


def test_upload_mapping_and_ledger_pages(analyst, world, django_capture_on_commit_callbacks):
    ref = world.case.reference
    response = analyst.post(f"/cases/{ref}/finance/imports/", {"file": upload("bank_export.csv"), "format": "auto",
                                                                "handling": "fiu", "source_label": "Jadranska"})
    imp = Import.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{imp.pk}/")
    page = analyst.get(response["Location"])
    assert b"Confirm the column mapping" in page.content and b"Cash deposit Zagreb branch" in page.content
    mapping = {f"map_{field}": column for field, column in imp.options["mapping"].items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(f"/cases/{ref}/finance/imports/{imp.pk}/mapping/",
                                {**mapping, "decimal": ".", "date_format": "%Y-%m-%d", "profile_name": "JB"})
    assert response.status_code == 302
    page = analyst.get(f"/cases/{ref}/finance/imports/{imp.pk}/")
    assert b"5 transactions imported" in page.content
    ledger = analyst.get(f"/cases/{ref}/finance/", {"amount_min": "1000", "channel": "transfer"})
    assert ledger.status_code == 200
    assert b"Invoice 2026-117" in ledger.content and b"ATM withdrawal" not in ledger.content
    account = Transaction.objects.get(external_id="B-1002").debit_account
    detail = analyst.get(f"/cases/{ref}/finance/accounts/{account.pk}/")
    assert b"Inflow and outflow by month" in detail.content and b"24500.00" in detail.content


def test_mapping_errors_are_shown_in_place(analyst, world):
    ref = world.case.reference
    analyst.post(f"/cases/{ref}/finance/imports/", {"file": upload("bank_export.csv"), "format": "auto",
                                                    "handling": "fiu"})
    imp = Import.objects.get()
    response = analyst.post(f"/cases/{ref}/finance/imports/{imp.pk}/mapping/", {"map_amount": "Amount", "decimal": "."})
    assert response.status_code == 400
    assert b"no column is mapped to the booking date" in response.content
    assert Import.objects.get().status == Import.Status.NEEDS_MAPPING


def test_upload_errors_are_shown_on_the_form(analyst, world):
    response = analyst.post(f"/cases/{world.case.reference}/finance/imports/",
                            {"file": upload("empty.csv", b""), "format": "auto", "handling": "fiu"})
    assert response.status_code == 400 and b"empty" in response.content


def test_rejected_import_offers_the_error_report(run_import, analyst, world):
    data = fixture_bytes("bank_export.csv").replace(b"AT442011182900012345", b"AT442011182900012346")
    imp = run_import("bank_export.csv", data=data, options={})
    page = analyst.get(f"/cases/{world.case.reference}/finance/imports/{imp.pk}/")
    assert b"Download the error report" in page.content
    report = analyst.get(f"/cases/{world.case.reference}/finance/imports/{imp.pk}/errors.csv")
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,field,value,reason" and lines[1].startswith("3,counterparty_account,AT442011182900012346,")


def test_prosecutor_gets_404_for_fiu_import_until_released(run_import, login, world):
    imp = run_import("statement.mt940")
    client = login(world.users["prosecutor"])
    assert client.get(f"/cases/{world.case.reference}/finance/imports/{imp.pk}/").status_code == 404
    assert b"No transactions yet" in client.get(f"/cases/{world.case.reference}/finance/").content
    listing = client.get("/api/finance/transactions/").json()
    assert (listing["results"] if isinstance(listing, dict) else listing) == []
    assert client.get(f"/api/finance/imports/{imp.pk}/").status_code == 404
    assert login(world.users["analyst"]).get(f"/api/finance/imports/{imp.pk}/").status_code == 200


def test_api_upload_confirm_and_read(world, login, django_capture_on_commit_callbacks):
    client = login(world.users["analyst"])
    response = client.post("/api/finance/imports/", {"case": world.case.reference, "file": upload("bank_export.csv")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "needs_mapping" and body["mapping"]["amount"] == "Amount"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/finance/imports/{body['id']}/confirm/",
                               {"mapping": body["mapping"], "decimal": "."}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert client.get(f"/api/finance/imports/{body['id']}/").json()["status"] == "imported"
    listing = client.get("/api/finance/transactions/", {"case": world.case.reference, "amount_min": "3000"}).json()
    results = listing["results"] if isinstance(listing, dict) else listing
    assert sorted(r["external_id"] for r in results) == ["B-1001", "B-1002", "B-1005"]
    assert all(r["source_sha256"] == Import.objects.get().sha256 for r in results)
    again = client.post("/api/finance/imports/", {"case": world.case.reference, "file": upload("bank_export.csv")})
    assert again.status_code == 400 and "already uploaded" in again.content.decode()


def test_case_summary_timeline_and_status_partial(run_import, login, world):
    imp = run_import("statement.mt940")
    ref = world.case.reference
    analyst = login(world.users["analyst"])
    summary = analyst.get(f"/cases/{ref}/")
    assert b"Transactions" in summary.content
    timeline = analyst.get(f"/cases/{ref}/timeline/")
    assert b"statement.mt940" in timeline.content
    partial = analyst.get(f"/cases/{ref}/finance/imports/{imp.pk}/", {"part": "status"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b'data-status="imported"' in partial.content
    assert b"<html" not in partial.content
    prosecutor = login(world.users["prosecutor"])
    assert b"statement.mt940" not in prosecutor.get(f"/cases/{ref}/timeline/").content


def test_ledger_filters_by_account_party_dates_and_currency(run_import, analyst, world):
    from datetime import date
    from finance import selectors

    run_import("bank_export.xlsx", options={"account": "HR1210010051863000160"})
    user, case = world.users["analyst"], world.case
    usd = selectors.transaction_list(user=user, case=case, currency="usd")
    assert [t.amount for t in usd] == [750.25]
    march_4 = selectors.transaction_list(user=user, case=case, date_from=date(2026, 3, 4), date_to=date(2026, 3, 4))
    assert march_4.count() == 1
    account = march_4.get().credit_account
    assert selectors.transaction_list(user=user, case=case, account=account.pk).count() == 1
    party = march_4.get().credit_party
    assert selectors.transaction_list(user=user, case=case, party=party.pk).get().pk == march_4.get().pk
    page = analyst.get(f"/cases/{case.reference}/finance/", {"date_from": "2026-03-20", "currency": "USD"})
    assert b"Storage rent" in page.content and b"Invoice 2026-117" not in page.content
    bad = analyst.get(f"/cases/{case.reference}/finance/", {"date_from": "yesterday"})
    assert bad.status_code == 200 and b"Enter a valid date" in bad.content
