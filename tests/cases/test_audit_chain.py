"""The audit trail is append-only and hash-chained; tampering is found and named."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import services
from cases.audit import audit_verify_chain
from cases.models import AuditEvent
from tests.cases.audit_tampering import sql

pytestmark = pytest.mark.django_db


def test_every_write_leaves_an_event(world):
    before = AuditEvent.objects.count()
    note = services.note_add(case=world.case, by=world.users["lead"], body="Driver arrested.")
    event = AuditEvent.objects.latest("id")
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_id, event.case_id, event.actor) == ("note.add", str(note.pk), world.case.pk,
                                                                           world.users["lead"])


def test_intact_chain_verifies(world, capsys):
    call_command("audit_verify")
    assert "chain intact" in capsys.readouterr().out
    assert audit_verify_chain().ok


def test_altering_an_event_by_sql_breaks_the_chain_at_that_event(world):
    victim = AuditEvent.objects.filter(action="membership.add").order_by("id")[1]
    sql(f"UPDATE {AuditEvent._meta.db_table} SET actor_label = %s WHERE id = %s", ["someone-else", victim.id])
    report = audit_verify_chain()
    assert not report.ok and report.broken_event_id == victim.id
    with pytest.raises(CommandError, match=f"#{victim.id}"):
        call_command("audit_verify")


def test_removing_an_event_by_sql_is_found_at_the_next_one(world):
    events = list(AuditEvent.objects.order_by("id").values_list("id", flat=True)[:5])
    sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[2]])
    report = audit_verify_chain()
    assert not report.ok and report.broken_event_id == events[3]
    assert "previous event" in report.reason


def test_the_application_refuses_to_change_or_delete_events(world):
    event = AuditEvent.objects.first()
    event.action = "forged"
    with pytest.raises(Exception):
        event.save()
    with pytest.raises(Exception):
        event.delete()
    with pytest.raises(Exception):
        AuditEvent.objects.all().delete()
