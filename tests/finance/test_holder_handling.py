"""An account gathers its holders from every import that names it. A party named by an FIU import
must not show on a team account to members who may not read FIU intelligence (found by the canary
crawl): not on the account pages, not in the API, not through the account search."""
import pytest
from django.urls import reverse

from cases.access import Handling
from finance import services

pytestmark = pytest.mark.django_db

STATEMENT = """{{1:F01ZABAHR2XAXXX0000000000}}{{2:I940ZABAHR2XXXXXN}}{{4:
:20:{ref}
:25:{own}
:28C:00012/001
:60F:C260301EUR15000,00
:61:2603040304D24500,00NTRFINV-2026-117//{ref}-2
:86:/BENM/AT442011182900012345/BKAUATWW/{payee}/REMI/invoice
:62F:D260309EUR9500,00
-}}"""
FIU_NAME = "Velebit Shell Holdings"


def _import(world, by, own, payee, handling):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = STATEMENT.format(ref=f"S{own[-4:]}", own=own, payee=payee).encode()
    imp = services.import_start(case=world.case, by=world.users[by], handling=handling, run_inline=True,
                                upload=SimpleUploadedFile(f"{own}.mt940", data, "text/plain"))
    services.import_run(imp=imp, progress=lambda *a, **k: None)
    return imp


@pytest.fixture
def shared_account(world):
    _import(world, "lead", "HR1210010051863000160", "Adriatic Freight", Handling.TEAM)
    _import(world, "analyst", "HR1723600001101234565", FIU_NAME, Handling.FIU)
    from finance.models import Account

    account = Account.objects.get(case=world.case, identifier_normalized="AT442011182900012345")
    assert account.handling == Handling.TEAM
    assert FIU_NAME in {p.name for p in account.holders.all()}  # the FIU import did add its party
    return account


@pytest.mark.parametrize("person,sees", [("lead", False), ("investigator", False), ("observer", False),
                                         ("analyst", True)])
def test_fiu_holder_names_follow_fiu_access(world, shared_account, client, person, sees):
    client.force_login(world.users[person])
    ref = world.case.reference
    pages = [
        reverse("finance:accounts", kwargs={"reference": ref}),
        reverse("finance:account-detail", kwargs={"reference": ref, "pk": shared_account.pk}),
        f"/api/finance/accounts/?case={ref}",
        f"/api/finance/accounts/{shared_account.pk}/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert (FIU_NAME in response.content.decode()) is sees, url
    found = client.get(reverse("finance:accounts", kwargs={"reference": ref}), {"q": "Velebit"}).content.decode()
    assert ("AT44" in found.replace(" ", "")) is sees
