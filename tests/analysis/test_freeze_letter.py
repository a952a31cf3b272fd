"""From a crypto-taint analysis to a freeze request: the exchange endpoints become the letter's subject."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finance.analysis import services
from finance.recovery.models import RequestLetter

pytestmark = pytest.mark.django_db

WALLET, CHANGE = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "12c6DSiU4Rq3P4ZxziKxzrGcJXYcqKQdVh"
VENDOR, EXCHANGE = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


@pytest.fixture
def taint_run(ledger, world, run_analysis):
    ledger.crypto([(WALLET, 1.0)], [(VENDOR, 0.9), (CHANGE, 0.0999)], day=1)
    ledger.crypto([(VENDOR, 0.9)], [(EXCHANGE, 0.89)], day=2)
    services.crypto_tags_import(case=world.case, by=world.users["analyst"], upload=SimpleUploadedFile(
        "tags.csv", f"chain,address,label,name,source,confidence\nbtc,{EXCHANGE},exchange,Bitstamp,"
                    f"subpoena reply,0.95\n".encode(), "text/csv"))
    return run_analysis("taint", {"seeds": [WALLET], "method": "poison"})


def test_the_analyst_drafts_a_freeze_request_from_the_taint_endpoints(world, taint_run, client):
    client.force_login(world.users["analyst"])
    run_page = client.get(reverse("analysis:run-detail", kwargs={"reference": world.case.reference, "pk": taint_run.pk}))
    assert b"Draft a freeze request to the exchange" in run_page.content
    url = reverse("recovery:letter-create", kwargs={"reference": world.case.reference}) + f"?run={taint_run.pk}"
    form = client.get(url)
    assert form.status_code == 200 and EXCHANGE in form.content.decode()
    assert 'value="Bitstamp"' in form.content.decode()  # the one exchange reached is the addressee
    response = client.post(url, {"kind": "freeze", "addressee": "Bitstamp Europe S.A.", "addressee_kind": "exchange",
                                 "legal_basis": "Art. 12 of the Criminal Procedure Act", "endpoints": ["0"]})
    assert response.status_code == 302, response.content.decode()[-2000:]
    letter = RequestLetter.objects.get()
    assert EXCHANGE in letter.body and world.case.reference in letter.body
    assert letter.addressee == "Bitstamp Europe S.A."


def test_forged_run_ids_answer_404(world, taint_run, client):
    client.force_login(world.users["analyst"])
    url = reverse("recovery:letter-create", kwargs={"reference": world.case.reference})
    assert client.get(url + f"?run={taint_run.pk + 1000}").status_code == 404
    assert client.get(url + "?run=abc").status_code == 404
    client.force_login(world.users["observer"])  # may not write: no letter, whatever the run
    assert client.get(url + f"?run={taint_run.pk}").status_code == 404
