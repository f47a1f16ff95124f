"""A chart as the dashboard shows it: a title, a sentence, a table of its numbers, a CSV file and
an SVG picture drawn on the server by pygal (no JavaScript in it, colours from static/css)."""

import csv
import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pygal
from pygal.style import Style

from common.spreadsheet import csv_cell

# The site's palette (static/css/site.css, funding.css): PSF blue first, then colours that stay
# apart from it and from each other.
PALETTE = ("#2b5b84", "#ffd343", "#146c43", "#b02a37", "#6c757d", "#1e415e", "#b58105", "#a9c0d6")
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#1e415e",
    foreground_subtle="#6c757d",
    colors=PALETTE,
    font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=18,
    value_font_size=13,
    opacity="1",
    opacity_hover="1",
    transition="0s",
    no_data_font_size=20,
)

WIDE, NARROW = (800, 420), (400, 480)  # the picture's size, for the page and for a phone

KINDS: dict[str, Callable[..., Any]] = {
    "bar": pygal.Bar,
    "stacked": pygal.StackedBar,
    "hbar": pygal.HorizontalBar,
    "hstacked": pygal.HorizontalStackedBar,
    "line": pygal.Line,
}


@dataclass
class Series:
    name: str
    values: Sequence[float | int | None]


@dataclass
class Chart:
    """One chart's numbers. `labels` name the columns of the picture (weeks, buckets, roles);
    each series is one colour. `rows` are extra table rows when the table says more than the
    picture (amounts in a round's own currency)."""

    key: str
    title: str
    summary: str
    labels: list[str]
    series: list[Series]
    kind: str = "bar"
    label_heading: str = ""
    note: str = ""  # what the figures do not include, said plainly
    unit: str = ""
    table_headings: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.values)

    def table(self) -> tuple[list[str], list[list[str]]]:
        """The headings and rows of the data table (and the CSV)."""
        if self.rows:
            return self.table_headings, self.rows
        headings = [self.label_heading or "", *(s.name for s in self.series)]
        rows = [
            [label, *(_number(s.values[i]) for s in self.series)]
            for i, label in enumerate(self.labels)
        ]
        return headings, rows


def _number(value: Decimal | float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float | Decimal):
        return f"{value:.1f}".removesuffix(".0")
    return str(value)


def _clean(tree: ElementTree.Element) -> ElementTree.Element:
    """Take out pygal's <script> (it always writes one, with its settings for tooltips) and the
    tooltip group, which only a script shows: the picture is still, and the CSP stays strict."""
    for parent in list(tree.iter()):
        for child in list(parent):
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "script" or "tooltip" in (child.get("class") or "").split():
                parent.remove(child)
            else:
                child.attrib.pop("style", None)
    return tree


def _shorten(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _whole_number_ticks(chart: Chart, most: int = 8) -> list[int] | None:
    """Ticks for a chart of counts: whole numbers (nobody counts 0.2 of a person), at most
    `most` steps, from 0 past the highest column (the sum of a stacked one). None for amounts
    and days (floats, decimals), which pygal ticks itself."""
    values = [v for s in chart.series for v in s.values if v is not None]
    if any(not isinstance(v, int) for v in values):
        return None
    if chart.kind in ("stacked", "hstacked"):
        columns = zip(*(s.values for s in chart.series), strict=True)
        top = max((sum(v or 0 for v in column) for column in columns), default=0)
    else:
        top = max(values, default=0)
    for scale in itertools.count():  # steps of 1, 2, 5, 10, 20, 50 ...
        step = (1, 2, 5)[scale % 3] * 10 ** (scale // 3)
        if top <= most * step:
            break
    last = max(1, -(-top // step)) * step  # the first tick at or above the top
    return list(range(0, last + 1, step))


def chart_svg(chart: Chart, *, nonce: str = "", narrow: bool = False) -> str:
    """The chart as an SVG document; its one <style> element carries `nonce`. `narrow` draws it
    for a phone (about 400 px wide), so its words stay as large as the page's."""
    columns = 1 if narrow else min(2, max(1, len(chart.series)))
    # A phone's horizontal chart: its names are shortened (the table below has them whole), so
    # the bars and the legend, which starts where the bars do, keep room; and fewer ticks.
    across = narrow and chart.kind.startswith("h")
    labels = [_shorten(label, 16) for label in chart.labels] if across else chart.labels
    # pygal leaves room for len // columns rows of legend below the plot, where it draws them
    # all: a last row that is not full (the fifth of five names in two columns) fell off the
    # picture's bottom edge. Room for that row is added (a row is 1.5 times the words' height).
    short_row = len(chart.series) > 1 and len(chart.series) % columns != 0
    draw = KINDS[chart.kind](
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        width=NARROW[0] if narrow else WIDE[0],
        height=NARROW[1] if narrow else WIDE[1],
        legend_at_bottom=True,
        # Two columns of at most 30 characters fit 800 px at 14 px type; four overlapped.
        legend_at_bottom_columns=columns,
        show_legend=len(chart.series) > 1,
        x_label_rotation=(60 if narrow else 30) if len(chart.labels) > (3 if narrow else 8) else 0,
        truncate_label=18 if narrow else 24,
        truncate_legend=30,
        print_values=False,
        show_minor_x_labels=len(chart.labels) <= 14,
        x_labels_major_every=max(1, len(chart.labels) // 8) if len(chart.labels) > 14 else None,
        no_data_text="No data in this period",
        margin=16,
        margin_bottom=16 + (1.5 * STYLE.legend_font_size if short_row else 0),
        # A line's first and last points sit on the plot's edges, and their labels are centred
        # on them: room for half a label on each side.
        margin_left=16 if chart.kind != "line" or narrow else 56,
        margin_right=16 if chart.kind != "line" else (40 if narrow else 56),
    )
    draw.add_xml_filter(_clean)
    draw.title = chart.title
    draw.x_labels = labels
    ticks = _whole_number_ticks(chart, most=4 if across else 8)
    if ticks:
        draw.range = (0, ticks[-1])
        draw.y_labels = ticks
    for series in chart.series:
        draw.add(series.name, series.values)
    svg = draw.render(is_unicode=True)
    if nonce:
        svg = svg.replace('<style type="text/css">', f'<style type="text/css" nonce="{nonce}">', 1)
    return svg


def chart_csv(chart: Chart, period_label: str) -> str:
    """The table as CSV; every text cell is defused (a role's title or a round's name is
    staff's text: common.spreadsheet)."""
    headings, rows = chart.table()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in headings])
    for row in rows:
        writer.writerow([csv_cell(str(cell)) for cell in row])
    return out.getvalue()


def share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def compare(
    now: Decimal | float | int | None,
    before: Decimal | float | int | None,
    unit: str = "",
    at: str = "in the period before",
    shown: str | None = None,
) -> str:
    """ ", up from 71% in the period before" and the like."""
    if now is None or before is None:
        return f", nothing to compare with {at}"
    if now == before:
        return f", the same as {at}"
    word = "up" if now > before else "down"
    return f", {word} from {shown or _number(before)}{unit} {at}"


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def half(count: int) -> str:
    """ "half of them " before a median of several; nothing before a single value."""
    return "half of them " if count > 1 else ""


def within(days: float) -> str:
    """ "the same day", "1 day", "4.5 days"."""
    if days == 0:
        return "the same day"
    return f"within {days:g} day{'' if days == 1 else 's'}"


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2
