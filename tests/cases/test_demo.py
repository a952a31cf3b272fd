"""The demo data: built through the services, safe to load twice, isolation visible."""
import pytest
from django.core.management import call_command

from cases.audit import audit_verify_chain
from cases.models import Case, CaseMembership, Note, User

pytestmark = pytest.mark.django_db


def test_load_demo_twice_gives_the_same_demo(capsys):
    call_command("load_demo", password="demo-password-for-tests")
    counts = (Case.objects.count(), User.objects.count(), Note.objects.count(), CaseMembership.objects.count())
    call_command("load_demo", password="demo-password-for-tests")
    assert (Case.objects.count(), User.objects.count(), Note.objects.count(),
            CaseMembership.objects.count()) == counts
    assert audit_verify_chain().ok
    out = capsys.readouterr().out
    for username in ("demo-lead", "demo-investigator", "demo-analyst", "demo-prosecutor", "demo-asset",
                     "demo-observer", "demo-outsider"):
        assert username in out


def test_demo_roles_see_what_their_access_allows():
    call_command("load_demo", password="demo-password-for-tests")
    users = {u.username: u for u in User.objects.all()}
    assert users["demo-lead"].check_password("demo-password-for-tests")
    demo1 = Case.objects.get(reference="DEMO-1")
    assert not Case.objects.visible_to(users["demo-outsider"]).filter(pk=demo1.pk).exists()
    titles = lambda user: set(Note.objects.visible_to(user).filter(case=demo1).values_list("title", flat=True))
    assert "Informant statement (police only)" in titles(users["demo-lead"])
    assert "Informant statement (police only)" not in titles(users["demo-prosecutor"])
    assert "Suspicious transaction reports" in titles(users["demo-analyst"])
    assert "Suspicious transaction reports" not in titles(users["demo-prosecutor"])
    assert "FIU disclosure for evidential use" in titles(users["demo-prosecutor"])
