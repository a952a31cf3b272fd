"""Import a file into a case's ledger from the command line (operators and batch loads).

Same code path, permissions and audit as the upload page: the file is stored
as evidence, the import runs through `finance.services.import_run` (in this
process, so the command waits for it), and on any invalid row nothing is
written, the problems are printed and the command exits non-zero.
"""
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from cases.models import Case, User
from finance import services
from finance.models import ColumnMappingProfile, ImportFormat

FORMATS = ["auto", *ImportFormat.values]


class Command(BaseCommand):
    help = "Import bank, goAML, camt.053, MT940 or crypto data into a case's ledger."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--case", required=True, help="case reference")
        parser.add_argument("--as", dest="username", required=True, help="the user the import is done as")
        parser.add_argument("--format", default="auto", choices=FORMATS)
        parser.add_argument("--profile", default="", help="saved column-mapping profile of the case (CSV/XLSX)")
        parser.add_argument("--handling", default="", choices=["", "team", "agency", "fiu"],
                            help="default: fiu for FIU members and financial analysts, agency otherwise")
        parser.add_argument("--source", default="", help="bank, exchange or reporting entity")
        parser.add_argument("--currency", default="", help="default currency when the table has no currency column")
        parser.add_argument("--account", default="", help="own account when the table has no account column")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {opts['username']!r}.")
        case = Case.objects.filter(reference=opts["case"].upper()).first()
        if case is None:
            raise CommandError(f"No case {opts['case']!r}.")
        profile = None
        if opts["profile"]:
            profile = ColumnMappingProfile.objects.filter(case=case, name=opts["profile"]).first()
            if profile is None:
                names = ", ".join(ColumnMappingProfile.objects.filter(case=case).values_list("name", flat=True))
                raise CommandError(f"No mapping profile {opts['profile']!r} in {case.reference} (known: {names or 'none'}).")
        options = {k: opts[k] for k in ("currency", "account") if opts[k]}
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            imp = services.import_start(case=case, by=user, upload=upload, format=opts["format"], profile=profile,
                                        handling=opts["handling"] or None, source_label=opts["source"],
                                        options=options, confirm=True, run_inline=True)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"Import #{imp.pk}: {imp.original_name} ({imp.get_format_display()}), SHA-256 {imp.sha256}")
        try:
            services.import_run(imp=imp, progress=self._progress)
        except services.ImportRejected:
            imp.refresh_from_db()
            self.stderr.write(f"\nRejected: {imp.error_message}")
            for error in imp.errors[:200]:
                self.stderr.write(f"  row {error['row']}, {error['field']} “{error['value']}”: {error['reason']}")
            if imp.error_count > 200:
                self.stderr.write(f"  … and {imp.error_count - 200} more")
            sys.exit(1)
        imp.refresh_from_db()
        summary = imp.summary
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"Imported {summary['transactions']} transactions and {summary['crypto_transactions']} crypto transactions "
            f"from {summary['rows']} rows in {summary['seconds']} s."))
        self.stdout.write(f"  probable duplicates: {summary['probable_duplicates']}, new accounts: "
                          f"{summary['new_accounts']}, new parties: {summary['new_parties']}, "
                          f"without FX rate: {summary['without_fx_rate']}")
        return None

    def _progress(self, current, total=None, message=""):
        self.stdout.write(f"\r  {message} ({current:,}/{total or 0:,})", ending="")
