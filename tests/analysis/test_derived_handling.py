"""What is made from unreleased FIU intelligence stays FIU intelligence: a freeze letter drafted from an
FIU taint run, a purchase payment linked to an FIU crypto transaction; and releasing a run that rests
on unreleased sources says so and names them before it proceeds."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finance.analysis import services
from finance.recovery import services as recovery
from finance.recovery.models import RequestLetter
from tests.seizures.conftest import record_seizure

pytestmark = pytest.mark.django_db

WALLET, CHANGE = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "12c6DSiU4Rq3P4ZxziKxzrGcJXYcqKQdVh"
VENDOR, EXCHANGE = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


@pytest.fixture
def fiu_taint_run(fiu_ledger, world, run_analysis):
    fiu_ledger.crypto([(WALLET, 1.0)], [(VENDOR, 0.9), (CHANGE, 0.0999)], day=1)
    fiu_ledger.crypto([(VENDOR, 0.9)], [(EXCHANGE, 0.89)], day=2)
    services.crypto_tags_import(case=world.case, by=world.users["analyst"], upload=SimpleUploadedFile(
        "tags.csv", f"chain,address,label,name,source,confidence\nbtc,{EXCHANGE},exchange,Bitstamp,"
                    f"subpoena reply,0.95\n".encode(), "text/csv"))
    run = run_analysis("taint", {"seeds": [WALLET], "method": "poison"})
    assert run.status == "succeeded" and run.handling == "fiu" and run.fiu_released_at is None
    return run


def test_a_freeze_letter_drafted_from_an_unreleased_fiu_taint_run_is_fiu_intelligence(world, fiu_taint_run, client):
    client.force_login(world.users["analyst"])
    url = reverse("recovery:letter-create", kwargs={"reference": world.case.reference}) + f"?run={fiu_taint_run.pk}"
    response = client.post(url, {"kind": "freeze", "addressee": "Bitstamp Europe S.A.", "addressee_kind": "exchange",
                                 "legal_basis": "Art. 12 of the Criminal Procedure Act", "endpoints": ["0"]})
    assert response.status_code == 302, response.content.decode()[-2000:]
    letter = RequestLetter.objects.get()
    assert letter.handling == "fiu" and EXCHANGE in letter.body
    # A police member can neither read it nor issue it.
    client.force_login(world.users["asset"])
    detail = reverse("recovery:letter-detail", kwargs={"reference": world.case.reference, "pk": letter.pk})
    assert client.get(detail).status_code == 404
    issue = reverse("recovery:letter-issue", kwargs={"reference": world.case.reference, "pk": letter.pk})
    assert client.post(issue).status_code == 404
    assert client.get(reverse("recovery:letters", kwargs={"reference": world.case.reference})).content.decode() \
        .count(EXCHANGE) == 0
    letter.refresh_from_db()
    assert letter.status == RequestLetter.Status.DRAFT
    # Not even the analyst sends it out before the FIU releases it.
    with pytest.raises(ValidationError):
        recovery.letter_issue(letter=letter, by=world.users["analyst"])


def test_the_service_takes_the_runs_handling_too(world, fiu_taint_run):
    endpoint = {"chain": "btc", "address": EXCHANGE, "amount": "0.89", "asset": "BTC", "analysis": "run", "note": ""}
    letter = recovery.freeze_request_draft(case=world.case, by=world.users["analyst"], endpoints=[endpoint],
                                           addressee="Bitstamp", legal_basis="CPC", analysis=fiu_taint_run)
    assert letter.handling == "fiu"
    with pytest.raises(ValidationError):  # a run the drafter may not see is no source at all
        recovery.freeze_request_draft(case=world.case, by=world.users["asset"], endpoints=[endpoint],
                                      addressee="Bitstamp", legal_basis="CPC", analysis=fiu_taint_run)


def test_an_unreleased_fiu_purchase_payment_is_not_shown_on_the_money_overview(world, fiu_ledger, client):
    seizure = record_seizure(world)
    order = fiu_ledger.crypto([(WALLET, 0.5)], [(VENDOR, 0.49)], day=3, tx_hash="d" * 64)
    services.seizure_payment_mark(case=world.case, by=world.users["analyst"], seizure=seizure,
                                  crypto_transaction=order, note="Darknet order for the revolvers")
    overview = reverse("analysis:overview", kwargs={"reference": world.case.reference})
    client.force_login(world.users["analyst"])
    assert "Darknet order for the revolvers" in client.get(overview).content.decode()
    client.force_login(world.users["lead"])
    page = client.get(overview).content.decode()
    assert seizure.reference in page
    assert "Darknet order for the revolvers" not in page and "d" * 64 not in page


def test_releasing_a_run_that_rests_on_unreleased_sources_names_them_first(world, fiu_ledger, run_analysis, client):
    fiu_ledger.tx("S", "T", 100, day=5)
    trace = run_analysis("trace", {"seeds": ["S"], "direction": "downstream"})
    assert trace.handling == "fiu"
    source_name = trace.input_snapshot["imports"][0]["name"]
    client.force_login(world.users["analyst"])
    page = client.get(reverse("analysis:run-detail", kwargs={"reference": world.case.reference, "pk": trace.pk}))
    assert source_name in page.content.decode().split("release-sources", 1)[-1]
    url = f"/api/analyses/{trace.pk}/release/"
    refused = client.post(url, {"reason": "FIU consent ref. 121"}, content_type="application/json")
    assert refused.status_code == 400
    assert any(source_name in label for label in refused.json()["sources"])
    trace.refresh_from_db()
    assert trace.fiu_released_at is None
    with pytest.raises(ValidationError) as err:
        services.run_release_fiu(run=trace, by=world.users["analyst"], reason="FIU consent ref. 121")
    assert source_name in " ".join(err.value.messages)
    done = client.post(url, {"reason": "FIU consent ref. 121", "confirm_sources": True},
                       content_type="application/json")
    assert done.status_code == 200 and any(source_name in label for label in done.json()["sources_disclosed"])
    trace.refresh_from_db()
    assert trace.fiu_released_at is not None


def test_the_fiu_releases_the_letter_naming_the_run_it_rests_on(world, fiu_taint_run, client):
    endpoint = {"chain": "btc", "address": EXCHANGE, "amount": "0.89", "asset": "BTC", "analysis": "run", "note": ""}
    letter = recovery.freeze_request_draft(case=world.case, by=world.users["analyst"], endpoints=[endpoint],
                                           addressee="Bitstamp", legal_basis="CPC", analysis=fiu_taint_run)
    detail = reverse("recovery:letter-detail", kwargs={"reference": world.case.reference, "pk": letter.pk})
    client.force_login(world.users["analyst"])
    assert str(fiu_taint_run) in client.get(detail).content.decode().split("release-sources", 1)[-1]
    release = reverse("recovery:letter-release", kwargs={"reference": world.case.reference, "pk": letter.pk})
    client.post(release, {"reason": "FIU consent ref. 130"})
    letter.refresh_from_db()
    assert letter.fiu_released_at is None  # not confirmed: the run it rests on was named, nothing released
    client.post(release, {"reason": "FIU consent ref. 130", "confirm_sources": "on"})
    letter.refresh_from_db()
    assert letter.fiu_released_at is not None
    client.force_login(world.users["asset"])
    assert client.get(detail).status_code == 200
