"""Charts of the staff dashboard drawn on the server by pygal, served as SVG images (image/svg+xml).

Why images: pygal's SVG carries an inline <style> (and a small inline <script> with its config), which
the site's strict CSP would refuse inside the page. Served on their own URL, each chart has a policy of
its own that allows inline styles and nothing else (`CHART_CSP`); embedded with <img>, an SVG runs no
script at all, and the page's policy (img-src 'self') stays as it is. The inline script is dropped too.
"""

import re

import pygal
from csp.constants import NONE, UNSAFE_INLINE
from pygal.style import Style

# The chart's own policy: its inline <style>, nothing else (no script, no fetch, no font).
CHART_CSP = {"default-src": [NONE], "style-src": [UNSAFE_INLINE], "frame-ancestors": [NONE]}

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2330",
    foreground_strong="#1d2330",
    foreground_subtle="#5b6475",
    opacity=".9",
    opacity_hover="1",
    colors=("#0b6e4f", "#1a56db", "#b45309", "#7c3aed"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
    tooltip_font_size=13,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _options(series: list[int]) -> dict:
    return {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "no_prefix": True,
        "width": 800,
        "show_legend": len(series) > 1,
        "legend_at_bottom": True,
        "truncate_label": 28,
        "margin": 12,
    }


def bars(rows: list[list], series: list[int]) -> pygal.Graph:
    """Horizontal bars, one group per row (its first cell the label), one bar per series column."""
    height = max(180, 70 + 24 * len(rows) * len(series) + (40 if len(series) > 1 else 0))
    return pygal.HorizontalBar(height=height, **_options(series))


def lines(rows: list[list], series: list[int]) -> pygal.Graph:
    """One line per series column over the rows (the first cell of each the x label: a week)."""
    return pygal.Line(
        height=340,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(rows) // 6),
        x_label_rotation=0,
        dots_size=3,
        **_options(series),
    )


# Which columns of each dashboard table are drawn, and how.
DRAWN = {
    "funnel": (bars, [1]),
    "statuses": (bars, [1]),
    "median_days": (bars, [1]),
    "launched": (bars, [1, 2]),
    "weekly": (lines, [1, 2, 3, 4]),
    "categories": (bars, [1, 2, 3]),
    "contributors": (bars, [1]),
    "channels": (bars, [1, 2, 3]),
    "shared_ideas": (bars, [1, 2, 3]),
}


def chart_svg(name: str, columns: list[str], rows: list[list]) -> str:
    """The chart of a dashboard table as an SVG document, without pygal's inline script (the page's
    heading names it, so it has no title of its own)."""
    draw, series = DRAWN[name]
    chart = draw(rows, series)
    # pygal draws a horizontal chart's first label at the bottom: reversed, the table's order reads down.
    ordered = list(reversed(rows)) if draw is bars else rows
    chart.x_labels = [str(row[0]) for row in ordered]
    for column in series:
        chart.add(columns[column], [_number(row[column]) for row in ordered])
    return _SCRIPT.sub("", chart.render(is_unicode=True))
