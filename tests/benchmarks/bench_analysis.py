"""Benchmark of the money-flow analyses (prints figures; not part of `make test`).

    PARALLAX_TESTING=1 DATABASE_URL=sqlite:////tmp/bench-analysis.sqlite3 \\
        .venv/bin/python tests/benchmarks/bench_analysis.py [--transactions 1000000] [--accounts 100000]

Generates a ledger of N transactions over M accounts (background traffic with payment-processor
hubs, plus planted structuring, fan-in, fan-out, round-trips, pass-through mules and scatter-gather
schemes) in a fresh case, then measures: graph load, a 4-hop time-respecting trace from a hub
account cold (loading from the database) and warm (graph in memory), the same trace with a plain
networkx implementation, the full typology scan with recall/precision per planted pattern, and
common-input clustering over 1,000,000 crypto inputs.
"""
import argparse
import os
import sys
import time
from datetime import datetime, timedelta, timezone as dt_tz
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("PARALLAX_TESTING", "1")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

T0 = datetime(2025, 1, 1, tzinfo=dt_tz.utc)
YEAR = 365 * 86400


def timed(label, fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {label:<58} {seconds:8.3f} s", flush=True)
    return value, seconds


def median_of(n, label, fn, *args, **kwargs):
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        runs.append(time.perf_counter() - start)
    seconds = sorted(runs)[n // 2]
    print(f"  {label + f' (median of {n})':<58} {seconds:8.3f} s", flush=True)
    return value, seconds


class Plan:
    """Transactions as arrays (account indices, -1 = cash) plus the planted instances."""

    def __init__(self, n_tx, n_acc, rng):
        self.rng = rng
        self.src, self.dst, self.t, self.amt, self.cash = [], [], [], [], []
        self.planted = {k: [] for k in ("structuring", "fan_in", "fan_out", "round_trip", "pass_through",
                                        "scatter_gather")}
        self.next_acc = n_acc  # planted accounts are allocated from the top, downwards
        self.n_acc = n_acc

    def acc(self):
        self.next_acc -= 1
        return self.next_acc

    def add(self, s, d, t, a, cash=False):
        self.src.append(s); self.dst.append(d); self.t.append(int(t)); self.amt.append(round(float(a), 2))
        self.cash.append(cash)

    def plant(self, scale=1.0):
        rng = self.rng
        for _ in range(int(50 * scale)):
            a = self.acc(); t = rng.integers(0, YEAR - 10 * 86400)
            for k in range(int(rng.integers(4, 7))):
                self.add(-1, a, t + k * 86400 + rng.integers(0, 3600), rng.uniform(9000, 9990), cash=True)
            self.planted["structuring"].append(a)
        for kind in ("fan_in", "fan_out"):
            for _ in range(int(30 * scale)):
                hub = self.acc(); t = rng.integers(0, YEAR - 5 * 86400)
                for k in range(10):
                    other = self.acc()
                    s, d = (other, hub) if kind == "fan_in" else (hub, other)
                    self.add(s, d, t + k * 3 * 3600, rng.uniform(200, 900))
                self.planted[kind].append(hub)
        for _ in range(int(30 * scale)):
            origin = self.acc(); t = rng.integers(0, YEAR - 30 * 86400); amount = rng.uniform(5000, 50000)
            chain = [origin] + [self.acc() for _ in range(int(rng.integers(2, 5)))] + [origin]
            for s, d in zip(chain, chain[1:]):
                self.add(s, d, t, amount)
                t += rng.integers(1, 3) * 86400; amount *= 0.98
            self.planted["round_trip"].append(origin)
        for _ in range(int(30 * scale)):
            mule = self.acc(); t = rng.integers(0, YEAR - 60 * 86400)
            for k in range(4):
                x = rng.uniform(2000, 8000)
                self.add(self.acc(), mule, t + k * 7 * 86400, x)
                self.add(mule, self.acc(), t + k * 7 * 86400 + 6 * 3600, x * 0.97)
            self.planted["pass_through"].append(mule)
        for _ in range(int(20 * scale)):
            boss, sink = self.acc(), self.acc(); t = rng.integers(0, YEAR - 20 * 86400)
            for k in range(4):
                mid = self.acc(); x = rng.uniform(2000, 8000)
                self.add(boss, mid, t, x)
                self.add(mid, sink, t + int(rng.integers(2, 10)) * 86400, x * 0.97)
            self.planted["scatter_gather"].append(boss)

    def background(self, n, hubs=20):
        rng = self.rng
        n_bg_acc = self.next_acc  # planted accounts are above this
        src = rng.integers(hubs, n_bg_acc, n)
        dst = rng.integers(hubs, n_bg_acc, n)
        # 10 % of the traffic goes through payment-processor hubs (both ways)
        via = rng.random(n) < 0.10
        to_hub = rng.random(n) < 0.5
        hub_ids = rng.integers(0, hubs, n)
        dst = np.where(via & to_hub, hub_ids, dst)
        src = np.where(via & ~to_hub, hub_ids, src)
        same = src == dst
        dst[same] = (dst[same] + 1) % n_bg_acc
        t = rng.integers(0, YEAR, n)
        amt = np.round(np.minimum(np.exp(rng.normal(5.5, 1.2, n)), 8900), 2)
        self.src.extend(src.tolist()); self.dst.extend(dst.tolist()); self.t.extend(t.tolist())
        self.amt.extend(amt.tolist()); self.cash.extend([False] * n)


def build_case(args):
    from cases import services as case_services
    from cases.models import Case
    from finance.models import Account, Import, Transaction
    from tests.conftest import build_world

    rng = np.random.default_rng(20260301)
    plan = Plan(args.transactions, args.accounts, rng)
    plan.plant(scale=args.accounts / 100_000)
    plan.background(args.transactions - len(plan.src))
    world = build_world() if not Case.objects.filter(reference="OP-ALPHA").exists() else None
    if world is None:
        raise SystemExit("Use a fresh database (DATABASE_URL=sqlite:////tmp/bench-analysis.sqlite3, deleted first).")
    analyst = world.users["analyst"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    ev = case_services.evidence_upload(case=world.case, by=analyst,
                                       upload=SimpleUploadedFile("bench.csv", b"a\n1\n", "text/csv"))
    imp = Import.objects.create(case=world.case, created_by=analyst, origin_agency=analyst.agency, evidence=ev,
                                format="csv", sha256=ev.sha256, original_name="bench.csv", status="imported")
    now = datetime.now(dt_tz.utc)
    common = dict(case_id=world.case.pk, created_by_id=analyst.pk, origin_agency_id=analyst.agency_id,
                  handling="team", source_import_id=imp.pk, created_at=now, updated_at=now)
    print(f"Generating {len(plan.src):,} transactions over {args.accounts:,} accounts …", flush=True)
    start = time.perf_counter()
    with transaction.atomic():
        accounts = [Account(**common, kind="bank", identifier=f"BENCH{i:07d}", identifier_normalized=f"BENCH{i:07d}",
                            country="HR") for i in range(args.accounts)]
        Account.objects.bulk_create(accounts, batch_size=5000)
        ids = dict(Account.objects.filter(case=world.case).values_list("identifier", "id"))
        acc_id = np.array([ids[f"BENCH{i:07d}"] for i in range(args.accounts)])
        fields = [f for f in Transaction._meta.concrete_fields if not f.primary_key]
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"INSERT INTO {Transaction._meta.db_table} ({cols}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch = []
        with connection.cursor() as cur:
            for i in range(len(plan.src)):
                amount = Decimal(f"{plan.amt[i]:.2f}")
                booked = T0 + timedelta(seconds=plan.t[i])
                values = {**common, "booked_at": booked, "amount": amount, "currency": "EUR",
                          "amount_reference": amount, "reference_currency": "EUR",
                          "debit_account_id": None if plan.src[i] < 0 else int(acc_id[plan.src[i]]),
                          "credit_account_id": int(acc_id[plan.dst[i]]),
                          "channel": "cash_deposit" if plan.cash[i] else "transfer", "external_id": f"B{i}",
                          "match_key": f"m{i}", "source_row": i + 2, "source_path": "", "reference": ""}
                batch.append([connection.ops.adapt_datetimefield_value(values[f.attname]) if f.get_internal_type() == "DateTimeField" and values.get(f.attname) else
                              (connection.ops.adapt_decimalfield_value(values[f.attname], f.max_digits, f.decimal_places) if f.get_internal_type() == "DecimalField" and values.get(f.attname) is not None else values.get(f.attname))
                              for f in fields])
                if len(batch) >= 20000:
                    cur.executemany(sql, batch)
                    batch = []
            if batch:
                cur.executemany(sql, batch)
    print(f"  written in {time.perf_counter() - start:.1f} s", flush=True)
    hubs = [int(acc_id[h]) for h in range(20)]
    planted = {k: {int(acc_id[a]) for a in v} for k, v in plan.planted.items()}
    return world, analyst, hubs, planted


def nx_trace(G, seed, hops, t_from, t_to):
    """The same time-respecting k-hop trace with networkx (earliest arrival per hop)."""
    arrival = {seed: t_from}
    frontier = {seed}
    used = set()
    for _ in range(hops):
        improved = {}
        for u in frontier:
            if u != seed and G.degree(u) > 200:
                continue
            at = arrival[u]
            for _u, v, key, data in G.out_edges(u, keys=True, data=True):
                t = data["t"]
                if at <= t <= t_to:
                    used.add(key)
                    if t < arrival.get(v, float("inf")) and t < improved.get(v, float("inf")):
                        improved[v] = t
        arrival.update(improved)
        frontier = set(improved)
        if not frontier:
            break
    return used


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--crypto-inputs", type=int, default=1_000_000)
    parser.add_argument("--window-days", type=int, default=60, help="time window of the hub trace")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor}")
    world, analyst, hubs, planted = build_case(args)

    from finance.analysis import compute, loader
    from finance.analysis.engine import typologies
    from finance.analysis.engine.crypto import CTx, cluster
    from finance.analysis.engine.graph import TraceParams, trace

    case = world.case
    # the busiest hub as seed
    print("\nTrace: 4 hops, downstream, time-respecting, from a payment-processor hub")
    t_from = int((T0 + timedelta(days=100)).timestamp())
    t_to = t_from + args.window_days * 86400
    lo, hi = T0 + timedelta(days=100), T0 + timedelta(days=100 + args.window_days)
    seed = f"a:{hubs[0]}"
    params = TraceParams(seeds=[seed], hops=4, t_from=t_from, t_to=t_to, stop_degree=200)

    def cold():
        sub = loader.ledger_neighbourhood(user=analyst, case=case, seeds=[seed], direction="downstream", hops=4,
                                          date_from=lo, date_to=hi, stop_degree=200)
        return sub, trace(sub, params)

    (sub, res_cold), cold_s = timed(f"cold trace ({args.window_days}-day window, from the database)", cold)
    print(f"    loaded {sub.n_edges:,} transactions; trace uses {len(res_cold.edges):,}, reaches {len(res_cold.hop):,} "
          f"accounts")
    ledger, load_s = timed("graph load (whole case ledger into memory)", loader.ledger_full, user=analyst, case=case)
    from finance.analysis.engine import graph as graph_engine

    _, csr_s = timed("index build (CSR by source and time, degrees)", lambda: (
        graph_engine._csr(ledger, False), graph_engine._node_facts(ledger)))
    res_warm, warm_s = median_of(5, f"warm trace ({args.window_days}-day window, graph in memory)", trace, ledger, params)
    full = TraceParams(seeds=[seed], hops=4, stop_degree=200)
    res_full, warm_full_s = median_of(5, "warm trace (whole year, graph in memory)", trace, ledger, full)
    print(f"    window: {len(res_warm.edges):,} transactions; whole year: {len(res_full.edges):,} transactions, "
          f"{len(res_full.hop):,} accounts")

    import networkx as nx

    def build_nx():
        G = nx.MultiDiGraph()
        G.add_edges_from((int(s), int(d), int(k), {"t": int(t), "amt": int(a)}) for k, (s, d, t, a) in
                         enumerate(zip(ledger.src, ledger.dst, ledger.t, ledger.amt)))
        return G

    G, nx_build_s = timed("networkx graph build", build_nx)
    hub_idx = ledger.node_index[seed]
    used, nx_s = median_of(3, f"networkx trace ({args.window_days}-day window)", nx_trace, G, hub_idx, 4, t_from, t_to)
    used_full, nx_full_s = median_of(3, "networkx trace (whole year)", nx_trace, G, hub_idx, 4, -2**62, 2**62)
    same = set(int(x) for x in res_warm.edges) == used
    print(f"    same transactions as ours: {same}; speed-up warm vs networkx: {nx_s / max(warm_s, 1e-9):.1f}× "
          f"(window), {nx_full_s / max(warm_full_s, 1e-9):.1f}× (whole year)")
    del G

    print("\nTypology scan (all detectors, default settings)")
    labels = loader.short_labels(case=case)
    settings = typologies.settings_clean({})
    scanner, idx_s = timed("scanner indexes", typologies.Scanner, ledger, settings,
                           labels=lambda i: labels.get(ledger.node_keys[i], ""))
    findings, scan_s = timed("full typology scan", scanner.run)
    print(f"    {len(findings):,} alerts; scan incl. indexes {scan_s + idx_s:.1f} s")
    by_typ = {}
    for f in findings:
        key = ledger.node_keys[f.subject] if f.subject is not None else ""
        by_typ.setdefault(f.typology, []).append(int(key[2:]) if key.startswith("a:") else None)
    print(f"    {'pattern':<16}{'planted':>8}{'found':>8}{'recall':>9}{'alerts':>9}{'not planted':>13}{'precision':>11}")
    for typ, subjects in planted.items():
        got = by_typ.get(typ, [])
        found = len(subjects & set(got))
        false = sum(1 for s in got if s not in subjects)
        print(f"    {typ:<16}{len(subjects):>8}{found:>8}{100 * found / max(len(subjects), 1):>8.0f}%{len(got):>9}"
              f"{false:>13}{100 * (len(got) - false) / max(len(got), 1):>10.0f}%")

    raw = {d: {"enabled": d in ("fan_in", "fan_out", "pass_through")} for d in typologies.DEFAULTS}
    for d in ("fan_in", "fan_out", "pass_through"):
        raw[d]["max_degree"] = 0
    plain = typologies.Scanner(ledger, typologies.settings_clean(raw), labels=lambda i: "").run()
    print("    without the payment-processor rule (max_degree = 0):")
    for typ in ("fan_in", "fan_out", "pass_through"):
        got = [int(ledger.node_keys[f.subject][2:]) for f in plain if f.typology == typ]
        false = sum(1 for x in got if x not in planted[typ])
        print(f"    {typ:<16}{len(planted[typ]):>8}{len(planted[typ] & set(got)):>8}{'':>9}{len(got):>9}{false:>13}"
              f"{100 * (len(got) - false) / max(len(got), 1):>10.0f}%")

    print("\nCrypto: common-input clustering")
    rng = np.random.default_rng(7)
    txs, inputs, k = [], 0, 0
    n_addr = args.crypto_inputs // 2
    while inputs < args.crypto_inputs:
        k += 1
        if k % 500 == 0:  # a coinjoin: many inputs, equal outputs
            ins = [(int(a), 1000) for a in rng.integers(0, n_addr, 10)]
            outs = [(int(a), 990) for a in rng.integers(0, n_addr, 10)]
        else:
            n_in = int(rng.integers(1, 5))
            ins = [(int(a), int(v)) for a, v in zip(rng.integers(0, n_addr, n_in), rng.integers(1000, 10**8, n_in))]
            outs = [(int(a), 500) for a in rng.integers(0, n_addr, 2)]
        txs.append(CTx(k, k, ins, outs))
        inputs += len(ins)
    result, cl_s = timed(f"clustering {inputs:,} inputs in {len(txs):,} transactions", cluster, txs)
    print(f"    {len(result.members):,} clusters, {len(result.coinjoins):,} coinjoins skipped")

    print("\nSummary (targets on a 2-core machine)")
    print(f"  cold trace       {cold_s:7.3f} s   (target ≤ 2 s)")
    print(f"  warm trace       {warm_s * 1000:7.1f} ms  (target ≤ 200 ms; whole year {warm_full_s * 1000:.1f} ms)")
    print(f"  vs networkx      {nx_s / max(warm_s, 1e-9):7.1f}×   (target ≥ 10×; whole year "
          f"{nx_full_s / max(warm_full_s, 1e-9):.1f}×)")
    print(f"  graph load       {load_s:7.2f} s")
    print(f"  typology scan    {scan_s + idx_s:7.2f} s   (target ≤ 120 s)")
    print(f"  clustering       {cl_s:7.2f} s   (target ≤ 20 s)")
    print(f"  cpu count        {os.cpu_count()}")


if __name__ == "__main__":
    main()
