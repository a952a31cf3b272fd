"""goAML XML reports (UNODC goAML schema 4.x/5.x): each <transaction> becomes a ledger transaction.

Both sides come in two shapes: `t_from`/`t_to` (a party that is not the
reporting entity's client) and `t_from_my_client`/`t_to_my_client` (a client,
with fuller data). Each side holds an account, a person or an entity.
Code lists (transmode, funds codes) differ between FIUs: they are data here,
in TRANSMODE_CHANNELS and FUNDS_CASH, not logic.
"""
import os
from pathlib import Path

from django.conf import settings

from finance import validation as v

from .base import (AccountRef, FileRejected, ParsedTransaction, PartyRef, RowError, Side, child, children, local,
                   parse_xml, text_of)

TRANSMODE_CHANNELS = {
    "A": "cash_deposit", "K": "cash_deposit", "CASHD": "cash_deposit", "CDEP": "cash_deposit",
    "B": "cash_withdrawal", "CASHW": "cash_withdrawal", "CWDR": "cash_withdrawal",
    "C": "transfer", "ELCFT": "transfer", "EFT": "transfer", "SWIFT": "transfer", "WIRE": "transfer", "D": "transfer",
    "CARD": "card", "CCARD": "card", "DCARD": "card", "POS": "card",
    "VA": "crypto", "CRYPTO": "crypto", "VATX": "crypto",
}
FUNDS_CASH = {"CASH", "K", "A"}


def xsd_path() -> str:
    """The goAML schema uploads are validated against (settings.GOAML_XSD_PATH, else the environment);
    empty: no schema validation, the parser's own checks still apply."""
    return getattr(settings, "GOAML_XSD_PATH", None) or os.environ.get("GOAML_XSD_PATH", "")


def validate_against_schema(data: bytes, name: str, schema_path: str | None = None) -> list[RowError]:
    """Schema errors with their element path; entity resolution and network access are off."""
    import xmlschema

    schema_path = schema_path if schema_path is not None else xsd_path()
    if not schema_path or not Path(schema_path).exists():
        return []
    schema = _schema(schema_path)
    resource = xmlschema.XMLResource(data, defuse="always", allow="none")
    errors = []
    for error in schema.iter_errors(resource):
        errors.append(RowError(error.path or "/", "schema", str(getattr(error, "obj", ""))[:80] if not hasattr(error.obj, "tag") else local(error.obj.tag),
                               f"goAML schema: {error.reason}"))
        if len(errors) >= 200:
            break
    return errors


_SCHEMAS: dict = {}


def _schema(path):
    import xmlschema

    if path not in _SCHEMAS:
        _SCHEMAS[path] = xmlschema.XMLSchema11(path, allow="local")
    return _SCHEMAS[path]


def parse(data: bytes, name: str, options: dict):
    root = parse_xml(data, name)
    if local(root.tag) != "report":
        raise FileRejected(f"“{name}” is not a goAML report (its root element is <{local(root.tag)}>, expected <report>).")
    if options.get("validate_schema", True):
        schema_errors = validate_against_schema(data, name, options.get("xsd_path"))
        if schema_errors:
            yield from schema_errors
            return
    local_currency = text_of(root, "currency_code_local")
    try:
        local_currency = v.check_currency(local_currency) if local_currency else ""
    except v.Invalid as exc:
        yield RowError("/report/currency_code_local", "currency_code_local", local_currency, str(exc))
        return
    transactions = children(root, "transaction")
    if not transactions:
        raise FileRejected(f"“{name}” holds no <transaction> elements (activity-only reports are not imported).")
    for position, tx in enumerate(transactions, start=1):
        yield from _transaction(tx, f"/report/transaction[{position}]", local_currency)


def _transaction(tx, path, local_currency):
    errors = []

    def err(field, value, reason):
        errors.append(RowError(f"{path}/{field}", field, value, reason))

    raw_date = text_of(tx, "date_transaction")
    booked = value_date = None
    try:
        booked = v.parse_datetime(raw_date)
    except v.Invalid as exc:
        err("date_transaction", raw_date, str(exc))
    raw_value_date = text_of(tx, "value_date")
    if raw_value_date:
        try:
            value_date = v.parse_datetime(raw_value_date).date()
        except v.Invalid as exc:
            err("value_date", raw_value_date, str(exc))
    raw_amount = text_of(tx, "amount_local")
    amount = None
    try:
        amount = v.parse_amount(raw_amount)
        if amount <= 0:
            err("amount_local", raw_amount, "amount must be positive")
    except v.Invalid as exc:
        err("amount_local", raw_amount, str(exc))
    if not local_currency:
        err("currency_code_local", "", "the report names no local currency")
    debit_el = _first(child(tx, "t_from_my_client"), child(tx, "t_from"))
    credit_el = _first(child(tx, "t_to_my_client"), child(tx, "t_to"))
    debit = _side(debit_el, "from", path, err) if debit_el is not None else Side()
    credit = _side(credit_el, "to", path, err) if credit_el is not None else Side()
    if debit_el is None and credit_el is None:
        err("t_from", "", "the transaction has neither a from nor a to side")
    if errors:
        yield from errors
        return
    transmode = text_of(tx, "transmode_code").upper()
    channel = TRANSMODE_CHANNELS.get(transmode, "other" if transmode else "transfer")
    if transmode not in TRANSMODE_CHANNELS:  # no usable mode: the funds codes tell cash from transfers
        if text_of(debit_el, "from_funds_code").upper() in FUNDS_CASH and debit.account is None:
            channel = "cash_deposit"
        elif text_of(credit_el, "to_funds_code").upper() in FUNDS_CASH and credit.account is None:
            channel = "cash_withdrawal"
    reference = " — ".join(filter(None, [text_of(tx, "transaction_description"), text_of(tx, "transaction_location")]))
    yield ParsedTransaction(
        source_row=None, source_path=path, booked_at=booked, value_date=value_date, amount=amount,
        currency=local_currency, debit=debit, credit=credit, channel=channel, reference=reference[:500],
        external_id=(text_of(tx, "transactionnumber") or text_of(tx, "internal_ref_number"))[:120],
    )


def _first(*elements):
    return next((e for e in elements if e is not None), None)


def _side(element, prefix, path, err):
    side_path = f"{path}/{local(element.tag)}"
    account_el = child(element, f"{prefix}_account")
    person_el = child(element, f"{prefix}_person")
    entity_el = child(element, f"{prefix}_entity")
    account = party = None
    if account_el is not None:
        account, party = _account(account_el, f"{side_path}/{prefix}_account", err)
    if person_el is not None:
        party = _person(person_el, err, f"{side_path}/{prefix}_person")
    if entity_el is not None:
        party = _entity(entity_el)
    country = text_of(element, f"{prefix}_country")
    if party is not None and country and not party.country:
        party.country = country.upper()
    return Side(account, party)


def _account(el, path, err):
    iban = text_of(el, "iban")
    number = text_of(el, "account")
    identifier, is_iban = number, False
    if iban:
        try:
            identifier, is_iban = v.check_iban(iban), True
        except v.Invalid as exc:
            err(f"{path[path.rfind('/') + 1:]}/iban", iban, str(exc))
    elif number and v.looks_like_iban(number):
        try:
            identifier, is_iban = v.check_iban(number), True
        except v.Invalid as exc:
            err("account", number, str(exc))
    bic = text_of(el, "swift")
    if bic:
        try:
            bic = v.check_bic(bic)
        except v.Invalid as exc:
            err("swift", bic, str(exc))
    currency = text_of(el, "currency_code")
    account = AccountRef(identifier=identifier or text_of(el, "client_number") or "(unknown account)", is_iban=is_iban,
                         bic=bic, institution=text_of(el, "institution_name"), currency=currency.upper(),
                         country=identifier[:2] if is_iban else "")
    holder = None
    entity = child(el, "t_entity")
    signatory = child(el, "signatory")
    if entity is not None:
        holder = _entity(entity)
    elif signatory is not None and child(signatory, "t_person") is not None:
        holder = _person(child(signatory, "t_person"), err, f"{path}/signatory/t_person")
    elif text_of(el, "account_name"):
        holder = PartyRef(text_of(el, "account_name"))
    return account, holder


def _person(el, err, path):
    name = " ".join(filter(None, [text_of(el, "first_name"), text_of(el, "middle_name"), text_of(el, "last_name")]))
    identifiers = []
    for kind in ("id_number", "passport_number", "ssn", "tax_number"):
        value = text_of(el, kind)
        if value:
            identifiers.append({"kind": kind, "value": value,
                                "country": text_of(el, "passport_country") if kind == "passport_number" else ""})
    for ident in children(child(el, "identifications"), "identification"):
        number = text_of(ident, "number")
        if number and not any(i["value"] == number for i in identifiers):
            identifiers.append({"kind": text_of(ident, "type") or "identification", "value": number,
                                "country": text_of(ident, "issue_country")})
    birth = None
    raw_birth = text_of(el, "birthdate")
    if raw_birth:
        try:
            birth = v.parse_datetime(raw_birth).date()
        except v.Invalid as exc:
            err("birthdate", raw_birth, str(exc))
    address = child(el, "addresses", "address")
    return PartyRef(name=name or "(unnamed person)", kind="person", identifiers=identifiers,
                    country=(text_of(el, "residence") or text_of(el, "nationality1")).upper(), birth_date=birth,
                    address=", ".join(filter(None, [text_of(address, "address"), text_of(address, "city")]))
                    if address is not None else "")


def _entity(el):
    identifiers = []
    if text_of(el, "incorporation_number"):
        identifiers.append({"kind": "company_number", "value": text_of(el, "incorporation_number"),
                            "country": text_of(el, "incorporation_country_code")})
    if text_of(el, "tax_number"):
        identifiers.append({"kind": "tax_id", "value": text_of(el, "tax_number"), "country": ""})
    return PartyRef(name=text_of(el, "name") or text_of(el, "commercial_name") or "(unnamed entity)",
                    kind="organisation", identifiers=identifiers,
                    country=text_of(el, "incorporation_country_code").upper())
