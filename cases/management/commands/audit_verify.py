from django.core.management.base import BaseCommand, CommandError

from cases.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; report OK or the first broken link."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"OK: {report.checked} audit events, chain intact."))
            return
        raise CommandError(
            f"BROKEN at audit event #{report.broken_event_id}: {report.reason}. "
            f"{report.checked} events before it verified."
        )
