"""What each kind of analysis computes, as the user who started it may see the ledger.

Each `compute_<kind>(run, progress)` reads (never writes) and returns a `Computed`:
the result JSON, a short summary, alerts to write (typologies) and the input snapshot.
"""
import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

from django.db.models import Max

from cases.access import Handling
from finance.models import Account, CryptoTransaction, Import

from . import loader
from .engine import crypto as crypto_engine
from .engine import typologies as typ_engine
from .engine.graph import TraceParams, aggregate_edges, from_units, to_units, trace
from .models import CryptoTag, DetectorSettings, ListEntry
from .params import bounds

# In-process cache of whole-case ledgers: (case id, user id) -> (signature, Ledger).
_LEDGERS: dict = {}
_CACHE_SIZE = 4


@dataclass
class Computed:
    result: dict
    summary: dict
    snapshot: dict
    handling: str = Handling.TEAM
    alerts: list = field(default_factory=list)


def _iso(ts):
    return datetime.fromtimestamp(int(ts), tz=dt_timezone.utc).isoformat()


def _handling(codes):
    if Handling.FIU in codes:
        return Handling.FIU
    if Handling.AGENCY in codes:
        return Handling.AGENCY
    return Handling.TEAM


def _snapshot(case, import_ids, handling, loaded, count, seconds, extra=None):
    imports = [{"id": i.pk, "name": i.original_name, "sha256": i.sha256, "format": i.format,
                "imported_at": i.imported_at.isoformat() if i.imported_at else None}
               for i in Import.objects.filter(case=case, pk__in=[x for x in import_ids if x]).order_by("pk")]
    snap = {"imports": imports, "handling": sorted(handling), "loaded": loaded, "rows": count,
            "load_seconds": round(seconds, 3)}
    snap.update(extra or {})
    return snap


def ledger_signature(*, user, case):
    qs = loader.visible_transactions(user=user, case=case)
    agg = qs.aggregate(n=Max("id"), u=Max("updated_at"))
    return (qs.count(), agg["n"], agg["u"])


def cached_ledger(*, user, case, load=True):
    """The whole visible ledger of the case, from the process cache when the ledger has not changed."""
    key = (case.pk, user.pk)
    sig = ledger_signature(user=user, case=case)
    hit = _LEDGERS.get(key)
    if hit and hit[0] == sig:
        return hit[1], True
    if not load:
        return None, False
    ledger = loader.ledger_full(user=user, case=case)
    if len(_LEDGERS) >= _CACHE_SIZE:
        _LEDGERS.pop(next(iter(_LEDGERS)))
    _LEDGERS[key] = (sig, ledger)
    return ledger, False


# --- trace ----------------------------------------------------------------------------------

def compute_trace(run, progress):
    p, case, user = run.params, run.case, run.created_by
    lo, hi = bounds(p)
    seeds = p["seed_keys"]
    progress(0, 3, "Loading transactions around the seeds")
    start = time.perf_counter()
    include_crypto = p.get("include_crypto", True) and CryptoTransaction.objects.filter(case=case).exists()
    ledger, warm = (None, False) if include_crypto else cached_ledger(user=user, case=case, load=False)
    if ledger is None:
        ledger = loader.ledger_neighbourhood(user=user, case=case, seeds=seeds, direction=p["direction"],
                                             hops=p["hops"], date_from=lo, date_to=hi, stop_degree=p["stop_degree"],
                                             include_crypto=include_crypto)
    load_s = time.perf_counter() - start
    progress(1, 3, f"Tracing {p['direction']} over {ledger.n_edges} transactions")
    tp = TraceParams(
        seeds=seeds, direction=p["direction"], hops=p["hops"],
        t_from=int(lo.timestamp()) if lo else None, t_to=int(hi.timestamp()) if hi else None,
        min_amount=to_units(p["min_amount"]), tolerance=p.get("tolerance"), stop_degree=p["stop_degree"],
        stop_nodes=tuple(f"a:{a}" for a in p.get("stop_accounts", [])), max_paths=p["max_paths"])
    res = trace(ledger, tp)
    progress(2, 3, "Building the result")
    groups = aggregate_edges(ledger, res.edges)
    keys = set(ledger.node_keys[i] for i in res.hop)
    for s, d in groups:
        keys.add(ledger.node_keys[s])
        keys.add(ledger.node_keys[d])
    info = loader.node_info(case=case, keys=keys)
    flow_in, flow_out = {}, {}
    edges = []
    for (s, d), g in sorted(groups.items(), key=lambda kv: -kv[1]["sum"]):
        sk, dk = ledger.node_keys[s], ledger.node_keys[d]
        flow_out[sk] = flow_out.get(sk, 0) + g["sum"]
        flow_in[dk] = flow_in.get(dk, 0) + g["sum"]
        crypto = sorted({-t for t in g["tx"] if t < 0})
        bank = [t for t in g["tx"] if t > 0]
        edges.append({"source": sk, "target": dk, "count": len(bank) + len(crypto), "sum": str(from_units(g["sum"])),
                      "first": _iso(g["first"]), "last": _iso(g["last"]), "tx": bank, "crypto_tx": crypto,
                      "tx_more": max(0, g["count"] - len(g["tx"]))})
    seed_set = set(seeds)
    stopped = {ledger.node_keys[i] for i in res.stopped}
    hop_by_key = {ledger.node_keys[i]: h for i, h in res.hop.items()}
    nodes = []
    for k in sorted(keys, key=lambda k: (hop_by_key.get(k, 99), k)):
        nodes.append({"key": k, **info.get(k, {"label": k}), "hop": hop_by_key.get(k), "seed": k in seed_set,
                      "stopped": k in stopped, "in": str(from_units(flow_in.get(k, 0))),
                      "out": str(from_units(flow_out.get(k, 0)))})
    paths = [{"nodes": [ledger.node_keys[n] for n in path["nodes"]],
              "tx": [int(ledger.tx_id[e]) for e in path["edges"] if ledger.tx_id[e] > 0],
              "crypto_tx": [-int(ledger.tx_id[e]) for e in path["edges"] if ledger.tx_id[e] < 0],
              "amount": str(from_units(path["amount"])),
              "direction": path["direction"], "first": _iso(ledger.t[path["edges"][0]]),
              "last": _iso(ledger.t[path["edges"][-1]])} for path in res.paths]
    used_all = {int(x) for x in ledger.tx_id[res.edges]}
    used_tx = sorted(x for x in used_all if x > 0)
    used_crypto = sorted(-x for x in used_all if x < 0)
    total = sum(flow_out.get(k, 0) for k in seed_set) + sum(flow_in.get(k, 0) for k in seed_set)
    result = {"nodes": nodes, "edges": edges, "paths": paths, "currency": case.reference_currency or "EUR",
              "stopped": sorted(stopped)}
    summary = {"nodes": len(nodes), "edges": len(edges), "transactions": len(used_tx) + len(used_crypto),
               "crypto_transactions": len(used_crypto), "paths": len(paths),
               "seed_flow": str(from_units(total)), "direction": p["direction"], "hops": p["hops"]}
    snapshot = _snapshot(case, ledger.import_ids, ledger.handling, "cache" if warm else "neighbourhood",
                         ledger.n_edges, load_s, {"transactions_used": len(used_tx),
                                                  "crypto_transactions_used": len(used_crypto),
                                                  "crypto_without_rate": ledger.crypto_without_rate,
                                                  "max_transaction_id": max(used_tx) if used_tx else None})
    progress(3, 3, "Trace finished")
    return Computed(result, summary, snapshot, _handling(ledger.handling))


# --- typologies -------------------------------------------------------------------------------

def case_detector_settings(case):
    row = DetectorSettings.objects.filter(case=case).first()
    return dict(row.settings) if row else {}


def compute_typologies(run, progress):
    p, case, user = run.params, run.case, run.created_by
    progress(0, 1, "Loading the ledger")
    start = time.perf_counter()
    ledger, warm = cached_ledger(user=user, case=case)
    load_s = time.perf_counter() - start
    raw = case_detector_settings(case)
    for det, values in (p.get("settings") or {}).items():
        raw.setdefault(det, {}).update(values)
    settings = typ_engine.settings_clean(raw)
    labels = loader.short_labels(case=case)
    lists = [(e.pk, e.kind, e.value_normalized, e.list_name) for e in ListEntry.objects.filter(case=case)]
    attrs = loader.node_attributes(case=case) if lists else {}
    scanner = typ_engine.Scanner(ledger, settings, labels=lambda i: labels.get(ledger.node_keys[i], ledger.node_keys[i]),
                                 node_attrs=attrs, lists=lists, progress=progress)
    findings = scanner.run()
    alerts = []
    seen = set()
    for f in findings:
        fp = f.fingerprint(ledger)
        if fp in seen:
            continue
        seen.add(fp)
        subject_key = ledger.node_keys[f.subject] if f.subject is not None else ""
        t = ledger.t[f.edges]
        alerts.append({
            "typology": f.typology, "fingerprint": fp,
            "subject_id": int(subject_key[2:]) if subject_key.startswith("a:") else None,
            "subject_label": labels.get(subject_key, subject_key)[:300], "title": f.title[:300],
            "explanation": f.explanation, "score": Decimal(str(round(f.score, 3))),
            "total_amount": from_units(int(ledger.amt[f.edges].sum())),
            "first_at": datetime.fromtimestamp(int(t.min()), tz=dt_timezone.utc),
            "last_at": datetime.fromtimestamp(int(t.max()), tz=dt_timezone.utc),
            "evidence": sorted({int(ledger.tx_id[e]) for e in f.edges}), "details": f.details,
        })
    counts = {}
    for a in alerts:
        counts[a["typology"]] = counts.get(a["typology"], 0) + 1
    result = {"counts": counts, "settings": settings}
    summary = {"alerts": len(alerts), "counts": counts, "transactions": ledger.n_edges}
    snapshot = _snapshot(case, ledger.import_ids, ledger.handling, "cache" if warm else "full", ledger.n_edges, load_s,
                         {"list_entries": len(lists),
                          "max_transaction_id": int(ledger.tx_id.max()) if ledger.n_edges else None})
    return Computed(result, summary, snapshot, _handling(ledger.handling), alerts)


# --- crypto -------------------------------------------------------------------------------------

def _tags_by_account(case, account_ids=None):
    """account id -> best tag (highest confidence) among the case's crypto tags."""
    tags = list(CryptoTag.objects.filter(case=case))
    if not tags:
        return {}
    by_addr = {}
    for t in tags:
        by_addr.setdefault(t.address_normalized, []).append(t)
    out = {}
    qs = Account.objects.filter(case=case, kind=Account.Kind.CRYPTO, identifier_normalized__in=list(by_addr))
    for acc_id, ident, chain in qs.values_list("id", "identifier_normalized", "chain"):
        cands = [t for t in by_addr[ident] if not t.chain or not chain or t.chain.lower() == chain.lower()]
        if cands:
            out[acc_id] = max(cands, key=lambda t: t.confidence)
    return out


def _tag_json(t):
    return {"label": t.label, "label_display": t.get_label_display(), "name": t.name, "source": t.source,
            "confidence": str(t.confidence), "tag_id": t.pk}


def _cluster_labels(clustering, tags):
    labels = {}
    for acc_id, tag in tags.items():
        c = clustering.cluster_of.get(acc_id, acc_id)
        labels.setdefault(c, []).append((acc_id, tag))
    return labels


def compute_crypto_cluster(run, progress):
    p, case, user = run.params, run.case, run.created_by
    start = time.perf_counter()
    txs, meta = loader.crypto_transactions(user=user, case=case, chain=p.get("chain", ""))
    load_s = time.perf_counter() - start
    cl = crypto_engine.cluster(txs, change_heuristic=p["change_heuristic"],
                               change_min_confidence=p["change_min_confidence"], min_inputs=p["min_inputs"],
                               min_equal_outputs=p["min_equal_outputs"], progress=progress)
    tags = _tags_by_account(case)
    labels = _cluster_labels(cl, tags)
    interesting = [c for c, m in cl.members.items() if len(m) > 1 or c in labels]
    interesting.sort(key=lambda c: -len(cl.members[c]))
    shown = interesting[:300]
    ids = {a for c in shown for a in cl.members[c][:200]}
    idents = dict(Account.objects.filter(case=case, pk__in=ids).values_list("id", "identifier"))
    clusters = []
    for c in shown:
        members = sorted(cl.members[c])
        clusters.append({
            "id": c, "size": len(members),
            "addresses": [{"id": a, "address": idents.get(a, str(a))} for a in members[:200]],
            "labels": [{**_tag_json(t), "address_id": a} for a, t in labels.get(c, [])],
            "merged_by": [meta["hashes"].get(t) for t in sorted(cl.merged_by.get(c, ()))[:50]],
        })
    change = [{"tx": meta["hashes"].get(g["tx"]), "address_id": g["address"],
               "address": idents.get(g["address"]) or Account.objects.filter(case=case, pk=g["address"]).values_list(
                   "identifier", flat=True).first(), "confidence": g["confidence"], "reasons": g["reasons"]}
              for g in cl.change[:500]]
    result = {"clusters": clusters, "coinjoins": [meta["hashes"].get(t) for t in cl.coinjoins],
              "change": change, "change_heuristic": p["change_heuristic"]}
    summary = {"addresses": len(cl.cluster_of), "clusters": len(cl.members),
               "multi_address_clusters": sum(1 for m in cl.members.values() if len(m) > 1),
               "labelled_clusters": len(labels), "coinjoins_skipped": len(cl.coinjoins),
               "crypto_transactions": len(txs)}
    snapshot = _snapshot(case, meta["imports"], meta["handling"], "full", len(txs), load_s)
    return Computed(result, summary, snapshot, _handling(meta["handling"]))


def compute_taint(run, progress):
    p, case, user = run.params, run.case, run.created_by
    start = time.perf_counter()
    txs, meta = loader.crypto_transactions(user=user, case=case, chain=p.get("chain", ""))
    load_s = time.perf_counter() - start
    seeds = set(p["seed_account_ids"])
    cl = crypto_engine.cluster(txs)
    if p.get("cluster", True):
        # the seed's whole common-input cluster is the same owner
        seed_clusters = {cl.cluster_of.get(s, s) for s in seeds}
        seeds |= {a for c in seed_clusters for a in cl.members.get(c, [c])}
    tags = _tags_by_account(case)
    labels = _cluster_labels(cl, tags)
    stop_at = {}
    for c, tagged in labels.items():
        best = max(tagged, key=lambda x: x[1].confidence)[1]
        if best.label in p["stop_at_labels"]:
            for a in cl.members.get(c, [c]):
                if a not in seeds:
                    stop_at[a] = best
    res = crypto_engine.taint(txs, seeds, method=p["method"], stop_at=stop_at, progress=progress)
    ids = {e["address"] for e in res.endpoints} | set(sorted(res.tainted, key=lambda a: -res.tainted[a])[:200]) | seeds
    accounts = {a["id"]: a for a in Account.objects.filter(case=case, pk__in=ids).values("id", "identifier", "chain")}
    asset = _asset_of(case, p.get("chain", ""), txs)
    unit = Decimal(100_000_000)
    endpoints = []
    for e in res.endpoints:
        tag = e["label"]
        acc = accounts.get(e["address"], {})
        endpoints.append({"account_id": e["address"], "address": acc.get("identifier", ""), "chain": acc.get("chain", ""),
                          **_tag_json(tag), "amount": str((Decimal(e["amount"]) / unit).normalize()), "asset": asset,
                          "tx_hashes": [meta["hashes"].get(t) for t in e["txs"]][:100],
                          "cluster_size": len(cl.members.get(cl.cluster_of.get(e["address"], e["address"]), []))})
    tainted = []
    for a in sorted(res.tainted, key=lambda a: -res.tainted[a])[:200]:
        acc = accounts.get(a, {})
        tag = tags.get(a)
        tainted.append({"account_id": a, "address": acc.get("identifier", ""),
                        "amount": str((Decimal(res.tainted[a]) / unit).normalize()),
                        "label": _tag_json(tag) if tag else None, "endpoint": a in stop_at})
    result = {"method": p["method"], "asset": asset, "endpoints": endpoints, "tainted": tainted,
              "seeds": [{"account_id": s, "address": accounts.get(s, {}).get("identifier", "")} for s in sorted(seeds)],
              "steps": len(res.steps)}
    summary = {"endpoints": len(endpoints), "tainted_addresses": len(res.tainted), "method": p["method"],
               "to_exchanges": str(sum((Decimal(e["amount"]) for e in endpoints), Decimal(0))), "asset": asset}
    snapshot = _snapshot(case, meta["imports"], meta["handling"], "full", len(txs), load_s)
    return Computed(result, summary, snapshot, _handling(meta["handling"]))


def _asset_of(case, chain, txs):
    from finance.models import CryptoTransaction

    qs = CryptoTransaction.objects.filter(case=case)
    if chain:
        qs = qs.filter(chain=chain)
    return qs.values_list("asset", flat=True).first() or chain.upper()


COMPUTE = {"trace": compute_trace, "typologies": compute_typologies, "crypto-cluster": compute_crypto_cluster,
           "taint": compute_taint}


def fingerprint_text(text):
    return hashlib.sha256(text.encode()).hexdigest()[:40]
