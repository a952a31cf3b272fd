"""`flush` that respects the append-only audit trail.

The audit table's triggers refuse DELETE and TRUNCATE, so a flush of a real
database is refused with a clear message. The test runner flushes its own test
database after each transactional test; only there (PARALLAX_TESTING) are the
triggers lifted for the flush and put back after it.
"""
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from cases import audit_protection


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if not settings.TESTING:
            raise CommandError("The audit trail is append-only: its events cannot be flushed. "
                               "To start over on a development machine, remove the database instead.")
        with audit_protection.lifted(connection):
            return super().handle(**options)
