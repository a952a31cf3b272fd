"""`manage.py import_transactions`: same path, permissions and audit as the page."""
import pytest
from django.core.management import CommandError, call_command

from cases.models import AuditEvent
from finance.models import Import, Transaction

from .conftest import FIXTURES


def test_imports_and_prints_the_summary(world, capsys):
    call_command("import_transactions", str(FIXTURES / "statement.mt940"), "--case", world.case.reference,
                 "--as", "analyst")
    out = capsys.readouterr().out
    assert "Imported 3 transactions" in out
    imp = Import.objects.get()
    assert imp.status == Import.Status.IMPORTED and imp.handling == "fiu"
    assert AuditEvent.objects.filter(action="import.upload", actor__username="analyst").exists()


def test_csv_uses_a_saved_profile(world, capsys):
    from finance.models import ColumnMappingProfile

    ColumnMappingProfile.objects.create(case=world.case, created_by=world.users["analyst"], name="Erste",
                                        mapping={"booked_at": "Buchungstag", "amount": "Betrag", "currency": "Währung",
                                                 "counterparty_name": "Begünstigter/Zahlungspflichtiger"},
                                        settings={"decimal": ",", "date_format": "%d.%m.%Y"})
    call_command("import_transactions", str(FIXTURES / "bank_statement_cp1252.csv"), "--case", world.case.reference,
                 "--as", "analyst", "--profile", "Erste", "--account", "DE89370400440532013000")
    assert Transaction.objects.count() == 3
    assert Import.objects.get().profile.name == "Erste"


def test_bad_input_prints_errors_exits_non_zero_and_writes_nothing(world, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes((FIXTURES / "bank_export.csv").read_bytes().replace(b"AT442011182900012345", b"AT442011182900012399"))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_transactions", str(bad), "--case", world.case.reference, "--as", "analyst")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "row 3, counterparty_account “AT442011182900012399”" in err
    assert Transaction.objects.count() == 0


def test_permissions_are_the_pages(world):
    with pytest.raises(CommandError, match="may not add"):
        call_command("import_transactions", str(FIXTURES / "statement.mt940"), "--case", world.case.reference,
                     "--as", "observer")
    with pytest.raises(CommandError, match="may not add"):
        call_command("import_transactions", str(FIXTURES / "statement.mt940"), "--case", world.case.reference,
                     "--as", "outsider")
    assert Import.objects.count() == 0
