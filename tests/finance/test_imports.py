"""Imports end to end: the job runs, the ledger is written whole or not at all, with provenance."""
import pytest
from django.core.exceptions import ValidationError

from cases.access import Handling
from cases.models import AuditEvent, EvidenceFile, Job
from finance import services
from finance.models import Account, CryptoMovement, CryptoTransaction, Import, Party, Transaction

from .conftest import SAMPLES, fixture_bytes, needs_samples

ACCOUNT_OPTS = {"account": "DE89370400440532013000"}


def ledger_counts():
    return (Transaction.objects.count(), Account.objects.count(), Party.objects.count(),
            CryptoTransaction.objects.count())


def test_csv_upload_waits_for_mapping_then_imports(world, django_capture_on_commit_callbacks):
    analyst = world.users["analyst"]
    from .conftest import upload
    imp = services.import_start(case=world.case, by=analyst, upload=upload("bank_export.csv"))
    assert imp.status == Import.Status.NEEDS_MAPPING and imp.handling == Handling.FIU
    assert imp.options["mapping"]["amount"] == "Amount" and imp.job is None
    assert Transaction.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.import_confirm_mapping(imp=imp, by=analyst, mapping=imp.options["mapping"], decimal=".",
                                        date_format="%Y-%m-%d", profile_name="Jadranska banka CSV")
    imp.refresh_from_db()
    assert imp.status == Import.Status.IMPORTED, imp.error_message
    assert imp.transaction_count == 5 and Transaction.objects.filter(source_import=imp).count() == 5
    job = Job.objects.get(pk=imp.job_id)
    assert job.status == Job.Status.SUCCEEDED and job.handling == Handling.FIU
    assert job.result["url"].endswith(f"/finance/imports/{imp.pk}/") and job.result["transactions"] == 5
    tx = Transaction.objects.get(external_id="B-1002")
    # provenance: import (file SHA-256, format, uploader), row
    assert tx.source_import.sha256 == imp.evidence.sha256 and tx.source_row == 3
    assert tx.handling == Handling.FIU and tx.debit_account.identifier == "HR1210010051863000160"
    assert tx.amount_reference == tx.amount and tx.reference_currency == "EUR"
    assert imp.evidence.handling == Handling.FIU
    # the next file with the same header is mapped by the saved profile
    data = fixture_bytes("bank_export.csv").replace(b"B-100", b"C-100")
    second = services.import_start(case=world.case, by=analyst, upload=upload("second.csv", data))
    assert second.profile.name == "Jadranska banka CSV"


@pytest.mark.parametrize("name, count", [
    ("goaml_report.xml", 2), ("camt053_statement.xml", 4), ("statement.mt940", 3), ("crypto_utxo.csv", 2),
    ("crypto_account.csv", 2), ("bank_export.xlsx", 3),
])
def test_each_format_imports(run_import, world, name, count):
    kwargs = {"options": {"account": "HR1210010051863000160"}} if name.endswith("xlsx") else {}
    imp = run_import(name, **kwargs)
    assert imp.status == Import.Status.IMPORTED, (imp.error_message, imp.errors[:3])
    assert imp.transaction_count + imp.crypto_count == count
    assert AuditEvent.objects.filter(action="import.complete", object_id=str(imp.pk)).exists()


def test_crypto_inputs_and_outputs_are_stored(run_import):
    imp = run_import("crypto_utxo.csv")
    tx = CryptoTransaction.objects.get(tx_hash__startswith="7f3a9c")
    assert tx.source_import == imp and tx.asset == "BTC" and tx.chain == "btc"
    movements = list(tx.movements.order_by("side", "position").values_list("side", "address__identifier", "value"))
    assert movements[0][0] == "in" and movements[0][1] == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
    assert len(movements) == 3
    # the same address in the second transaction is one account
    assert Account.objects.filter(identifier="bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq").count() == 1
    assert CryptoMovement.objects.count() == 5


def test_fx_rate_gives_reference_amount(run_import, world):
    from datetime import date
    from decimal import Decimal
    services.fx_rate_set(by=world.users["admin"], currency="USD", quote_currency="EUR", on=date(2026, 3, 1),
                         rate=Decimal("0.92"))
    run_import("bank_export.xlsx", options={"account": "HR1210010051863000160"})
    usd = Transaction.objects.get(currency="USD")
    assert usd.amount == Decimal("750.25") and usd.fx_rate == Decimal("0.92")
    assert usd.amount_reference == Decimal("690.2300") and usd.fx_rate_date == date(2026, 3, 1)


def test_same_file_twice_is_refused(run_import):
    run_import("statement.mt940")
    with pytest.raises(ValidationError, match="already uploaded to this case as import"):
        run_import("statement.mt940")
    assert Import.objects.count() == 1


def test_same_transaction_from_two_sources_is_flagged(run_import):
    run_import("bank_export.csv", options={})  # confirmed with the guessed mapping
    before = Transaction.objects.count()
    imp = run_import("statement.mt940")
    assert Transaction.objects.count() == before + 3  # kept, not silently dropped …
    assert imp.duplicate_count == 3  # … and flagged
    flagged = Transaction.objects.filter(source_import=imp, probable_duplicate_of__isnull=False)
    assert {t.probable_duplicate_of.external_id for t in flagged} == {"B-1001", "B-1002", "B-1004"}


@pytest.mark.parametrize("name, data, message", [
    ("empty.csv", b"", "empty"),
    ("bomb.xml", b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                 b"<report>&lol2;</report>", "DTD"),
    ("xxe.xml", b'<?xml version="1.0"?><!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                b"<report>&xxe;</report>", "DTD"),
    ("truncated.xml", fixture_bytes("goaml_report.xml")[:3000], "not well-formed"),
])
def test_bad_files_are_refused_at_upload(run_import, name, data, message):
    with pytest.raises(ValidationError, match=message):
        run_import(name, data=data)
    assert ledger_counts() == (0, 0, 0, 0)
    assert Import.objects.count() == 0 and EvidenceFile.objects.count() == 0


def test_oversized_file_is_refused(run_import, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="limit"):
        run_import("bank_export.csv", options={})
    assert Import.objects.count() == 0 and EvidenceFile.objects.count() == 0


def _rejected(imp):
    assert imp.status == Import.Status.REJECTED
    assert ledger_counts() == (0, 0, 0, 0)
    assert Job.objects.get(pk=imp.job_id).status == Job.Status.FAILED
    return imp.errors


def test_invalid_iban_lists_row_field_value_and_nothing_is_written(run_import):
    data = fixture_bytes("bank_export.csv").replace(b"AT442011182900012345", b"AT442011182900012346")
    errors = _rejected(run_import("bank_export.csv", data=data, options={}))
    assert errors == [{"row": "3", "field": "counterparty_account", "value": "AT442011182900012346",
                       "reason": errors[0]["reason"]}]
    assert "IBAN" in errors[0]["reason"]


def test_truncated_csv_is_rejected(run_import):
    data = fixture_bytes("bank_export.csv")[:-40]
    errors = _rejected(run_import("bank_export.csv", data=data, options={}))
    assert "truncated" in errors[-1]["reason"]


def test_wrong_encoding_is_rejected(run_import):
    data = b"Date,Amount,Currency\r\n" + "2026-03-01,1.00,EUR\r\n".encode("utf-16-le")
    with pytest.raises(ValidationError):
        run_import("bank.csv", data=data, options={})
    assert ledger_counts() == (0, 0, 0, 0)


def test_goaml_schema_invalid_report_is_rejected(run_import, settings):
    if not settings.GOAML_XSD_PATH:
        pytest.skip("goAML XSD sample not available")
    data = fixture_bytes("goaml_report.xml").replace(b"<amount_local>9800.00</amount_local>",
                                                     b"<amount_local>9.800,00</amount_local>")
    errors = _rejected(run_import("goaml_report.xml", data=data))
    assert errors[0]["row"] == "/report/transaction[1]/amount_local" and "schema" in errors[0]["reason"]


def test_error_in_last_row_leaves_nothing(run_import):
    data = fixture_bytes("crypto_account.csv").replace(b"5000,USDT", b"lots,USDT")
    errors = _rejected(run_import("crypto_account.csv", data=data))
    assert errors == [{"row": "3", "field": "value", "value": "lots", "reason": "not a number"}]


def test_cancelled_job_writes_nothing(world, django_capture_on_commit_callbacks, monkeypatch, worker_like_celery):
    from cases import jobs
    from .conftest import upload

    def cancel_on_progress(self, current, total=None, message=""):
        raise jobs.JobCancelled()

    monkeypatch.setattr(jobs.ProgressReporter, "__call__", cancel_on_progress)
    with django_capture_on_commit_callbacks(execute=True):
        imp = services.import_start(case=world.case, by=world.users["analyst"], upload=upload("statement.mt940"))
    imp.refresh_from_db()
    assert imp.status == Import.Status.CANCELLED and ledger_counts() == (0, 0, 0, 0)
    assert Job.objects.get(pk=imp.job_id).status == Job.Status.CANCELLED


def test_worker_crash_mid_import_writes_nothing_and_a_retry_succeeds(world, monkeypatch, django_capture_on_commit_callbacks):
    from finance import ledger_writer
    from .conftest import upload

    original = ledger_writer._Writer.finish

    def crash(self):
        raise SystemExit("worker killed")  # not an Exception: like a dying worker

    monkeypatch.setattr(ledger_writer._Writer, "finish", crash)
    imp = services.import_start(case=world.case, by=world.users["analyst"], upload=upload("statement.mt940"),
                                run_inline=True)
    with pytest.raises(SystemExit):
        services.import_run(imp=imp, progress=lambda *a, **k: None)
    imp.refresh_from_db()
    assert imp.status == Import.Status.FAILED and ledger_counts() == (0, 0, 0, 0)
    # a redelivered task (acks_late) does not import a failed import behind the user's back
    monkeypatch.setattr(ledger_writer._Writer, "finish", original)
    with pytest.raises(ValidationError, match="failed and cannot run"):
        services.import_run(imp=imp, progress=lambda *a, **k: None)
    # a worker killed outright (SIGKILL) leaves the import "running" and nothing written;
    # the broker redelivers the task and the retry imports the file whole
    Import.objects.filter(pk=imp.pk).update(status=Import.Status.RUNNING)
    services.import_run(imp=imp, progress=lambda *a, **k: None)
    imp.refresh_from_db()
    assert imp.status == Import.Status.IMPORTED and Transaction.objects.count() == 3


def test_fiu_import_is_invisible_to_prosecutor_until_released(run_import, world):
    imp = run_import("statement.mt940")
    prosecutor, analyst = world.users["prosecutor"], world.users["analyst"]
    for model in (Import, Transaction, Account):
        assert not model.objects.visible_to(prosecutor).exists()
        assert model.objects.visible_to(analyst).exists()
    services.import_release(imp=imp, by=analyst, reason="Disseminated for evidential use, FIU ref 2026/17")
    assert Import.objects.visible_to(prosecutor).count() == 1
    assert Transaction.objects.visible_to(prosecutor).count() == 3
    assert Account.objects.visible_to(prosecutor).exists()
    assert EvidenceFile.objects.visible_to(prosecutor).filter(pk=imp.evidence_id).exists()


def test_non_fiu_uploader_gets_agency_handling_and_prosecutor_cannot_mark_fiu(run_import, world):
    imp = run_import("statement.mt940", by="investigator")
    assert imp.handling == Handling.AGENCY
    with pytest.raises(ValidationError, match="FIU"):
        run_import("crypto_utxo.csv", by="investigator", handling=Handling.FIU)


def test_observer_cannot_import(run_import):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        run_import("statement.mt940", by="observer")
    assert Import.objects.count() == 0


def test_text_with_tabs_backslashes_and_newlines_is_stored_exactly(run_import):
    data = (b'Date,Amount,Currency,Account,Reference\r\n'
            b'2026-03-01,10.00,EUR,HR1210010051863000160,"tab\there \\N back\\slash\nnew line"\r\n')
    imp = run_import("odd.csv", data=data, options={})
    assert imp.status == Import.Status.IMPORTED, imp.errors
    assert Transaction.objects.get().reference == "tab\there \\N back\\slash\nnew line"


@needs_samples
def test_real_camt053_samples_import(run_import):
    for name in ("camt053.v2.minimal.xml", "camt053.v2.multi.statement.xml"):
        imp = run_import(name, data=(SAMPLES / "camt053" / name).read_bytes())
        assert imp.status == Import.Status.IMPORTED, imp.errors
    assert Transaction.objects.count() == 3


@needs_samples
def test_real_goaml_sample_imports(run_import):
    imp = run_import("STR-example.xml", data=(SAMPLES / "goaml" / "STR-example.xml").read_bytes())
    assert imp.status == Import.Status.IMPORTED, imp.errors
    tx = Transaction.objects.get()
    assert tx.currency == "AED" and tx.source_path == "/report/transaction[1]"
    assert tx.amount_reference is None  # no AED rate stored: kept, counted, not guessed
    assert imp.summary["without_fx_rate"] == 1
