"""Job rows follow their Celery tasks: written here, not in task bodies."""
from celery.signals import task_failure, task_postrun, task_prerun, task_success
from django.conf import settings

from cases import jobs
from cases.access import scope_guard_enter, scope_guard_leave


def _job_id(kwargs):
    return (kwargs or {}).get("job_id")


@task_prerun.connect
def on_task_prerun(task_id=None, task=None, args=None, kwargs=None, **extra):
    # A task reads case records only through its job's case (cases.access scope guard).
    task.request.parallax_scope_token = scope_guard_enter(getattr(settings, "PARALLAX_SCOPE_GUARD", True))
    job_id = _job_id(kwargs)
    if job_id is not None and not jobs.job_mark_running(job_id):
        # The job is finished or was cancelled: the task body sees this and returns.
        task.request.parallax_skip = True


@task_postrun.connect
def on_task_postrun(task_id=None, task=None, **extra):
    token = getattr(task.request, "parallax_scope_token", None)
    if token is not None:
        task.request.parallax_scope_token = None
        scope_guard_leave(token)


@task_success.connect
def on_task_success(sender=None, result=None, **extra):
    job_id = _job_id(getattr(sender.request, "kwargs", None))
    if job_id is not None and not getattr(sender.request, "parallax_skip", False):
        jobs.job_mark_succeeded(job_id, result)


@task_failure.connect
def on_task_failure(sender=None, exception=None, kwargs=None, **extra):
    job_id = _job_id(kwargs)
    if job_id is not None:
        jobs.job_mark_failed(job_id, exception)

# Closing stale database connections after each task is done by Celery's own Django fixup
# (celery.fixups.django), which skips eager runs.
