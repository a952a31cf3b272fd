"""Server-rendered SVG line chart of values over time (no JavaScript, no CDN)."""
from html import escape

COLOURS = {"identified": "#6b7280", "frozen": "#2563eb", "seized": "#d97706", "confiscated": "#15803d",
           "released": "#b91c1c"}


def _short(value):
    value = float(value)
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 1_000:
        return f"{value / 1_000:.0f}k"
    return f"{value:.0f}"


def line_chart(labels, series, *, labels_of, currency, width=760, height=260):
    """labels: x labels; series: {key: [values]}; labels_of: {key: label}. Returns an <svg> string."""
    left, right, top, bottom = 56, 150, 16, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((float(v) for values in series.values() for v in values), default=0) or 1
    n = max(len(labels), 1)
    step = plot_w / max(n - 1, 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="Asset values per month in {escape(currency)}" font-family="sans-serif" font-size="11">']
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#6b7280">{_short(peak * i / 4)}</text>')
    every = max(1, n // 12)
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(f'<text x="{left + i * step:.1f}" y="{height - 10}" text-anchor="middle" fill="#6b7280">'
                       f'{escape(label)}</text>')
    for row, (key, values) in enumerate(series.items()):
        colour = COLOURS.get(key, "#111827")
        points = " ".join(f"{left + i * step:.1f},{top + plot_h - plot_h * float(v) / peak:.1f}"
                          for i, v in enumerate(values))
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
                   f'<title>{escape(labels_of.get(key, key))}</title></polyline>')
        for i, v in enumerate(values):
            out.append(f'<circle cx="{left + i * step:.1f}" cy="{top + plot_h - plot_h * float(v) / peak:.1f}" r="2.5" '
                       f'fill="{colour}"><title>{escape(labels_of.get(key, key))}, {escape(labels[i])}: '
                       f'{float(v):,.2f} {escape(currency)}</title></circle>')
        ly = top + 14 + row * 18
        out.append(f'<rect x="{left + plot_w + 14}" y="{ly - 9}" width="12" height="4" fill="{colour}"/>')
        out.append(f'<text x="{left + plot_w + 32}" y="{ly - 4}" fill="#1f2937">{escape(labels_of.get(key, key))}</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#1f2937"/>')
    out.append("</svg>")
    return "".join(out)
