"""The parsers read each format (our fixtures and the real-world samples) into the expected transactions."""
from decimal import Decimal

import pytest

from finance import validation as v
from finance.parsers import FileRejected, ParsedTransaction, RowError, camt053, crypto, goaml, mt940, tabular

from .conftest import GOAML_XSD, SAMPLES, fixture_bytes, needs_samples


def items(parse, data, options=None):
    return list(parse(data, "file", options or {}))


def test_csv_detection_and_guessed_mapping():
    info = tabular.inspect(fixture_bytes("bank_export.csv"), "bank_export.csv", "csv")
    assert info["options"]["encoding"] == "utf-8-sig"
    assert info["options"]["delimiter"] == ","
    assert info["options"]["decimal"] == "."
    assert info["options"]["date_format"] == "%Y-%m-%d"
    assert info["options"]["mapping"]["counterparty_account"] == "Counterparty IBAN"
    assert info["options"]["mapping"]["account"] == "Account"
    rows = items(tabular.parse, fixture_bytes("bank_export.csv"), info["options"])
    assert all(isinstance(r, ParsedTransaction) for r in rows) and len(rows) == 5
    payment = rows[1]
    assert payment.amount == Decimal("24500.00") and payment.currency == "EUR"
    assert payment.debit.account.identifier == "HR1210010051863000160"
    assert payment.credit.account.identifier == "AT442011182900012345"
    assert payment.credit.party.name == "Nordwaffen Handels GmbH"
    assert rows[0].channel == "cash_deposit" and rows[3].channel == "cash_withdrawal"


@pytest.mark.parametrize("name, encoding, delimiter", [
    ("bank_statement_cp1252.csv", "cp1252", ";"), ("bank_statement_utf16.csv", "utf-16", "\t"),
])
def test_encodings_decimal_comma_and_day_first_dates(name, encoding, delimiter):
    info = tabular.inspect(fixture_bytes(name), name, "csv")
    options = info["options"]
    assert (options["encoding"], options["delimiter"], options["decimal"], options["date_format"]) == (
        encoding, delimiter, ",", "%d.%m.%Y")
    options["account"] = "DE89370400440532013000"
    rows = items(tabular.parse, fixture_bytes(name), options)
    assert [r.amount for r in rows] == [Decimal("1250.00"), Decimal("12400.00"), Decimal("9900.00")]
    assert rows[0].credit.party.name == "Štefan Müller"
    assert rows[0].booked_at.day == 2 and rows[0].booked_at.month == 3


def test_xlsx_with_split_debit_credit_columns():
    info = tabular.inspect(fixture_bytes("bank_export.xlsx"), "x.xlsx", "xlsx")
    info["options"]["account"] = "HR1210010051863000160"
    rows = items(tabular.parse, fixture_bytes("bank_export.xlsx"), {**info["options"], "format": "xlsx"})
    assert [(r.amount, r.currency) for r in rows] == [(Decimal("9800"), "EUR"), (Decimal("24500"), "EUR"),
                                                      (Decimal("750.25"), "USD")]
    assert rows[0].credit.account.identifier == "HR1210010051863000160"  # credit column: money in


def test_mixed_decimal_separators_are_row_errors():
    data = "Date;Amount;Currency\n01.03.2026;1.234,50;EUR\n02.03.2026;1,234.50;EUR\n03.03.2026;12,00;EUR\n".encode()
    info = tabular.inspect(data, "mixed.csv", "csv")
    out = items(tabular.parse, data, info["options"])
    errors = [e for e in out if isinstance(e, RowError)]
    assert len(errors) == 1 and errors[0].row == "3" and errors[0].field == "amount"
    assert "mixed decimal separators" in errors[0].reason


def test_missing_required_column_rejects_the_file():
    data = b"Date,Amount,Currency\n2026-03-01,10.00,EUR\n"
    with pytest.raises(FileRejected, match="Buchungstag.*missing"):
        items(tabular.parse, data, {"mapping": {"booked_at": "Buchungstag", "amount": "Amount", "currency": "Currency"}})


def test_goaml_fixture_reads_both_sides_and_is_schema_valid():
    data = fixture_bytes("goaml_report.xml")
    if GOAML_XSD.exists():
        assert goaml.validate_against_schema(data, "goaml_report.xml", str(GOAML_XSD)) == []
    rows = items(goaml.parse, data, {"xsd_path": str(GOAML_XSD) if GOAML_XSD.exists() else ""})
    assert len(rows) == 2 and all(isinstance(r, ParsedTransaction) for r in rows)
    deposit, payment = rows
    assert deposit.channel == "cash_deposit" and deposit.amount == Decimal("9800.00") and deposit.currency == "EUR"
    assert deposit.debit.party.name == "Dario Kovac" and deposit.debit.party.identifiers[0]["value"] == "HR01234567"
    assert deposit.credit.account.identifier == "HR1210010051863000160" and deposit.credit.account.bic == "ZABAHR2X"
    assert deposit.credit.party.name == "Adriatic Freight Forwarding d.o.o."
    assert payment.credit.party.kind == "organisation" and payment.credit.party.name == "Nordwaffen Handels GmbH"
    assert payment.source_path == "/report/transaction[2]" and payment.external_id == "GA-0002"


@needs_samples
def test_goaml_real_sample_with_my_client_side():
    data = (SAMPLES / "goaml" / "STR-example.xml").read_bytes()
    assert goaml.validate_against_schema(data, "STR-example.xml", str(GOAML_XSD)) == []
    (tx,) = items(goaml.parse, data, {"xsd_path": str(GOAML_XSD)})
    assert tx.amount == Decimal("120000.00") and tx.currency == "AED"
    assert tx.debit.party.name == "Layla Hassan" and tx.debit.party.kind == "person"
    assert tx.debit.party.birth_date.isoformat() == "1989-07-02"
    assert tx.credit.party.name == "John Smith" and tx.credit.party.country == "GB"
    assert tx.external_id == "TXN-987654" and tx.booked_at.isoformat() == "2026-05-24T14:30:00"


@needs_samples
def test_goaml_schema_errors_name_the_element():
    data = (SAMPLES / "goaml" / "STR-example.xml").read_bytes().replace(
        b"<amount_local>120000.00</amount_local>", b"<amount_local>lots</amount_local>")
    errors = items(goaml.parse, data, {"xsd_path": str(GOAML_XSD)})
    assert errors and isinstance(errors[0], RowError)
    assert errors[0].row == "/report/transaction/amount_local" and "goAML schema" in errors[0].reason


def test_camt053_fixture_with_batch_entry():
    rows = items(camt053.parse, fixture_bytes("camt053_statement.xml"))
    assert [(r.amount, r.channel) for r in rows] == [
        (Decimal("3200.00"), "transfer"), (Decimal("89.90"), "card"), (Decimal("3000.00"), "transfer"),
        (Decimal("2000.00"), "transfer")]
    incoming = rows[0]
    assert incoming.credit.account.identifier == "HR3224020061100456789" and incoming.credit.party.name == "Dario Kovač"
    assert incoming.debit.account.identifier == "SI56191000000123438" and incoming.debit.account.bic == "LJBASI2X"
    assert incoming.reference == "Consulting fee March"
    assert rows[3].source_path.endswith("Ntry[3]/NtryDtls/TxDtls[2]")
    assert rows[3].credit.party.identifiers[0]["value"] == "080123456"


@needs_samples
@pytest.mark.parametrize("name, expected", [
    ("camt053.v2.minimal.xml", [("8.85", "NL26VAYB8060476890", "credit", "NAME NAME", "NL56AGDH9619008421")]),
    ("camt053.v2.multi.statement.xml", [("8.85", "NL26VAYB8060476890", "credit", None, None),
                                        ("7.00", "NL26VAYB8060476890", "debit", "Company Name 2", "NL56AGDH9619008421")]),
])
def test_camt053_real_samples(name, expected):
    rows = items(camt053.parse, (SAMPLES / "camt053" / name).read_bytes())
    got = []
    for r in rows:
        own_is_credit = r.credit.account is not None and r.credit.account.identifier == "NL26VAYB8060476890"
        other = r.debit if own_is_credit else r.credit
        got.append((f"{r.amount}", "NL26VAYB8060476890", "credit" if own_is_credit else "debit",
                    other.party.name if other.party else None, other.account.identifier if other.account else None))
    assert got == expected


def test_mt940_statement_and_balance_check():
    rows = items(mt940.parse, fixture_bytes("statement.mt940"))
    assert [(r.amount, r.debit.account.identifier if r.debit.account else None) for r in rows] == [
        (Decimal("9800.00"), None), (Decimal("24500.00"), "HR1210010051863000160"),
        (Decimal("400.00"), "HR1210010051863000160")]
    assert rows[1].credit.party.name == "Nordwaffen Handels GmbH" and rows[1].credit.account.bic == "BKAUATWW"
    assert rows[2].channel == "cash_withdrawal"
    broken = fixture_bytes("statement.mt940").replace(b":62F:D260309EUR100,00", b":62F:C260309EUR100,00")
    errors = items(mt940.parse, broken)
    assert len(errors) == 1 and "closing balance" in errors[0].reason
    truncated = fixture_bytes("statement.mt940").split(b":62F:")[0]
    assert "truncated" in items(mt940.parse, truncated)[0].reason


def test_crypto_exports():
    utxo = items(crypto.parse_utxo, fixture_bytes("crypto_utxo.csv"))
    assert len(utxo) == 2 and len(utxo[0].inputs) == 1 and len(utxo[0].outputs) == 2
    assert utxo[0].fee == Decimal("0.00012000")
    account = items(crypto.parse_account_model, fixture_bytes("crypto_account.csv"))
    assert account[1].asset == "USDT"
    # lower-case input is stored with its EIP-55 checksum
    assert account[1].outputs[0][0] == "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"


def test_crypto_bad_addresses_are_listed():
    data = fixture_bytes("crypto_account.csv").replace(b"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359,1.25",
                                                       b"0xFB6916095ca1df60bB79Ce92cE3Ea74c37c5d359,1.25")
    errors = [e for e in items(crypto.parse_account_model, data) if isinstance(e, RowError)]
    assert errors[0].row == "2" and errors[0].field == "to" and "EIP-55" in errors[0].reason


@pytest.mark.parametrize("address, chain", [
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "btc"), ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc"),
    ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "btc"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "btc"),
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "eth"), ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "ethereum"),
])
def test_valid_crypto_addresses(address, chain):
    assert v.check_crypto_address(address, chain)


@pytest.mark.parametrize("address, chain, reason", [
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "btc", "checksum"),
    ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", "btc", "checksum"),
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "eth", "EIP-55"),
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "ltc", "version byte"),
    ("0x123", "eth", "40-digit"),
])
def test_invalid_crypto_addresses(address, chain, reason):
    with pytest.raises(v.Invalid, match=reason):
        v.check_crypto_address(address, chain)


def test_iban_bic_country_currency_checks():
    assert v.check_iban("HR12 1001 0051 8630 0016 0") == "HR1210010051863000160"
    with pytest.raises(v.Invalid, match="IBAN"):
        v.check_iban("HR1210010051863000161")
    assert v.check_bic("ZABAHR2X") == "ZABAHR2X"
    with pytest.raises(v.Invalid):
        v.check_bic("ZABAXX2")
    assert v.check_country("hrv") == "HR"
    with pytest.raises(v.Invalid):
        v.check_country("UK")
    with pytest.raises(v.Invalid):
        v.check_currency("EURO")
