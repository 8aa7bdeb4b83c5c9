"""The opinion map SVG: well-formed, accessible, scaled, readable without colour."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from participai.participation.opinion_map import (
    GROUP_COLOURS,
    HEIGHT,
    MARGIN,
    WIDTH,
    MapCircle,
    MapGroup,
    group_letter,
    render_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def circles_of(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{SVG}circle")


def test_title_description_and_role():
    root = parse(
        render_svg(
            [MapCircle(1, 1, 3, 0)],
            [MapGroup(1, 1, 3)],
            title="Opinion map <of> “things”",
            description="2 groups & more",
            id_prefix="m 1",
        )
    )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m-1-title m-1-desc"
    assert root.find(f"{SVG}title").text == "Opinion map <of> “things”"
    assert root.find(f"{SVG}desc").text == "2 groups & more"


def test_every_circle_lies_in_the_frame_and_area_follows_people():
    circles = [
        MapCircle(-3.0, 2.0, 40, 0),
        MapCircle(4.0, -1.0, 10, 1),
        MapCircle(0.5, 0.2, 1, 1),
    ]
    groups = [MapGroup(-3.0, 2.0, 40), MapGroup(3.0, -0.8, 11)]
    root = parse(render_svg(circles, groups, title="t", description="d"))
    drawn = circles_of(root)
    assert len(drawn) == len(circles) + len(groups)
    for circle in drawn:
        x, y, r = (float(circle.get(a)) for a in ("cx", "cy", "r"))
        assert x - r >= MARGIN / 2 and x + r <= WIDTH - MARGIN / 2
        assert y - r >= MARGIN / 2 and y + r <= HEIGHT - MARGIN / 2
    radii = {float(c.get("r")) for c in drawn[: len(circles)]}
    # Biggest first; a quarter of the people is half the radius.
    big, middle = sorted(radii, reverse=True)[:2]
    assert middle == pytest.approx(big / 2, abs=0.01)


def test_up_on_the_map_is_up_in_the_picture():
    root = parse(
        render_svg(
            [MapCircle(0.0, 5.0, 1, 0), MapCircle(0.0, -5.0, 1, 1)], [], title="t", description="d"
        )
    )
    by_colour = {c.get("fill"): float(c.get("cy")) for c in circles_of(root)}
    assert by_colour[GROUP_COLOURS[0]] < by_colour[GROUP_COLOURS[1]]


def test_groups_are_lettered_as_well_as_coloured():
    groups = [MapGroup(-1, 0, 5), MapGroup(1, 0, 5), MapGroup(0, 2, 5)]
    root = parse(render_svg([], groups, title="t", description="d"))
    assert [t.text for t in root.findall(f"{SVG}text")] == ["A", "B", "C"]
    fills = [c.get("fill") for c in circles_of(root)]
    assert fills == list(GROUP_COLOURS[:3])


def test_an_empty_map_is_a_frame_with_its_title():
    root = parse(render_svg([], [], title="Nobody yet", description="No votes."))
    assert circles_of(root) == []
    assert root.find(f"{SVG}title").text == "Nobody yet"


def test_one_point_does_not_divide_by_zero():
    root = parse(render_svg([MapCircle(0, 0, 1, 0)], [], title="t", description="d"))
    [circle] = circles_of(root)
    assert (float(circle.get("cx")), float(circle.get("cy"))) == (WIDTH / 2, HEIGHT / 2)


def test_letters():
    assert [group_letter(n) for n in range(5)] == list("ABCDE")
    with pytest.raises(ValueError):
        group_letter(5)


def test_the_map_imports_no_django():
    code = (
        "import sys, participai.participation.opinion_map; "
        "assert not [m for m in sys.modules if m.startswith('django')], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
