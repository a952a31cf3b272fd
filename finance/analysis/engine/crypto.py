"""Crypto heuristics over UTXO transactions: clustering, change, taint.

Transactions are given as `CTx(id, time, inputs, outputs)` where inputs/outputs are lists
of (address id, value as int in 1e-8 units). Nothing here touches the database.
"""
from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field


@dataclass
class CTx:
    id: int
    time: int
    inputs: list
    outputs: list
    tx_hash: str = ""


class UnionFind:
    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, x):
        parent = self.parent
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                ra, rb = rb, ra
            self.parent[ra] = rb
        return rb


def is_coinjoin(tx: CTx, min_inputs=3, min_equal_outputs=3) -> bool:
    """Many inputs and several outputs of exactly the same value (CoinJoin-like)."""
    if len({a for a, _ in tx.inputs}) < min_inputs or len(tx.outputs) < min_equal_outputs:
        return False
    counts = Counter(v for _, v in tx.outputs)
    value, n = counts.most_common(1)[0]
    return n >= min_equal_outputs and value > 0


def _is_round(value, places=5):
    return value % (10 ** places) == 0  # value in 1e-8 units: round to 0.001 coin


@dataclass
class Clustering:
    cluster_of: dict  # address -> cluster id (smallest address id in it)
    members: dict  # cluster -> [addresses]
    coinjoins: list  # tx ids skipped
    change: list = field(default_factory=list)  # [{"tx", "address", "confidence", "reasons"}]
    merged_by: dict = field(default_factory=dict)  # cluster -> set of tx ids that merged it


def cluster(txs: list[CTx], *, change_heuristic=False, change_min_confidence=0.7, min_inputs=3,
            min_equal_outputs=3, progress=None) -> Clustering:
    uf = UnionFind()
    coinjoins = []
    merged_by = defaultdict(set)
    # first appearance of every address, in time order
    order = sorted(txs, key=lambda x: (x.time, x.id))
    appearances: dict[int, int] = {}
    for tx in order:
        for a, _ in tx.inputs:
            appearances.setdefault(a, tx.id)
        for a, _ in tx.outputs:
            appearances.setdefault(a, tx.id)
    change = []
    total = len(order)
    for i, tx in enumerate(order):
        if progress and i % 50000 == 0:
            progress(i, total, "Clustering addresses")
        addrs = [a for a, _ in tx.inputs]
        for a in addrs:
            uf.find(a)
        for a, _ in tx.outputs:
            uf.find(a)
        if is_coinjoin(tx, min_inputs, min_equal_outputs):
            coinjoins.append(tx.id)
            continue
        uniq = set(addrs)
        if len(uniq) > 1:
            it = iter(uniq)
            root = uf.find(next(it))
            for a in it:
                root = uf.union(root, a)
        if change_heuristic and len(tx.outputs) == 2 and uniq:
            guess = _change_guess(tx, uniq, appearances)
            if guess:
                change.append(guess)
                if guess["confidence"] >= change_min_confidence:
                    uf.union(next(iter(uniq)), guess["address"])
    cluster_of = {a: uf.find(a) for a in uf.parent}
    members = defaultdict(list)
    for a, c in cluster_of.items():
        members[c].append(a)
    for tx in order:
        uniq = {a for a, _ in tx.inputs}
        if len(uniq) > 1 and tx.id not in coinjoins:
            merged_by[cluster_of[next(iter(uniq))]].add(tx.id)
    if progress:
        progress(total, total, "Clustering finished")
    return Clustering(cluster_of, dict(members), coinjoins, change, dict(merged_by))


def _change_guess(tx: CTx, inputs: set, appearances: dict):
    """Two outputs: the change is the one that is new (first seen here) while the other is not,
    and/or the one with a non-round value when the payment is round. Confidence adds up."""
    (a1, v1), (a2, v2) = tx.outputs
    if a1 in inputs or a2 in inputs or a1 == a2:
        return None
    scores = {a1: [0.0, []], a2: [0.0, []]}
    new1, new2 = appearances.get(a1) == tx.id, appearances.get(a2) == tx.id
    if new1 != new2:
        fresh = a1 if new1 else a2
        scores[fresh][0] += 0.5
        scores[fresh][1].append("first appearance of the address")
    r1, r2 = _is_round(v1), _is_round(v2)
    if r1 != r2:
        odd = a2 if r1 else a1
        scores[odd][0] += 0.3
        scores[odd][1].append("non-round amount while the other output is round")
    best = max(scores, key=lambda a: scores[a][0])
    conf, reasons = scores[best]
    if conf <= 0 or scores[a1][0] == scores[a2][0]:
        return None
    return {"tx": tx.id, "address": best, "confidence": round(min(0.95, 0.2 + conf), 2), "reasons": reasons}


# --- taint ------------------------------------------------------------------------------------

@dataclass
class TaintResult:
    tainted: dict  # address -> tainted value received (int units)
    endpoints: list  # [{"address", "label", "amount", "txs": [...]}]
    steps: list  # [(tx id, tainted in, tainted out)]


def taint(txs: list[CTx], seeds: set, *, method="haircut", stop_at: dict | None = None, progress=None) -> TaintResult:
    """Follow tainted value from `seeds` through the transactions in time order.

    poison:  any tainted input taints every output completely;
    haircut: each output carries the tainted share of the inputs (tainted / total);
    fifo:    each address spends its received value first in, first out; inputs are pooled in order
             and outputs are filled in order, so each output gets the tainted lots that land on it.
    `stop_at`: address -> label; tainted value reaching such an address (e.g. an exchange) is an
    endpoint and does not propagate further.
    """
    stop_at = stop_at or {}
    order = sorted(txs, key=lambda x: (x.time, x.id))
    tainted_recv: dict[int, int] = defaultdict(int)
    balance: dict[int, int] = defaultdict(int)  # value held (haircut/poison)
    tbal: dict[int, int] = defaultdict(int)  # tainted part of it
    lots: dict[int, deque] = defaultdict(deque)  # fifo: [value, tainted?]
    endpoints: dict[int, dict] = {}
    steps = []
    total = len(order)
    for i, tx in enumerate(order):
        if progress and i % 50000 == 0:
            progress(i, total, "Following tainted value")
        in_total = sum(v for _, v in tx.inputs)
        out_total = sum(v for _, v in tx.outputs)
        # how much of each input is tainted
        if method == "fifo":
            pool = []  # (value, tainted)
            for a, v in tx.inputs:
                if a in seeds:
                    pool.append([v, True])
                    continue
                need = v
                q = lots[a]
                while need > 0:
                    if not q:
                        pool.append([need, False])  # value from outside the data: clean
                        break
                    lot = q[0]
                    take = min(need, lot[0])
                    pool.append([take, lot[1]])
                    lot[0] -= take
                    need -= take
                    if lot[0] == 0:
                        q.popleft()
            t_in = sum(v for v, t in pool if t)
            outs = []
            pool = deque(pool)
            for a, v in tx.outputs:
                need, got = v, 0
                while need > 0 and pool:
                    lot = pool[0]
                    take = min(need, lot[0])
                    if lot[1]:
                        got += take
                    lots[a].append([take, lot[1]])
                    lot[0] -= take
                    need -= take
                    if lot[0] == 0:
                        pool.popleft()
                if need > 0:
                    lots[a].append([need, False])
                outs.append((a, v, got))
        else:
            t_in = 0
            for a, v in tx.inputs:
                if a in seeds:
                    t_in += v
                elif balance[a] > 0:
                    share = min(v, balance[a])
                    t_part = tbal[a] * share // balance[a]
                    t_in += t_part
                    balance[a] -= share
                    tbal[a] -= t_part
            outs = []
            for a, v in tx.outputs:
                if method == "poison":
                    got = v if t_in > 0 else 0
                else:
                    got = t_in * v // max(in_total, out_total, 1)
                outs.append((a, v, got))
                balance[a] += v
                tbal[a] += got
        if t_in <= 0:
            continue
        steps.append((tx.id, t_in, sum(g for _, _, g in outs)))
        for a, v, got in outs:
            if got <= 0:
                continue
            tainted_recv[a] += got
            if a in stop_at:
                ep = endpoints.setdefault(a, {"address": a, "label": stop_at[a], "amount": 0, "txs": []})
                ep["amount"] += got
                ep["txs"].append(tx.id)
                # value that reached an exchange stops here
                if method == "fifo":
                    lots[a] = deque([lot[0], False] for lot in lots[a])
                else:
                    tbal[a] = 0
    if progress:
        progress(total, total, "Taint finished")
    return TaintResult(dict(tainted_recv), sorted(endpoints.values(), key=lambda e: -e["amount"]), steps)
