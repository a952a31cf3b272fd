"""Turn parsed items into ledger rows, in chunks, inside the caller's transaction.

Accounts and parties are looked up once per import (cached), rows are written
with bulk inserts, reference-currency amounts come from the stored FX table,
and transactions that match one already in the ledger from another import
(same day, amount, currency and a shared account) are flagged as probable
duplicates instead of being silently doubled.
"""
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from finance import parsers
from finance.models import Account, CryptoMovement, CryptoTransaction, FxRate, Party, Transaction
from finance.normalize import identifier_normalized, name_normalized
from finance.parsers import ParsedCrypto, ParsedTransaction, RowError

CHUNK = 5000
LEDGER_MODELS = (Transaction, Account, Party, CryptoTransaction)
CENT = Decimal("0.0001")


@dataclass
class WriteResult:
    rows: int = 0
    transactions: int = 0
    crypto: int = 0
    duplicates: int = 0
    without_fx: int = 0
    errors: list = field(default_factory=list)
    error_total: int = 0
    new_accounts: list = field(default_factory=list)
    new_parties: list = field(default_factory=list)
    seconds: float = 0.0

    def summary(self):
        return {"rows": self.rows, "transactions": self.transactions, "crypto_transactions": self.crypto,
                "probable_duplicates": self.duplicates, "without_fx_rate": self.without_fx,
                "new_accounts": len(self.new_accounts), "new_parties": len(self.new_parties),
                "seconds": round(self.seconds, 2)}


def _estimate_total(data: bytes, fmt: str) -> int:
    if fmt == "goaml":
        return data.count(b"<transaction>") or 1
    if fmt == "camt053":
        return data.count(b"<Ntry>") or 1
    if fmt == "mt940":
        return data.count(b":61:") or 1
    if fmt == "xlsx":
        return 0
    return max(data.count(b"\n") - 1, 1)


class _Writer:
    def __init__(self, imp):
        self.imp = imp
        self.case = imp.case
        self.reference_currency = (self.case.reference_currency or "EUR").upper()
        self.accounts: dict[tuple, int] = {}
        self.parties: dict[tuple, int] = {}
        self.holders: set[tuple[int, int]] = set()
        self.fx_cache: dict[tuple, tuple] = {}
        self.fx_table = None
        self.stream = _CopyStream() if connection.vendor == "postgresql" else None
        self.now = timezone.now()
        self.booked_cache: dict = {}
        self.tz = timezone.get_default_timezone()
        self.result = WriteResult()
        self.common = dict(case_id=self.case.pk, created_by_id=imp.created_by_id, handling=imp.handling,
                           origin_agency_id=imp.origin_agency_id, fiu_released_at=imp.fiu_released_at,
                           fiu_released_by_id=imp.fiu_released_by_id)

    # --- accounts and parties ---------------------------------------------------------
    def account_ids(self, refs_with_source):
        """Ids for AccountRefs, creating the missing ones in one insert."""
        wanted = {}
        for ref, source in refs_with_source:
            if ref is None:
                continue
            key = (ref.kind, ref.chain, identifier_normalized(ref.identifier))
            if key not in self.accounts and key not in wanted:
                wanted[key] = (ref, source)
        if wanted:
            self.pause_stream()
            existing = Account.objects.filter(case_id=self.case.pk, identifier_normalized__in={k[2] for k in wanted})
            for acc in existing.values("id", "kind", "chain", "identifier_normalized"):
                self.accounts[(acc["kind"], acc["chain"], acc["identifier_normalized"])] = acc["id"]
            missing = [(key, ref, src) for key, (ref, src) in wanted.items() if key not in self.accounts]
            if missing:
                created = Account.objects.bulk_create([
                    Account(**self.common, source_import_id=self.imp.pk, source_row=src[0], source_path=src[1][:300],
                            kind=ref.kind, identifier=ref.identifier[:120], identifier_normalized=key[2][:120],
                            is_iban=ref.is_iban, bic=ref.bic[:11], institution=ref.institution[:200],
                            country=ref.country[:2], currency=ref.currency[:3], chain=ref.chain)
                    for key, ref, src in missing
                ])
                for (key, _ref, _src), account in zip(missing, created):
                    self.accounts[key] = account.pk
                    self.result.new_accounts.append(account.pk)
        return {id(ref): self.accounts[(ref.kind, ref.chain, identifier_normalized(ref.identifier))]
                for ref, _ in refs_with_source if ref is not None}

    def party_ids(self, refs_with_source):
        """Parties are per import (name + first identifier); matching across imports is left to resolution."""
        wanted = {}
        for ref, source in refs_with_source:
            if ref is None:
                continue
            key = self._party_key(ref)
            if key not in self.parties and key not in wanted:
                wanted[key] = (ref, source)
        if wanted:
            self.pause_stream()
            items = list(wanted.items())
            created = Party.objects.bulk_create([
                Party(**self.common, source_import_id=self.imp.pk, source_row=src[0], source_path=src[1][:300],
                      kind=ref.kind, name=ref.name[:300], name_normalized=key[1], country=(ref.country or "")[:2],
                      birth_date=ref.birth_date, address=ref.address[:300],
                      identifiers=[{**i, "normalized": identifier_normalized(i["value"])} for i in ref.identifiers])
                for key, (ref, src) in items
            ])
            for (key, _), party in zip(items, created):
                self.parties[key] = party.pk
                self.result.new_parties.append(party.pk)
        return {id(ref): self.parties[self._party_key(ref)] for ref, _ in refs_with_source if ref is not None}

    @staticmethod
    def _party_key(ref):
        first = identifier_normalized(ref.identifiers[0]["value"]) if ref.identifiers else ""
        return (ref.kind, name_normalized(ref.name) or ref.name.lower()[:300], first)

    # --- money ------------------------------------------------------------------------------
    def aware(self, value):
        if isinstance(value, datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value, self.tz)
        return timezone.make_aware(datetime.combine(value, dtime()), self.tz)

    def fx(self, currency, on):
        """(rate to the reference currency, date of the rate): the latest stored rate on or before `on`."""
        if currency == self.reference_currency:
            return Decimal(1), on
        key = (currency, on)
        if key not in self.fx_cache:
            if self.fx_table is None:
                self.fx_table = _load_fx(self.reference_currency)
            days, rates = self.fx_table.get(currency, ((), ()))
            index = bisect_right(days, on)
            self.fx_cache[key] = (rates[index - 1], days[index - 1]) if index else (None, None)
        return self.fx_cache[key]

    # --- writing -------------------------------------------------------------------------------
    def write_transactions(self, items: list[ParsedTransaction]):
        refs = []
        for item in items:
            src = (item.source_row, item.source_path)
            refs += [(item.debit.account, src), (item.credit.account, src)]
        account_ids = self.account_ids(refs)
        party_ids = self.party_ids([(p, (i.source_row, i.source_path)) for i in items
                                    for p in (i.debit.party, i.credit.party)])
        rows = []
        for item in items:
            booked, day = self.booked(item.booked_at)
            rate, rate_day = self.fx(item.currency, day)
            if rate is None:
                self.result.without_fx += 1
            debit_acc = account_ids.get(id(item.debit.account))
            credit_acc = account_ids.get(id(item.credit.account))
            debit_party = party_ids.get(id(item.debit.party))
            credit_party = party_ids.get(id(item.credit.party))
            if debit_acc and debit_party:
                self.holders.add((debit_acc, debit_party))
            if credit_acc and credit_party:
                self.holders.add((credit_acc, credit_party))
            amount = item.amount.quantize(CENT, rounding=ROUND_HALF_UP)
            rows.append((
                item.source_row, item.source_path[:300], booked, item.value_date, amount, item.currency,
                (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP) if rate is not None else None,
                rate, rate_day, debit_acc, credit_acc, debit_party, credit_party,
                item.channel, item.reference[:500], item.external_id[:120], match_key(day, amount, item.currency),
            ))
        common = self.common
        constant = (common["case_id"], common["created_by_id"], self.now, self.now, common["handling"],
                    common["origin_agency_id"], common["fiu_released_at"], common["fiu_released_by_id"], self.imp.pk,
                    self.reference_currency)
        if self.stream is not None:
            self.stream.write(constant, rows)
        else:
            insert_transactions(constant, rows)
        self.result.transactions += len(rows)

    def pause_stream(self):
        if self.stream is not None:
            self.stream.close()

    def booked(self, value):
        """(aware booking time, local booking day); statements repeat dates, so this is cached per value."""
        cached = self.booked_cache.get(value)
        if cached is None:
            aware = self.aware(value)
            cached = (aware, timezone.localtime(aware, self.tz).date())
            if len(self.booked_cache) < 100_000:
                self.booked_cache[value] = cached
        return cached

    def write_crypto(self, items: list[ParsedCrypto]):
        from finance.parsers import AccountRef

        self.pause_stream()
        refs, addr_refs = [], []
        for item in items:
            src = (item.source_row, item.source_path)
            for side in (item.inputs, item.outputs):
                for address, _value in side:
                    ref = AccountRef(identifier=address, kind="crypto", chain=item.chain)
                    addr_refs.append(ref)
                    refs.append((ref, src))
        ids = self.account_ids(refs)
        existing = dict(CryptoTransaction.objects.filter(
            case_id=self.case.pk, tx_hash__in=[i.tx_hash for i in items]).exclude(source_import_id=self.imp.pk)
            .values_list("tx_hash", "id"))
        txs = [CryptoTransaction(
            **self.common, source_import_id=self.imp.pk, source_row=item.source_row, source_path=item.source_path,
            chain=item.chain, tx_hash=item.tx_hash, block_time=self.aware(item.block_time),
            block_height=item.block_height, asset=item.asset, fee=item.fee, model=item.model,
            probable_duplicate_of_id=existing.get(item.tx_hash)) for item in items]
        CryptoTransaction.objects.bulk_create(txs, batch_size=CHUNK)
        self.result.duplicates += sum(1 for t in txs if t.probable_duplicate_of_id)
        movements, ref_iter = [], iter(addr_refs)
        for item, tx in zip(items, txs):
            for side, entries in ((CryptoMovement.Side.INPUT, item.inputs), (CryptoMovement.Side.OUTPUT, item.outputs)):
                for position, (_address, value) in enumerate(entries):
                    movements.append(CryptoMovement(**self.common, transaction_id=tx.pk, side=side, position=position,
                                                    address_id=ids[id(next(ref_iter))], value=value))
        CryptoMovement.objects.bulk_create(movements, batch_size=CHUNK)
        self.result.crypto += len(txs)

    def finish(self):
        self.pause_stream()
        if self.holders:
            through = Account.holders.through
            through.objects.bulk_create([through(account_id=a, party_id=p) for a, p in self.holders],
                                        ignore_conflicts=True, batch_size=CHUNK)
        self.result.duplicates += flag_probable_duplicates(self.imp)


# Columns written for every ledger row: first those that are the same for the whole import …
IMPORT_FIELDS = ("case", "created_by", "created_at", "updated_at", "handling", "origin_agency", "fiu_released_at",
                 "fiu_released_by", "source_import", "reference_currency")
# … then those of each row, in the order of the tuples `write_transactions` builds.
ROW_FIELDS = ("source_row", "source_path", "booked_at", "value_date", "amount", "currency", "amount_reference",
              "fx_rate", "fx_rate_date", "debit_account", "credit_account", "debit_party", "credit_party", "channel",
              "reference", "external_id", "match_key")


def insert_transactions(constant, rows):
    """Insert ledger rows: PostgreSQL COPY, else the ORM's bulk insert.

    No per-row model instances on PostgreSQL: this is what lets a million-row statement import in
    about a minute. The rows go into the caller's transaction like any other write."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        fields = IMPORT_FIELDS + ROW_FIELDS
        columns = ", ".join(connection.ops.quote_name(Transaction._meta.get_field(f).column) for f in fields)
        table = connection.ops.quote_name(Transaction._meta.db_table)
        prefix = "\t".join(map(_copy_value, constant)) + "\t"
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write("".join([_copy_line(prefix, row) for row in rows]))
        return
    names = [Transaction._meta.get_field(f).attname for f in IMPORT_FIELDS + ROW_FIELDS]
    Transaction.objects.bulk_create([Transaction(**dict(zip(names, constant + row))) for row in rows], batch_size=CHUNK)


class _CopyStream:
    """One COPY … FROM STDIN kept open across chunks, so PostgreSQL inserts rows while the next chunk
    is parsed. It is closed (and reopened later) whenever the writer needs another query."""

    def __init__(self):
        self._cursor = self._context = self._copy = None
        self._prefix = ""

    def write(self, constant, rows):
        if self._copy is None:
            fields = IMPORT_FIELDS + ROW_FIELDS
            columns = ", ".join(connection.ops.quote_name(Transaction._meta.get_field(f).column) for f in fields)
            table = connection.ops.quote_name(Transaction._meta.db_table)
            self._prefix = "\t".join(map(_copy_value, constant)) + "\t"
            self._cursor = connection.cursor()
            self._context = self._cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
            self._copy = self._context.__enter__()
        prefix = self._prefix
        self._copy.write("".join([_copy_line(prefix, row) for row in rows]))

    def close(self, error=None):
        if self._copy is None:
            return
        context, cursor = self._context, self._cursor
        self._cursor = self._context = self._copy = None
        try:
            context.__exit__(type(error) if error else None, error, None)
        except Exception:  # aborting the COPY raises QueryCanceled; the transaction is rolled back anyway
            if error is None:
                raise
        finally:
            cursor.close()


def _load_fx(reference_currency):
    """{currency: (sorted days, rates)} of every stored rate into the reference currency (and inverses)."""
    table: dict = {}
    for currency, on, rate in FxRate.objects.filter(quote_currency=reference_currency).values_list(
            "currency", "on", "rate").order_by("on"):
        table.setdefault(currency, {})[on] = rate
    for currency, on, rate in FxRate.objects.filter(currency=reference_currency).values_list(
            "quote_currency", "on", "rate").order_by("on"):
        if rate:
            table.setdefault(currency, {}).setdefault(on, Decimal(1) / rate)
    return {currency: (tuple(sorted(days)), tuple(days[d] for d in sorted(days))) for currency, days in table.items()}


_NULL = "\\N"


def _copy_line(prefix, row):
    (source_row, path, booked, value_date, amount, currency, amount_ref, rate, rate_day, debit_acc, credit_acc,
     debit_party, credit_party, channel, reference, external_id, key) = row
    return (f"{prefix}{_NULL if source_row is None else source_row}\t{path.translate(_COPY_ESCAPES)}\t"
            f"{booked.isoformat()}\t{_NULL if value_date is None else value_date.isoformat()}\t{amount}\t{currency}\t"
            f"{_NULL if amount_ref is None else amount_ref}\t{_NULL if rate is None else rate}\t"
            f"{_NULL if rate_day is None else rate_day.isoformat()}\t{_NULL if debit_acc is None else debit_acc}\t"
            f"{_NULL if credit_acc is None else credit_acc}\t{_NULL if debit_party is None else debit_party}\t"
            f"{_NULL if credit_party is None else credit_party}\t{channel}\t{reference.translate(_COPY_ESCAPES)}\t"
            f"{external_id.translate(_COPY_ESCAPES)}\t{key.translate(_COPY_ESCAPES)}\n")


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def match_key(day, amount, currency) -> str:
    return f"{day.isoformat()}|{amount.normalize():f}|{currency}"


def flag_probable_duplicates(imp) -> int:
    """Mark this import's transactions that another import already brought into the ledger:
    same day, amount and currency (match_key), and at least one account in common. One query."""
    others = Transaction.objects.filter(case_id=imp.case_id).exclude(source_import=imp)
    if not others.exists():
        return 0
    same = others.filter(match_key=OuterRef("match_key")).filter(
        Q(debit_account_id=OuterRef("debit_account_id")) | Q(debit_account_id=OuterRef("credit_account_id"))
        | Q(credit_account_id=OuterRef("debit_account_id")) | Q(credit_account_id=OuterRef("credit_account_id"))
    ).order_by("id").values("id")[:1]
    pairs = list(Transaction.objects.filter(source_import=imp).annotate(dup=Subquery(same))
                 .filter(dup__isnull=False).values_list("id", "dup"))
    for tx_id, other_id in pairs:
        Transaction.objects.filter(pk=tx_id).update(probable_duplicate_of_id=other_id)
    return len(pairs)


def write_import(*, imp, data: bytes, progress) -> WriteResult:
    """Parse `data` with the import's format and write it; on errors keep parsing to list them all,
    but stop writing (the caller rolls back)."""
    writer = _Writer(imp)
    try:
        return _write_all(writer, imp, data, progress)
    except BaseException as error:
        # An open COPY must be aborted before the transaction can roll back (cancel, crash, time limit).
        if writer.stream is not None:
            writer.stream.close(error)
        raise


def _write_all(writer, imp, data, progress):
    started = time.monotonic()
    result = writer.result
    options = {**imp.options, "format": imp.format}
    total = _estimate_total(data, imp.format)
    progress(0, total, "Reading the file")
    batch_tx, batch_crypto = [], []
    parse = parsers.parser_for(imp.format)
    for item in parse(data, imp.original_name, options):
        if isinstance(item, RowError):
            result.error_total += 1
            if len(result.errors) < 5000:
                result.errors.append(item)
            batch_tx, batch_crypto = [], []
            continue
        result.rows += 1
        if result.error_total:
            continue
        (batch_crypto if isinstance(item, ParsedCrypto) else batch_tx).append(item)
        if len(batch_tx) >= CHUNK:
            writer.write_transactions(batch_tx)
            batch_tx = []
        if len(batch_crypto) >= CHUNK:
            writer.write_crypto(batch_crypto)
            batch_crypto = []
        if result.rows % 500 == 0:
            progress(result.rows, max(total, result.rows), f"{result.rows:,} rows read")
    if not result.error_total:
        if batch_tx:
            writer.write_transactions(batch_tx)
        if batch_crypto:
            writer.write_crypto(batch_crypto)
        if result.rows == 0:
            result.errors.append(RowError("", "(file)", "", "the file holds no transactions"))
            result.error_total = 1
        else:
            writer.finish()
    result.seconds = time.monotonic() - started
    progress(max(total, result.rows), max(total, result.rows), "Checking for duplicates" if not result.error_total
             else f"{result.error_total} problem(s) found")
    return result


def after_import(*, imp, result):
    """Entity-resolution suggestions and cross-case deconfliction for what the import brought in."""
    from finance import deconfliction, resolution

    resolution.suggest_for_parties(case=imp.case, by=imp.created_by, party_ids=result.new_parties)
    deconfliction.check_accounts(case=imp.case, by=imp.created_by, account_ids=result.new_accounts)
