"""Celery tasks of asset recovery (thin: load, call one service)."""
from celery import shared_task


@shared_task(name="finance.recovery.tasks.deadline_reminders")
def deadline_reminders():
    """Daily (celery beat): reminders of freeze/seizure orders expiring or due for review."""
    from .services import deadline_reminders_send

    return deadline_reminders_send()
