"""The ledger as a graph of arrays, and the follow-the-money trace.

Nodes are accounts ("a:<id>"); a transaction without an account on one side uses its
party ("p:<id>"), and without either an outside node per channel ("x:cash_deposit").
Amounts are integers in 1/10,000 of the reference currency (exact, no floats), times
are epoch seconds.

The trace is time-respecting: from the seeds, an edge u→v at time t is used only when
u was reached at or before t (downstream; upstream mirrors it on reversed time). With
`hops` rounds of earliest-arrival relaxation, an edge is in the result exactly when it
lies on a time-respecting walk of at most `hops` transactions from a seed.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

SCALE = 10_000
INF = np.iinfo(np.int64).max
NEG_INF = np.iinfo(np.int64).min

CHANNELS = ["transfer", "cash_deposit", "cash_withdrawal", "card", "crypto", "other"]
CHANNEL_CODE = {name: i for i, name in enumerate(CHANNELS)}


def to_units(value) -> int:
    return int((Decimal(value) * SCALE).to_integral_value())


def from_units(units) -> Decimal:
    return (Decimal(int(units)) / SCALE).quantize(Decimal("0.01"))


@dataclass
class Ledger:
    """Transactions as parallel arrays over node indices."""

    tx_id: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    t: np.ndarray
    amt: np.ndarray
    channel: np.ndarray
    node_keys: list
    node_index: dict = field(default_factory=dict)
    handling: set = field(default_factory=set)
    import_ids: set = field(default_factory=set)
    known_degree: dict = field(default_factory=dict)  # node key -> degree in the full ledger (neighbourhood loads)
    crypto_without_rate: int = 0  # crypto transactions left out for want of an exchange rate

    @property
    def n_nodes(self):
        return len(self.node_keys)

    @property
    def n_edges(self):
        return len(self.tx_id)

    def nodes_for(self, keys):
        return np.array([self.node_index[k] for k in keys if k in self.node_index], dtype=np.int64)

    def degree(self):
        """Number of transactions touching each node."""
        return np.bincount(self.src, minlength=self.n_nodes) + np.bincount(self.dst, minlength=self.n_nodes)


class LedgerBuilder:
    """Accumulates rows (from the database or a generator) and freezes them into a Ledger."""

    def __init__(self):
        self.node_index: dict[str, int] = {}
        self.node_keys: list[str] = []
        self.cols = {k: [] for k in ("tx_id", "src", "dst", "t", "amt", "channel")}
        self.handling: set = set()
        self.import_ids: set = set()
        self.seen: set = set()

    def node(self, key):
        idx = self.node_index.get(key)
        if idx is None:
            idx = self.node_index[key] = len(self.node_keys)
            self.node_keys.append(key)
        return idx

    def add(self, tx_id, src_key, dst_key, t, amt_units, channel="transfer"):
        if tx_id in self.seen:
            return
        self.seen.add(tx_id)
        c = self.cols
        c["tx_id"].append(tx_id)
        c["src"].append(self.node(src_key))
        c["dst"].append(self.node(dst_key))
        c["t"].append(t)
        c["amt"].append(amt_units)
        c["channel"].append(CHANNEL_CODE.get(channel, len(CHANNELS) - 1))

    def add_multi(self, tx_id, src_key, dst_key, t, amt_units, channel="crypto"):
        """One of several edges of the same transaction (crypto: inputs × outputs)."""
        c = self.cols
        c["tx_id"].append(tx_id)
        c["src"].append(self.node(src_key))
        c["dst"].append(self.node(dst_key))
        c["t"].append(t)
        c["amt"].append(amt_units)
        c["channel"].append(CHANNEL_CODE.get(channel, len(CHANNELS) - 1))

    def build(self) -> Ledger:
        c = self.cols
        return Ledger(
            tx_id=np.array(c["tx_id"], dtype=np.int64), src=np.array(c["src"], dtype=np.int64),
            dst=np.array(c["dst"], dtype=np.int64), t=np.array(c["t"], dtype=np.int64),
            amt=np.array(c["amt"], dtype=np.int64), channel=np.array(c["channel"], dtype=np.int8),
            node_keys=list(self.node_keys), node_index=dict(self.node_index), handling=set(self.handling),
            import_ids=set(self.import_ids))


def side_key(account_id, party_id, channel, outside_label):
    if account_id:
        return f"a:{account_id}"
    if party_id:
        return f"p:{party_id}"
    return f"x:{outside_label}"


# --- the trace ------------------------------------------------------------------------------

@dataclass
class TraceParams:
    seeds: list  # node keys
    direction: str = "downstream"  # downstream | upstream | both
    hops: int = 4
    t_from: int | None = None
    t_to: int | None = None
    min_amount: int = 0  # units
    tolerance: float | None = None  # amount conservation: out ≤ (1 + tolerance) × traced inflow before it
    stop_degree: int = 200  # nodes with more transactions than this are shown but not expanded
    stop_nodes: tuple = ()
    max_paths: int = 25


@dataclass
class TraceResult:
    edges: np.ndarray  # indices into the ledger arrays, in original direction
    hop: dict  # node index -> first hop reached (0 = seed), per direction merged (min)
    stopped: set
    seeds: set
    paths: list  # [{"nodes": [idx...], "edges": [edge idx...], "amount": units}]
    direction: str


def _cum_inflow_before(in_nodes, in_t, in_amt, q_nodes, q_t):
    """For each query (node, t): the sum of inflows into node at times ≤ t."""
    if len(q_nodes) == 0:
        return np.zeros(0, dtype=np.int64)
    n_in = len(in_nodes)
    nodes = np.concatenate([in_nodes, q_nodes])
    times = np.concatenate([in_t, q_t])
    kind = np.concatenate([np.zeros(n_in, dtype=np.int8), np.ones(len(q_nodes), dtype=np.int8)])
    vals = np.concatenate([in_amt, np.zeros(len(q_nodes), dtype=np.int64)])
    order = np.lexsort((kind, times, nodes))
    sorted_nodes = nodes[order]
    cs = np.cumsum(vals[order])
    first = np.searchsorted(sorted_nodes, sorted_nodes, side="left")
    base = np.where(first > 0, cs[np.maximum(first - 1, 0)], 0)
    within = cs - base
    out = np.empty(len(nodes), dtype=np.int64)
    out[order] = within
    return out[n_in:]


def _csr(ledger: Ledger, upstream: bool):
    """Edges sorted by (source, time) in the trace direction, with each node's start offset (cached)."""
    key = "_csr_up" if upstream else "_csr_down"
    cached = ledger.__dict__.get(key)
    if cached is None:
        s = ledger.dst if upstream else ledger.src
        t = -ledger.t if upstream else ledger.t
        order = np.lexsort((t, s))
        starts = np.searchsorted(s[order], np.arange(ledger.n_nodes + 1))
        cached = ledger.__dict__[key] = (order, starts)
    return cached


def _gather(order, starts, nodes):
    """The edge indices leaving `nodes` (concatenated ranges of the CSR order)."""
    if len(nodes) == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = starts[nodes], starts[nodes + 1]
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return order[offsets + np.arange(total)]


def _trace_one(ledger: Ledger, seed_idx, p: TraceParams, upstream: bool, stop_mask):
    """Earliest-arrival relaxation, hop by hop, touching only the edges that leave nodes whose
    arrival improved in the previous hop (so the cost follows the reached part of the graph)."""
    if upstream:
        s, d, t = ledger.dst, ledger.src, -ledger.t
        lo = -p.t_to if p.t_to is not None else None
        hi = -p.t_from if p.t_from is not None else None
    else:
        s, d, t = ledger.src, ledger.dst, ledger.t
        lo, hi = p.t_from, p.t_to
    order, starts = _csr(ledger, upstream)
    amt = ledger.amt
    n = ledger.n_nodes
    arr = np.full(n, INF, dtype=np.int64)
    arr[seed_idx] = NEG_INF if lo is None else lo
    hop = np.full(n, -1, dtype=np.int64)
    hop[seed_idx] = 0
    is_seed = np.zeros(n, dtype=bool)
    is_seed[seed_idx] = True
    expandable = ~stop_mask | is_seed
    included = np.zeros(ledger.n_edges, dtype=bool)
    frontier = np.unique(np.asarray(seed_idx, dtype=np.int64))
    for h in range(1, p.hops + 1):
        frontier = frontier[expandable[frontier]]
        e = _gather(order, starts, frontier)
        if len(e) == 0:
            break
        te = t[e]
        ok = (te >= arr[s[e]]) & (amt[e] >= p.min_amount)
        if lo is not None:
            ok &= te >= lo
        if hi is not None:
            ok &= te <= hi
        e, te = e[ok], te[ok]
        if p.tolerance is not None and len(e):
            cand = ~is_seed[s[e]]
            if cand.any():
                inc = np.nonzero(included)[0]
                inflow = _cum_inflow_before(d[inc], t[inc], amt[inc], s[e[cand]], te[cand])
                keep = amt[e[cand]] <= np.floor(inflow * (1.0 + p.tolerance)).astype(np.int64)
                mask = np.ones(len(e), dtype=bool)
                mask[np.nonzero(cand)[0][~keep]] = False
                e, te = e[mask], te[mask]
        if len(e) == 0:
            break
        included[e] = True
        new_arr = arr.copy()
        np.minimum.at(new_arr, d[e], te)
        improved = np.nonzero(new_arr < arr)[0]
        fresh = improved[hop[improved] == -1]
        hop[fresh] = h
        arr = new_arr
        frontier = improved
    inc = np.nonzero(included)[0]
    targets = np.unique(d[inc])
    stopped = set(targets[stop_mask[targets] & ~is_seed[targets]].tolist())
    paths = _rank_paths(seed_idx, inc, s[inc], d[inc], t[inc], amt[inc], p, stop_mask, upstream)
    reached = np.nonzero(hop >= 0)[0]
    return inc, dict(zip(reached.tolist(), hop[reached].tolist())), stopped, paths


def _rank_paths(seed_idx, edge_ids, es, ed, et, ea, p: TraceParams, stop_mask, upstream, beam=6, budget=20000,
                fan=64):
    """Top paths from the seeds over the traced edges, ranked by the amount that can have
    travelled the whole path (the smallest transaction on it). Depth-first with a beam of the
    largest payments per account; adjacency is built lazily for the accounts visited only."""
    if len(edge_ids) == 0:
        return []
    order = np.lexsort((-ea, es))
    es_sorted = es[order]
    cache: dict[int, list] = {}

    def adj(node):
        got = cache.get(node)
        if got is None:
            lo = int(np.searchsorted(es_sorted, node, side="left"))
            hi = min(int(np.searchsorted(es_sorted, node, side="right")), lo + fan)
            k = order[lo:hi]
            got = cache[node] = list(zip(et[k].tolist(), ea[k].tolist(), ed[k].tolist(), edge_ids[k].tolist()))
        return got

    best: list = []  # min-heap of (amount, counter, path)
    counter = 0
    stack = [(int(sd), NEG_INF, INF, [int(sd)], []) for sd in seed_idx]
    while stack and budget > 0:
        node, at, bottleneck, nodes, edges = stack.pop()
        budget -= 1
        extended = False
        if len(edges) < p.hops and (not stop_mask[node] or len(edges) == 0):
            taken = 0
            for t, a, v, e in adj(node):
                if t < at or v in nodes:
                    continue
                stack.append((v, t, min(bottleneck, a), nodes + [v], edges + [e]))
                extended = True
                taken += 1
                if taken >= beam:
                    break
        if edges and not extended:
            counter += 1
            item = (bottleneck, counter, nodes, edges)
            if len(best) < p.max_paths:
                heapq.heappush(best, item)
            elif bottleneck > best[0][0]:
                heapq.heapreplace(best, item)
    ranked = sorted(best, key=lambda x: (-x[0], x[1]))
    out = []
    for amount, _, nodes, edges in ranked:
        if upstream:  # show money moving forward: source … seed
            nodes, edges = nodes[::-1], edges[::-1]
        out.append({"nodes": nodes, "edges": edges, "amount": amount})
    return out


def _node_facts(ledger: Ledger):
    """Degree of each node (with degrees known from the full ledger) and which nodes are outside
    the banking system (cash, unknown payer); cached on the ledger."""
    cached = ledger.__dict__.get("_facts")
    if cached is None:
        degree = ledger.degree() if ledger.n_edges else np.zeros(ledger.n_nodes, dtype=np.int64)
        for key, n in ledger.known_degree.items():
            i = ledger.node_index.get(key)
            if i is not None:
                degree[i] = max(degree[i], n)
        outside = np.array([k.startswith("x:") for k in ledger.node_keys], dtype=bool)
        cached = ledger.__dict__["_facts"] = (degree, outside)
    return cached


def trace(ledger: Ledger, p: TraceParams) -> TraceResult:
    seed_idx = ledger.nodes_for(p.seeds)
    degree, outside = _node_facts(ledger)
    stop_mask = outside | (degree > p.stop_degree)
    for key in p.stop_nodes:
        if key in ledger.node_index:
            stop_mask[ledger.node_index[key]] = True
    directions = ["downstream", "upstream"] if p.direction == "both" else [p.direction]
    edges, hop, stopped, paths = [], {}, set(), []
    if len(seed_idx) == 0 or ledger.n_edges == 0:
        return TraceResult(np.zeros(0, dtype=np.int64), {int(i): 0 for i in seed_idx}, set(),
                           {int(i) for i in seed_idx}, [], p.direction)
    for direction in directions:
        e, h, st, pa = _trace_one(ledger, seed_idx, p, direction == "upstream", stop_mask)
        edges.append(e)
        for k, v in h.items():
            hop[k] = min(v, hop.get(k, v))
        stopped |= st
        for path in pa:
            path["direction"] = direction
        paths.extend(pa)
    paths.sort(key=lambda x: -x["amount"])
    return TraceResult(np.unique(np.concatenate(edges)), hop, stopped, {int(i) for i in seed_idx},
                       paths[: p.max_paths], p.direction)


def aggregate_edges(ledger: Ledger, edge_idx, max_ids=500):
    """Edges between node pairs: count, sum, first/last time and the transaction ids."""
    groups: dict[tuple, dict] = {}
    order = edge_idx[np.argsort(ledger.t[edge_idx], kind="stable")]
    for k in order:
        key = (int(ledger.src[k]), int(ledger.dst[k]))
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"count": 0, "sum": 0, "first": int(ledger.t[k]), "last": int(ledger.t[k]), "tx": []}
        g["count"] += 1
        g["sum"] += int(ledger.amt[k])
        g["last"] = int(ledger.t[k])
        if len(g["tx"]) < max_ids:
            g["tx"].append(int(ledger.tx_id[k]))
    return groups
