"""Charts drawn on the server as SVG; every chart is shown beside a data table for screen readers.

The SVG is built from numbers and escaped labels only, so it is safe to mark up as Markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ["#1d5fa8", "#b45309", "#0f766e", "#7c3aed", "#be123c", "#4d7c0f"]


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    max_value: float,
    title: str,
    unit: str = "",
    width: int = 560,
) -> Markup:
    """Horizontal bars, one per row; a missing value is drawn as 'no data'."""
    bar_height, gap, label_width = 22, 10, 190
    height = len(rows) * (bar_height + gap) + gap
    scale = (width - label_width - 70) / (max_value or 1)
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}"'
        f' width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13"'
            f' fill="#1f2937">{escape(label)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{label_width}" y="{y + 16}" font-size="12" fill="#4b5563">no data</text>'
            )
            continue
        length = max(value * scale, 1)
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}"'
            f' fill="{PALETTE[0]}" rx="3"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" font-size="12"'
            f' fill="#1f2937">{value:g}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from escaped labels and numbers


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    max_value: float,
    title: str,
    width: int = 560,
    height: int = 220,
) -> Markup:
    """One line per series over shared x labels (e.g. months); gaps where a value is None."""
    left, right, top, bottom = 40, 36, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)

    def point(i: int, value: float) -> tuple[float, float]:
        return left + i * step, top + plot_h - (value / (max_value or 1)) * plot_h

    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}"'
        f' width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"'
        ' stroke="#6b7280"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="11" fill="#374151">'
        f"{max_value:g}</text>",
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11"'
        ' fill="#374151">0</text>',
    ]
    for i, label in enumerate(labels):
        x = left + i * step
        parts.append(
            f'<text x="{x:.1f}" y="{height - 20}" text-anchor="middle" font-size="11"'
            f' fill="#374151">{escape(label)}</text>'
        )
    for index, (name, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        segment: list[str] = []
        for i, value in enumerate(values):
            if value is None:
                if len(segment) > 1:
                    parts.append(_polyline(segment, colour))
                segment = []
                continue
            x, y = point(i, value)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        if len(segment) > 1:
            parts.append(_polyline(segment, colour))
        parts.append(
            f'<text x="{left + index * 140}" y="{height - 4}" font-size="11" fill="{colour}">'
            f"■ {escape(name)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from escaped labels and numbers


def _polyline(points: list[str], colour: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'
