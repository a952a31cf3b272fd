"""Tracing requests: workflow, due dates by priority, the daily overdue check (frozen time)."""
from datetime import date, datetime, timezone as dt_timezone

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.models import Notification
from seizures import services
from seizures.models import TracingRequest
from seizures.tasks import tracing_due_check

SENT = datetime(2026, 3, 2, 9, 0, tzinfo=dt_timezone.utc)


@pytest.fixture
def draft(world, firearm):
    return services.tracing_request_create(case=world.case, by=world.users["investigator"], firearms=[firearm],
                                           destination="foreign_state", destination_country="rs",
                                           destination_name="Ministry of Interior, Serbia")


def test_due_date_follows_the_priority(world, firearm, draft):
    services.tracing_request_send(request=draft, by=world.users["investigator"], sent_at=SENT)
    assert draft.due_date == date(2026, 4, 1)  # routine: 30 days
    urgent = services.tracing_request_create(case=world.case, by=world.users["lead"], firearms=[firearm],
                                             destination="iarms", priority="urgent",
                                             justification="Suspect to be released in 48 hours")
    services.tracing_request_send(request=urgent, by=world.users["lead"], sent_at=SENT)
    assert urgent.due_date == date(2026, 3, 3)


def test_due_days_are_configurable(world, draft, settings):
    settings.PARALLAX_TRACING_DUE_DAYS = {"routine": 10}
    services.tracing_request_send(request=draft, by=world.users["investigator"], sent_at=SENT)
    assert draft.due_date == date(2026, 3, 12)


def test_an_urgent_request_needs_a_justification(world, firearm):
    with pytest.raises(ValidationError) as err:
        services.tracing_request_create(case=world.case, by=world.users["lead"], firearms=[firearm],
                                        destination="iarms", priority="urgent")
    assert "justification" in err.value.message_dict


def test_a_request_to_a_foreign_state_names_the_country(world, firearm):
    with pytest.raises(ValidationError) as err:
        services.tracing_request_create(case=world.case, by=world.users["lead"], firearms=[firearm],
                                        destination="foreign_state")
    assert "destination_country" in err.value.message_dict


def test_firearms_of_another_case_cannot_be_traced_from_this_one(world, firearm):
    from tests.seizures.conftest import record_firearm, record_seizure
    other = record_firearm(record_seizure(world, by="outsider", case=world.other_case), world.users["outsider"])
    with pytest.raises(ValidationError):
        services.tracing_request_create(case=world.case, by=world.users["lead"], firearms=[other], destination="iarms")


def test_workflow_and_wrong_steps(world, draft):
    inv = world.users["investigator"]
    with pytest.raises(ValidationError, match="cannot become responded"):
        services.tracing_request_respond(request=draft, by=inv, outcome="not_traced", not_traced_reason="x")
    services.tracing_request_send(request=draft, by=inv, sent_at=SENT)
    services.tracing_request_acknowledge(request=draft, by=inv, their_reference="MUP-2026-118")
    with pytest.raises(ValidationError) as err:
        services.tracing_request_respond(request=draft, by=inv, outcome="diversion_point")
    assert "diversion_type" in err.value.message_dict
    services.tracing_request_respond(request=draft, by=inv, outcome="diversion_point", diversion_type="stockpile_loss",
                                     diversion_point="Army depot Kragujevac, 2019 inventory loss",
                                     last_legal_owner="Ministry of Defence", last_legal_country="rs")
    assert draft.is_successful and draft.last_legal_country == "RS"
    services.tracing_request_close(request=draft, by=inv)
    assert TracingRequest.objects.get(pk=draft.pk).status == "closed"


def test_overdue_check_notifies_the_requester_once(world, draft, django_capture_on_commit_callbacks):
    services.tracing_request_send(request=draft, by=world.users["investigator"], sent_at=SENT)
    with time_machine.travel(datetime(2026, 4, 1, 12, 0, tzinfo=dt_timezone.utc), tick=False):
        assert tracing_due_check.delay().get() == 0  # due today: not yet overdue
    with time_machine.travel(datetime(2026, 4, 2, 8, 0, tzinfo=dt_timezone.utc), tick=False):
        assert tracing_due_check.delay().get() == 1
        assert tracing_due_check.delay().get() == 0  # once per request and due date
    note = Notification.objects.get(recipient=world.users["investigator"])
    assert draft.reference in note.message and "01 Apr 2026" in note.message


def test_answered_requests_are_not_overdue(world, draft):
    inv = world.users["investigator"]
    services.tracing_request_send(request=draft, by=inv, sent_at=SENT)
    services.tracing_request_respond(request=draft, by=inv, outcome="not_traced", not_traced_reason="No record kept")
    with time_machine.travel(datetime(2026, 6, 1, tzinfo=dt_timezone.utc), tick=False):
        assert services.tracing_overdue_notify() == 0


def test_the_beat_schedule_runs_the_daily_check(settings):
    from django.conf import settings as live
    entry = live.CELERY_BEAT_SCHEDULE["seizures-tracing-due-check"]
    assert entry["task"] == "seizures.tasks.tracing_due_check"
    assert entry["task"] in tracing_due_check.app.tasks
