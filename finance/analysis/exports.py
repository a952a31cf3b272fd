"""Exports of a trace: CSV of its edges with their transactions, and FollowTheMoney-style JSON
(Person, Company, BankAccount, CryptoWallet, Payment entities, one JSON object per line)."""
import hashlib
import io
import json

from cases import csv_safe
from finance.analysis.loader import holder_admitted
from finance.models import Account, Party, Transaction


def _id(*parts):
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()


def trace_csv(run, transactions) -> str:
    """One row per transaction of the trace: edge, date, amount, currency, accounts, external id, source file."""
    out = io.StringIO()
    w = csv_safe.writer(out)
    w.writerow(["edge_source", "edge_target", "transaction_id", "external_id", "booked_at", "amount", "currency",
                "amount_reference", "reference_currency", "debit_account", "credit_account", "channel", "reference",
                "source_file", "source_row"])
    nodes = {n["key"]: n for n in run.result.get("nodes", [])}
    edge_of = {}
    for e in run.result.get("edges", []):
        for t in e["tx"]:
            edge_of[t] = (nodes.get(e["source"], {}).get("label", e["source"]),
                          nodes.get(e["target"], {}).get("label", e["target"]))
    for tx in transactions:
        src, dst = edge_of.get(tx.pk, ("", ""))
        w.writerow([src, dst, tx.pk, tx.external_id, tx.booked_at.isoformat(), tx.amount, tx.currency,
                    tx.amount_reference if tx.amount_reference is not None else "", tx.reference_currency,
                    tx.debit_account.identifier if tx.debit_account else "",
                    tx.credit_account.identifier if tx.credit_account else "", tx.channel, tx.reference,
                    tx.source_import.original_name, tx.source_row or tx.source_path])
    return out.getvalue()


def trace_ftm(run, transactions) -> str:
    """FollowTheMoney-style entities (schema + id + properties as lists of strings), newline-delimited."""
    case = run.case
    entities = {}
    account_ids, party_ids = set(), set()
    for tx in transactions:
        account_ids.update(a for a in (tx.debit_account_id, tx.credit_account_id) if a)
        party_ids.update(p for p in (tx.debit_party_id, tx.credit_party_id) if p)
    accounts = {a.pk: a for a in Account.objects.filter(case=case, pk__in=account_ids).prefetch_related("holders")}
    admitted = {acc.pk: [h for h in acc.holders.all() if holder_admitted(acc, h)] for acc in accounts.values()}
    for acc in accounts.values():
        party_ids.update(h.pk for h in admitted[acc.pk])
    parties = {p.pk: p for p in Party.objects.filter(case=case, pk__in=party_ids)}

    def party_entity(p):
        eid = _id(case.reference, "party", p.pk)
        schema = "Person" if p.kind == "person" else "Company" if p.kind == "organisation" else "LegalEntity"
        props = {"name": [p.name]}
        if p.country:
            props["country"] = [p.country.lower()]
        if p.birth_date and schema == "Person":
            props["birthDate"] = [p.birth_date.isoformat()]
        entities[eid] = {"id": eid, "schema": schema, "properties": props}
        return eid

    def account_entity(a):
        eid = _id(case.reference, "account", a.pk)
        if a.kind == Account.Kind.CRYPTO:
            props = {"publicKey": [a.identifier], "currency": [a.chain.upper()] if a.chain else []}
            schema = "CryptoWallet"
            holder_prop = "holder"
        else:
            props = {"accountNumber": [a.identifier]}
            if a.is_iban:
                props["iban"] = [a.identifier]
            if a.bic:
                props["bic"] = [a.bic]
            if a.institution:
                props["bankName"] = [a.institution]
            if a.country:
                props["country"] = [a.country.lower()]
            if a.currency:
                props["currency"] = [a.currency]
            schema = "BankAccount"
            holder_prop = "holder"
        holders = [party_entity(h) for h in admitted[a.pk]]
        if holders:
            props[holder_prop] = holders
        entities[eid] = {"id": eid, "schema": schema, "properties": {k: v for k, v in props.items() if v}}
        return eid

    for acc in accounts.values():
        account_entity(acc)
    for p in parties.values():
        party_entity(p)
    for tx in transactions:
        props = {"date": [tx.booked_at.date().isoformat()], "amount": [str(tx.amount)], "currency": [tx.currency],
                 "purpose": [tx.reference] if tx.reference else [], "transactionNumber": [tx.external_id] if tx.external_id else []}
        if tx.debit_account_id:
            props["payerAccount"] = [_id(case.reference, "account", tx.debit_account_id)]
        if tx.credit_account_id:
            props["beneficiaryAccount"] = [_id(case.reference, "account", tx.credit_account_id)]
        payer = tx.debit_party_id or (next(iter(h.pk for h in admitted[tx.debit_account_id]), None)
                                      if tx.debit_account_id in accounts else None)
        payee = tx.credit_party_id or (next(iter(h.pk for h in admitted[tx.credit_account_id]), None)
                                       if tx.credit_account_id in accounts else None)
        if payer:
            props["payer"] = [_id(case.reference, "party", payer)]
        if payee:
            props["beneficiary"] = [_id(case.reference, "party", payee)]
        props["sourceUrl"] = [f"parallax:{case.reference}/transaction/{tx.pk}"]
        eid = _id(case.reference, "payment", tx.pk)
        entities[eid] = {"id": eid, "schema": "Payment", "properties": {k: v for k, v in props.items() if v}}
    return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entities.values())


def run_json(run, evidence_lookup=None) -> dict:
    """The CLI's JSON: nodes, edges, paths, alerts with the external ids of their evidence."""
    data = {"run": run.pk, "case": run.case.reference, "kind": run.kind, "version": run.version,
            "status": run.status, "params": run.params, "summary": run.summary, "inputs": run.input_snapshot,
            "handling": run.handling, "created_by": run.created_by.username,
            "created_at": run.created_at.isoformat(), "finished_at": run.finished_at.isoformat() if run.finished_at else None}
    result = dict(run.result)
    ext = {}
    tx_ids = {t for e in result.get("edges", []) for t in e["tx"]}
    alerts = list(run.alerts.prefetch_related("evidence")) if run.kind == "typologies" else []
    for a in alerts:
        tx_ids.update(t.pk for t in a.evidence.all())
    if tx_ids:
        ext = dict(Transaction.objects.filter(case=run.case, pk__in=tx_ids).values_list("pk", "external_id"))
    if "edges" in result:
        result["edges"] = [{**e, "external_ids": [ext.get(t, "") for t in e["tx"]]} for e in result["edges"]]
    data["result"] = result
    if alerts:
        data["alerts"] = [{"id": a.pk, "typology": a.typology, "fingerprint": a.fingerprint, "title": a.title,
                           "explanation": a.explanation, "score": str(a.score), "status": a.status,
                           "subject": a.subject_label, "total_amount": str(a.total_amount),
                           "evidence": [{"id": t.pk, "external_id": t.external_id} for t in a.evidence.all()]}
                          for a in alerts]
    return data
