"""python manage.py dossier --case REF --as USERNAME --out FILE.pdf

Produces the same dossier as the "Export dossier" form, in this process
(without a worker): requested, collected, rendered, hashed, stored and audited.
"""
import shutil
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.dossier import services
from cases.models import Case, User


def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Render a case dossier (PDF) as a given user and write it to a file."

    def add_arguments(self, parser):
        parser.add_argument("--case", required=True, help="Case reference, e.g. DEMO-1")
        parser.add_argument("--as", dest="username", required=True, help="User whose access the dossier follows")
        parser.add_argument("--out", required=True, help="Where to write the PDF")
        parser.add_argument("--sections", default="", help="Comma-separated section keys (default: all that apply)")
        parser.add_argument("--from", dest="period_from", default="", help="Start of the period, YYYY-MM-DD")
        parser.add_argument("--to", dest="period_to", default="", help="End of the period, YYYY-MM-DD")
        parser.add_argument("--bundle", default="", help="Also write the zip bundle (PDF, manifest, exhibits) here")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {opts['username']!r}.")
        case = Case.objects.filter(reference=opts["case"].strip().upper()).first()
        if case is None:
            raise CommandError(f"No case {opts['case']!r}.")
        sections = [s.strip() for s in opts["sections"].split(",") if s.strip()] or None
        try:
            dossier = services.dossier_request(
                case=case, by=user, sections=sections, period_from=_date(opts["period_from"]),
                period_to=_date(opts["period_to"]), bundle=bool(opts["bundle"]), via="cli", start_job=False,
            )
            services.dossier_build(dossier=dossier)
        except PermissionDenied:
            raise CommandError(f"{user.username} may not export a dossier of case {case.reference}.") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        shutil.copyfile(services.stored_path(dossier.pdf_storage_name), opts["out"])
        services.dossier_downloaded(dossier=dossier, by=user, what="pdf")
        if opts["bundle"]:
            shutil.copyfile(services.stored_path(dossier.bundle_storage_name), opts["bundle"])
            services.dossier_downloaded(dossier=dossier, by=user, what="bundle")
        self.stdout.write(
            f"Dossier {dossier.identifier}: {dossier.page_count} pages, {dossier.pdf_size} bytes\n"
            f"SHA-256 {dossier.pdf_sha256}\nmanifest SHA-256 {dossier.manifest_sha256}\nwritten to {opts['out']}"
        )
