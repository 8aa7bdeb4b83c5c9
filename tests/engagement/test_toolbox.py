"""The toolbox of participation mechanisms (DOMAIN.md section 7): the shipped catalogue,
its coverage of stages and democratic functions, the filters, and the validation that
rejects a broken catalogue with the JSON path of every fault."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from participai.engagement import toolbox
from participai.engagement.toolbox import (
    COSTS,
    DECISION_STAGES,
    DEPTHS,
    FUNCTIONS,
    INSTITUTIONALISATION,
    LANGUAGES,
    PLATFORM_MODULES,
    STAGE_KEYS,
    Catalogue,
    CatalogueError,
    Mechanism,
    load_catalogue,
    parse_catalogue,
)
from participai.procurements import lifecycle

# Every mechanism DOMAIN.md section 7 names, by its key in the catalogue.
DOMAIN_MECHANISMS = [
    "public_notice",  # public notice and explanation
    "open_data_publication",
    "open_consultation",  # open consultation with comments
    "survey",
    "opinion_mapping",  # Pol.is-style statements
    "focus_groups",  # with affected communities
    "frontline_staff_interviews",
    "citizens_jury",  # citizens' jury or assembly selected by sortition
    "co_design_workshop",
    "consequence_scanning_workshop",
    "public_hearing",
    "open_market_dialogue",  # market dialogue open to observers
    "community_evaluation_panel",  # community members on the evaluation panel
    "participatory_kpi_setting",
    "pilot_user_testing",  # user testing of the pilot with service users
    "participatory_audit",
    "complaint_redress_channel",
    "community_advisory_board",  # standing community advisory board
    "oversight_board",  # oversight board with powers to report publicly
    "you_said_we_did",  # published "you said, we did" responses
    "assisted_participation",  # at libraries and civic centres
]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return json.loads(toolbox.DATA_PATH.read_text(encoding="utf-8"))


def keys(mechanisms: list[Mechanism]) -> list[str]:
    return [m.key for m in mechanisms]


# --- The shipped catalogue ----------------------------------------------------------------


def test_catalogue_loads_with_at_least_thirty_mechanisms(catalogue):
    assert len(catalogue) >= 30
    assert len(set(catalogue.keys())) == len(catalogue)
    assert toolbox.default_catalogue() is toolbox.default_catalogue()
    assert toolbox.default_catalogue().keys() == catalogue.keys()


def test_every_domain_mechanism_is_in_the_catalogue(catalogue):
    missing = [key for key in DOMAIN_MECHANISMS if key not in catalogue]
    assert missing == []


def test_every_stage_has_at_least_two_mechanisms(catalogue):
    counts = {stage: len(catalogue.filter(stage=stage)) for stage in STAGE_KEYS}
    assert all(count >= 2 for count in counts.values()), counts


def test_every_value_of_every_scale_is_used(catalogue):
    """Every democratic function is covered, and so is every other classification."""
    assert {f for m in catalogue for f in m.democratic_function} == set(FUNCTIONS)
    assert {d for m in catalogue for d in m.decision_stages} == set(DECISION_STAGES)
    assert {m.institutionalisation for m in catalogue} == set(INSTITUTIONALISATION)
    assert {m.depth for m in catalogue} == set(DEPTHS)
    assert {m.cost for m in catalogue} == set(COSTS)
    assert {m.reach for m in catalogue} == set(toolbox.REACHES)
    assert {m.platform_module for m in catalogue} == {*PLATFORM_MODULES, None}
    assert {m.supports_assisted for m in catalogue} == {True, False}


def test_texts_are_complete_and_descriptions_run_two_to_four_sentences(catalogue):
    for m in catalogue:
        for field in toolbox.TEXT_FIELDS:
            assert {lang: m.text(field, lang) != "" for lang in LANGUAGES} == dict.fromkeys(
                LANGUAGES, True
            ), (m.key, field)
        for lang in LANGUAGES:
            sentences = re.findall(r"[.!?](?:\s|$)", m.text("description", lang))
            assert 2 <= len(sentences) <= 4, (m.key, lang, len(sentences))


def test_assisted_participation_is_named_in_the_mechanisms_that_support_it(catalogue):
    """Mechanisms that take contributions through a facilitator say, in every language,
    how those contributions are entered and tagged as assisted."""
    assisted = catalogue.filter(assisted=True)
    assert "assisted_participation" in keys(assisted)
    words = {"en": ("assisted",), "es": ("asistid",), "ca": ("assistit", "assistid")}
    unsaid = [
        (m.key, lang)
        for m in assisted
        for lang, stems in words.items()
        if not any(stem in toolbox.fold(m.text("inclusion_notes", lang)) for stem in stems)
    ]
    assert unsaid == []


def test_stage_keys_match_the_lifecycle():
    assert STAGE_KEYS == lifecycle.STAGE_KEYS


def test_the_engine_imports_no_django():
    code = (
        "import sys; import participai.engagement.toolbox as t; t.load_catalogue(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    src = str(Path(toolbox.__file__).resolve().parents[2])
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src},
    )
    assert out.stdout.strip() == "[]"


# --- Mechanism ----------------------------------------------------------------------------


def test_text_falls_back_to_english(catalogue):
    jury = catalogue.get("citizens_jury")
    assert jury.text("name") == "Citizens' jury or assembly by sortition"
    assert jury.text("name", "es") == "Jurado o asamblea ciudadana por sorteo"
    assert jury.text("name", "ca-ES") == "Jurat o assemblea ciutadana per sorteig"
    assert jury.text("name", "es_ES") == jury.text("name", "es")
    assert jury.text("name", "fr") == jury.text("name", "en")
    assert jury.text("name", None) == jury.text("name", "en")
    with pytest.raises(ValueError, match="not a text field"):
        jury.text("depth", "en")


def test_get_unknown_key_raises_key_error(catalogue):
    assert catalogue.get("survey").key == "survey"
    with pytest.raises(KeyError, match="no_such_thing"):
        catalogue.get("no_such_thing")


def test_lists_are_kept_in_scale_order(catalogue):
    for m in catalogue:
        assert list(m.stages) == [s for s in STAGE_KEYS if s in m.stages]
        assert list(m.decision_stages) == [d for d in DECISION_STAGES if d in m.decision_stages]
        assert m.duration_weeks[0] <= m.duration_weeks[1]


# --- Filters on the shipped catalogue -----------------------------------------------------


def test_no_filter_returns_everything_in_catalogue_order(catalogue):
    assert keys(catalogue.filter()) == list(catalogue.keys())
    assert keys(catalogue.filter(q="   ")) == list(catalogue.keys())


def test_filter_by_stage(catalogue):
    found = catalogue.filter(stage="market_engagement")
    assert "open_market_dialogue" in keys(found)
    assert "community_evaluation_panel" not in keys(found)
    assert all("market_engagement" in m.stages for m in found)
    assert "community_evaluation_panel" in keys(catalogue.filter(stage="vendor_evaluation"))


def test_filter_by_function(catalogue):
    found = catalogue.filter(function="collaboration")
    assert {"co_design_workshop", "community_evaluation_panel"} <= set(keys(found))
    assert "public_notice" not in keys(found)
    assert all("collaboration" in m.democratic_function for m in found)


def test_filter_by_institutionalisation(catalogue):
    found = catalogue.filter(institutionalisation="standing_body")
    assert {"community_advisory_board", "oversight_board"} <= set(keys(found))
    assert {m.institutionalisation for m in found} == {"standing_body"}


def test_filter_by_decision_stage(catalogue):
    found = catalogue.filter(decision_stage="vote")
    assert {"citizens_jury", "community_evaluation_panel"} <= set(keys(found))
    assert all("vote" in m.decision_stages for m in found)


def test_min_depth_follows_the_involvement_ladder(catalogue):
    involve = catalogue.filter(min_depth="involve")
    assert {m.depth for m in involve} == {"involve", "collaborate", "empower"}
    assert keys(involve) == [m.key for m in catalogue if m.depth_rank >= 2]
    assert {m.depth for m in catalogue.filter(min_depth="empower")} == {"empower"}
    assert len(catalogue.filter(min_depth="inform")) == len(catalogue)


def test_max_cost_keeps_that_cost_and_cheaper(catalogue):
    assert {m.cost for m in catalogue.filter(max_cost="low")} == {"low"}
    medium = catalogue.filter(max_cost="medium")
    assert {m.cost for m in medium} == {"low", "medium"}
    assert "citizens_jury" not in keys(medium)  # high cost
    assert len(catalogue.filter(max_cost="high")) == len(catalogue)


def test_filter_by_assisted(catalogue):
    yes, no = catalogue.filter(assisted=True), catalogue.filter(assisted=False)
    assert all(m.supports_assisted for m in yes)
    assert not any(m.supports_assisted for m in no)
    assert len(yes) + len(no) == len(catalogue)


def test_search_in_english_folds_case(catalogue):
    assert "citizens_jury" in keys(catalogue.filter(q="JURY"))
    assert keys(catalogue.filter(q="sortition lot")) == ["citizens_jury"]  # every word must match


def test_search_ignores_accents_in_spanish_and_catalan(catalogue):
    es = catalogue.filter(q="participacion", lang="es")
    assert "assisted_participation" in keys(es)  # "Participación asistida…"
    for m in es:
        text = " ".join(m.text(field, "es") for field in toolbox.SEARCH_FIELDS)
        assert "participacion" in toolbox.fold(text)
    ca = catalogue.filter(q="participacio", lang="ca")
    assert "assisted_participation" in keys(ca)  # "Participació assistida…"
    assert keys(catalogue.filter(q="PARTICIPACIÓ", lang="ca")) == keys(ca)
    assert "participatory_audit" in keys(catalogue.filter(q="auditoria", lang="es"))
    assert "citizens_jury" in keys(catalogue.filter(q="sorteo", lang="es-ES"))
    # The search is in the given language only: Spanish words are not English ones.
    assert catalogue.filter(q="sorteo", lang="en") == []
    # An unknown language searches the English texts.
    assert keys(catalogue.filter(q="jury", lang="fr")) == keys(catalogue.filter(q="jury"))


def test_filters_combine(catalogue):
    found = catalogue.filter(
        stage="problem_definition",
        function="participation",
        min_depth="involve",
        max_cost="medium",
        assisted=True,
    )
    assert "focus_groups" in keys(found)
    assert "citizens_jury" not in keys(found)  # high cost
    assert "survey" not in keys(found)  # consult is below involve
    for m in found:
        assert "problem_definition" in m.stages and "participation" in m.democratic_function
        assert m.depth_rank >= DEPTHS.index("involve") and m.cost != "high"
        assert m.supports_assisted
    narrowed = catalogue.filter(stage="problem_definition", q="grupos focales", lang="es")
    assert keys(narrowed) == ["focus_groups"]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"stage": "award"}, "stage"),
        ({"function": "voting"}, "function"),
        ({"institutionalisation": "permanent"}, "institutionalisation"),
        ({"decision_stage": "decision"}, "decision_stage"),
        ({"min_depth": "partner"}, "min_depth"),
        ({"max_cost": "free"}, "max_cost"),
        ({"assisted": "yes"}, "assisted"),
    ],
)
def test_unknown_filter_values_are_refused(catalogue, kwargs, name):
    with pytest.raises(ValueError, match=name):
        catalogue.filter(**kwargs)


# --- Filters on a small hand-made catalogue -----------------------------------------------


def mechanism_data(key: str, **overrides: Any) -> dict[str, Any]:
    """Valid raw data for one mechanism, with ``overrides`` applied."""

    def texts(en: str) -> dict[str, str]:
        return {"en": en, "es": f"{en} (es)", "ca": f"{en} (ca)"}

    data: dict[str, Any] = {
        "key": key,
        "name": texts(key.replace("_", " ").title()),
        "summary": texts("A summary."),
        "description": texts("One sentence. Two sentences."),
        "democratic_function": ["participation"],
        "institutionalisation": "ad_hoc",
        "stages": ["problem_definition"],
        "decision_stages": ["diagnosis"],
        "depth": "consult",
        "reach": "dozens",
        "cost": "low",
        "duration_weeks": [1, 2],
        "inclusion_notes": texts("Paper forms."),
        "supports_assisted": False,
        "platform_module": None,
    }
    data.update(overrides)
    return data


def test_ordered_scales_and_search_on_a_known_catalogue():
    tiny = parse_catalogue(
        {
            "mechanisms": [
                mechanism_data("a", depth="inform", cost="high"),
                mechanism_data("b", depth="involve", cost="low"),
                mechanism_data("c", depth="empower", cost="medium"),
                mechanism_data(
                    "d",
                    depth="collaborate",
                    cost="low",
                    name={"en": "Workshop", "es": "Participación", "ca": "Participació"},
                ),
            ]
        }
    )
    assert keys(tiny.filter(min_depth="involve")) == ["b", "c", "d"]
    assert keys(tiny.filter(min_depth="collaborate")) == ["c", "d"]
    assert keys(tiny.filter(max_cost="low")) == ["b", "d"]
    assert keys(tiny.filter(max_cost="medium")) == ["b", "c", "d"]
    assert keys(tiny.filter(min_depth="involve", max_cost="low")) == ["b", "d"]
    assert keys(tiny.filter(q="participacion", lang="es")) == ["d"]
    assert keys(tiny.filter(q="PARTICIPACIO", lang="ca")) == ["d"]
    assert tiny.filter(q="participacion", lang="en") == []


# --- Validation of a broken copy ----------------------------------------------------------


@pytest.fixture
def load_broken(raw, tmp_path) -> Callable[[Callable[[dict[str, Any]], None]], CatalogueError]:
    """Break a copy of the shipped data with ``mutate``, write it out, and return the
    error that loading it raises."""

    def load(mutate: Callable[[dict[str, Any]], None]) -> CatalogueError:
        data = copy.deepcopy(raw)
        mutate(data)
        path = tmp_path / "mechanisms.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(CatalogueError) as excinfo:
            load_catalogue(path)
        assert str(path) in str(excinfo.value)
        return excinfo.value

    return load


def first(data: dict[str, Any]) -> dict[str, Any]:
    return data["mechanisms"][0]


def _set(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        first(data)[field] = value

    return mutate


def _set_text(field: str, lang: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        first(data)[field][lang] = value

    return mutate


def _delete(field: str, lang: str | None = None) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        if lang is None:
            del first(data)[field]
        else:
            del first(data)[field][lang]

    return mutate


BROKEN = [
    # (id, mutation, path of the problem, words in its message)
    ("missing field", _delete("cost"), "$.mechanisms[0].cost", "missing field"),
    ("unknown field", _set("colour", "blue"), "$.mechanisms[0].colour", "unknown field"),
    ("bad key", _set("key", "Public Notice"), "$.mechanisms[0].key", "lower-case key"),
    ("key not text", _set("key", 7), "$.mechanisms[0].key", "lower-case key"),
    ("missing language", _delete("name", "ca"), "$.mechanisms[0].name.ca", "missing translation"),
    ("empty text", _set_text("summary", "es", "  "), "$.mechanisms[0].summary.es", "non-empty"),
    (
        "text not a string",
        _set_text("description", "en", 3),
        "$.mechanisms[0].description.en",
        "non-empty",
    ),
    (
        "unknown language",
        _set_text("inclusion_notes", "fr", "x"),
        "$.mechanisms[0].inclusion_notes.fr",
        "unknown language",
    ),
    ("texts not an object", _set("name", "Notice"), "$.mechanisms[0].name", "must be an object"),
    (
        "unknown stage",
        _set("stages", ["problem_definition", "tendering"]),
        "$.mechanisms[0].stages[1]",
        "'tendering' is not one of",
    ),
    ("no stages", _set("stages", []), "$.mechanisms[0].stages", "non-empty list"),
    ("stages not a list", _set("stages", "review"), "$.mechanisms[0].stages", "non-empty list"),
    (
        "stage twice",
        _set("stages", ["review", "review"]),
        "$.mechanisms[0].stages[1]",
        "listed twice",
    ),
    (
        "bad function",
        _set("democratic_function", ["voting"]),
        "$.mechanisms[0].democratic_function[0]",
        "not one of",
    ),
    (
        "bad institutionalisation",
        _set("institutionalisation", "permanent"),
        "$.mechanisms[0].institutionalisation",
        "not one of",
    ),
    (
        "bad decision stage",
        _set("decision_stages", ["decision"]),
        "$.mechanisms[0].decision_stages[0]",
        "not one of",
    ),
    ("bad depth", _set("depth", "partner"), "$.mechanisms[0].depth", "not one of inform, consult"),
    ("bad reach", _set("reach", "millions"), "$.mechanisms[0].reach", "not one of"),
    ("bad cost", _set("cost", "free"), "$.mechanisms[0].cost", "not one of low, medium, high"),
    (
        "duration reversed",
        _set("duration_weeks", [4, 2]),
        "$.mechanisms[0].duration_weeks",
        "[min, max]",
    ),
    (
        "duration zero",
        _set("duration_weeks", [0, 2]),
        "$.mechanisms[0].duration_weeks",
        "[min, max]",
    ),
    (
        "duration not ints",
        _set("duration_weeks", [1.5, 2]),
        "$.mechanisms[0].duration_weeks",
        "[min, max]",
    ),
    (
        "duration bools",
        _set("duration_weeks", [True, True]),
        "$.mechanisms[0].duration_weeks",
        "[min, max]",
    ),
    (
        "duration three",
        _set("duration_weeks", [1, 2, 3]),
        "$.mechanisms[0].duration_weeks",
        "[min, max]",
    ),
    (
        "assisted not bool",
        _set("supports_assisted", "yes"),
        "$.mechanisms[0].supports_assisted",
        "true or false",
    ),
    (
        "bad module",
        _set("platform_module", "forum"),
        "$.mechanisms[0].platform_module",
        "not null or one of",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "words"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_field_is_reported_with_its_path(load_broken, mutate, path, words):
    error = load_broken(mutate)
    assert [p.path for p in error.problems] == [path], error
    assert words in error.problems[0].message
    assert path in str(error)


def test_duplicate_keys_are_refused(load_broken):
    def duplicate(data):
        data["mechanisms"][1]["key"] = data["mechanisms"][0]["key"]

    error = load_broken(duplicate)
    assert [str(p) for p in error.problems] == [
        "$.mechanisms[1].key (public_notice): duplicate key, first used at $.mechanisms[0]"
    ]


def test_every_problem_is_reported_at_once(load_broken):
    def break_two(data):
        first(data)["depth"] = "deep"
        data["mechanisms"][2]["stages"] = ["nowhere"]

    error = load_broken(break_two)
    assert [p.path for p in error.problems] == [
        "$.mechanisms[0].depth",
        "$.mechanisms[2].stages[0]",
    ]
    assert [p.mechanism for p in error.problems] == ["public_notice", "open_consultation"]
    assert "2 problem(s)" in str(error)


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([], "$"),
        ({"items": []}, "$"),
        ({"mechanisms": {}}, "$"),
        ({"mechanisms": [], "extra": 1}, "$.extra"),
        ({"mechanisms": ["survey"]}, "$.mechanisms[0]"),
    ],
)
def test_badly_shaped_documents_are_refused(data, path):
    with pytest.raises(CatalogueError) as excinfo:
        parse_catalogue(data, source="test")
    assert [p.path for p in excinfo.value.problems] == [path]
    assert str(excinfo.value).startswith("test: ")


def test_invalid_json_names_the_file_and_line(tmp_path):
    path = tmp_path / "mechanisms.json"
    path.write_text('{\n  "mechanisms": [\n    {"key": }\n  ]\n}', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"line 3, column 13") as excinfo:
        load_catalogue(path)
    assert str(path) in str(excinfo.value)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_catalogue(tmp_path / "nowhere.json")


def test_the_shipped_data_round_trips(raw, tmp_path):
    """The broken-copy fixture is honest: an unchanged copy loads."""
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert load_catalogue(path).keys() == load_catalogue().keys()
