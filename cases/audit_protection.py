"""The database refuses to change or remove audit events.

Triggers on the audit table refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL), whoever sends the statement: the application, the admin, a psql
session. They are installed by migration 0006_audit_append_only; `ensure`
re-installs them after every migrate (on SQLite a later migration that alters
the table rebuilds it, and a rebuilt table has no triggers) and
`missing` lets `audit_verify` report a table that lost them.

The owner of the table can still disable or drop a trigger; that is what the
HMAC chain and the signed checkpoints outside the database are for.
"""
from contextlib import contextmanager

TABLE = "cases_auditevent"
PG_FUNCTION = "parallax_audit_append_only"
PG_TRIGGERS = ("cases_auditevent_append_only", "cases_auditevent_no_truncate")
SQLITE_TRIGGERS = ("cases_auditevent_no_update", "cases_auditevent_no_delete")

PG_INSTALL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on {TABLE} refused.', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
DROP TRIGGER IF EXISTS {PG_TRIGGERS[0]} ON {TABLE};
CREATE TRIGGER {PG_TRIGGERS[0]} BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}();
DROP TRIGGER IF EXISTS {PG_TRIGGERS[1]} ON {TABLE};
CREATE TRIGGER {PG_TRIGGERS[1]} BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}();
"""
PG_REMOVE = f"""
DROP TRIGGER IF EXISTS {PG_TRIGGERS[0]} ON {TABLE};
DROP TRIGGER IF EXISTS {PG_TRIGGERS[1]} ON {TABLE};
DROP FUNCTION IF EXISTS {PG_FUNCTION}();
"""
SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TRIGGERS[0]} BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE on {TABLE} refused.'); END",
    f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TRIGGERS[1]} BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: DELETE on {TABLE} refused.'); END",
]
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def install(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_INSTALL)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_INSTALL:
                cursor.execute(statement)


def remove(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_REMOVE)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_REMOVE:
                cursor.execute(statement)


def missing(connection) -> list[str]:
    """Names of the append-only triggers the audit table lacks (or has disabled); [] when protected."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgenabled <> 'D'",
                           [TABLE])
            present, expected = {row[0] for row in cursor.fetchall()}, PG_TRIGGERS
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            present, expected = {row[0] for row in cursor.fetchall()}, SQLITE_TRIGGERS
        else:
            return []
    return [name for name in expected if name not in present]


def ensure(connection):
    """Install the triggers if the audit table exists and lacks one (idempotent)."""
    if TABLE in connection.introspection.table_names() and missing(connection):
        install(connection)


@contextmanager
def lifted(connection):
    """Test-database maintenance only (the test runner's flush): the triggers off, then back on."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
    else:
        remove(connection)
        try:
            yield
        finally:
            install(connection)
