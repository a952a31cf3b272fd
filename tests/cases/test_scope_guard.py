"""The safety net of case scoping: while a request is handled, reading a case-owned model without a
case scope raises instead of returning rows of every case (a forgotten `.visible_to(user)` fails
loudly). Scoped reads, reads from a loaded record and deliberate cross-case reads go through."""
import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cases import services
from cases.access import UnscopedQuery, scope_guard
from cases.middleware import ScopeGuardMiddleware
from cases.models import Entity, EntityLink, Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(world):
    return services.note_add(case=world.case, by=world.users["lead"], title="Lorry", body="Twelve pistols.")


def test_unscoped_reads_raise_under_the_guard(world, note):
    with scope_guard():
        with pytest.raises(UnscopedQuery, match="cases.Note was read without a case scope"):
            list(Note.objects.all())
        with pytest.raises(UnscopedQuery):
            Note.objects.filter(pk=note.pk).first()  # a forged id looked up in every case
        with pytest.raises(UnscopedQuery):
            Note.objects.exclude(case=world.other_case).count()  # excluding a case scopes nothing
        with pytest.raises(UnscopedQuery):
            Note.objects.filter(title="Lorry").exists()


def test_scoped_reads_pass_under_the_guard(world, note):
    lead = world.users["lead"]
    source = services.entity_create(case=world.case, by=lead, kind="person", name="Dario")
    target = services.entity_create(case=world.case, by=lead, kind="organisation", name="Freight")
    services.link_add(case=world.case, by=lead, source=source, target=target, kind="director_of")
    with scope_guard():
        assert list(Note.objects.visible_to(lead)) == [note]
        assert Note.objects.in_case(world.case).get(pk=note.pk) == note
        assert Note.objects.filter(case=world.case).count() == 1
        assert Note.objects.visible_to(world.users["outsider"]).filter(pk=note.pk).first() is None
        assert EntityLink.objects.filter(source=source).count() == 1  # under a record of the case
        assert Entity.objects.across_cases().filter(name="Dario").exists()  # said on purpose
        assert Note.objects.none().count() == 0


def test_the_guard_is_off_outside_requests_and_on_inside(world, note, settings):
    assert Note.objects.filter(pk=note.pk).exists()  # management commands, migrations, the test world

    def view(request):
        Note.objects.filter(pk=note.pk).first()
        return HttpResponse("no")

    with pytest.raises(UnscopedQuery):
        ScopeGuardMiddleware(view)(RequestFactory().get("/"))
    settings.PARALLAX_SCOPE_GUARD = False
    assert ScopeGuardMiddleware(view)(RequestFactory().get("/")).status_code == 200


def test_the_guard_is_on_inside_a_task(world, note):
    from celery import shared_task

    @shared_task(name="tests.scope_probe")
    def scope_probe(scoped):
        qs = Note.objects.in_case(world.case) if scoped else Note.objects.all()
        return qs.count()

    assert scope_probe.apply(args=[True]).get() == 1
    with pytest.raises(UnscopedQuery):
        scope_probe.apply(args=[False], throw=True).get()
    assert Note.objects.count() == 1  # and off again after the task
