"""A Sankey-style flow summary of a trace, drawn on the server as SVG.

Columns are hops (upstream to the left of the seeds, downstream to the right); node
heights follow the money through them; each band is a link to the transactions of
that edge. Used on the result page and in the dossier (no JavaScript needed).
"""
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.html import escape

WIDTH, COL_W, NODE_W, GAP, MAX_H = 960, 190, 14, 10, 520


def _columns(result):
    nodes = {n["key"]: n for n in result.get("nodes", [])}
    edges = result.get("edges", [])
    col = {}
    for k, n in nodes.items():
        if n.get("seed"):
            col[k] = 0
    # downstream: forward from seeds; upstream: backwards (BFS over edges)
    frontier = [k for k in col]
    while frontier:
        nxt = []
        for e in edges:
            s, t = e["source"], e["target"]
            if s in frontier and t not in col:
                col[t] = col[s] + 1
                nxt.append(t)
            if t in frontier and s not in col:
                col[s] = col[t] - 1
                nxt.append(s)
        frontier = nxt
    for k in nodes:
        col.setdefault(k, 0)
    return nodes, col


def flow_svg(result, edge_url="", max_edges=60, width=WIDTH):
    """SVG markup (string) of the trace; `edge_url` gets ?source=&target= appended."""
    edges = sorted(result.get("edges", []), key=lambda e: -Decimal(e["sum"]))[:max_edges]
    if not edges:
        return ""
    nodes, col = _columns(result)
    used = {e["source"] for e in edges} | {e["target"] for e in edges}
    cols = sorted({col[k] for k in used})
    c_index = {c: i for i, c in enumerate(cols)}
    flow = {}
    for e in edges:
        amt = Decimal(e["sum"])
        flow.setdefault(e["source"], [Decimal(0), Decimal(0)])[1] += amt
        flow.setdefault(e["target"], [Decimal(0), Decimal(0)])[0] += amt
    size = {k: max(v) for k, v in flow.items()}
    per_col = {}
    for k in used:
        per_col.setdefault(col[k], []).append(k)
    biggest_col = max(sum(size[k] for k in ks) for ks in per_col.values()) or Decimal(1)
    max_nodes = max(len(ks) for ks in per_col.values())
    slot = 16  # every node gets room for its label
    scale = max(MAX_H - (GAP + slot) * max_nodes, 120) / float(biggest_col)
    n_cols = len(cols)
    col_w = min(COL_W, (width - 180) / max(n_cols - 1, 1)) if n_cols > 1 else 0
    pos = {}
    for c, ks in per_col.items():
        ks.sort(key=lambda k: -size[k])
        y = 24
        x = 90 + c_index[c] * col_w
        for k in ks:
            h = max(3.0, float(size[k]) * scale)
            pos[k] = [x, y, h, y, y]  # x, y, height, next out offset, next in offset
            y += max(h, slot) + GAP
    height = int(max(p[1] + p[2] for p in pos.values()) + 30)
    parts = [f'<svg class="flow-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {int(width)} {height}" '
             f'role="img" aria-label="Flow of money in the trace">']
    for e in edges:
        s, t = pos[e["source"]], pos[e["target"]]
        w = max(1.0, float(Decimal(e["sum"])) * scale)
        y1 = s[3] + w / 2
        s[3] += w
        y2 = t[4] + w / 2
        t[4] += w
        x1, x2 = s[0] + NODE_W, t[0]
        if x2 <= x1:  # same column or backwards (a cycle): loop below
            x2 = t[0]
            mid = max(x1, x2) + 40
            d = f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        else:
            mx = (x1 + x2) / 2
            d = f"M{x1:.1f},{y1:.1f} C{mx:.1f},{y1:.1f} {mx:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        title = (f"{nodes.get(e['source'], {}).get('label', e['source'])} → "
                 f"{nodes.get(e['target'], {}).get('label', e['target'])}: {e['count']} transaction(s), "
                 f"{Decimal(e['sum']):,.2f} {result.get('currency', '')}, {e['first'][:10]} – {e['last'][:10]}")
        # Presentation attributes as well as classes: the dossier (WeasyPrint) has no page stylesheet.
        band = (f'<path class="flow-band" d="{d}" fill="none" stroke="#5b7fa6" stroke-opacity="0.35" '
                f'stroke-width="{w:.1f}"><title>{escape(title)}</title></path>')
        if edge_url:
            q = urlencode({"source": e["source"], "target": e["target"]})
            band = f'<a href="{escape(edge_url)}?{q}">{band}</a>'
        parts.append(band)
    for k, (x, y, h, _o, _i) in pos.items():
        n = nodes.get(k, {})
        cls = "flow-node" + (" seed" if n.get("seed") else "") + (" stopped" if n.get("stopped") else "")
        label = n.get("label", k)
        if len(label) > 28:
            label = label[:27] + "…"
        anchor_right = c_index[col[k]] == n_cols - 1 and n_cols > 1
        tx = x - 4 if anchor_right else x + NODE_W + 4
        fill = "#d9480f" if n.get("seed") else "#adb5bd" if n.get("stopped") else "#2f5d8a"
        parts.append(f'<rect class="{cls}" fill="{fill}" x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{h:.1f}">'
                     f'<title>{escape(n.get("label", k))}</title></rect>')
        parts.append(f'<text class="flow-label" font-size="11" fill="#212529" font-family="DejaVu Sans, sans-serif" '
                     f'x="{tx:.1f}" y="{y + min(h / 2 + 4, h + 10):.1f}" '
                     f'text-anchor="{"end" if anchor_right else "start"}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
