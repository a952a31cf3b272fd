"""Every way of tampering with the audit trail is caught: by the seals, by the checkpoints, by the database.

Each tampering is done as an attacker with SQL access would, by raw SQL with the
append-only triggers out of the way (tests/cases/audit_tampering.py).
"""
import hashlib
import hmac
import json
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from cases import audit_protection, services
from cases.audit import audit_verify_chain
from cases.audit_checkpoints import (
    AuditChainBroken, CheckpointFileError, audit_checkpoint_write, checkpoint_path, latest_checkpoint,
    read_checkpoints,
)
from cases.models import AuditEvent
from cases.models.audit import audit_key
from cases.tasks import audit_checkpoint
from tests.cases.audit_tampering import TABLE, hmac_with, plain_sha256, rechain, sql

pytestmark = pytest.mark.django_db


def ids():
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))


def note(world, body="Another note."):
    return services.note_add(case=world.case, by=world.users["lead"], body=body)


def verify_command():
    """(ok, message) of `manage.py audit_verify`."""
    try:
        call_command("audit_verify")
    except CommandError as exc:
        return False, str(exc)
    return True, ""


@pytest.fixture
def checkpointed(world):
    """The world's trail with a signed checkpoint of its head, and a few events after it."""
    checkpoint = audit_checkpoint_write(reason="schedule")
    for n in range(3):
        note(world, f"Note {n} after the checkpoint.")
    return checkpoint


# --- the intact trail ------------------------------------------------------------------------

def test_new_events_are_sealed_with_hmac_under_the_key(world):
    event = AuditEvent.objects.latest("id")
    assert event.algo == AuditEvent.ALGO_HMAC
    assert event.hash == hmac.new(audit_key(), event.canonical(), hashlib.sha256).hexdigest()
    assert event.hash != hashlib.sha256(event.canonical()).hexdigest()


def test_intact_trail_verifies_against_its_checkpoints_and_the_command_adds_one(world, checkpointed):
    report = audit_verify_chain()
    assert report.ok and report.checkpoints == 1 and report.head_id == ids()[-1]
    ok, _ = verify_command()
    assert ok
    checkpoints = read_checkpoints()
    assert [c.reason for c in checkpoints] == ["schedule", "audit_verify"]
    assert (checkpoints[-1].last_id, checkpoints[-1].count) == (ids()[-1], len(ids()))


def test_events_stored_before_the_key_still_verify(world):
    """Migration-safe: a trail whose oldest events carry plain SHA-256 seals (algo "sha256")."""
    all_ids = ids()
    rechain(all_ids[0], plain_sha256, algo=AuditEvent.ALGO_SHA256)  # the whole trail as it was before the key
    rechain(all_ids[5], hmac_with(audit_key()), algo=AuditEvent.ALGO_HMAC)  # keyed from the 6th event on
    assert audit_verify_chain().ok
    note(world)
    assert audit_verify_chain().ok


# --- the four tamperings ------------------------------------------------------------------------

def test_middle_edit_is_caught_at_the_edited_event(world, checkpointed):
    victim = ids()[4]
    sql(f"UPDATE {TABLE} SET actor_label = %s WHERE id = %s", ["someone-else", victim])
    report = audit_verify_chain()
    assert (report.ok, report.broken_event_id, report.problem) == (False, victim, "seal")
    ok, message = verify_command()
    assert not ok and f"#{victim}:" in message and "HMAC seal" in message


def test_middle_delete_is_caught_at_the_next_event(world, checkpointed):
    all_ids = ids()
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [all_ids[4]])
    report = audit_verify_chain()
    assert (report.ok, report.broken_event_id, report.problem) == (False, all_ids[5], "link")
    ok, message = verify_command()
    assert not ok and f"#{all_ids[5]}:" in message and "link to the previous event" in message


def test_tail_delete_is_caught_by_the_checkpoint(world):
    audit_checkpoint_write(reason="schedule")
    all_ids = ids()
    sql(f"DELETE FROM {TABLE} WHERE id >= %s", [all_ids[-3]])
    # The chain alone still looks whole: that is what the checkpoint outside the database is for.
    assert audit_verify_chain(checkpoints=[]).ok
    report = audit_verify_chain()
    assert (report.ok, report.broken_event_id, report.problem) == (False, all_ids[-1], "truncated")
    assert f"ends at #{all_ids[-4]} after {len(all_ids) - 3} events" in report.reason
    ok, message = verify_command()
    assert not ok and f"#{all_ids[-1]}:" in message and "truncation" in message
    # and no checkpoint is ever signed over the shortened chain
    with pytest.raises(AuditChainBroken):
        audit_checkpoint_write(reason="schedule")
    assert len(read_checkpoints()) == 1


def test_tail_delete_then_new_events_is_caught_by_the_checkpoint(world):
    checkpoint = audit_checkpoint_write(reason="schedule")
    sql(f"DELETE FROM {TABLE} WHERE id >= %s", [ids()[-2]])
    note(world, "Written by the application after the deletion.")  # a valid seal on the shortened chain
    report = audit_verify_chain()
    assert (report.ok, report.broken_event_id, report.problem) == (False, checkpoint.last_id, "missing")


@pytest.mark.parametrize("how", ["plain-sha256", "plain-sha256-as-legacy", "wrong-key"])
def test_edit_and_rechain_without_the_key_is_caught_at_the_edited_event(world, checkpointed, how):
    victim = ids()[4]
    sql(f"UPDATE {TABLE} SET object_label = %s WHERE id = %s", ["nothing to see", victim])
    if how == "plain-sha256":
        rechain(victim, plain_sha256)
        expected = "seal"
    elif how == "plain-sha256-as-legacy":
        rechain(victim, plain_sha256, algo=AuditEvent.ALGO_SHA256)
        expected = "downgrade"
    else:
        rechain(victim, hmac_with(b"a key the attacker guessed, not the audit key"))
        expected = "seal"
    # every link is consistent again ...
    events = list(AuditEvent.objects.order_by("id"))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    # ... but the seals are not
    report = audit_verify_chain(checkpoints=[])
    assert (report.ok, report.broken_event_id, report.problem) == (False, victim, expected)
    ok, message = verify_command()
    assert not ok and f"#{victim}:" in message


def test_edit_and_rechain_with_the_key_is_caught_by_the_checkpoint(world, checkpointed):
    """Someone who holds the key re-seals a consistent chain: the signed head outside the database differs."""
    victim = ids()[2]
    assert victim < checkpointed.last_id
    sql(f"UPDATE {TABLE} SET actor_label = %s WHERE id = %s", ["someone-else", victim])
    rechain(victim, hmac_with(audit_key()))
    assert audit_verify_chain(checkpoints=[]).ok
    report = audit_verify_chain()
    assert (report.ok, report.broken_event_id, report.problem) == (False, checkpointed.last_id, "rechained")
    ok, message = verify_command()
    assert not ok and f"#{checkpointed.last_id}:" in message and "re-chaining" in message


def test_delete_and_rechain_with_the_key_is_caught_by_the_checkpoint_count(world, checkpointed):
    all_ids = ids()
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [all_ids[2]])
    rechain(all_ids[3], hmac_with(audit_key()))
    assert audit_verify_chain(checkpoints=[]).ok
    report = audit_verify_chain()
    assert not report.ok and report.broken_event_id == checkpointed.last_id
    assert report.problem in {"rechained", "count"}


# --- the database refuses ------------------------------------------------------------------------

def test_migrations_install_the_append_only_triggers(world):
    assert audit_protection.missing(connection) == []


@pytest.mark.parametrize("statement", [
    f"UPDATE {TABLE} SET actor_label = 'x' WHERE id = (SELECT MIN(id) FROM {TABLE})",
    f"DELETE FROM {TABLE} WHERE id = (SELECT MAX(id) FROM {TABLE})",
    f"DELETE FROM {TABLE}",
])
def test_the_database_refuses_update_and_delete_by_raw_sql(world, statement):
    before = list(AuditEvent.objects.order_by("id").values_list("id", "actor_label"))
    with pytest.raises(IntegrityError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert list(AuditEvent.objects.order_by("id").values_list("id", "actor_label")) == before


def test_postgresql_refuses_truncate(world):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL")
    with pytest.raises(IntegrityError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending from the test's inserts
            cursor.execute(f"TRUNCATE {TABLE} CASCADE")
    assert AuditEvent.objects.exists()


def test_audit_verify_reports_a_table_without_its_triggers(world):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            audit_protection.remove(connection)
    ok, message = verify_command()
    assert not ok and "append-only triggers" in message
    audit_protection.ensure(connection)  # what every migrate does
    assert audit_protection.missing(connection) == [] or connection.vendor == "postgresql"


def test_flush_outside_the_test_runner_is_refused(world, settings):
    settings.TESTING = False
    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.exists()


# --- the checkpoint file ------------------------------------------------------------------------

def test_checkpoint_file_is_append_only_and_signed(world):
    with mock.patch("cases.audit_checkpoints.os.open", wraps=os.open) as opened:
        first = audit_checkpoint_write(reason="schedule")
    write_flags = [c.args[1] for c in opened.call_args_list if c.args[1] & (os.O_WRONLY | os.O_RDWR)]
    assert write_flags and all(f & os.O_APPEND and not f & os.O_TRUNC for f in write_flags)
    path = checkpoint_path()
    before = path.read_bytes()
    note(world)
    second = audit_checkpoint_write(reason="schedule")
    after = path.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 2  # the first line is untouched

    lines = [json.loads(line) for line in after.splitlines()]
    assert lines[0]["hash"] == first.hash and lines[1]["last_id"] == second.last_id == ids()[-1]
    assert lines[1]["prev"] == lines[0]["sig"] and lines[0]["prev"] == ""
    for line in lines:  # the signature verifies, independently of the code that wrote it
        signed = {k: v for k, v in line.items() if k != "sig"}
        message = b"parallax-audit-checkpoint\x00" + json.dumps(
            signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert line["sig"] == hmac.new(audit_key(), message, hashlib.sha256).hexdigest()
    assert [c.sig for c in read_checkpoints()] == [line["sig"] for line in lines]
    assert latest_checkpoint().sig == lines[1]["sig"]


def test_an_idle_trail_does_not_grow_the_file(world):
    audit_checkpoint_write(reason="schedule")
    audit_checkpoint_write(reason="schedule")
    assert len(read_checkpoints()) == 1


def test_an_altered_or_shortened_checkpoint_file_is_found(world):
    first = audit_checkpoint_write(reason="schedule")
    note(world)
    audit_checkpoint_write(reason="schedule")
    note(world)
    audit_checkpoint_write(reason="schedule")
    path = checkpoint_path()
    original = path.read_bytes()
    lines = original.splitlines(keepends=True)

    path.write_bytes(original.replace(f'"count":{first.count}'.encode(), f'"count":{first.count - 3}'.encode(), 1))
    with pytest.raises(CheckpointFileError, match="line 1 .*invalid signature"):
        read_checkpoints()
    report = audit_verify_chain()
    assert not report.ok and report.problem == "checkpoint-file"

    path.write_bytes(lines[0] + lines[2])  # the middle checkpoint removed
    with pytest.raises(CheckpointFileError, match="line 2 .*does not follow"):
        read_checkpoints()

    path.write_bytes(original)
    assert audit_verify_chain().ok


def test_checkpoints_are_scheduled_by_beat(world):
    entry = django_settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]
    assert entry["task"] == "cases.tasks.audit_checkpoint" and entry["schedule"] <= 3600
    result = audit_checkpoint.delay().get()
    assert result == {"last_id": ids()[-1], "count": len(ids())}
    assert latest_checkpoint().reason == "schedule"


def test_the_dossier_prints_the_checkpoint_it_was_built_against(world):
    from tests.dossier.conftest import pdf_pages, render

    checkpoint = audit_checkpoint_write(reason="schedule")
    _dossier, pdf = render(world, "lead")
    appendix = "".join(pdf_pages(pdf)[-1].split())
    assert checkpoint.hash in appendix
    assert f"{checkpoint.count}eventsupto#{checkpoint.last_id}" in appendix


# --- configuration ------------------------------------------------------------------------

def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PARALLAX_TESTING", "DEBUG", "PARALLAX_AUDIT_KEY")}
    env.update(DEBUG="0", SECRET_KEY="x7-" + "k3Qz9!vR2#pL8@wT5^mN1&bY6*cH4$" * 2, ALLOWED_HOSTS="parallax.example.org",
               PARALLAX_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "PARALLAX_AUDIT_KEY" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_still_get_a_clean_database(world):
    """The test runner flushes after a transactional test; the triggers are lifted for that flush only."""
    assert audit_protection.missing(connection) == []
    with pytest.raises(IntegrityError, match="append-only"):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
    # the flush at teardown must succeed, and leave the triggers in place (checked by the next test)


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_trail_starts_empty_and_protected(world):
    assert AuditEvent.objects.order_by("id").first().prev_hash == AuditEvent.GENESIS
    assert audit_protection.missing(connection) == []
    assert audit_verify_chain().ok
