"""Tampering with the audit table as someone with SQL access would: raw SQL, triggers out of the way."""
import hashlib
import hmac
from contextlib import contextmanager

from django.db import connection

from cases import audit_protection
from cases.models import AuditEvent

TABLE = AuditEvent._meta.db_table


@contextmanager
def triggers_off():
    """PostgreSQL: ALTER TABLE ... DISABLE TRIGGER ALL (the test connects as the superuser); SQLite: drop them.

    Inside the test's transaction either way, so the rollback at its end puts them back; they are
    also re-enabled here for what the test does next.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The test's own inserts leave deferred foreign-key checks pending; ALTER TABLE wants none.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER ALL")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        audit_protection.remove(connection)
        try:
            yield
        finally:
            audit_protection.install(connection)


def sql(statement, params=()):
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def rechain(from_id, seal, algo=None):
    """Re-seal every event from `from_id` on, each linked to the new seal of the one before.

    `seal(canonical_bytes) -> hex`; `algo`, if given, is written into every re-sealed event.
    """
    before = AuditEvent.objects.filter(id__lt=from_id).order_by("-id").first()
    prev = before.hash if before else AuditEvent.GENESIS
    with triggers_off(), connection.cursor() as cursor:
        for event in AuditEvent.objects.filter(id__gte=from_id).order_by("id"):
            event.prev_hash = prev
            if algo:
                event.algo = algo
            event.hash = seal(event.canonical())
            cursor.execute(f"UPDATE {TABLE} SET prev_hash = %s, hash = %s, algo = %s WHERE id = %s",
                           [event.prev_hash, event.hash, event.algo, event.id])
            prev = event.hash


def plain_sha256(data):
    return hashlib.sha256(data).hexdigest()


def hmac_with(key):
    return lambda data: hmac.new(key, data, hashlib.sha256).hexdigest()
