"""SWIFT MT940 customer statements: :20:, :25:, :28C:, :60F:/:60M:, :61:, :86:, :62F:/:62M:.

Each :61: line (with the :86: that follows) is one transaction against the
account named in :25:. The opening balance plus the lines must equal the
closing balance; a statement without :62F: is reported as truncated.
"""
import re
from datetime import date

from finance import validation as v

from .base import AccountRef, FileRejected, ParsedTransaction, PartyRef, RowError, Side, decode_text
from .tabular import _channel

TAG = re.compile(r"^:(\d{2}[A-Z]?):", re.M)
LINE_61 = re.compile(
    r"^(?P<date>\d{6})(?P<entry>\d{4})?(?P<dc>R?[DC])(?P<fund>[A-Z])?(?P<amount>\d[\d,]*)"
    r"(?P<type>[NSF][A-Z0-9]{3})(?P<custref>[^/\n]{0,16})(?://(?P<bankref>[^\n]{0,16}))?(?:\n(?P<extra>.*))?",
    re.S,
)
BALANCE = re.compile(r"^(?P<dc>[DC])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d[\d,]*)$")
TYPE_CHANNELS = {"TRF": "transfer", "DDT": "transfer", "STO": "transfer", "CHK": "other", "CHG": "other",
                 "CSH": "cash_withdrawal", "CDP": "cash_deposit", "CWD": "cash_withdrawal", "POS": "card", "CRD": "card"}


def _date(text):
    return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))


def _amount(text):
    return v.parse_amount(text, ",")


def _fields(text):
    """[(tag, value, line number)] of one statement body."""
    out = []
    positions = [(m.start(), m.end(), m.group(1)) for m in TAG.finditer(text)]
    for i, (start, end, tag) in enumerate(positions):
        stop = positions[i + 1][0] if i + 1 < len(positions) else len(text)
        value = text[end:stop].rstrip("\r\n -}").replace("\r\n", "\n").strip("\n")
        out.append((tag, value, text.count("\n", 0, start) + 1))
    return out


def parse(data: bytes, name: str, options: dict):
    text, _encoding = decode_text(data, name)
    text = text.replace("\r\n", "\n")
    if ":20:" not in text or ":61:" not in text and ":60F:" not in text:
        raise FileRejected(f"“{name}” is not an MT940 statement (no :20: and :60F:/:61: fields).")
    # Several statements may follow each other; each starts with :20:.
    chunks = [c for c in re.split(r"(?m)^(?=:20:)", text) if c.lstrip().startswith(":20:")]
    for s_index, chunk in enumerate(chunks, start=1):
        line_offset = text[: text.find(chunk)].count("\n")
        yield from _statement(chunk, s_index, line_offset)


def _statement(chunk, s_index, line_offset):
    fields = _fields(chunk)
    tags = [t for t, _, _ in fields]
    path = f"statement {s_index}"
    account_raw = next((val for t, val, _ in fields if t == "25"), "")
    opening = next(((val, ln) for t, val, ln in fields if t in ("60F", "60M")), None)
    if not account_raw:
        yield RowError(path, ":25:", "", "the statement names no account (:25:)")
        return
    if opening is None:
        yield RowError(path, ":60F:", "", "the statement has no opening balance (:60F:)")
        return
    if not any(t in ("62F", "62M") for t in tags):
        yield RowError(path, ":62F:", "", "the statement has no closing balance (:62F:); the file may be truncated")
        return
    m = BALANCE.match(opening[0].strip())
    if not m:
        yield RowError(f"line {opening[1] + line_offset}", ":60F:", opening[0], "not a balance (C/D, YYMMDD, currency, amount)")
        return
    currency = m["currency"]
    try:
        currency = v.check_currency(currency)
        running = _amount(m["amount"]) * (1 if m["dc"] == "C" else -1)
    except v.Invalid as exc:
        yield RowError(f"line {opening[1] + line_offset}", ":60F:", opening[0], str(exc))
        return
    own = _own_account(account_raw.split("\n")[0].strip(), currency)
    if isinstance(own, RowError):
        yield own
        return
    errors = []
    items = []
    for index, (tag, value, line) in enumerate(fields):
        if tag != "61":
            continue
        line_no = line + line_offset
        info = fields[index + 1][1] if index + 1 < len(fields) and fields[index + 1][0] == "86" else ""
        match = LINE_61.match(value)
        if not match:
            errors.append(RowError(f"line {line_no}", ":61:", value[:60], "not a statement line (date, D/C, amount, type)"))
            continue
        try:
            booked = _date(match["date"])
        except ValueError:
            errors.append(RowError(f"line {line_no}", ":61: date", match["date"], "not a date (YYMMDD)"))
            continue
        try:
            amount = _amount(match["amount"])
        except v.Invalid as exc:
            errors.append(RowError(f"line {line_no}", ":61: amount", match["amount"], str(exc)))
            continue
        debit = match["dc"] in ("D", "RC")  # RC: reversal of a credit takes money out
        running += -amount if debit else amount
        items.append((line_no, booked, amount, debit, match, info))
    closing_value = next(val for t, val, _ in fields if t in ("62F", "62M"))
    closing = BALANCE.match(closing_value.strip())
    if closing and not errors:
        expected = _amount(closing["amount"]) * (1 if closing["dc"] == "C" else -1)
        if expected != running:
            errors.append(RowError(path, ":62F:", closing_value, f"closing balance {expected} does not equal the opening "
                                                                 f"balance plus the statement lines ({running})"))
    if errors:
        yield from errors
        return
    for line_no, booked, amount, debit, match, info in items:
        counterparty, counter_account, remittance = _info_86(info)
        own_side, other_side = Side(own), Side(counter_account, counterparty)
        extra = (match["extra"] or "").strip()
        type_code = match["type"][1:]
        channel = TYPE_CHANNELS.get(type_code) or _channel("", remittance or extra)
        yield ParsedTransaction(
            source_row=line_no, source_path=f"{path} :61: line {line_no}", booked_at=booked,
            value_date=booked, amount=amount, currency=currency,
            debit=own_side if debit else other_side, credit=other_side if debit else own_side,
            channel=channel, reference=" ".join(filter(None, [remittance, extra]))[:500],
            external_id=((match["bankref"] or "").strip() or (match["custref"] or "").strip())[:120],
        )


def _own_account(raw, currency):
    compacted = v.compact(raw)
    candidate = compacted[:-3] if compacted[-3:] == currency and v.looks_like_iban(compacted[:-3]) else compacted
    if v.looks_like_iban(candidate):
        try:
            return AccountRef(identifier=v.check_iban(candidate), is_iban=True, country=candidate[:2], currency=currency)
        except v.Invalid as exc:
            return RowError("statement", ":25:", raw, str(exc))
    return AccountRef(identifier=raw, currency=currency)


def _info_86(info):
    """(counterparty, counterparty account, remittance) from :86:, structured or free text."""
    text = info.replace("\n", "")
    if not text:
        return None, None, ""
    name = iban = bic = remittance = ""
    if "?" in text[:4] or re.search(r"\?\d{2}", text):  # German structured: ?20-?29 purpose, ?31 account, ?32/?33 name
        parts = dict((m.group(1), m.group(2)) for m in re.finditer(r"\?(\d{2})([^?]*)", text))
        remittance = " ".join(parts.get(f"{i}", "") for i in range(20, 30)).strip()
        name = (parts.get("32", "") + parts.get("33", "")).strip()
        iban = parts.get("31", "").strip()
        bic = parts.get("30", "").strip()
    elif text.startswith("/"):  # /CNTP/IBAN/BIC/NAME/CITY/ (SEPA-style codes) or /NAME/x/IBAN/y/REMI/z
        tokens = text.split("/")
        keys = {"NAME", "IBAN", "BIC", "REMI", "EREF", "CNTP", "ORDP", "BENM", "TRTP", "CSID", "MARF", "ADDR"}
        current, values = None, {}
        for token in tokens:
            if token in keys:
                current = token
                values.setdefault(current, [])
            elif current:
                values[current].append(token)
        for key in ("CNTP", "ORDP", "BENM"):
            if values.get(key):
                seq = values[key] + ["", "", ""]
                iban, bic, name = seq[0], seq[1], seq[2]
                break
        name = name or " ".join(values.get("NAME", []))
        iban = iban or "".join(values.get("IBAN", [])[:1])
        bic = bic or "".join(values.get("BIC", [])[:1])
        remittance = " ".join(x for x in values.get("REMI", []) if x) or " ".join(values.get("EREF", []))
    else:
        remittance = text
        found = re.search(r"\b([A-Z]{2}\d{2}[A-Z0-9]{10,30})\b", text)
        if found and v.looks_like_iban(found.group(1)):
            iban = found.group(1)
    account = None
    if iban:
        try:
            account = AccountRef(identifier=v.check_iban(iban), is_iban=True, country=iban[:2])
        except v.Invalid:
            account = AccountRef(identifier=iban)
        if bic:
            try:
                account.bic = v.check_bic(bic)
            except v.Invalid:
                pass
    party = PartyRef(name.strip()) if name.strip() else None
    return party, account, remittance.strip()
