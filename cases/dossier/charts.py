"""Server-side SVG charts for dossier sections (no browser, no JavaScript).

Each function returns an SVG document as a string; templates embed it with
`<img src="{{ chart_uri }}">` through `svg_data_uri`, so WeasyPrint rasterises nothing
and the chart stays vector in the PDF.
"""
import base64
from html import escape

FONT = "DejaVu Sans, sans-serif"
INK = "#1f2a37"
MUTED = "#6b7280"
BAR = "#334e68"


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def bar_chart(values: list[tuple[str, float]], *, width=640, height=200, unit="", title="") -> str:
    """Vertical bars, one per (label, value), labels under the bars."""
    top, bottom, left, right = (24 if title else 10), 34, 36, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _, v in values), default=0) or 1
    if all(float(v).is_integer() for _, v in values):
        peak = -(-int(peak) // 3) * 3  # whole-number grid lines for counts
    n = max(len(values), 1)
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.7)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="9">'
    ]
    if title:
        parts.append(f'<text x="{left}" y="14" font-size="10" font-weight="bold" fill="{INK}">{escape(title)}</text>')
    # axis and three grid lines
    for i in range(4):
        y = top + plot_h - plot_h * i / 3
        value = peak * i / 3
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e7eb" stroke-width="0.6"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" fill="{MUTED}">{_num(value)}{escape(unit)}</text>')
    label_every = max(1, int(n / 14) + (1 if n % 14 else 0)) if n > 14 else 1
    for i, (label, value) in enumerate(values):
        h = plot_h * value / peak
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}"/>')
        if value:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle" fill="{INK}">{_num(value)}</text>')
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 12:.1f}" text-anchor="middle" fill="{MUTED}">{escape(label)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}" stroke-width="0.8"/>')
    parts.append("</svg>")
    return "".join(parts)


def _num(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}"
