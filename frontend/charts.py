"""Charts of the staff dashboard as inline SVG, drawn on the server: shapes with classes that the
stylesheet colours, no script, no <style> element and no style attribute, so the strict CSP holds.

pygal, which the issue names, is not among the project's installed packages; these two kinds of chart
(bars and lines) are all the dashboard needs, in a few lines of geometry and one template.
"""

from dataclasses import dataclass, field

WIDTH = 640
ROW = 26  # a bar chart's height per label
LABEL_WIDTH = 200
LINE_HEIGHT = 240
SERIES = 4  # the stylesheet's colours: .series-0 ... .series-3


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Line:
    series: int
    points: str
    name: str


@dataclass
class Chart:
    kind: str  # "bars" or "lines"
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    legend: list[tuple[int, str]] = field(default_factory=list)
    grid: list[Label] = field(default_factory=list)


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _nice_max(top: float) -> float:
    """The axis' end: 1, 2 or 5 times a power of ten, at least the largest value."""
    if top <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= top:
        step *= 10
    for factor in (1, 2, 5, 10):
        if factor * step >= top:
            return factor * step
    return top


def bars(columns: list[str], rows: list[list], series: list[int]) -> Chart:
    """Horizontal bars, one group per row (its first cell the label), one bar per series column."""
    group = ROW * len(series) + 8
    height = max(1, len(rows)) * group + 24
    top = _nice_max(max((_number(row[c]) for row in rows for c in series), default=0))
    span = WIDTH - LABEL_WIDTH - 50
    chart = Chart("bars", WIDTH, height, legend=[(i % SERIES, columns[c]) for i, c in enumerate(series)])
    for r, row in enumerate(rows):
        y0 = r * group + 4
        chart.labels.append(Label(LABEL_WIDTH - 8, y0 + group / 2, str(row[0])[:32], "end"))
        for i, c in enumerate(series):
            value = _number(row[c])
            width = span * value / top
            y = y0 + i * ROW
            title = f"{row[0]}: {columns[c]} {row[c]}"
            chart.bars.append(Bar(LABEL_WIDTH, y, max(width, 1), ROW - 6, i % SERIES, title))
            chart.labels.append(Label(LABEL_WIDTH + width + 6, y + ROW / 2, str(row[c])))
    for k in range(5):
        chart.grid.append(Label(LABEL_WIDTH + span * k / 4, height - 6, f"{top * k / 4:g}", "middle"))
    return chart


def lines(columns: list[str], rows: list[list], series: list[int]) -> Chart:
    """One line per series column over the rows (the first cell of each the x label: a week)."""
    left, right, bottom, top_margin = 50, 20, 40, 10
    chart = Chart("lines", WIDTH, LINE_HEIGHT, legend=[(i % SERIES, columns[c]) for i, c in enumerate(series)])
    top = _nice_max(max((_number(row[c]) for row in rows for c in series), default=0))
    plot_w, plot_h = WIDTH - left - right, LINE_HEIGHT - bottom - top_margin
    step = plot_w / max(1, len(rows) - 1)

    def y_of(value: float) -> float:
        return top_margin + plot_h * (1 - value / top)

    for i, c in enumerate(series):
        points = " ".join(f"{left + r * step:.1f},{y_of(_number(row[c])):.1f}" for r, row in enumerate(rows))
        if len(rows) == 1:
            points += f" {left + plot_w:.1f},{y_of(_number(rows[0][c])):.1f}"
        chart.lines.append(Line(i % SERIES, points, columns[c]))
    every = max(1, len(rows) // 6)
    for r, row in enumerate(rows):
        if r % every == 0:
            chart.labels.append(Label(left + r * step, LINE_HEIGHT - bottom + 16, str(row[0])[5:], "middle"))
    for k in range(5):
        chart.grid.append(Label(left - 6, y_of(top * k / 4), f"{top * k / 4:g}", "end"))
    return chart


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


def chart_of(name: str, columns: list[str], rows: list[list]) -> Chart | None:
    """The chart of a dashboard table, or None when it has no rows to draw."""
    if not rows or name not in DRAWN:
        return None
    draw, series = DRAWN[name]
    return draw(columns, rows, series)
