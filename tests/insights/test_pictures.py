"""The charts' pictures as people read them: whole numbers on a chart of counts, every name of
the legend inside the picture, and a line's first and last labels not cut by its edges."""

import re
from xml.etree import ElementTree

import pytest

from insights.charts import NARROW, WIDE, Chart, Series, chart_svg

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = [f"Week of {day}" for day in ("9 Nov", "16 Nov", "23 Nov", "30 Nov", "7 Dec")]
AREAS = ["Code", "Conferences and events", "User groups", "Infrastructure", "No area given"]


def picture(chart: Chart, narrow: bool = False) -> ElementTree.Element:
    return ElementTree.fromstring(chart_svg(chart, narrow=narrow))  # noqa: S314 (our own SVG)


def value_ticks(tree: ElementTree.Element, kind: str) -> list[str]:
    """The labels of the axis the values are read on (across, for a horizontal chart)."""
    name = "x" if kind.startswith("h") else "y"
    axis = next(g for g in tree.iter(f"{SVG}g") if name in (g.get("class") or "").split())
    return [text.text or "" for text in axis.iter(f"{SVG}text")]


def translate(element: ElementTree.Element) -> tuple[float, float]:
    found = re.match(r"translate\(([-\d.]+),\s*([-\d.]+)\)", element.get("transform", ""))
    assert found, element.get("transform")
    x, y = found.groups()
    return float(x), float(y)


@pytest.mark.parametrize("kind", ["bar", "stacked", "line", "hbar"])
def test_a_chart_of_counts_is_ticked_in_whole_numbers(kind):
    chart = Chart(
        key="joins",
        title="People joining and leaving the pool per week",
        summary="",
        labels=WEEKS,
        series=[Series("Joined", [0, 1, 2, 2, 1]), Series("Left", [0, 0, 0, 1, 0])],
        kind=kind,
    )

    ticks = value_ticks(picture(chart), kind)

    assert ticks and all(re.fullmatch(r"\d+", tick) for tick in ticks), ticks
    assert ticks[0] == "0" and int(ticks[-1]) >= (3 if kind == "stacked" else 2)


def test_a_chart_of_amounts_keeps_its_own_ticks():
    chart = Chart(
        key="days",
        title="Decision time",
        summary="",
        labels=["A", "B"],
        series=[Series("Days", [0.5, 1.5])],
    )

    assert any("." in tick for tick in value_ticks(picture(chart), "bar"))


@pytest.mark.parametrize(("kind", "names"), [("stacked", AREAS), ("hbar", AREAS[:3])])
@pytest.mark.parametrize("narrow", [False, True])
def test_every_name_of_the_legend_is_inside_the_picture(kind, names, narrow):
    chart = Chart(
        key="received",
        title="Help requests received per week, by area",
        summary="",
        labels=WEEKS,
        series=[Series(name, [0, 0, 0, 0, n + 1]) for n, name in enumerate(names)],
        kind=kind,
    )
    tree = picture(chart, narrow)
    height = (NARROW if narrow else WIDE)[1]

    legends = next(g for g in tree.iter(f"{SVG}g") if g.get("class") == "legends")
    _, top = translate(legends)
    boxes = [
        float(rect.get("y")) + float(rect.get("height")) for rect in legends.iter(f"{SVG}rect")
    ]

    assert len(boxes) == len(names)
    assert top + max(boxes) <= height


def test_a_lines_first_and_last_labels_are_inside_the_picture():
    chart = Chart(
        key="members",
        title="Members of the volunteer pool at the end of each week",
        summary="",
        labels=WEEKS,
        series=[Series("Members", [0, 1, 3, 5, 6])],
        kind="line",
    )
    tree = picture(chart)
    plot = next(g for g in tree.iter(f"{SVG}g") if g.get("class") == "plot")
    left, _ = translate(plot)
    axis = next(g for g in tree.iter(f"{SVG}g") if "x" in (g.get("class") or "").split())
    centres = [float(text.get("x")) + left for text in axis.iter(f"{SVG}text")]

    half_a_label = 13 * 0.6 * len(max(WEEKS, key=len)) / 2  # 13 px type, about 0.6 em a letter
    assert min(centres) - half_a_label >= 0
    assert max(centres) + half_a_label <= WIDE[0]
