"""The pure actor-map engine: grid layout, SVG pictures, gaps and suggestions."""

from __future__ import annotations

import itertools
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from participai.core.vocabulary import ACTOR_KINDS, DEPTHS, STAGE_KEYS
from participai.engagement import actormap
from participai.engagement.actormap import (
    CoverageText,
    Gap,
    GridText,
    MapActor,
    coverage_rows,
    find_gaps,
    grid_layout,
    quadrant,
    render_coverage_svg,
    render_grid_svg,
    stage_counts,
    suggestions,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(\"x\")</script> & Sons 'Ltd'"

_keys = itertools.count(1)


def actor(
    name: str = "Someone",
    kind: str = "civil_society",
    *,
    sector: str = "civil_society",
    affected: bool = False,
    influence: int = 3,
    interest: int = 3,
    **involvements: str,
) -> MapActor:
    return MapActor(
        key=str(next(_keys)),
        name=name,
        kind=kind,
        sector=sector,
        is_affected=affected,
        influence=influence,
        interest=interest,
        involvements=involvements,
    )


def gap_keys(gaps: list[Gap]) -> list[tuple[str, str | None]]:
    return [(g.key, g.stage) for g in gaps]


def a_healthy_map() -> list[MapActor]:
    """A map with no gap at all (impact level IV)."""
    return [
        actor("Officer", "procurement_officer", sector="public_administration", influence=5,
              interest=5, problem_definition="empower", vendor_evaluation="empower"),
        actor("Residents", "affected_community", sector="general_public", affected=True,
              influence=1, interest=5, problem_definition="collaborate",
              vendor_evaluation="involve", solution_evaluation="consult"),
        actor("Expert", "independent_expert", sector="academia", influence=2, interest=3,
              solicitation_preparation="involve", vendor_evaluation="involve"),
        actor("Ombudsman", "oversight_body", sector="public_administration", influence=4,
              interest=3, contract_monitoring="involve", review="consult"),
        actor("Union", "frontline_worker", sector="civil_society", affected=True, influence=2,
              interest=4, engagement_planning="consult", contract_monitoring="consult"),
        actor("Lawyer", "legal_officer", sector="public_administration", influence=4,
              interest=3, contract_negotiation="collaborate", solicitation_preparation="involve"),
    ]  # fmt: skip


def test_the_engine_imports_no_django():
    code = (
        "import sys; import participai.engagement.actormap as a; "
        "a.render_grid_svg(a.grid_layout([])); a.render_coverage_svg([]); a.find_gaps([]); "
        "a.suggestions([]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    src = str(Path(actormap.__file__).resolve().parents[3])
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src},
    )
    assert out.stdout.strip() == "[]"


# -- input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "mayor"},
        {"sector": "church"},
        {"influence": 0},
        {"interest": 6},
        {"influence": True},
        {"involvements": {"lunch": "inform"}},
        {"involvements": {"review": "shout"}},
    ],
)
def test_map_actor_rejects_values_outside_the_vocabulary(changes):
    values = dict(
        key="1",
        name="A",
        kind="academia",
        sector="academia",
        is_affected=False,
        influence=3,
        interest=3,
        involvements={},
    )
    values.update(changes)
    with pytest.raises(ValueError):
        MapActor(**values)


def test_map_actor_involvements_cannot_be_changed_afterwards():
    a = actor(review="consult")
    with pytest.raises(TypeError):
        a.involvements["review"] = "empower"  # type: ignore[index]


def test_takes_part_counts_consult_and_deeper_by_default():
    a = actor(problem_definition="inform", review="consult")
    assert not a.takes_part("problem_definition")
    assert a.takes_part("review")
    assert a.takes_part("problem_definition", "inform")
    assert not a.takes_part("review", "involve")
    assert not a.takes_part("market_engagement", "inform")


# -- grid ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("influence", "interest", "expected"),
    [
        (5, 5, "manage_closely"),
        (3, 3, "manage_closely"),
        (5, 1, "keep_satisfied"),
        (3, 2, "keep_satisfied"),
        (2, 5, "keep_informed"),
        (1, 3, "keep_informed"),
        (2, 2, "monitor"),
        (1, 1, "monitor"),
    ],
)
def test_quadrants_split_the_scale_at_three(influence, interest, expected):
    assert quadrant(influence, interest) == expected


@pytest.mark.parametrize("crowd", [1, 2, 3, 4, 5, 7, 10, 26])
def test_actors_with_the_same_scores_never_overlap_and_stay_in_their_cell(crowd):
    actors = [actor(f"A{i}", influence=2, interest=4) for i in range(crowd)]
    actors.append(actor("Alone", influence=5, interest=1))
    layout = grid_layout(actors)
    positions = [p.position for p in layout.points]
    assert len(set(positions)) == len(positions)
    for point in layout.points:
        assert abs(point.dx) < 0.5 and abs(point.dy) < 0.5
        x, y = point.position
        assert round(x) == point.actor.interest and round(y) == point.actor.influence
    assert [p.number for p in layout.points] == list(range(1, crowd + 2))
    alone = layout.points[-1]
    assert (alone.dx, alone.dy, alone.crowd) == (0, 0, 1)
    assert layout.points[0].crowd == crowd
    assert [p.actor.name for p in layout.in_quadrant("keep_satisfied")] == ["Alone"]


def test_crowded_points_keep_a_minimum_distance():
    layout = grid_layout([actor(f"A{i}", influence=4, interest=4) for i in range(9)])
    distances = [
        abs(complex(*a.position) - complex(*b.position))
        for a, b in itertools.combinations(layout.points, 2)
    ]
    assert min(distances) > 0.2  # of a cell: the 3x3 sub-grid spreads over 80 % of it


# -- SVG -----------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def all_text(root: ET.Element) -> str:
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


def test_grid_svg_is_well_formed_and_labelled():
    actors = a_healthy_map()
    svg = render_grid_svg(grid_layout(actors), text=GridText(intro="Six actors."))
    root = parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Power-interest grid"
    assert desc is not None and desc.text.startswith("Six actors.")
    assert "Manage closely: 1. Officer, 4. Ombudsman, 6. Lawyer." in desc.text
    assert "Keep informed: 2. Residents, 3. Expert, 5. Union." in desc.text
    assert "Monitor: none." in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    text = all_text(root)
    for label in ("Manage closely", "Keep satisfied", "Keep informed", "Monitor"):
        assert label in text
    assert "1. Officer" in text and "6. Lawyer" in text
    # Affected actors are squares, the others circles: a marker for each.
    points = root.findall(f".//{SVG}g[@class='actor-point']")
    shapes = [p[0].tag.removeprefix(SVG) for p in points]
    assert shapes == ["circle", "rect", "circle", "circle", "rect", "circle"]


def test_grid_svg_uses_the_words_it_is_given():
    text = GridText(
        title="Cuadrícula",
        quadrants={
            "manage_closely": "Gestionar de cerca",
            "keep_satisfied": "Mantener satisfechos",
            "keep_informed": "Mantener informados",
            "monitor": "Observar",
        },
        none="ninguno",
    )
    root = parse(render_grid_svg(grid_layout([actor("Uno", influence=1, interest=1)]), text=text))
    assert root.find(f"{SVG}title").text == "Cuadrícula"
    assert "Gestionar de cerca: ninguno." in root.find(f"{SVG}desc").text
    assert "Observar" in all_text(root)


def test_coverage_svg_marks_every_depth_in_shade_and_text():
    actors = [actor("Everywhere", **dict(zip(STAGE_KEYS, DEPTHS * 2, strict=True)))]
    actors.append(actor("Nowhere"))
    root = parse(render_coverage_svg(actors, text=CoverageText(intro="Two actors.")))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Who takes part at each stage"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("Two actors.")
    assert "Problem definition: Everywhere (Inform)." in desc
    assert "Review: Everywhere (Empower)." in desc
    cells = root.findall(f".//{SVG}rect[@class]")
    assert [c.get("class") for c in cells] == [f"depth-{d}" for d in DEPTHS * 2]
    fills = {c.get("class"): c.get("fill") for c in cells}
    assert len(set(fills.values())) == len(DEPTHS)  # one shade per depth
    # Each shaded cell is followed by its mark, the rung on the ladder.
    marks = [el.text for el in root.iter(f"{SVG}text") if el.text in {"1", "2", "3", "4", "5"}]
    assert marks[-15:] == ["1", "2", "3", "4", "5"] * 2 + ["1", "2", "3", "4", "5"]


def test_coverage_of_an_empty_map_says_nobody():
    root = parse(render_coverage_svg([]))
    assert "Problem definition: nobody." in root.find(f"{SVG}desc").text
    assert "nobody" in all_text(root)


@pytest.mark.parametrize("render", ["grid", "coverage"])
def test_svg_escapes_hostile_names(render):
    actors = [
        actor(HOSTILE, problem_definition="consult"),
        actor("Bad\x00\x1fchars\ufffe", review="inform"),
    ]
    svg = render_grid_svg(grid_layout(actors)) if render == "grid" else render_coverage_svg(actors)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)  # still well-formed, control characters dropped
    assert not root.findall(f".//{SVG}script")
    assert HOSTILE in root.find(f"{SVG}desc").text
    assert "Badchars" in root.find(f"{SVG}desc").text


def test_svg_output_is_deterministic():
    def build() -> tuple[str, str]:
        actors = [
            MapActor("1", "B", "academia", "academia", False, 2, 2, {"review": "inform"}),
            MapActor("2", "A", "supplier", "private_sector", False, 2, 2, {}),
        ]
        return render_grid_svg(grid_layout(actors)), render_coverage_svg(actors)

    assert build() == build()


def test_coverage_rows_and_stage_counts():
    actors = [
        actor("A", review="inform", problem_definition="empower"),
        actor("B", review="consult"),
    ]
    rows = coverage_rows(actors)
    assert rows[0].depths[0] == "empower" and rows[0].depths[-1] == "inform"
    assert rows[1].depths[:-1] == (None,) * 9
    counts = stage_counts(actors)
    assert counts[0] == 1 and counts[-1] == 2 and sum(counts) == 3


# -- gaps ----------------------------------------------------------------------------


def test_a_healthy_map_has_no_gap():
    assert find_gaps(a_healthy_map(), impact_level=4) == []


def test_an_empty_map_has_every_gap_but_the_few_voices_ones():
    assert gap_keys(find_gaps([], impact_level=3)) == [
        ("no_affected_at_problem_definition", "problem_definition"),
        ("no_end_user_voice_in_evaluation", "vendor_evaluation"),
        ("no_end_user_voice_in_evaluation", "solution_evaluation"),
        ("no_independent_expert", None),
        ("no_oversight_after_award", "contract_monitoring"),
    ]


def _without(actors: list[MapActor], name: str) -> list[MapActor]:
    return [a for a in actors if a.name != name]


def _replace(actors: list[MapActor], name: str, **changes) -> list[MapActor]:
    result = []
    for a in actors:
        if a.name == name:
            values = {
                "key": a.key,
                "name": a.name,
                "kind": a.kind,
                "sector": a.sector,
                "is_affected": a.is_affected,
                "influence": a.influence,
                "interest": a.interest,
                "involvements": dict(a.involvements),
            }
            values.update(changes)
            a = MapActor(**values)
        result.append(a)
    return result


def test_affected_people_must_take_part_before_the_problem_is_fixed():
    healthy = a_healthy_map()
    depths = {
        "problem_definition": "inform",
        "vendor_evaluation": "involve",
        "solution_evaluation": "consult",
    }
    informed_only = _replace(healthy, "Residents", involvements=depths)
    gaps = find_gaps(informed_only, impact_level=4)
    assert gap_keys(gaps) == [("no_affected_at_problem_definition", "problem_definition")]
    assert gaps[0].params == {"min_depth": "consult"}
    # An actor flagged affected counts whatever its kind.
    union = actor("Union", "frontline_worker", affected=True, problem_definition="consult")
    assert find_gaps([*informed_only, union], impact_level=4) == []


def test_end_user_voice_is_needed_in_each_evaluation_stage():
    healthy = a_healthy_map()
    depths = {"problem_definition": "collaborate", "vendor_evaluation": "involve"}
    no_pilot = _replace(healthy, "Residents", involvements=depths)
    assert gap_keys(find_gaps(no_pilot, impact_level=4)) == [
        ("no_end_user_voice_in_evaluation", "solution_evaluation")
    ]
    for kind in ("end_user_representative", "frontline_worker", "affected_community"):
        voice = actor("Voice", kind, solution_evaluation="consult")
        assert find_gaps([*no_pilot, voice], impact_level=4) == [], kind
    not_a_voice = actor("Academics", "academia", solution_evaluation="empower")
    assert find_gaps([*no_pilot, not_a_voice], impact_level=4) != []


@pytest.mark.parametrize(
    ("level", "expected"), [(None, False), (1, False), (2, False), (3, True), (4, True)]
)
def test_independent_expert_is_expected_from_level_three(level, expected):
    without_expert = _without(a_healthy_map(), "Expert")
    gaps = find_gaps(without_expert, impact_level=level)
    assert (("no_independent_expert", None) in gap_keys(gaps)) is expected
    if expected:
        assert next(g for g in gaps if g.key == "no_independent_expert").params["level"] == level


def test_an_expert_only_informed_does_not_count():
    only_informed = _replace(
        a_healthy_map(), "Expert", involvements={"vendor_evaluation": "inform"}
    )
    assert gap_keys(find_gaps(only_informed, impact_level=3)) == [("no_independent_expert", None)]


def test_oversight_body_must_take_part_after_award():
    healthy = a_healthy_map()
    before_award = _replace(healthy, "Ombudsman", involvements={"vendor_evaluation": "involve"})
    gaps = find_gaps(before_award, impact_level=4)
    assert gap_keys(gaps) == [("no_oversight_after_award", "contract_monitoring")]
    assert gaps[0].params["stages"] == ("contract_monitoring", "review")
    review_only = _replace(healthy, "Ombudsman", involvements={"review": "consult"})
    assert find_gaps(review_only, impact_level=4) == []
    other_kind = _replace(healthy, "Ombudsman", kind="civil_society")
    assert gap_keys(find_gaps(other_kind, impact_level=4)) == [
        ("no_oversight_after_award", "contract_monitoring")
    ]


def test_only_team_voices():
    team = [
        actor("Officer", "procurement_officer", problem_definition="empower"),
        actor("Lawyer", "legal_officer", contract_negotiation="collaborate"),
        actor("Residents", "affected_community", affected=True),  # on the map, not involved
    ]
    gaps = find_gaps(team)
    assert gaps[-1] == Gap("only_team_voices", None, {"names": ("Officer", "Lawyer")})
    with_outsider = [*team, actor("Academics", "academia", review="inform")]
    assert "only_team_voices" not in [g.key for g in find_gaps(with_outsider)]


def test_same_few_voices_everywhere():
    # Two actors hold 8 of 10 involvements over 6 stages: 80 % > 60 %.
    everywhere = dict.fromkeys(STAGE_KEYS[:4], "involve")
    few = [
        actor("Officer", "procurement_officer", **everywhere),
        actor("Residents", "affected_community", affected=True, **everywhere),
        actor("Expert", "independent_expert", review="consult"),
        actor("Ombudsman", "oversight_body", contract_monitoring="consult"),
    ]
    gaps = find_gaps(few)
    assert gaps[-1] == Gap(
        "same_few_voices", None, {"names": ("Officer", "Residents"), "share": 80, "stages": 6}
    )


def test_same_few_voices_thresholds():
    def map_with(top_each: int, others: list[str]) -> list[MapActor]:
        top = dict.fromkeys(STAGE_KEYS[:top_each], "consult")
        rest = [
            actor(f"O{i}", "civil_society", **{stage: "inform"}) for i, stage in enumerate(others)
        ]
        return [actor("A", "academia", **top), actor("B", "academia", **top), *rest]

    def has_gap(actors):
        return "same_few_voices" in [g.key for g in find_gaps(actors)]

    later = list(STAGE_KEYS[3:])
    # Exactly 60 % is not more than 60 %: 6 of 10.
    assert not has_gap(map_with(3, later[:4]))
    # 6 of 9 is 67 %, over 6 stages.
    assert has_gap(map_with(3, later[:3]))
    # 6 of 8 is 75 %, but over three stages only; a fourth makes it a gap.
    assert not has_gap(map_with(3, [STAGE_KEYS[0], STAGE_KEYS[1]]))
    assert has_gap(map_with(3, [STAGE_KEYS[0], STAGE_KEYS[3]]))
    # Many voices spread evenly.
    spread = [actor(f"V{i}", "civil_society", **{STAGE_KEYS[i]: "consult"}) for i in range(10)]
    assert not has_gap(spread)


def test_gap_keys_are_the_documented_ones():
    seen = {g.key for g in find_gaps([], impact_level=4)}
    seen |= {g.key for g in find_gaps([actor("O", "procurement_officer", review="inform")])}
    assert seen <= set(actormap.GAP_KEYS)


# -- suggestions ---------------------------------------------------------------------


def test_every_role_is_suggested_on_an_empty_map():
    found = suggestions([])
    assert [s.kind for s in found] == list(ACTOR_KINDS)
    assert all(s.source == "role" and s.key == f"role:{s.kind}" for s in found)
    supplier = next(s for s in found if s.kind == "supplier")
    assert (supplier.sector, supplier.influence, supplier.interest) == ("private_sector", 3, 4)
    community = next(s for s in found if s.kind == "affected_community")
    assert community.is_affected


def test_roles_on_the_map_are_not_suggested_again_and_names_are_used():
    on_map = [actor("Our officer", "procurement_officer"), actor("Uni", "academia")]
    found = suggestions(on_map, role_names={"supplier": "Supplier", "oversight_body": "Ombuds"})
    kinds = [s.kind for s in found]
    assert "procurement_officer" not in kinds and "academia" not in kinds
    assert len(found) == len(ACTOR_KINDS) - 2
    names = {s.kind: s.name for s in found}
    assert names["supplier"] == "Supplier" and names["oversight_body"] == "Ombuds"
    assert names["legal_officer"] == "legal_officer"  # no name given: the key


def test_affected_groups_are_suggested_from_the_fria_and_the_problem_definition():
    on_map = [actor("Older residents", "affected_community", affected=True)]
    found = suggestions(
        on_map,
        fria_groups=["People applying for housing benefit", "  ", "Carers"],
        affected_people="ÓLDER RESIDENTS; carers\n- Duty social workers and their union.\n",
    )
    groups = [(s.source, s.name) for s in found if s.source != "role"]
    assert groups == [
        ("fria", "People applying for housing benefit"),
        ("fria", "Carers"),
        ("affected_people", "Duty social workers and their union"),
    ]
    for s in found[:3]:
        assert (s.kind, s.sector, s.is_affected) == ("affected_community", "general_public", True)
        assert (s.influence, s.interest) == (1, 5)
    # Keys are stable and distinct.
    again = suggestions(
        on_map,
        fria_groups=["People applying for housing benefit", "Carers"],
        affected_people="carers\nDuty social workers and their union",
    )
    assert [s.key for s in again[:3]] == [s.key for s in found[:3]]
    assert len({s.key for s in found}) == len(found)


def test_a_long_affected_people_line_is_shortened_at_a_word():
    line = "People " + "who wait a long time " * 20
    [found] = [s for s in suggestions([], affected_people=line) if s.source != "role"]
    assert len(found.name) <= actormap.NAME_MAX
    assert found.name.endswith("…") and " wai…" not in found.name
