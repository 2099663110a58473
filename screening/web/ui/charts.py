"""Charts drawn on the server as inline SVG (no JavaScript, no external resources). Each chart has a
<title> and <desc> for screen readers; the page also prints the numbers as a table."""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif"
BAR = "#2f6fb0"


def _n(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def hbar(items: Sequence[tuple[str, float, str | None]], *, title: str, width: int = 560,
         unit: str = "", max_value: float | None = None, percent: bool = False) -> Markup:
    """Horizontal bars: (label, value, colour or None) per row."""
    row, label_w, pad = 26, 150, 8
    height = max(len(items), 1) * row + 2 * pad
    top = max([v for _, v, _ in items] + [max_value or 0, 1e-9])
    plot = width - label_w - 70
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
           f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
           f'style="font-family:{FONT};font-size:13px;max-width:{width}px">',
           f"<title>{escape(title)}</title>",
           "<desc>" + escape("；".join(f"{name}：{_fmt(v, percent)}{unit}" for name, v, _ in items) or "无数据")
           + "</desc>"]
    if not items:
        out.append(f'<text x="{pad}" y="{pad + 16}" fill="#666">暂无数据</text>')
    for i, (label, value, colour) in enumerate(items):
        y = pad + i * row
        w = 0 if top <= 0 else max(value / top * plot, 1 if value else 0)
        shown = label if len(label) <= 11 else label[:10] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" fill="#222">'
                   f"<title>{escape(label)}</title>{escape(shown)}</text>")
        out.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" rx="2" '
                   f'fill="{escape(colour or BAR)}"/>')
        out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" fill="#222">'
                   f"{escape(_fmt(value, percent))}{escape(unit)}</text>")
    out.append("</svg>")
    return Markup("".join(str(x) for x in out))


def columns(items: Sequence[tuple[str, float]], *, title: str, width: int = 560, height: int = 220,
            unit: str = "") -> Markup:
    """Vertical columns, e.g. per month."""
    pad_l, pad_b, pad_t = 36, 34, 18
    n = max(len(items), 1)
    plot_w, plot_h = width - pad_l - 10, height - pad_b - pad_t
    top = max([v for _, v in items] + [1])
    step = plot_w / n
    bar_w = min(step * 0.6, 48)
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
           f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
           f'style="font-family:{FONT};font-size:12px;max-width:{width}px">',
           f"<title>{escape(title)}</title>",
           "<desc>" + escape("；".join(f"{name}：{_n(v)}{unit}" for name, v in items) or "无数据") + "</desc>",
           f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - 10}" y2="{pad_t + plot_h}" stroke="#999"/>']
    if not items:
        out.append(f'<text x="{pad_l + 8}" y="{pad_t + 20}" fill="#666">暂无数据</text>')
    for i, (label, value) in enumerate(items):
        h = value / top * plot_h
        x = pad_l + i * step + (step - bar_w) / 2
        y = pad_t + plot_h - h
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}"/>')
        out.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="#222">'
                   f"{escape(_n(value))}</text>")
        out.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 12}" text-anchor="middle" fill="#444">'
                   f"{escape(label)}</text>")
    out.append("</svg>")
    return Markup("".join(str(x) for x in out))


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else _n(value)
