"""Charts of the steering circle's dashboard, drawn on the server as inline SVG.

Why SVG from the server and no JavaScript chart library: the portal's strict
Content-Security-Policy allows no inline scripts or styles (SVG presentation attributes
are neither), the page must work without JavaScript, the charts must print sharply into
the PDF the funders get, and they cost no download. A bar and a column chart are all the
dashboard needs; a few dozen lines draw them.

Accessibility: each chart is an `img` named by its title, and the figure that holds it
also holds the same numbers as a table. The two series use the Okabe–Ito palette (safe
for colour-blind readers; both have at least 3:1 contrast to white) and differ by more than
colour: the previous period is hatched, and every bar carries its value as text
(#1b1b1b on white, far above 4.5:1).
"""

import html
import math

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

# Okabe–Ito blue and vermillion.
COLOURS = ("#0072B2", "#D55E00")
TEXT = "#1b1b1b"
GRID = "#767676"
WIDTH = 640
FONT = 'font-family="inherit" font-size="12"'


def _svg_html(template: str, *args) -> SafeString:
    """format_html with numbers written as SVG wants them (point, one decimal).

    Escapes exactly as format_html does (safe values as they are, the rest with
    html.escape), without its lazy-string wrappers: a page draws some 500 pieces, and
    format_html took a third of the time to render a first visit's charts."""
    return mark_safe(template.format(*(_svg_value(a) for a in args)))


def _svg_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _number(value) -> str:
    if value is None:
        return "–"
    return number_format(
        value, decimal_pos=1 if isinstance(value, float) else 0, force_grouping=True
    )


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _defs(chart_id: str) -> SafeString:
    """The hatch that marks the second series (the previous period)."""
    return _svg_html(
        '<defs><pattern id="{}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="{}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>',
        chart_id,
        COLOURS[1],
    )


def _fill(chart_id: str, series: int) -> str:
    return COLOURS[0] if series == 0 else f"url(#{chart_id}-hatch)"


def _legend(chart_id: str, names: list[str], y: int) -> SafeString:
    parts, x = [], 8
    for i, name in enumerate(names):
        parts.append(
            _svg_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}" stroke="{}"/>'
                '<text x="{}" y="{}" fill="{}" {}>{}</text>',
                x,
                y,
                _fill(chart_id, i),
                TEXT,
                x + 20,
                y + 12,
                TEXT,
                mark_safe(FONT),
                name,
            )
        )
        x += 40 + 8 * len(name)
    return mark_safe("".join(parts))


def _svg(chart_id: str, title: str, height: int, body: SafeString) -> SafeString:
    return _svg_html(
        '<svg class="dash-chart" role="img" aria-labelledby="{}-title" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title>{}{}</svg>',
        chart_id,
        WIDTH,
        height,
        chart_id,
        title,
        _defs(chart_id),
        body,
    )


def bar_chart(figure: dict, chart_id: str) -> SafeString:
    """Horizontal bars: one group per row, one bar per number column (at most two)."""
    rows = figure["rows"]
    names = figure["columns"][1:3]
    series = len(names)
    label_width, right = 230, 70
    bar, gap = 14, 4
    group = series * (bar + gap) + 10
    top = 8
    values = [row[1 + i] or 0 for row in rows for i in range(series)]
    peak = max(values, default=0) or 1
    scale = (WIDTH - label_width - right) / peak
    parts = []
    for r, row in enumerate(rows):
        y = top + r * group
        parts.append(
            _svg_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}" {}>{}</text>',
                label_width - 8,
                y + series * (bar + gap) / 2 + 4,
                TEXT,
                mark_safe(FONT),
                _short(str(row[0]), 34),
            )
        )
        for i in range(series):
            value = row[1 + i] or 0
            length = max(value * scale, 1 if value else 0)
            by = y + i * (bar + gap)
            parts.append(
                _svg_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}" fill="{}" {}>{}</text>',
                    label_width,
                    by,
                    length,
                    bar,
                    _fill(chart_id, i),
                    label_width + length + 6,
                    by + bar - 3,
                    TEXT,
                    mark_safe(FONT),
                    _number(row[1 + i]),
                )
            )
    axis_bottom = top + len(rows) * group
    parts.append(
        _svg_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            label_width,
            top - 4,
            label_width,
            axis_bottom,
            GRID,
        )
    )
    parts.append(_legend(chart_id, names, axis_bottom + 10))
    body = mark_safe("".join(parts))
    return _svg(chart_id, figure["title"], axis_bottom + 34, body)


def column_chart(figure: dict, chart_id: str) -> SafeString:
    """Columns per month: one group per row, one column per number column (at most two)."""
    rows = figure["rows"]
    names = figure["columns"][1:3]
    series = len(names)
    left, top, plot_height = 56, 10, 180
    plot_width = WIDTH - left - 10
    slot = plot_width / max(len(rows), 1)
    column = max(min((slot - 6) / series, 28), 2)
    values = [row[1 + i] or 0 for row in rows for i in range(series)]
    peak = max(values, default=0) or 1
    baseline = top + plot_height
    # Value labels only where they fit; the table always has them.
    show_values = slot >= 16 * series + 8
    every = math.ceil(len(rows) / 12) if rows else 1
    parts = [
        _svg_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
            '<text x="{}" y="{}" text-anchor="end" fill="{}" {}>{}</text>'
            '<text x="{}" y="{}" text-anchor="end" fill="{}" {}>0</text>',
            left,
            baseline,
            WIDTH - 10,
            baseline,
            GRID,
            left - 6,
            top + 10,
            TEXT,
            mark_safe(FONT),
            _number(peak),
            left - 6,
            baseline,
            TEXT,
            mark_safe(FONT),
        )
    ]
    for r, row in enumerate(rows):
        x0 = left + r * slot + (slot - column * series) / 2
        for i in range(series):
            value = row[1 + i] or 0
            height = value / peak * (plot_height - 16)
            x = x0 + i * column
            parts.append(
                _svg_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    x,
                    baseline - height,
                    max(column - 1, 1),
                    height,
                    _fill(chart_id, i),
                )
            )
            if show_values:
                parts.append(
                    _svg_html(
                        '<text x="{}" y="{}" text-anchor="middle" fill="{}" '
                        'font-family="inherit" font-size="10">{}</text>',
                        x + column / 2,
                        baseline - height - 3,
                        TEXT,
                        _number(row[1 + i]),
                    )
                )
        if r % every == 0:
            label = str(row[0])
            words = label.split()
            short = f"{words[0][:3]} {words[-1][-2:]}" if len(words) == 2 else _short(label, 8)
            parts.append(
                _svg_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}" {}>{}</text>',
                    left + r * slot + slot / 2,
                    baseline + 16,
                    TEXT,
                    mark_safe(FONT),
                    short,
                )
            )
    parts.append(_legend(chart_id, names, baseline + 28))
    body = mark_safe("".join(parts))
    return _svg(chart_id, figure["title"], baseline + 52, body)


def chart_for(figure: dict, chart_id: str) -> SafeString | None:
    """The chart of `figure`, or None when it has none or nothing to show."""
    if not figure["rows"] or not any(
        isinstance(v, (int, float)) and v for row in figure["rows"] for v in row[1:]
    ):
        return None
    if figure["chart"] == "bars":
        return bar_chart(figure, chart_id)
    if figure["chart"] == "columns":
        return column_chart(figure, chart_id)
    return None
