"""Notifications carry the strictest handling of what they speak of, and are shown only while their
recipient may see it: FIU task titles never reach non-FIU assignees."""
from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases import services
from cases.models import Notification

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Check STR 2026-0107 on Kovač"


def overdue_fiu_task(world, assignee):
    return services.task_create(case=world.case, by=world.users["analyst"], title=SECRET_TITLE, handling="fiu",
                                assignee=world.users[assignee], due_date=date.today() - timedelta(days=2))


def notifications_page(client, user):
    client.force_login(user)
    response = client.get(reverse("cases:notifications"))
    return response.content.decode(), response.context["unread_notifications"]


def test_an_fiu_task_title_never_reaches_a_non_fiu_assignee(world, client):
    overdue_fiu_task(world, "lead")
    assert services.tasks_overdue_notify() == 0
    assert not Notification.objects.filter(recipient=world.users["lead"]).exists()
    html, unread = notifications_page(client, world.users["lead"])
    assert SECRET_TITLE not in html and unread == 0


def test_the_notification_carries_the_tasks_handling_and_goes_when_fiu_access_does(world, client):
    grant = services.fiu_access_grant(case=world.case, by=world.users["analyst"], user=world.users["investigator"],
                                      reason="Joint review of the STR")
    task = overdue_fiu_task(world, "investigator")
    assert services.tasks_overdue_notify() == 1
    note = Notification.objects.get(recipient=world.users["investigator"])
    assert note.handling == "fiu" and note.sources == [["cases.Task", task.pk]]
    html, unread = notifications_page(client, world.users["investigator"])
    assert SECRET_TITLE in html and unread == 1
    services.fiu_access_revoke(grant=grant, by=world.users["analyst"])
    html, unread = notifications_page(client, world.users["investigator"])
    assert SECRET_TITLE not in html and unread == 0


def test_agency_coded_sources_keep_the_notification_inside_the_agency(world):
    agency_task = services.task_create(case=world.case, by=world.users["lead"], title="Police informant meeting",
                                       handling="agency", assignee=world.users["investigator"],
                                       due_date=date.today() - timedelta(days=1))
    assert services.tasks_overdue_notify() == 0  # customs may not read a police-coded task
    services.task_update(task=agency_task, by=world.users["lead"], assignee=world.users["asset"])
    assert services.tasks_overdue_notify() == 1  # the police asset-recovery officer may
    note = Notification.objects.get(recipient=world.users["asset"])
    assert note.handling == "agency" and note.origin_agency == world.agencies["police"]


def test_a_member_who_left_the_case_no_longer_sees_its_notifications(world, client):
    services.task_create(case=world.case, by=world.users["lead"], title="Photograph the lorry",
                         assignee=world.users["observer"], due_date=date.today() - timedelta(days=1))
    assert services.tasks_overdue_notify() == 1
    membership = world.case.memberships.get(user=world.users["observer"])
    services.membership_end(membership=membership, by=world.users["lead"])
    html, unread = notifications_page(client, world.users["observer"])
    assert "Photograph the lorry" not in html and unread == 0


def test_recovery_reminders_about_an_fiu_asset_carry_its_handling(world):
    from finance.recovery import services as recovery

    asset = recovery.asset_register(case=world.case, by=world.users["analyst"], kind="bank_account",
                                    label="STR wallet", jurisdiction="HR", handling="fiu")
    recovery.measure_record(case=world.case, by=world.users["analyst"], asset=asset, to_state="frozen",
                            authority="County Court", legal_basis="CPC art. 557.a",
                            issued_on=date.today() - timedelta(days=10), expires_on=date.today() + timedelta(days=5))
    recovery.deadline_reminders_send()
    # Lead and asset-recovery officer are police: not told of the FIU asset at all.
    assert not Notification.objects.filter(recipient__in=[world.users["lead"], world.users["asset"]]).exists()
    services.fiu_access_grant(case=world.case, by=world.users["analyst"], user=world.users["lead"], reason="Freeze")
    recovery.deadline_reminders_send()
    note = Notification.objects.get(recipient=world.users["lead"])
    assert note.handling == "fiu" and "STR wallet" in note.message
