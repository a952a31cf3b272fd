"""The audit trail: keyed seals and database-level append-only protection.

- `algo` names how each event is sealed. Events already stored keep their plain
  SHA-256 seal ("sha256", the default given to existing rows); new events are
  sealed with HMAC-SHA256 under PARALLAX_AUDIT_KEY ("hmac-sha256"). No event is
  re-hashed: seals already printed in dossiers stay valid.
- Triggers refuse UPDATE and DELETE on the audit table (and TRUNCATE on
  PostgreSQL). The SQL is frozen here; cases/audit_protection.py holds the same
  statements for the runtime check and re-install.
"""
from django.db import migrations, models

TABLE = "cases_auditevent"

PG_INSTALL = f"""
CREATE OR REPLACE FUNCTION parallax_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on {TABLE} refused.', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
DROP TRIGGER IF EXISTS cases_auditevent_append_only ON {TABLE};
CREATE TRIGGER cases_auditevent_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION parallax_audit_append_only();
DROP TRIGGER IF EXISTS cases_auditevent_no_truncate ON {TABLE};
CREATE TRIGGER cases_auditevent_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION parallax_audit_append_only();
"""
PG_REMOVE = f"""
DROP TRIGGER IF EXISTS cases_auditevent_append_only ON {TABLE};
DROP TRIGGER IF EXISTS cases_auditevent_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS parallax_audit_append_only();
"""
SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS cases_auditevent_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE on {TABLE} refused.'); END",
    f"CREATE TRIGGER IF NOT EXISTS cases_auditevent_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: DELETE on {TABLE} refused.'); END",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS cases_auditevent_no_update",
                 "DROP TRIGGER IF EXISTS cases_auditevent_no_delete"]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_INSTALL, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)


def remove(apps, schema_editor):
    # Unapplying drops `algo`, and applying again would mark keyed events as plain SHA-256.
    if apps.get_model("cases", "AuditEvent").objects.using(schema_editor.connection.alias).filter(
            algo="hmac-sha256").exists():
        raise RuntimeError("cases.0006_audit_append_only cannot be unapplied: the audit trail holds "
                           "HMAC-sealed events, which would lose their seal algorithm.")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REMOVE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REMOVE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_deconfliction_and_notification_handling"),
    ]

    operations = [
        # Existing rows were sealed with plain SHA-256; new rows default to the keyed seal.
        migrations.AddField(
            model_name="auditevent",
            name="algo",
            field=models.CharField(default="sha256", editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="algo",
            field=models.CharField(default="hmac-sha256", editable=False, max_length=16,
                                   help_text="How `hash` seals the event: hmac-sha256 (keyed) or sha256 (before the key)"),
        ),
        migrations.RunPython(install, remove),
    ]
