"""Generic CSV/XLSX bank exports, read through a column mapping.

`inspect()` looks at a file (encoding, delimiter, decimal separator, date
format, header) and guesses a mapping the analyst confirms; `parse()` reads
every row with the confirmed options. Statement-style files hold one own
account (a column or a fixed value) and a signed amount, a debit/credit
indicator, or separate debit and credit columns.
"""
import csv
import hashlib
import io
import re
import unicodedata
from datetime import datetime

from cases.spreadsheets import limit
from finance import validation as v

from .base import AccountRef, FileRejected, ParsedTransaction, PartyRef, RowError, Side, decode_text

# Ledger fields a column can be mapped to: (label, required)
FIELDS = {
    "booked_at": ("Booking date", True),
    "value_date": ("Value date", False),
    "amount": ("Amount (signed, or with a debit/credit column)", False),
    "debit_amount": ("Debit amount (money out)", False),
    "credit_amount": ("Credit amount (money in)", False),
    "direction": ("Debit/credit indicator", False),
    "currency": ("Currency", False),
    "account": ("Own account (IBAN or number)", False),
    "account_holder": ("Account holder", False),
    "counterparty_name": ("Counterparty name", False),
    "counterparty_account": ("Counterparty account (IBAN or number)", False),
    "counterparty_bic": ("Counterparty BIC", False),
    "reference": ("Reference / purpose", False),
    "external_id": ("Transaction id", False),
    "channel": ("Channel / transaction type", False),
}

SYNONYMS = {
    "booked_at": ["booking date", "booked", "date", "transaction date", "posting date", "buchungstag", "buchungsdatum",
                  "datum", "date operation", "datum knjizenja", "datum transakcije", "fecha", "data"],
    "value_date": ["value date", "wertstellung", "date valeur", "datum valute", "valutadatum"],
    "amount": ["amount", "betrag", "montant", "iznos", "importe", "value", "sum", "transaction amount"],
    "debit_amount": ["debit", "debit amount", "withdrawal", "money out", "soll", "isplata", "paid out", "out"],
    "credit_amount": ["credit", "credit amount", "deposit", "money in", "haben", "uplata", "paid in", "in"],
    "direction": ["d/c", "dc", "debit/credit", "cdtdbtind", "soll/haben", "s/h", "direction", "dr/cr", "type d/c"],
    "currency": ["currency", "ccy", "curr", "wahrung", "waehrung", "devise", "valuta", "valuta iznosa", "moneda"],
    "counterparty_name": ["counterparty", "counterparty name", "beneficiary", "payee", "name", "empfanger",
                          "begunstigter", "zahlungspflichtiger", "auftraggeber", "partner", "primatelj",
                          "platitelj", "beneficiaire", "other party"],
    "counterparty_account": ["counterparty account", "counterparty iban", "beneficiary account", "beneficiary iban",
                             "iban counterparty", "kontonummer/iban", "gegenkonto", "racun primatelja", "iban primatelja", "partner iban",
                             "other account"],
    "counterparty_bic": ["counterparty bic", "bic", "swift", "bic (swift-code)", "beneficiary bic"],
    "account": ["account", "iban", "own account", "account number", "konto", "kontonummer", "auftragskonto",
                "racun", "compte", "account iban"],
    "account_holder": ["account holder", "holder", "kontoinhaber", "account name", "vlasnik racuna"],
    "reference": ["reference", "purpose", "description", "details", "verwendungszweck", "memo", "narrative",
                  "opis", "libelle", "remittance", "text", "poziv na broj"],
    "external_id": ["transaction id", "id", "txn id", "reference number", "bank reference", "transaction reference",
                    "referenz"],
    "channel": ["channel", "type", "transaction type", "buchungstext", "vrsta", "category"],
}

CHANNEL_WORDS = [
    ("cash_deposit", ["cash deposit", "einzahlung", "uplata gotovine", "bareinzahlung", "depot especes", "cash in"]),
    ("cash_withdrawal", ["atm", "cash withdrawal", "auszahlung", "bargeld", "isplata gotovine", "geldautomat", "cash out"]),
    ("card", ["card", "pos", "karte", "kartica", "carte"]),
    ("crypto", ["crypto", "bitcoin", "btc", "exchange"]),
    ("transfer", ["transfer", "sepa", "wire", "uberweisung", "ueberweisung", "virement", "nalog", "giro"]),
]


def _norm(header: str) -> str:
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", re.sub(r"[_\-.:]+", " ", text)).strip()


def header_signature(headers) -> str:
    return hashlib.sha256("|".join(_norm(h) for h in headers).encode()).hexdigest()


def guess_mapping(headers) -> dict:
    """Ledger field → header, by exact synonym first, then by containment."""
    normalized = {_norm(h): h for h in headers if str(h or "").strip()}
    mapping, used = {}, set()
    for exact in (True, False):
        for field, words in SYNONYMS.items():
            if field in mapping:
                continue
            for word in words:
                hit = None
                for norm, original in normalized.items():
                    if original in used:
                        continue
                    if (norm == word) if exact else (len(word) > 3 and word in norm):
                        hit = original
                        break
                if hit:
                    mapping[field] = hit
                    used.add(hit)
                    break
    if "amount" in mapping and ("debit_amount" in mapping or "credit_amount" in mapping):
        # A single signed column wins only when there is no split pair.
        if "debit_amount" in mapping and "credit_amount" in mapping:
            mapping.pop("amount")
        else:
            mapping.pop("debit_amount", None)
            mapping.pop("credit_amount", None)
    return mapping


# --- reading rows --------------------------------------------------------------------

def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text[:262144].splitlines()[:20])  # the head only: never split a whole file into lines
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t|"}
        return max(counts, key=counts.get)


def _rows_csv(data: bytes, name: str, options: dict):
    text, encoding = decode_text(data, name)
    options.setdefault("encoding", encoding)
    if "delimiter" not in options:
        options["delimiter"] = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=options["delimiter"])
    try:
        yield from reader
    except csv.Error as exc:
        raise FileRejected(f"“{name}”: line {reader.line_num} cannot be read as CSV ({exc}); the file may be truncated.") from None


def _rows_xlsx(data: bytes, name: str, options: dict):
    # Streamed (the sheet is never sized first) and capped: see cases.spreadsheets.
    from cases.spreadsheets import SpreadsheetRefused, Workbook

    try:
        with Workbook(io.BytesIO(data), name) as workbook:
            title = workbook.sheet_title(options.get("sheet"))
            options.setdefault("sheet", title)
            options.setdefault("encoding", "xlsx")
            for _number, row in workbook.rows(title):
                yield ["" if c is None else c for c in row]
    except SpreadsheetRefused as exc:
        raise FileRejected(str(exc)) from None


def rows(data: bytes, name: str, fmt: str, options: dict, scan: int | None = None):
    """Non-blank rows of the file, read as a stream; refused past the row or cell cap (settings
    PARALLAX_IMPORT_MAX_ROWS / PARALLAX_IMPORT_MAX_CELLS) with an error naming the file and the limit.
    With `scan`, reading stops quietly after that many rows, blank ones included (a preview)."""
    max_rows, max_cells = limit("PARALLAX_IMPORT_MAX_ROWS"), limit("PARALLAX_IMPORT_MAX_CELLS")
    count = cells = 0
    for row in (_rows_xlsx if fmt == "xlsx" else _rows_csv)(data, name, options):
        count += 1
        if scan is not None and count > scan:
            return
        if fmt != "xlsx":  # the XLSX stream counts its own rows and cells, blank rows included
            cells += len(row)
            if count > max_rows:
                raise FileRejected(f"“{name}”: more than {max_rows:,} rows; the limit is {max_rows:,} rows per file.")
            if cells > max_cells:
                raise FileRejected(f"“{name}”: more than {max_cells:,} cells (reached at line {count:,}); "
                                   f"the limit is {max_cells:,} cells per file.")
        if _filled(row):
            yield row


def check_size(data: bytes, name: str, fmt: str, options: dict) -> int:
    """Read the whole file as a stream, values unchecked, and return its row count; raises
    FileRejected past the row or cell cap (the import job's first step)."""
    return sum(1 for _row in rows(data, name, fmt, dict(options)))


def _filled(row):
    return row and (row[0] or any(str(c).strip() for c in row))


def _guess_decimal(samples) -> str:
    comma = dot = 0
    for s in samples:
        s = str(s).strip()
        if re.search(r",\d{1,2}-?$", s):
            comma += 1
        elif re.search(r"\.\d{1,2}-?$", s):
            dot += 1
    return "," if comma > dot else "."


# How many rows (blank ones included) a preview reads: the header and sample rows must be among them.
INSPECT_SCAN_ROWS = 1000


def inspect(data: bytes, name: str, fmt: str, options: dict | None = None) -> dict:
    """Dialect, header, a few sample rows and a guessed mapping (nothing is written).

    Reads the first INSPECT_SCAN_ROWS rows only, as a stream: it is called while the
    upload's request waits; the whole file is read (and its size capped) by the import job."""
    options = dict(options or {})
    iterator = rows(data, name, fmt, options, scan=INSPECT_SCAN_ROWS)
    header = next(iterator, None)
    if header is None:
        raise FileRejected(f"“{name}” has no rows"
                           + (f" among its first {INSPECT_SCAN_ROWS:,}." if data else "."))
    header = [str(h).strip() for h in header]
    samples = [r for _, r in zip(range(50), iterator)]
    mapping = options.get("mapping") or guess_mapping(header)
    col = {h: i for i, h in enumerate(header)}

    def column_samples(field):
        index = col.get(mapping.get(field))
        return [r[index] for r in samples if index is not None and index < len(r) and str(r[index]).strip()]

    amount_samples = column_samples("amount") + column_samples("debit_amount") + column_samples("credit_amount")
    if "decimal" not in options:
        options["decimal"] = _guess_decimal([s for s in amount_samples if not isinstance(s, (int, float))])
    if "date_format" not in options:
        date_samples = [s for s in column_samples("booked_at") if not isinstance(s, datetime)]
        options["date_format"] = v.guess_date_format([str(s) for s in date_samples]) or ""
    options["mapping"] = mapping
    return {"header": header, "samples": [[str(c) for c in r] for r in samples[:5]], "options": options,
            "signature": header_signature(header)}


def check_mapping(mapping: dict, header: list, options: dict) -> list[str]:
    """Problems with a mapping; empty when it is usable."""
    problems = []
    for field, column in mapping.items():
        if field not in FIELDS:
            problems.append(f"unknown ledger field “{field}”")
        elif column and column not in header:
            problems.append(f"required column “{column}” (mapped to {FIELDS[field][0].lower()}) is missing from the file")
    if not mapping.get("booked_at"):
        problems.append("no column is mapped to the booking date")
    if not (mapping.get("amount") or mapping.get("debit_amount") or mapping.get("credit_amount")):
        problems.append("no column is mapped to the amount (or to debit/credit amounts)")
    if not mapping.get("currency") and not options.get("currency"):
        problems.append("no currency column is mapped and no default currency is set")
    return problems


def parse(data: bytes, name: str, options: dict):
    fmt = options.get("format", "csv")
    mapping = dict(options.get("mapping") or {})
    iterator = rows(data, name, fmt, options)
    header = next(iterator, None)
    if header is None:
        raise FileRejected(f"“{name}” has no rows.")
    header = [str(h).strip() for h in header]
    problems = check_mapping(mapping, header, options)
    if problems:
        raise FileRejected(f"“{name}”: " + "; ".join(problems) + ".")
    index = {field: header.index(column) for field, column in mapping.items() if column}
    decimal = options.get("decimal") or "."
    date_format = options.get("date_format") or None
    default_currency = options.get("currency", "")
    fixed_account = options.get("account", "")
    width = len(header)
    caches = _Caches()
    for row_number, row in enumerate(iterator, start=2):
        if len(row) < width and fmt == "csv":
            yield RowError(str(row_number), "(row)", options["delimiter"].join(map(str, row))[:80],
                           f"the row has {len(row)} columns but the header has {width} (truncated file or wrong delimiter?)")
            continue
        yield from _row(row_number, row, index, decimal, date_format, default_currency, fixed_account, caches)


class _Caches:
    """Statements repeat dates, accounts, names and currencies: each distinct value is checked once."""

    def __init__(self):
        self.values: dict = {}
        self.accounts: dict = {}
        self.parties: dict = {}

    def checked(self, func, value, *args):
        key = (func, value, args)
        hit = self.values.get(key)
        if hit is None:
            try:
                hit = (True, func(value, *args))
            except v.Invalid as exc:
                hit = (False, str(exc))
            if len(self.values) < 500_000:
                self.values[key] = hit
        return hit

    def party(self, name):
        ref = self.parties.get(name)
        if ref is None:
            ref = self.parties[name] = PartyRef(name)
        return ref


def _cell(row, index, field):
    i = index.get(field)
    if i is None or i >= len(row):
        return ""
    value = row[i]
    return value.strip() if isinstance(value, str) else value


def _row(number, row, index, decimal, date_format, default_currency, fixed_account, caches):
    errors = []
    r = str(number)
    width = len(row)
    cells = {field: (row[i].strip() if isinstance(row[i], str) else row[i])
             for field, i in index.items() if i < width}
    get = cells.get

    def checked(field, func, *args, required=False):
        value = cells.get(field, "")
        if value in ("", None):
            if required:
                errors.append(RowError(r, field, "", "required value is missing"))
            return None
        cacheable = isinstance(value, str) and func is not v.parse_amount
        ok, result = caches.checked(func, value, *args) if cacheable else _call(func, value, *args)
        if not ok:
            errors.append(RowError(r, field, str(value), result))
            return None
        return result

    booked = checked("booked_at", v.parse_datetime, date_format, required=True)
    value_dt = checked("value_date", v.parse_datetime, date_format)
    amount = None
    if "amount" in index:
        amount = checked("amount", v.parse_amount, decimal, required=True)
    else:
        debit = checked("debit_amount", v.parse_amount, decimal)
        credit = checked("credit_amount", v.parse_amount, decimal)
        if debit and credit:
            errors.append(RowError(r, "debit_amount", str(get("debit_amount")), "both debit and credit amounts are filled"))
        elif debit:
            amount = -abs(debit)
        elif credit:
            amount = abs(credit)
        elif not any(e.field in ("debit_amount", "credit_amount") for e in errors):
            errors.append(RowError(r, "amount", "", "neither a debit nor a credit amount"))
    if amount is not None and "direction" in index:
        indicator = str(get("direction")).strip().upper()
        if indicator in ("D", "DR", "DBIT", "DEBIT", "S", "SOLL", "-", "OUT"):
            amount = -abs(amount)
        elif indicator in ("C", "CR", "CRDT", "CREDIT", "H", "HABEN", "+", "IN"):
            amount = abs(amount)
        else:
            errors.append(RowError(r, "direction", indicator, "not a debit/credit indicator (D/C, DBIT/CRDT, S/H)"))
    currency = checked("currency", v.check_currency) if get("currency") else None
    if currency is None and not get("currency"):
        currency = default_currency or None
        if not currency:
            errors.append(RowError(r, "currency", "", "required value is missing"))
    own = _account(r, "account", get("account") or fixed_account, errors, caches)
    other = _account(r, "counterparty_account", get("counterparty_account"), errors, caches)
    bic = checked("counterparty_bic", v.check_bic) or ""
    if other and bic:
        other.bic = bic
    if amount is not None and amount == 0:
        errors.append(RowError(r, "amount", str(get("amount") or "0"), "amount is zero"))
    if errors:
        yield from errors
        return
    holder = caches.party(str(get("account_holder"))) if get("account_holder") else None
    counterparty = caches.party(str(get("counterparty_name"))) if get("counterparty_name") else None
    if own and currency and not own.currency:
        own.currency = currency
    own_side, other_side = Side(own, holder), Side(other, counterparty)
    outgoing = amount < 0
    reference = str(get("reference") or "")
    channel = _channel(str(get("channel") or ""), reference)
    yield ParsedTransaction(
        source_row=number, source_path="", booked_at=booked, amount=abs(amount), currency=currency,
        debit=own_side if outgoing else other_side, credit=other_side if outgoing else own_side,
        value_date=value_dt.date() if value_dt else None, channel=channel, reference=reference[:500],
        external_id=str(get("external_id") or "")[:120],
    )


def _call(func, value, *args):
    try:
        return True, func(value, *args)
    except v.Invalid as exc:
        return False, str(exc)


def _account(r, field, value, errors, caches=None):
    value = str(value or "").strip()
    if not value:
        return None
    if caches is not None:
        hit = caches.accounts.get(value)
        if hit is None:
            problems = []
            hit = caches.accounts[value] = (_account(r, field, value, problems), problems[0].reason if problems else "")
        if hit[1]:
            errors.append(RowError(r, field, value, hit[1]))
        return hit[0]
    if v.looks_like_iban(value):
        try:
            return AccountRef(identifier=v.check_iban(value), is_iban=True, country=v.compact(value)[:2])
        except v.Invalid as exc:
            errors.append(RowError(r, field, value, str(exc)))
            return None
    if re.fullmatch(r"[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{8,}", value):
        errors.append(RowError(r, field, value, "looks like an IBAN but its country code is unknown"))
        return None
    return AccountRef(identifier=value)


_CHANNEL_PATTERNS = [(channel, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"))
                     for channel, words in CHANNEL_WORDS]


def _channel(channel_text: str, reference: str) -> str:
    for source in (channel_text, reference):
        text = (source.lower() if source.isascii() else _norm(source)) if source else ""
        if not text:
            continue
        for channel, pattern in _CHANNEL_PATTERNS:
            if pattern.search(text):
                return channel
    return "transfer" if not channel_text else "other"
