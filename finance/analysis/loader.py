"""Load what an analysis reads from the ledger, as the user who runs it may see it.

`ledger_full` loads every visible transaction of the case (typology scans; a warm cache
for traces); `ledger_neighbourhood` loads hop by hop only the transactions around the
seeds (a cold trace). Both record the provenance of what they read: imports, handling
codes, row counts.
"""
import time
from collections import defaultdict
from datetime import datetime

from django.db.models import Count

from cases.access import Action
from finance.models import Account, CryptoMovement, CryptoTransaction, Party, Transaction

from .engine.graph import Ledger, LedgerBuilder, side_key, to_units

FIELDS = ("id", "debit_account_id", "credit_account_id", "debit_party_id", "credit_party_id", "booked_at", "amount",
          "amount_reference", "channel", "handling", "source_import_id")
IN_CHUNK = 5000

OUTSIDE_LABELS = {
    "x:cash": "Cash (outside the banking system)",
    "x:unknown-payer": "Unknown payer",
    "x:unknown-payee": "Unknown payee",
}


def visible_transactions(*, user, case):
    return (Transaction.objects.visible_to(user, Action.VIEW)
            .filter(case=case, probable_duplicate_of__isnull=True))


def _add_rows(builder: LedgerBuilder, rows):
    epoch = datetime.timestamp
    for (tid, da, ca, dp, cp, booked, amount, amount_ref, channel, handling, imp) in rows:
        if da is None and dp is None:
            src = "x:cash" if channel == "cash_deposit" else "x:unknown-payer"
        else:
            src = side_key(da, dp, channel, "")
        if ca is None and cp is None:
            dst = "x:cash" if channel == "cash_withdrawal" else "x:unknown-payee"
        else:
            dst = side_key(ca, cp, channel, "")
        builder.add(tid, src, dst, int(epoch(booked)), to_units(amount_ref if amount_ref is not None else amount),
                    channel)
        builder.handling.add(handling)
        builder.import_ids.add(imp)


def ledger_full(*, user, case, date_from=None, date_to=None) -> Ledger:
    qs = visible_transactions(user=user, case=case)
    if date_from:
        qs = qs.filter(booked_at__gte=date_from)
    if date_to:
        qs = qs.filter(booked_at__lte=date_to)
    builder = LedgerBuilder()
    _add_rows(builder, qs.order_by().values_list(*FIELDS).iterator(chunk_size=20000))
    return builder.build()


RAW_FIELDS = FIELDS + ("case_id", "origin_agency_id", "fiu_released_at", "probable_duplicate_of_id")


def row_access(*, user, case):
    """The case-scoped visibility rule (cases.access.handling_filter) for rows fetched by account
    index: the same decision made in Python, so the database can use the account indexes (SQLite's
    planner scans the whole case otherwise). Returns keep(row) for RAW_FIELDS rows."""
    from cases.access import Action as A, Handling, has_fiu_access, membership_for, role_allows

    membership = membership_for(user, case)
    if membership is None or not role_allows(membership.role, A.VIEW):
        return lambda row: False
    fiu_ok = has_fiu_access(user, case)
    agency = user.agency_id

    def keep(row):
        handling, case_id, origin, released, duplicate = row[9], row[11], row[12], row[13], row[14]
        if case_id != case.pk or duplicate is not None:
            return False
        if handling == Handling.TEAM:
            return True
        if handling == Handling.AGENCY:
            return bool(agency) and origin == agency
        return handling == Handling.FIU and (released is not None or fiu_ok)

    return keep


def _chunks(ids):
    ids = list(ids)
    for i in range(0, len(ids), IN_CHUNK):
        yield ids[i:i + IN_CHUNK]


def ledger_neighbourhood(*, user, case, seeds, direction, hops, date_from=None, date_to=None, stop_degree=200,
                         include_crypto=False):
    """The transactions within `hops` of the seeds (node keys "a:<id>"/"p:<id>"), loaded hop by hop.

    Loading follows time: a node's transactions are fetched only when a time-respecting path
    reaches it (its earliest arrival), and only its transactions at or after that arrival lead
    further. Nodes with more than `stop_degree` transactions are not expanded (the trace stops
    there anyway); their degree is returned so the trace stops them too.
    """
    keep = row_access(user=user, case=case)
    lo = date_from.timestamp() if date_from else float("-inf")
    hi = date_to.timestamp() if date_to else float("inf")

    def fetch(**lookup):
        rows = Transaction.objects.filter(**lookup).order_by().values_list(*RAW_FIELDS)
        return [r[:11] for r in rows if keep(r) and lo <= r[5].timestamp() <= hi]

    builder = LedgerBuilder()
    degrees: dict[str, int] = {}
    directions = ["downstream", "upstream"] if direction == "both" else [direction]
    for d in directions:
        upstream = d == "upstream"
        side, other = ("credit", "debit") if upstream else ("debit", "credit")
        arrival = {k: float("-inf") for k in seeds}
        rows_of: dict[str, list] = {}
        frontier = set(seeds)
        for _hop in range(hops):
            todo = [k for k in frontier if k not in rows_of and (k in seeds or degrees.get(k, 0) <= stop_degree)]
            accounts = [int(k[2:]) for k in todo if k.startswith("a:")]
            parties = [int(k[2:]) for k in todo if k.startswith("p:")]
            for k in todo:
                rows_of[k] = []
            for ids, field, extra in ((accounts, f"{side}_account_id__in", {}),
                                      (parties, f"{side}_party_id__in", {f"{side}_account__isnull": True})):
                for chunk in _chunks(ids):
                    rows = fetch(**{field: chunk}, **extra)
                    _add_rows(builder, rows)
                    for row in rows:
                        here = _side_key(row, side)
                        there = _side_key(row, other)
                        ts = row[5].timestamp()
                        rows_of.setdefault(here, []).append((-ts if upstream else ts, there))
            reached = {}
            for k in frontier:
                if k not in seeds and degrees.get(k, 0) > stop_degree:
                    continue
                at = arrival[k]
                for ts, there in rows_of.get(k, ()):
                    if ts >= at and ts < arrival.get(there, float("inf")) and ts < reached.get(there, float("inf")):
                        reached[there] = ts
            arrival.update(reached)
            frontier = {k for k in reached if not k.startswith("x:")}
            unknown = [k for k in frontier if k not in degrees]
            degrees.update(_degrees(case, unknown))
            for k in unknown:
                degrees.setdefault(k, 0)
    missing = 0
    if include_crypto:
        missing = add_crypto_edges(builder, user=user, case=case, reference_currency=case.reference_currency or "EUR",
                                   date_from=date_from, date_to=date_to)
    ledger = builder.build()
    ledger.known_degree = degrees
    ledger.crypto_without_rate = missing
    return ledger


def _side_key(row, side):
    (_tid, da, ca, dp, cp, _b, _a, _r, channel, *_rest) = row
    acc, party = (da, dp) if side == "debit" else (ca, cp)
    if acc:
        return f"a:{acc}"
    if party:
        return f"p:{party}"
    if side == "debit":
        return "x:cash" if channel == "cash_deposit" else "x:unknown-payer"
    return "x:cash" if channel == "cash_withdrawal" else "x:unknown-payee"


def _other_keys(rows, other):
    keys = set()
    for (_tid, da, ca, dp, cp, *_rest) in rows:
        acc, party = (ca, cp) if other == "credit" else (da, dp)
        if acc:
            keys.add(f"a:{acc}")
        elif party:
            keys.add(f"p:{party}")
    return keys


def _degrees(case, keys):
    """How many transactions each account has in the case (all of them: this only decides whether a
    trace goes on through an account, so counting rows the user may not see reveals nothing)."""
    out = defaultdict(int)
    accounts = [int(k[2:]) for k in keys if k.startswith("a:")]
    # accounts belong to one case, so their transactions are that case's (no case filter: it would
    # steer the query planner away from the account indexes)
    all_rows = Transaction.objects.across_cases()
    for chunk in _chunks(accounts):
        for field in ("debit_account_id", "credit_account_id"):
            for acc, n in all_rows.filter(**{f"{field}__in": chunk}).order_by().values_list(field).annotate(
                    n=Count("id")):
                out[f"a:{acc}"] += n
    return out


def add_crypto_edges(builder: LedgerBuilder, *, user, case, reference_currency, date_from=None, date_to=None):
    """Crypto transactions as edges between addresses (accounts "a:<id>"), id = -(crypto transaction id).

    Each output is attributed to the inputs in proportion to their value (no change back to an
    input address); values are converted to the reference currency with the latest stored rate of
    the asset on or before the block date; without a rate the edge is left out and counted."""
    from decimal import Decimal

    from finance.models import FxRate

    qs = CryptoTransaction.objects.visible_to(user, Action.VIEW).filter(case=case, probable_duplicate_of__isnull=True)
    if date_from:
        qs = qs.filter(block_time__gte=date_from)
    if date_to:
        qs = qs.filter(block_time__lte=date_to)
    meta = {tid: (t, asset, h, imp) for tid, t, asset, h, imp in
            qs.order_by().values_list("id", "block_time", "asset", "handling", "source_import_id")}
    if not meta:
        return 0
    moves = defaultdict(lambda: ([], []))
    for tid, side, addr, value in CryptoMovement.objects.filter(transaction_id__in=list(meta)).order_by(
            "transaction_id", "side", "position").values_list("transaction_id", "side", "address_id", "value"):
        moves[tid][0 if side == "in" else 1].append((addr, value))
    rates = defaultdict(list)
    for cur, on, rate in FxRate.objects.filter(currency__in={m[1] for m in meta.values()},
                                               quote_currency=reference_currency).order_by("on").values_list(
            "currency", "on", "rate"):
        rates[cur].append((on, rate))
    missing = 0
    for tid, (ins, outs) in moves.items():
        t, asset, handling, imp = meta[tid]
        rate = Decimal(1) if asset == reference_currency else None
        for on, r in rates.get(asset, ()):
            if on <= t.date():
                rate = r
        if rate is None:
            missing += 1
            continue
        total_in = sum(v for _, v in ins)
        if not total_in:
            continue
        in_addrs = {a for a, _ in ins}
        for out_addr, out_val in outs:
            if out_addr in in_addrs:
                continue  # change back to the sender
            for in_addr, in_val in ins:
                amount = out_val * in_val / total_in * rate
                builder.add_multi(-tid, f"a:{in_addr}", f"a:{out_addr}", int(t.timestamp()), to_units(amount), "crypto")
        builder.handling.add(handling)
        builder.import_ids.add(imp)
    return missing


# --- labels and attributes of nodes -----------------------------------------------------------

class _Handled:
    """The handling fields of a row fetched with values(), for Handling.strictest."""

    class _meta:
        label = "finance.Party"

    pk = None

    def __init__(self, handling, origin_agency_id, fiu_released_at):
        self.handling, self.origin_agency_id, self.fiu_released_at = handling, origin_agency_id, fiu_released_at


def holder_admitted(account, party) -> bool:
    """May `party` be named as a holder wherever `account` is shown? Only when it adds no
    restriction to the account's own handling."""
    from cases.access import Handling

    with_party, alone = Handling.strictest([account, party]), Handling.strictest([account])
    return (with_party.handling, with_party.origin_agency_id) == (alone.handling, alone.origin_agency_id)

def node_info(*, case, keys):
    """key -> {"label", "kind", "account_id"/"party_id", "country", "holders", "identifier", "institution"}."""
    account_ids = [int(k[2:]) for k in keys if k.startswith("a:")]
    party_ids = [int(k[2:]) for k in keys if k.startswith("p:")]
    info = {}
    holders = defaultdict(list)
    through = Account.holders.through
    for chunk in _chunks(account_ids):
        for acc_id, name, entity_id, *handling in (through.objects.filter(account_id__in=chunk).values_list(
                "account_id", "party__name", "party__entity_id",
                "party__handling", "party__origin_agency_id", "party__fiu_released_at")):
            holders[acc_id].append((name, entity_id, _Handled(*handling)))
        for a in Account.objects.filter(case=case, pk__in=chunk).values(
                "id", "identifier", "institution", "kind", "country", "chain", "handling", "origin_agency_id",
                "fiu_released_at"):
            own = _Handled(a["handling"], a["origin_agency_id"], a["fiu_released_at"])
            # A holder named by a stricter import than the account's own (an FIU party on a team
            # account) would carry its name wherever the account is shown: leave it out.
            admitted = [(n, e) for n, e, h in holders.get(a["id"], []) if holder_admitted(own, h)]
            holders[a["id"]] = admitted
            names = [n for n, _ in admitted]
            label = a["identifier"]
            if names:
                label = f"{names[0]} · {label}"
            info[f"a:{a['id']}"] = {
                "label": label, "kind": a["kind"], "account_id": a["id"], "identifier": a["identifier"],
                "institution": a["institution"], "country": a["country"], "chain": a["chain"],
                "holders": names, "entities": [e for _, e in holders.get(a["id"], []) if e],
            }
    for chunk in _chunks(party_ids):
        for p in Party.objects.filter(case=case, pk__in=chunk).values("id", "name", "kind", "country", "entity_id"):
            info[f"p:{p['id']}"] = {"label": p["name"], "kind": "party", "party_kind": p["kind"], "party_id": p["id"],
                                    "country": p["country"], "holders": [p["name"]],
                                    "entities": [p["entity_id"]] if p["entity_id"] else []}
    for k in keys:
        if k.startswith("x:"):
            info[k] = {"label": OUTSIDE_LABELS.get(k, k[2:]), "kind": "outside"}
        info.setdefault(k, {"label": k, "kind": "unknown"})
    return info


def short_labels(*, case):
    """Account and party labels of the whole case (for the texts of alerts)."""
    labels = {}
    first_holder = {}
    for acc_id, name in Account.holders.through.objects.filter(account__case=case).values_list(
            "account_id", "party__name"):
        first_holder.setdefault(acc_id, name)
    for acc_id, ident in Account.objects.filter(case=case).values_list("id", "identifier"):
        name = first_holder.get(acc_id)
        labels[f"a:{acc_id}"] = f"{name} ({ident})" if name else ident
    for pid, name in Party.objects.filter(case=case).values_list("id", "name"):
        labels[f"p:{pid}"] = name
    labels.update(OUTSIDE_LABELS)
    return labels


def node_attributes(*, case):
    """For the listed-counterparty detector: key -> {"countries", "identifiers", "names"} of every account and party."""

    attrs = defaultdict(lambda: {"countries": set(), "identifiers": set(), "names": set()})
    for acc_id, ident, country in Account.objects.filter(case=case).values_list("id", "identifier_normalized", "country"):
        a = attrs[f"a:{acc_id}"]
        a["identifiers"].add(ident)
        if country:
            a["countries"].add(country.upper())
    for acc_id, name, country, party_country in Account.holders.through.objects.filter(account__case=case).values_list(
            "account_id", "party__name_normalized", "party__country", "party__country"):
        a = attrs[f"a:{acc_id}"]
        if name:
            a["names"].add(name)
        if party_country:
            a["countries"].add(party_country.upper())
    for pid, name, country, idents in Party.objects.filter(case=case).values_list(
            "id", "name_normalized", "country", "identifiers"):
        a = attrs[f"p:{pid}"]
        if name:
            a["names"].add(name)
        if country:
            a["countries"].add(country.upper())
        for i in idents or []:
            if i.get("normalized"):
                a["identifiers"].add(i["normalized"])
    return attrs


# --- crypto ------------------------------------------------------------------------------------

def crypto_transactions(*, user, case, chain=""):
    """Visible UTXO/account-model crypto transactions as engine CTx, with the provenance read."""
    from .engine.crypto import CTx

    qs = CryptoTransaction.objects.visible_to(user, Action.VIEW).filter(case=case, probable_duplicate_of__isnull=True)
    if chain:
        qs = qs.filter(chain=chain)
    meta = {}
    handling, imports = set(), set()
    for tid, h, t, hnd, imp in qs.order_by().values_list("id", "tx_hash", "block_time", "handling", "source_import_id"):
        meta[tid] = (h, int(t.timestamp()))
        handling.add(hnd)
        imports.add(imp)
    ins, outs = defaultdict(list), defaultdict(list)
    movements = CryptoMovement.objects.filter(case=case, transaction_id__in=qs.values("id")).order_by(
        "transaction_id", "side", "position").values_list("transaction_id", "side", "address_id", "value")
    for tid, side, addr, value in movements.iterator(chunk_size=50000):
        (ins if side == "in" else outs)[tid].append((addr, int(value * 100_000_000)))
    txs = [CTx(tid, t, ins.get(tid, []), outs.get(tid, []), h) for tid, (h, t) in meta.items()]
    return txs, {"handling": handling, "imports": imports, "hashes": {tid: h for tid, (h, _) in meta.items()}}


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start
