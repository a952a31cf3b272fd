"""ISO 20022 camt.053 bank-to-customer statements (versions .001.02 – .001.08).

The statement's account is one side of every entry; the related party
(debtor for credits, creditor for debits) is the other. An entry with several
transaction details (a batch) yields one transaction per detail.
"""
from finance import validation as v

from .base import AccountRef, FileRejected, ParsedTransaction, PartyRef, RowError, Side, child, children, local, parse_xml, text_of

FAMILY_CHANNELS = {"CDPT": "cash_deposit", "CWDL": "cash_withdrawal", "CCRD": "card", "DCRD": "card", "POSD": "card",
                   "RCDT": "transfer", "ICDT": "transfer", "RDDT": "transfer", "IDDT": "transfer"}


def parse(data: bytes, name: str, options: dict):
    root = parse_xml(data, name)
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if local(root.tag) != "Document" or "camt.053" not in namespace:
        raise FileRejected(f"“{name}” is not an ISO 20022 camt.053 statement (root <{local(root.tag)}> "
                           f"in namespace “{namespace or 'none'}”).")
    report = child(root, "BkToCstmrStmt")
    statements = children(report, "Stmt")
    if not statements:
        raise FileRejected(f"“{name}” holds no <Stmt> statement.")
    for s_index, statement in enumerate(statements, start=1):
        s_path = f"/Document/BkToCstmrStmt/Stmt[{s_index}]"
        errors = []
        own = _statement_account(statement, s_path, errors)
        if errors:
            yield from errors
            continue
        holder_name = text_of(statement, "Acct", "Ownr", "Nm")
        holder = PartyRef(holder_name) if holder_name else None
        for e_index, entry in enumerate(children(statement, "Ntry"), start=1):
            yield from _entry(entry, f"{s_path}/Ntry[{e_index}]", own, holder)


def _statement_account(statement, path, errors):
    acct = child(statement, "Acct")
    iban = text_of(acct, "Id", "IBAN")
    other = text_of(acct, "Id", "Othr", "Id")
    currency = text_of(acct, "Ccy")
    bic = text_of(acct, "Svcr", "FinInstnId", "BIC") or text_of(acct, "Svcr", "FinInstnId", "BICFI")
    account = None
    if iban:
        try:
            account = AccountRef(identifier=v.check_iban(iban), is_iban=True, country=iban[:2].upper())
        except v.Invalid as exc:
            errors.append(RowError(f"{path}/Acct/Id/IBAN", "IBAN", iban, str(exc)))
    elif other:
        account = AccountRef(identifier=other)
    else:
        errors.append(RowError(f"{path}/Acct", "Acct", "", "the statement names no account"))
    if account:
        account.currency = currency.upper()
        account.bic = bic
        account.institution = text_of(acct, "Svcr", "FinInstnId", "Nm")
    return account


def _entry(entry, path, own, holder):
    errors = []
    status = text_of(entry, "Sts") or text_of(entry, "Sts", "Cd")
    if status and status.upper() not in ("BOOK", ""):
        return  # pending or information-only entries are not booked money
    indicator = text_of(entry, "CdtDbtInd").upper()
    if indicator not in ("CRDT", "DBIT"):
        errors.append(RowError(f"{path}/CdtDbtInd", "CdtDbtInd", indicator, "must be CRDT or DBIT"))
    booked_raw = text_of(entry, "BookgDt", "Dt") or text_of(entry, "BookgDt", "DtTm")
    value_raw = text_of(entry, "ValDt", "Dt") or text_of(entry, "ValDt", "DtTm")
    booked = value_date = None
    try:
        booked = v.parse_datetime(booked_raw)
    except v.Invalid as exc:
        errors.append(RowError(f"{path}/BookgDt", "BookgDt", booked_raw, str(exc)))
    if value_raw:
        try:
            value_date = v.parse_datetime(value_raw).date()
        except v.Invalid as exc:
            errors.append(RowError(f"{path}/ValDt", "ValDt", value_raw, str(exc)))
    details = children(child(entry, "NtryDtls"), "TxDtls")
    entry_amount = _amount(child(entry, "Amt"), f"{path}/Amt", errors)
    channel = FAMILY_CHANNELS.get(text_of(entry, "BkTxCd", "Domn", "Fmly", "SubFmlyCd"), "transfer")
    entry_ref = text_of(entry, "AcctSvcrRef") or text_of(entry, "NtryRef")
    entry_info = text_of(entry, "AddtlNtryInf")
    if errors:
        yield from errors
        return
    if not details:
        details = [None]
    for d_index, detail in enumerate(details, start=1):
        d_path = f"{path}/NtryDtls/TxDtls[{d_index}]" if detail is not None else path
        d_errors = []
        amount, currency = entry_amount
        if detail is not None and len(details) > 1:
            tx_amount = child(detail, "AmtDtls", "TxAmt", "Amt")
            if tx_amount is None:
                tx_amount = child(detail, "Amt")
            if tx_amount is None:
                d_errors.append(RowError(d_path, "AmtDtls", "", "a batch entry's detail has no amount"))
            else:
                amount, currency = _amount(tx_amount, f"{d_path}/AmtDtls/TxAmt/Amt", d_errors)
        counter_role = "Dbtr" if indicator == "CRDT" else "Cdtr"
        counterparty, counter_account = None, None
        if detail is not None:
            parties = child(detail, "RltdPties")
            name = text_of(parties, counter_role, "Nm") or text_of(parties, counter_role, "Pty", "Nm")
            if name:
                org_id = text_of(parties, counter_role, "Id", "OrgId", "Othr", "Id")
                counterparty = PartyRef(name, kind="organisation" if org_id else "unknown",
                                        identifiers=[{"kind": "company_number", "value": org_id, "country": ""}] if org_id else [],
                                        country=text_of(parties, counter_role, "PstlAdr", "Ctry").upper()[:2])
            iban = text_of(parties, f"{counter_role}Acct", "Id", "IBAN")
            other = text_of(parties, f"{counter_role}Acct", "Id", "Othr", "Id")
            if iban:
                try:
                    counter_account = AccountRef(identifier=v.check_iban(iban), is_iban=True, country=iban[:2].upper())
                except v.Invalid as exc:
                    d_errors.append(RowError(f"{d_path}/RltdPties/{counter_role}Acct/Id/IBAN", "IBAN", iban, str(exc)))
            elif other:
                counter_account = AccountRef(identifier=other)
            agent_bic = text_of(detail, "RltdAgts", f"{counter_role}Agt", "FinInstnId", "BIC") or \
                text_of(detail, "RltdAgts", f"{counter_role}Agt", "FinInstnId", "BICFI")
            if counter_account and agent_bic:
                counter_account.bic = agent_bic
        if d_errors:
            yield from d_errors
            continue
        reference = _remittance(detail) or entry_info
        tx_id = ""
        if detail is not None:
            tx_id = (text_of(detail, "Refs", "AcctSvcrRef") or text_of(detail, "Refs", "TxId")
                     or text_of(detail, "Refs", "EndToEndId") or text_of(detail, "Refs", "Prtry", "Ref"))
        external_id = tx_id or entry_ref
        own_side, other_side = Side(own, holder), Side(counter_account, counterparty)
        credit = indicator == "CRDT"
        yield ParsedTransaction(
            source_row=None, source_path=d_path, booked_at=booked, value_date=value_date, amount=amount,
            currency=currency, debit=other_side if credit else own_side, credit=own_side if credit else other_side,
            channel=channel, reference=reference[:500], external_id=external_id[:120],
        )


def _amount(element, path, errors):
    if element is None:
        errors.append(RowError(path, "Amt", "", "amount is missing"))
        return None, ""
    raw, currency = (element.text or "").strip(), element.get("Ccy", "")
    amount = None
    try:
        amount = v.parse_amount(raw)
        if amount <= 0:
            errors.append(RowError(path, "Amt", raw, "amount must be positive (the direction is in CdtDbtInd)"))
    except v.Invalid as exc:
        errors.append(RowError(path, "Amt", raw, str(exc)))
    try:
        currency = v.check_currency(currency)
    except v.Invalid as exc:
        errors.append(RowError(path, "Ccy", currency, str(exc)))
    return amount, currency


def _remittance(detail):
    if detail is None:
        return ""
    info = child(detail, "RmtInf")
    parts = [(u.text or "").strip() for u in children(info, "Ustrd")]
    for strd in children(info, "Strd"):
        ref = text_of(strd, "CdtrRefInf", "Ref")
        if ref:
            parts.append(ref)
    parts.append(text_of(detail, "AddtlTxInf"))
    return " ".join(p for p in parts if p)
