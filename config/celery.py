"""The Celery application: queues for imports, analyses and documents, beat for scheduled checks."""
import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("parallax")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "imports", "analyses", "documents")]
app.autodiscover_tasks()
