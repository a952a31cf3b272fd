"""python manage.py dossier_verify FILE [FILE ...]

Says whether each file is, byte for byte, a dossier (PDF or zip bundle) that
Parallax generated, and which one. Exit status 1 when any file does not match.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.dossier.services import dossier_verify_file


class Command(BaseCommand):
    help = "Verify that a dossier file matches a stored dossier (SHA-256)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")

    def handle(self, *args, **opts):
        failed = 0
        for name in opts["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            result = dossier_verify_file(path=path)
            (self.stdout if result.ok else self.stderr).write(f"{name}: {result.message}")
            failed += not result.ok
        if failed:
            raise SystemExit(1)
