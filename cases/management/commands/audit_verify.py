from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases import audit_protection
from cases.audit import audit_verify_chain
from cases.audit_checkpoints import audit_checkpoint_write, checkpoint_path


class Command(BaseCommand):
    help = ("Verify the audit trail: every event's link and HMAC seal, agreement with the signed checkpoints "
            "outside the database (truncation, re-chaining) and the append-only triggers. On success a new "
            "signed checkpoint is appended. Exits non-zero naming the first bad event.")

    def add_arguments(self, parser):
        parser.add_argument("--no-checkpoint", action="store_true",
                            help="Do not append a checkpoint (e.g. when checking a restored copy elsewhere).")

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.ok:
            where = f"audit event #{report.broken_event_id}" if report.broken_event_id else "the audit trail"
            raise CommandError(f"BROKEN at {where}: {report.reason}. {report.checked} events before it verified.")
        missing = audit_protection.missing(connection)
        if missing:
            raise CommandError(
                f"UNPROTECTED: the chain of {report.checked} audit events is intact, but the audit table lacks its "
                f"append-only triggers ({', '.join(missing)}); run `manage.py migrate` to reinstall them.")
        if report.checkpoints:
            latest = report.latest_checkpoint
            against = (f"agrees with {report.checkpoints} signed checkpoints in {checkpoint_path()} "
                       f"(latest {latest.at}: {latest.count} events up to #{latest.last_id})")
        else:
            against = (f"no signed checkpoint in {checkpoint_path()} yet, so deleted newest events "
                       f"could not be detected this time")
        self.stdout.write(self.style.SUCCESS(f"OK: {report.checked} audit events, chain intact; {against}."))
        if not options["no_checkpoint"]:
            checkpoint = audit_checkpoint_write(reason="audit_verify", report=report)
            if checkpoint is not None:
                self.stdout.write(f"Checkpoint written: {checkpoint.count} events up to #{checkpoint.last_id}, "
                                  f"head {checkpoint.hash}.")
