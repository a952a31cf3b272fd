"""Thin Celery tasks of the seizures app."""
from celery import shared_task

from seizures import services


@shared_task
def tracing_due_check():
    """Daily: tell requesters about their overdue tracing requests."""
    return services.tracing_overdue_notify()
