"""Laundering-pattern detectors over a loaded Ledger.

Each detector takes the ledger and its settings and returns Findings: the subject node,
the evidence (ledger edge indices), a score in [0, 1], a plain-language explanation and
details. Settings are per case (DetectorSettings), merged over DEFAULTS and validated
by `settings_clean`, which names the detector and the setting that is wrong.
"""
from __future__ import annotations

import copy
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from .graph import CHANNEL_CODE, SCALE, Ledger, from_units

DAY = 86400
HOUR = 3600

DEFAULTS = {
    "structuring": {"enabled": True, "threshold": 10000, "margin": 0.10, "window_days": 7, "min_count": 3,
                    "channels": ["cash_deposit", "transfer"]},
    "fan_in": {"enabled": True, "window_days": 3, "min_counterparties": 8, "min_amount": 0, "max_degree": 2000},
    "fan_out": {"enabled": True, "window_days": 3, "min_counterparties": 8, "min_amount": 0, "max_degree": 2000},
    "round_trip": {"enabled": True, "max_length": 6, "window_days": 30, "return_ratio": 0.8, "min_amount": 1000,
                   "max_alerts": 500},
    "pass_through": {"enabled": True, "hours": 48, "out_ratio": 0.9, "min_events": 3, "min_amount": 1000,
                     "max_degree": 2000},
    "scatter_gather": {"enabled": True, "window_days": 14, "min_intermediaries": 3, "forward_ratio": 0.7,
                       "min_amount": 1000},
    "listed": {"enabled": True, "fuzzy_names": True, "name_score": 92},
}

LIMITS = {  # setting -> (min, max)
    "threshold": (1, 10**12), "margin": (0.001, 0.9), "window_days": (1, 3650), "min_count": (2, 10000),
    "min_counterparties": (2, 100000), "min_amount": (0, 10**12), "max_length": (2, 6), "return_ratio": (0.1, 1.0),
    "max_alerts": (1, 100000), "hours": (1, 24 * 90), "out_ratio": (0.1, 1.0), "min_events": (1, 100000),
    "min_intermediaries": (2, 10000), "forward_ratio": (0.1, 1.0), "name_score": (50, 100),
    "max_degree": (0, 10**9),  # accounts with more transactions (processors, exchanges) are not reported; 0 = no limit
}


def settings_clean(raw: dict | None) -> dict:
    """DEFAULTS overlaid with `raw`; raises ValueError naming the detector and setting."""
    merged = copy.deepcopy(DEFAULTS)
    for detector, values in (raw or {}).items():
        if detector not in DEFAULTS:
            raise ValueError(f"Unknown detector '{detector}'. Known: {', '.join(DEFAULTS)}.")
        if not isinstance(values, dict):
            raise ValueError(f"{detector}: settings must be an object of name → value.")
        for name, value in values.items():
            if name not in DEFAULTS[detector]:
                raise ValueError(f"{detector}: unknown setting '{name}'. Known: {', '.join(DEFAULTS[detector])}.")
            default = DEFAULTS[detector][name]
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{detector}.{name}: true or false.")
            elif isinstance(default, list):
                if not isinstance(value, list) or any(v not in CHANNEL_CODE for v in value):
                    raise ValueError(f"{detector}.{name}: a list of channels from {', '.join(CHANNEL_CODE)}.")
            else:
                try:
                    value = float(value) if isinstance(default, float) else int(value)
                except (TypeError, ValueError):
                    raise ValueError(f"{detector}.{name}: a number, not {value!r}.") from None
                lo, hi = LIMITS.get(name, (None, None))
                if lo is not None and not lo <= value <= hi:
                    raise ValueError(f"{detector}.{name}: between {lo} and {hi}, not {value}.")
            merged[detector][name] = value
    return merged


@dataclass
class Finding:
    typology: str
    subject: int | None  # node index
    edges: list  # ledger edge indices
    score: float
    title: str
    explanation: str
    details: dict = field(default_factory=dict)
    key: str = ""  # what identifies the pattern besides its evidence

    def fingerprint(self, ledger: Ledger) -> str:
        subject = ledger.node_keys[self.subject] if self.subject is not None else "-"
        ids = ",".join(str(i) for i in sorted(int(ledger.tx_id[e]) for e in self.edges))
        return hashlib.sha256(f"{self.typology}|{subject}|{self.key}|{ids}".encode()).hexdigest()[:40]


def _money(units):
    return f"{from_units(units):,.2f}"


def _date(ts):
    from datetime import datetime, timezone
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).strftime("%d %b %Y")


def _csr(keys, n):
    """Sort order of edges by node and the start offsets per node."""
    order = np.argsort(keys, kind="stable")
    starts = np.searchsorted(keys[order], np.arange(n + 1), side="left")
    return order, starts


class Scanner:
    def __init__(self, ledger: Ledger, settings: dict, labels=None, node_attrs=None, lists=None, progress=None):
        self.L = ledger
        self.s = settings
        self.labels = labels or (lambda idx: ledger.node_keys[idx])
        self.node_attrs = node_attrs or {}
        self.lists = lists or []
        self.progress = progress or (lambda *a, **k: None)
        L = ledger
        # edges sorted by (src, t) and (dst, t)
        o = np.lexsort((L.t, L.src))
        self.out_order, self.out_start = o, np.searchsorted(L.src[o], np.arange(L.n_nodes + 1))
        o = np.lexsort((L.t, L.dst))
        self.in_order, self.in_start = o, np.searchsorted(L.dst[o], np.arange(L.n_nodes + 1))
        self.outside = np.array([k.startswith("x:") for k in L.node_keys], dtype=bool)
        self.degree = np.diff(self.out_start) + np.diff(self.in_start)

    def too_busy(self, cfg):
        """Accounts above the `max_degree` setting (payment processors, exchanges)."""
        limit = cfg.get("max_degree", 0)
        return self.degree > limit if limit else np.zeros(self.L.n_nodes, dtype=bool)

    def out_edges(self, node):
        return self.out_order[self.out_start[node]:self.out_start[node + 1]]

    def in_edges(self, node):
        return self.in_order[self.in_start[node]:self.in_start[node + 1]]

    def run(self) -> list[Finding]:
        found = []
        steps = [(name, getattr(self, name)) for name in DEFAULTS if self.s[name]["enabled"]]
        for i, (name, detector) in enumerate(steps):
            self.progress(i, len(steps), f"Detector: {name.replace('_', ' ')}")
            found.extend(detector(self.s[name]))
        self.progress(len(steps), len(steps), "Detectors finished")
        return found

    # --- structuring -------------------------------------------------------------------------
    def structuring(self, cfg):
        L = self.L
        thr = cfg["threshold"] * SCALE
        lo = int(thr * (1 - cfg["margin"]))
        codes = [CHANNEL_CODE[c] for c in cfg["channels"]]
        mask = (L.amt >= lo) & (L.amt < thr) & np.isin(L.channel, codes)
        idx = np.nonzero(mask)[0]
        # subject: the account the cash goes into for deposits, the sender otherwise
        deposit = L.channel[idx] == CHANNEL_CODE["cash_deposit"]
        subj = np.where(deposit, L.dst[idx], L.src[idx])
        keep = ~self.outside[subj]
        idx, subj = idx[keep], subj[keep]
        order = np.lexsort((L.t[idx], subj))
        idx, subj = idx[order], subj[order]
        win = cfg["window_days"] * DAY
        out = []
        bounds = np.flatnonzero(np.diff(subj)) + 1
        for grp in np.split(np.arange(len(idx)), bounds):
            if len(grp) < cfg["min_count"]:
                continue
            times = L.t[idx[grp]]
            # series: consecutive items each within the window of the series' start … merge overlapping windows
            start = 0
            while start < len(grp):
                end = start
                while end + 1 < len(grp) and times[end + 1] - times[start] <= win:
                    end += 1
                n = end - start + 1
                if n >= cfg["min_count"]:
                    # extend greedily while windows overlap
                    while end + 1 < len(grp) and times[end + 1] - times[end - cfg["min_count"] + 2] <= win:
                        end += 1
                    edges = [int(e) for e in idx[grp[start:end + 1]]]
                    out.append(self._structuring_finding(cfg, int(subj[grp[0]]), edges, lo))
                    start = end + 1
                else:
                    start += 1
        return out

    def _structuring_finding(self, cfg, subject, edges, lo):
        L = self.L
        total = int(L.amt[edges].sum())
        n = len(edges)
        closeness = float(np.mean((L.amt[edges] - lo) / max(cfg["threshold"] * SCALE - lo, 1)))
        score = min(1.0, 0.5 + 0.1 * (n - cfg["min_count"]) + 0.3 * closeness)
        kinds = Counter(int(c) for c in L.channel[edges])
        what = "cash deposits" if kinds.get(CHANNEL_CODE["cash_deposit"], 0) >= n / 2 else "payments"
        label = self.labels(subject)
        return Finding(
            "structuring", subject, edges, score,
            f"Structuring: {n} {what} just below {cfg['threshold']:,} on {label}",
            f"{n} {what} between {_date(L.t[edges[0]])} and {_date(L.t[edges[-1]])}, each between "
            f"{_money(lo)} and {cfg['threshold']:,} (just below the reporting threshold of {cfg['threshold']:,}), "
            f"involving {label}, total {_money(total)}. Splitting amounts to stay under a reporting threshold is "
            f"a classic structuring pattern.",
            {"count": n, "total": _money(total), "threshold": cfg["threshold"]})

    # --- fan-in / fan-out ----------------------------------------------------------------------
    def fan_in(self, cfg):
        return self._fan(cfg, incoming=True)

    def fan_out(self, cfg):
        return self._fan(cfg, incoming=False)

    def _fan(self, cfg, incoming):
        L = self.L
        node_of, other_of = (L.dst, L.src) if incoming else (L.src, L.dst)
        mask = L.amt >= cfg["min_amount"] * SCALE
        need = cfg["min_counterparties"]
        # cheap filter: nodes with at least `need` distinct counterparties overall
        pairs = np.unique(np.stack([node_of[mask], other_of[mask]]), axis=1) if mask.any() else np.zeros((2, 0), int)
        distinct = np.bincount(pairs[0], minlength=L.n_nodes) if pairs.size else np.zeros(L.n_nodes, int)
        candidates = np.nonzero((distinct >= need) & ~self.outside & ~self.too_busy(cfg))[0]
        win = cfg["window_days"] * DAY
        out = []
        typ = "fan_in" if incoming else "fan_out"
        for node in candidates:
            edges = self.in_edges(node) if incoming else self.out_edges(node)
            edges = edges[mask[edges]]
            times, others = L.t[edges], other_of[edges]
            counts: Counter = Counter()
            lo = 0
            best = None
            for hi in range(len(edges)):
                counts[int(others[hi])] += 1
                while times[hi] - times[lo] > win:
                    o = int(others[lo])
                    counts[o] -= 1
                    if not counts[o]:
                        del counts[o]
                    lo += 1
                if len(counts) >= need and (best is None or len(counts) > best[2]):
                    best = (lo, hi, len(counts))
            if best is None:
                continue
            lo, hi, k = best
            # the whole burst: extend to every edge within the window around the best one
            ev = [int(e) for e in edges[lo:hi + 1]]
            total = int(L.amt[ev].sum())
            label = self.labels(int(node))
            direction = "from" if incoming else "to"
            score = min(1.0, 0.4 + 0.6 * (k - need + 1) / max(need, 1))
            out.append(Finding(
                typ, int(node), ev, score,
                f"{'Fan-in' if incoming else 'Fan-out'}: {k} counterparties {direction} {label} in "
                f"{cfg['window_days']} days",
                f"{label} {'received money from' if incoming else 'sent money to'} {k} distinct counterparties "
                f"between {_date(times[lo])} and {_date(times[hi])} ({len(ev)} transactions, total "
                f"{_money(total)}). Many {'senders converging on' if incoming else 'receivers fed from'} one "
                f"account in a short time is typical of {'collection of smurfed funds' if incoming else 'distribution to money mules'}.",
                {"counterparties": k, "transactions": len(ev), "total": _money(total)}))
        return out

    # --- round-tripping ------------------------------------------------------------------------------
    def round_trip(self, cfg):
        L = self.L
        win = cfg["window_days"] * DAY
        ratio = cfg["return_ratio"]
        max_len = cfg["max_length"]
        min_amt = cfg["min_amount"] * SCALE
        big = np.nonzero((L.amt >= min_amt) & ~self.outside[L.src] & ~self.outside[L.dst])[0]
        src, dst, t, amt = L.src.tolist(), L.dst.tolist(), L.t.tolist(), L.amt.tolist()
        out_order, out_start = self.out_order, self.out_start
        seen = set()
        out = []
        for e0 in big.tolist():
            origin, a0, t0 = src[e0], amt[e0], t[e0]
            if origin == dst[e0]:
                continue
            lo_amt, hi_amt, t_end = a0 * ratio, a0 * 1.05, t0 + win
            stack = [(dst[e0], t0, [e0], {origin, dst[e0]})]
            budget = 200
            while stack and budget:
                budget -= 1
                node, at, path, visited = stack.pop()
                s, e = out_start[node], out_start[node + 1]
                cand = out_order[s:e]
                # time-respecting: after arrival, within the window
                lo_i = np.searchsorted(L.t[cand], at, side="left")
                for k in cand[lo_i:].tolist():
                    tk = t[k]
                    if tk > t_end:
                        break
                    if not lo_amt <= amt[k] <= hi_amt:
                        continue
                    v = dst[k]
                    if v == origin and len(path) >= 1:
                        cyc = path + [k]
                        if len(cyc) >= 2:
                            key = frozenset(cyc)
                            if key not in seen:
                                seen.add(key)
                                out.append(self._round_trip_finding(origin, cyc, a0))
                        continue
                    if v in visited or len(path) + 1 >= max_len:
                        continue
                    stack.append((v, tk, path + [k], visited | {v}))
            if len(out) >= cfg["max_alerts"]:
                break
        return out

    def _round_trip_finding(self, origin, cyc, a0):
        L = self.L
        back = int(L.amt[cyc[-1]])
        nodes = [int(L.src[e]) for e in cyc]
        route = " → ".join(self.labels(n) for n in nodes + [origin])
        days = (int(L.t[cyc[-1]]) - int(L.t[cyc[0]])) / DAY
        score = min(1.0, 0.5 + 0.4 * back / max(a0, 1) + 0.1 * (len(cyc) > 2))
        return Finding(
            "round_trip", origin, [int(e) for e in cyc], score,
            f"Round trip of {_money(a0)} through {len(cyc) - 1} intermediar{'y' if len(cyc) == 2 else 'ies'}",
            f"{_money(a0)} left {self.labels(origin)} on {_date(L.t[cyc[0]])} and {_money(back)} "
            f"({100 * back / max(a0, 1):.0f} %) came back {days:.0f} days later, each step after the one before: "
            f"{route}. Money returning to its origin through other accounts disguises its source.",
            {"length": len(cyc), "sent": _money(a0), "returned": _money(back), "route": route})

    # --- pass-through -----------------------------------------------------------------------------
    def pass_through(self, cfg):
        L = self.L
        hours = cfg["hours"] * HOUR
        min_amt = cfg["min_amount"] * SCALE
        has_in = np.diff(self.in_start) > 0
        has_out = np.diff(self.out_start) > 0
        out = []
        for node in np.nonzero(has_in & has_out & ~self.outside & ~self.too_busy(cfg))[0]:
            ins = self.in_edges(node)
            ins = ins[L.amt[ins] >= min_amt]
            if len(ins) < cfg["min_events"]:
                continue
            outs = self.out_edges(node)
            ot, oa = L.t[outs], L.amt[outs]
            cum = np.concatenate([[0], np.cumsum(oa)])
            it, ia = L.t[ins], L.amt[ins]
            a = np.searchsorted(ot, it, side="left")
            b = np.searchsorted(ot, it + hours, side="right")
            left = cum[b] - cum[a]
            hit = left >= ia * cfg["out_ratio"]
            if hit.sum() < cfg["min_events"]:
                continue
            total_in, total_out = int(ia.sum()), int(oa.sum())
            residual = 1 - min(total_out, total_in) / max(total_in, 1)
            if residual > 1 - cfg["out_ratio"]:
                continue  # the account keeps a real balance: not a pass-through
            ev = set(int(e) for e in ins[hit])
            for i in np.nonzero(hit)[0]:
                ev.update(int(e) for e in outs[a[i]:b[i]])
            ev = sorted(ev, key=lambda e: (int(L.t[e]), e))
            n = int(hit.sum())
            label = self.labels(int(node))
            out.append(Finding(
                "pass_through", int(node), ev, min(1.0, 0.5 + 0.05 * n + 0.3 * (1 - residual)),
                f"Pass-through: {n} receipts left {label} within {cfg['hours']} h",
                f"{n} times, money arriving at {label} left again within {cfg['hours']} hours "
                f"(at least {100 * cfg['out_ratio']:.0f} % of each receipt). Overall {_money(total_in)} came in and "
                f"{_money(total_out)} went out, leaving a residual of {100 * residual:.1f} %. An account used only to "
                f"move money on quickly is typical of a mule or a layering hop.",
                {"events": n, "in": _money(total_in), "out": _money(total_out), "residual": round(residual, 3)}))
        return out

    # --- scatter-gather ---------------------------------------------------------------------------
    def scatter_gather(self, cfg):
        L = self.L
        win = cfg["window_days"] * DAY
        min_amt = cfg["min_amount"] * SCALE
        need = cfg["min_intermediaries"]
        out_deg = np.diff(self.out_start)
        out = []
        seen = set()
        for s in np.nonzero((out_deg >= need) & ~self.outside)[0]:
            outs = self.out_edges(s)
            outs = outs[L.amt[outs] >= min_amt]
            if len(np.unique(L.dst[outs])) < need:
                continue
            # for each gatherer: intermediary -> (scatter edge, forward edge)
            legs: dict[int, dict[int, tuple]] = defaultdict(dict)
            for e in outs.tolist():
                mid = int(L.dst[e])
                if self.outside[mid] or mid == s:
                    continue
                fwd = self.out_edges(mid)
                ft = L.t[fwd]
                lo = np.searchsorted(ft, L.t[e], side="left")
                hi = np.searchsorted(ft, L.t[e] + win, side="right")
                for f in fwd[lo:hi].tolist():
                    g = int(L.dst[f])
                    if g in (s, mid) or self.outside[g]:
                        continue
                    if L.amt[f] >= L.amt[e] * cfg["forward_ratio"] and L.amt[f] <= L.amt[e] * 1.05:
                        legs[g].setdefault(mid, (e, f))
            for g, mids in legs.items():
                if len(mids) < need:
                    continue
                key = (int(s), g)
                if key in seen:
                    continue
                seen.add(key)
                ev = sorted({x for pair in mids.values() for x in pair}, key=lambda e: (int(L.t[e]), e))
                scattered = int(sum(L.amt[e] for e, _ in mids.values()))
                gathered = int(sum(L.amt[f] for _, f in mids.values()))
                k = len(mids)
                out.append(Finding(
                    "scatter_gather", int(s), ev, min(1.0, 0.5 + 0.1 * (k - need + 1) + 0.2 * gathered / max(scattered, 1)),
                    f"Scatter-gather: {self.labels(int(s))} → {k} intermediaries → {self.labels(g)}",
                    f"{self.labels(int(s))} split {_money(scattered)} across {k} intermediary accounts, which passed "
                    f"{_money(gathered)} on to the same account {self.labels(g)} within {cfg['window_days']} days. "
                    f"Splitting funds across intermediaries and recombining them is a layering technique.",
                    {"intermediaries": k, "scattered": _money(scattered), "gathered": _money(gathered),
                     "gatherer": L.node_keys[g]}, key=L.node_keys[g]))
        return out

    # --- listed counterparties / high-risk jurisdictions --------------------------------------------
    def listed(self, cfg):
        """`lists`: [(entry id, kind, normalized value, list name)]; `node_attrs`: node key ->
        {"countries": set, "identifiers": set, "names": set}."""
        if not self.lists:
            return []
        L = self.L
        jurisdictions = defaultdict(list)
        identifiers = defaultdict(list)
        names = defaultdict(list)
        for entry in self.lists:
            {"jurisdiction": jurisdictions, "identifier": identifiers, "name": names}[entry[1]][entry[2]].append(entry)
        name_keys = list(names)
        hits_by_node: dict[int, list] = {}
        for key, attrs in self.node_attrs.items():
            idx = L.node_index.get(key)
            if idx is None:
                continue
            hits = []
            for c in attrs.get("countries", ()):
                for entry in jurisdictions.get(c, ()):
                    hits.append((entry, f"country {c}", 1.0))
            for ident in attrs.get("identifiers", ()):
                for entry in identifiers.get(ident, ()):
                    hits.append((entry, f"identifier {ident}", 1.0))
            for nm in attrs.get("names", ()):
                for entry in names.get(nm, ()):
                    hits.append((entry, f"name {nm}", 1.0))
                if cfg["fuzzy_names"] and name_keys and nm not in names:
                    from rapidfuzz import fuzz, process
                    match = process.extractOne(nm, name_keys, scorer=fuzz.token_sort_ratio,
                                               score_cutoff=cfg["name_score"])
                    if match:
                        for entry in names[match[0]]:
                            hits.append((entry, f"name {nm} ≈ {match[0]} ({match[1]:.0f} %)", match[1] / 100))
            if hits:
                hits_by_node[idx] = hits
        out = []
        for listed_node, hits in hits_by_node.items():
            edges = np.concatenate([self.in_edges(listed_node), self.out_edges(listed_node)])
            if not len(edges):
                continue
            # one alert per counterparty account dealing with the listed node
            by_cp = defaultdict(list)
            for e in edges.tolist():
                cp = int(L.dst[e]) if int(L.src[e]) == listed_node else int(L.src[e])
                by_cp[cp].append(e)
            reasons = "; ".join(f"{why} on list '{entry[3]}'" for entry, why, _ in hits)
            conf = max(c for _, _, c in hits)
            for cp, ev in by_cp.items():
                ev.sort(key=lambda e: (int(L.t[e]), e))
                total = int(L.amt[ev].sum())
                subject = cp if not self.outside[cp] else listed_node
                out.append(Finding(
                    "listed", subject, ev, min(1.0, 0.6 * conf + 0.1 * min(len(ev), 4)),
                    f"Payments with listed {self.labels(listed_node)}",
                    f"{self.labels(cp)} exchanged {len(ev)} payment(s) totalling {_money(total)} with "
                    f"{self.labels(listed_node)}, which matches {reasons}.",
                    {"listed_node": L.node_keys[listed_node], "entries": sorted({entry[0] for entry, _, _ in hits}),
                     "total": _money(total)}, key=L.node_keys[listed_node]))
        return out
