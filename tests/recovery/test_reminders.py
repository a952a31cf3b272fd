"""The nightly deadline job, with the clock frozen: once per lead time, never again on a re-run."""
from datetime import date, datetime, timezone as dt_timezone

import pytest
import time_machine

from cases.models import Notification
from cases.services import membership_add
from finance.recovery import services
from finance.recovery.tasks import deadline_reminders

from .conftest import advance, make_asset


def _at(day):
    return time_machine.travel(datetime.combine(day, datetime.min.time()).replace(hour=6, tzinfo=dt_timezone.utc),
                               tick=False)


def recipients(measure):
    return sorted(Notification.objects.filter(dedupe_key__contains=f":{measure.pk}:").values_list(
        "recipient__username", flat=True))


@pytest.fixture
def frozen_order(world):
    asset = make_asset(world, label="Wallet at exchange")
    return advance(world, asset, "frozen", issued_on=date(2027, 1, 1), expires_on=date(2027, 3, 31),
                   order_reference="Kv-1/26")


@pytest.mark.django_db
def test_reminders_once_per_lead_time_to_lead_and_asset_recovery(world, frozen_order):
    expiry = date(2027, 3, 31)
    sent_per_day = {}
    for day in (date(2027, 2, 27), date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 20), date(2027, 3, 24),
                date(2027, 3, 25), date(2027, 3, 30), date(2027, 3, 30), date(2027, 3, 31)):
        with _at(day):
            sent_per_day.setdefault(day, []).append(deadline_reminders())  # the Celery task (eager)
    assert sent_per_day == {
        date(2027, 2, 27): [0],   # 32 days before: outside every lead time
        date(2027, 3, 1): [2],    # 30 days: lead + asset-recovery officer
        date(2027, 3, 2): [0],    # still within 30: nothing new
        date(2027, 3, 20): [0],
        date(2027, 3, 24): [2],   # 7 days
        date(2027, 3, 25): [0],
        date(2027, 3, 30): [2, 0],  # 1 day; the re-run the same day sends nothing
        date(2027, 3, 31): [0],   # day of expiry is within the 1-day reminder already sent
    }
    assert recipients(frozen_order) == ["asset", "asset", "asset", "lead", "lead", "lead"]
    keys = sorted(Notification.objects.filter(recipient__username="lead").values_list("dedupe_key", flat=True))
    assert keys == [f"recovery:expiry:{frozen_order.pk}:{expiry.isoformat()}:{lead}" for lead in ("1", "30", "7")]
    message = Notification.objects.get(recipient__username="lead", dedupe_key__endswith=":7").message
    assert message == "OP-ALPHA: “Wallet at exchange” — Kv-1/26 the frozen / restrained order expires in 7 days (31 Mar 2027)."


@pytest.mark.django_db
def test_a_late_first_run_sends_only_the_tightest_lead_time(world, frozen_order):
    with _at(date(2027, 3, 27)):  # 4 days left: the 30- and 7-day reminders were never sent
        assert services.deadline_reminders_send() == 2
    assert set(Notification.objects.values_list("dedupe_key", flat=True)) == {
        f"recovery:expiry:{frozen_order.pk}:2027-03-31:7"}


@pytest.mark.django_db
def test_lapsed_order_warns_once_and_superseded_orders_are_silent(world, frozen_order):
    with _at(date(2027, 4, 2)):
        assert services.deadline_reminders_send() == 2
        assert services.deadline_reminders_send() == 0
    assert "lapsed on 31 Mar 2027" in Notification.objects.filter(recipient__username="lead").first().message
    advance(world, frozen_order.asset, "seized", issued_on=date(2027, 4, 3))
    with _at(date(2027, 4, 4)):
        assert services.deadline_reminders_send() == 0


@pytest.mark.django_db
def test_review_dates_and_configurable_lead_times(world, settings):
    settings.RECOVERY_REMINDER_LEAD_DAYS = [14]
    asset = make_asset(world, label="Villa")
    advance(world, asset, "seized", issued_on=date(2027, 1, 1), review_on=date(2027, 6, 15))
    with _at(date(2027, 5, 31)):
        assert services.deadline_reminders_send() == 0
    with _at(date(2027, 6, 1)):
        assert services.deadline_reminders_send() == 2
    assert Notification.objects.filter(message__contains="is due for review in 14 days").count() == 2


@pytest.mark.django_db
def test_other_roles_and_members_who_may_not_see_the_asset_get_nothing(world):
    asset = make_asset(world, by="analyst", label="STR account", handling="fiu")
    advance(world, asset, "frozen", by="analyst", issued_on=date(2027, 1, 1), expires_on=date(2027, 2, 1))
    membership_add(case=world.case, by=world.users["lead"], user=world.users["focal"], role="asset_recovery")
    with _at(date(2027, 1, 31)):
        services.deadline_reminders_send()
    # FIU intelligence: neither the police lead nor the police asset-recovery officer is told about it
    assert Notification.objects.count() == 0
