"""The contract clause library: the shipped file, the sets it proposes for the
stakes, how a clause is rendered, and how a malformed file is reported.

Expected themes are written out here (DOMAIN.md §8), not read from the file.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from participai.assessment.datafiles import DataFileError
from participai.tendering import clauses
from participai.tendering.clauses import (
    HIGH_RISK_SET,
    LIGHT_SET,
    ClauseLibraryError,
    library,
    load_library,
)

LANGS = ("en", "es", "ca")

# The themes of the EU model contractual clauses for AI procurement (MCC-AI 2025).
MCC_AI_THEMES = (
    "risk_management",
    "data_governance",
    "technical_documentation",
    "record_keeping",
    "transparency",
    "human_oversight",
    "accuracy_robustness_security",
    "quality_management",
    "conformity_assessment",
    "fundamental_rights_cooperation",
    "corrective_actions",
    "explanation_of_decisions",
    "data_rights",
    "system_rights",
    "indemnity",
    "ai_register",
    "audit",
    "costs",
)
# The themes the seeds ask for on top of them.
ADDED_THEMES = (
    "exit_and_portability",
    "public_data_ip",
    "staggered_payments",
    "community_audit",
    "incident_reporting",
)
# Duties the AI Act puts on high-risk systems only: never proposed in the light set.
HIGH_RISK_ONLY_THEMES = ("conformity_assessment", "fundamental_rights_cooperation")


# --------------------------------------------------------------------------- the shipped file


def test_the_shipped_file_loads_and_is_read_once():
    lib = library()
    assert lib is library()
    assert load_library() == lib  # read again from disk, it is the same library
    assert clauses.DATA_PATH.parent.name == "data"


def test_every_theme_exists_with_its_reference():
    lib = library()
    keys = [theme.key for theme in lib.themes]
    assert set(MCC_AI_THEMES + ADDED_THEMES) <= set(keys)
    for key in MCC_AI_THEMES:
        assert lib.theme(key).reference.startswith("MCC-AI (2025), "), key
    for key in ADDED_THEMES:
        assert lib.theme(key).reference == "ParticipAI", key


def test_the_library_is_large_enough_and_every_theme_has_a_clause():
    lib = library()
    assert len(lib.clauses) >= 30
    for theme, own in lib.by_theme():
        assert own, theme.key


def test_every_text_is_given_in_every_language_without_stray_placeholders():
    for clause in library().clauses:
        for lang in LANGS:
            assert clause.title[lang].strip(), (clause.key, lang)
            rendered = clause.render(lang, buyer="B", supplier="S")
            assert "{" not in rendered and "}" not in rendered, (clause.key, lang)
        # The same parties are named in every language.
        used = {lang: set(re.findall(r"\{(\w+)\}", clause.text[lang])) for lang in LANGS}
        assert used["en"] == used["es"] == used["ca"] <= {"buyer", "supplier"}, clause.key


def test_spanish_and_catalan_quote_with_angle_quotes():
    quoted = 0
    for clause in library().clauses:
        for lang in ("es", "ca"):
            for text in (clause.title[lang], clause.text[lang]):
                assert not re.search(r"[\"“”]", text), (clause.key, lang)
                quoted += "«" in text
    assert quoted  # the defined terms are quoted, so the rule is exercised


def test_titles_fit_the_tender_clause_column():
    from participai.tendering.models import TenderClause

    limit = TenderClause._meta.get_field("title").max_length
    theme_limit = TenderClause._meta.get_field("theme").max_length
    lib = library()
    for clause in lib.clauses:
        assert len(clause.theme) <= theme_limit
        for lang in LANGS:
            assert len(clause.title[lang]) <= limit, (clause.key, lang)


def test_lookups_name_what_is_missing():
    lib = library()
    assert lib.clause("exit_plan").theme == "exit_and_portability"
    assert lib.theme("audit").title["es"] == "Auditoría"
    with pytest.raises(KeyError, match="no clause 'golden_parachute'"):
        lib.clause("golden_parachute")
    with pytest.raises(KeyError, match="no clause theme 'golf'"):
        lib.theme("golf")


# --------------------------------------------------------------------------- the sets


def test_the_high_risk_proposal_covers_every_theme_of_the_light_one():
    lib = library()
    high = lib.proposed(high_risk=True)
    light = lib.proposed(high_risk=False)
    assert all(HIGH_RISK_SET in c.sets for c in high)
    assert all(LIGHT_SET in c.sets for c in light)
    assert {c.theme for c in high} == {t.key for t in lib.themes}
    assert {c.theme for c in light} < {c.theme for c in high}
    for theme in HIGH_RISK_ONLY_THEMES:
        assert theme not in {c.theme for c in light}
    # The EU database registration is a high-risk duty; the public body's own
    # register is for every procurement.
    assert lib.clause("eu_database_registration").sets == {HIGH_RISK_SET}
    assert LIGHT_SET in lib.clause("public_algorithm_register").sets
    # Most clauses are in both sets.
    both = [c for c in lib.clauses if c.sets == {HIGH_RISK_SET, LIGHT_SET}]
    assert len(both) > len(lib.clauses) / 2


def test_the_proposal_follows_theme_order_then_file_order():
    lib = library()
    order = {theme.key: i for i, theme in enumerate(lib.themes)}
    position = {clause.key: i for i, clause in enumerate(lib.clauses)}
    for high_risk in (True, False):
        proposed = lib.proposed(high_risk=high_risk)
        ranks = [(order[c.theme], position[c.key]) for c in proposed]
        assert ranks == sorted(ranks)


def test_proposed_puts_a_later_clause_of_an_earlier_theme_first(tmp_path):
    raw = _small()
    # File order: a clause of the second theme, then one of the first.
    raw["clauses"] = [raw["clauses"][2], raw["clauses"][0], raw["clauses"][1]]
    lib = _load(tmp_path, raw)
    assert [c.key for c in lib.clauses] == ["exit_plan", "logs", "log_detail"]
    assert [c.key for c in lib.proposed(high_risk=True)] == ["logs", "log_detail", "exit_plan"]
    assert [c.key for c in lib.proposed(high_risk=False)] == ["logs", "exit_plan"]


def test_by_theme_groups_every_clause_once(tmp_path):
    lib = _load(tmp_path, _small())
    grouped = lib.by_theme()
    assert [(t.key, [c.key for c in cs]) for t, cs in grouped] == [
        ("record_keeping", ["logs", "log_detail"]),
        ("exit_and_portability", ["exit_plan"]),
    ]
    assert [(t.key, [c.key for c in cs]) for t, cs in lib.by_theme(high_risk=False)] == [
        ("record_keeping", ["logs"]),
        ("exit_and_portability", ["exit_plan"]),
    ]
    shipped = library().by_theme()
    assert sorted(c.key for _, cs in shipped for c in cs) == sorted(
        c.key for c in library().clauses
    )


# --------------------------------------------------------------------------- render


def test_render_fills_the_placeholders(tmp_path):
    lib = _load(tmp_path, _small())
    clause = lib.clause("exit_plan")
    assert clause.render("en", buyer="the City of Ghent", supplier="Innova SL") == (
        "Innova SL hands everything to the City of Ghent. The City of Ghent may test it."
    )
    assert clause.render("es", buyer="el Ayuntamiento de Gavà", supplier="el proveedor") == (
        "El proveedor entrega todo al Ayuntamiento de Gavà. El Ayuntamiento de Gavà "
        "podrá probarlo con ayuda del proveedor."
    )
    assert clause.render("ca", buyer="el Consell Comarcal", supplier="Innova SL") == (
        "Innova SL ho lliura tot al Consell Comarcal. El Consell Comarcal ho podrà provar "
        "amb l'ajuda d'Innova SL, pel Consell Comarcal."
    )


def test_render_leaves_a_name_that_carries_its_own_article(tmp_path):
    clause = _load(tmp_path, _small()).clause("exit_plan")
    # The capital article is part of the name: no folding, no elision.
    spanish = clause.render("es", buyer="la Diputación", supplier="El Corte Inglés")
    assert "a la Diputación" in spanish
    assert "con ayuda de El Corte Inglés" in spanish
    catalan = clause.render("ca", buyer="l'Ajuntament", supplier="el proveïdor")
    assert "tot a l'Ajuntament" in catalan
    assert "amb l'ajuda del proveïdor, per l'Ajuntament." in catalan
    assert catalan.startswith("El proveïdor ho lliura")
    # Catalan elides "de" before a vowel, not before a semivowel i.
    assert "l'ajuda d'Innova SL" in clause.render("ca", buyer="B", supplier="Innova SL")
    assert "l'ajuda de Ioga SL" in clause.render("ca", buyer="B", supplier="Ioga SL")


def test_render_reads_the_language_code_as_the_site_gives_it(tmp_path):
    clause = _load(tmp_path, _small()).clause("exit_plan")
    names = {"buyer": "B", "supplier": "S"}
    assert clause.render("es-ES", **names) == clause.render("es", **names)
    assert clause.render("ca_ES", **names) == clause.render("ca", **names)
    assert clause.render("fr", **names) == clause.render("en", **names)
    assert clause.title_in("es-ES") == "Plan de salida"
    assert clause.text_in("ca").startswith("{supplier} ho lliura")


def test_render_keeps_braces_inside_a_name(tmp_path):
    clause = _load(tmp_path, _small()).clause("exit_plan")
    rendered = clause.render("en", buyer="{supplier}", supplier="Acme {0}")
    assert rendered.startswith("Acme {0} hands everything to {supplier}.")


@pytest.mark.parametrize(
    "names", [{"buyer": "", "supplier": "S"}, {"buyer": "B", "supplier": " "}]
)
def test_render_refuses_a_blank_name(tmp_path, names):
    clause = _load(tmp_path, _small()).clause("exit_plan")
    with pytest.raises(ValueError, match="must be a non-empty name"):
        clause.render("en", **names)


def test_shipped_clauses_render_with_spanish_and_catalan_articles():
    lib = library()
    spanish = lib.clause("right_to_suspend").render(
        "es", buyer="el Ayuntamiento de Gavà", supplier="el proveedor"
    )
    assert spanish.startswith("El Ayuntamiento de Gavà podrá suspender")
    assert "imputable al proveedor." in spanish
    catalan = lib.clause("oversight_tools").render("ca", buyer="el Consell", supplier="Innova")
    assert "designades pel Consell" in catalan


# --------------------------------------------------------------------------- validation


def _text(en: str, es: str, ca: str) -> dict[str, str]:
    return {"en": en, "es": es, "ca": ca}


def _small() -> dict[str, Any]:
    """A valid library of two themes and three clauses, one of them high-risk only."""
    return {
        "version": "1",
        "themes": [
            {
                "key": "record_keeping",
                "title": _text("Record keeping", "Registro", "Registre"),
                "reference": "MCC-AI (2025), record-keeping",
            },
            {
                "key": "exit_and_portability",
                "title": _text("Exit", "Salida", "Sortida"),
                "reference": "ParticipAI",
            },
        ],
        "clauses": [
            {
                "key": "logs",
                "theme": "record_keeping",
                "sets": ["high_risk", "light"],
                "title": _text("Logs", "Registros", "Registres"),
                "text": _text(
                    "The system keeps logs for {buyer}.",
                    "El sistema guarda registros para {buyer}.",
                    "El sistema desa registres per a {buyer}.",
                ),
            },
            {
                "key": "log_detail",
                "theme": "record_keeping",
                "sets": ["high_risk"],
                "title": _text("Log detail", "Detalle", "Detall"),
                "text": _text("Detailed logs.", "Registros detallados.", "Registres detallats."),
            },
            {
                "key": "exit_plan",
                "theme": "exit_and_portability",
                "sets": ["light", "high_risk"],
                "title": _text("Exit plan", "Plan de salida", "Pla de sortida"),
                "text": _text(
                    "{supplier} hands everything to {buyer}. {buyer} may test it.",
                    "{supplier} entrega todo a {buyer}. {buyer} podrá probarlo con ayuda "
                    "de {supplier}.",
                    "{supplier} ho lliura tot a {buyer}. {buyer} ho podrà provar amb l'ajuda "
                    "de {supplier}, per {buyer}.",
                ),
            },
        ],
    }


def _write(tmp_path: Path, raw: Any) -> Path:
    path = tmp_path / "clauses.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def _load(tmp_path: Path, raw: Any) -> clauses.ClauseLibrary:
    return load_library(_write(tmp_path, raw))


def _problems(tmp_path: Path, raw: Any) -> list[str]:
    path = _write(tmp_path, raw)
    with pytest.raises(ClauseLibraryError) as caught:
        load_library(path)
    assert str(path) in str(caught.value)
    assert "is not a valid clause library file" in str(caught.value)
    for problem in caught.value.problems:
        assert problem in str(caught.value)
    return caught.value.problems


def test_the_small_library_is_valid(tmp_path):
    lib = _load(tmp_path, _small())
    assert [t.key for t in lib.themes] == ["record_keeping", "exit_and_portability"]
    assert lib.clause("exit_plan").sets == frozenset({"high_risk", "light"})


def test_the_error_is_a_data_file_error():
    assert issubclass(ClauseLibraryError, DataFileError)
    assert issubclass(ClauseLibraryError, ValueError)
    assert ClauseLibraryError.description == "clause library"


def test_invalid_json_is_named(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "version": "1",\n  oops', encoding="utf-8")
    with pytest.raises(ClauseLibraryError, match=r"broken\.json.*\n.*line 3"):
        load_library(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ClauseLibraryError, match=r"absent\.json.*\n.*cannot be read"):
        load_library(tmp_path / "absent.json")


def test_the_top_level_must_hold_its_fields(tmp_path):
    assert _problems(tmp_path, []) == ["(top level): expected an object, got list"]
    raw = _small()
    del raw["clauses"]
    assert _problems(tmp_path, raw) == ["(top level): missing field 'clauses'"]


def test_version_and_unknown_fields_are_named(tmp_path):
    raw = _small()
    raw["version"] = 1  # a number, not the string "1"
    raw["themes"][0]["colour"] = "blue"
    raw["clauses"][1]["weight"] = 3
    problems = _problems(tmp_path, raw)
    assert "version: unsupported version 1; expected '1'" in problems
    assert "themes[0].colour: unknown field" in problems
    assert "clauses[1].weight: unknown field" in problems


def test_missing_fields_are_named(tmp_path):
    raw = _small()
    del raw["themes"][1]["reference"]
    del raw["clauses"][0]["sets"]
    problems = _problems(tmp_path, raw)
    assert "themes[1]: missing field 'reference'" in problems
    assert "clauses[0]: missing field 'sets'" in problems


def test_empty_lists_are_named(tmp_path):
    raw = _small()
    raw["clauses"] = []
    problems = _problems(tmp_path, raw)
    assert "clauses: expected at least one item" in problems
    assert "themes[0] (record_keeping): no clause belongs to this theme" in problems


def test_duplicate_keys_are_named(tmp_path):
    raw = _small()
    raw["themes"].append(copy.deepcopy(raw["themes"][1]))
    raw["clauses"].append(copy.deepcopy(raw["clauses"][0]))
    problems = _problems(tmp_path, raw)
    assert "themes[2].key: duplicate theme key 'exit_and_portability'" in problems
    assert "clauses[3].key: duplicate clause key 'logs'" in problems


def test_keys_must_be_slugs(tmp_path):
    raw = _small()
    raw["clauses"][0]["key"] = "Exit Plan"
    raw["themes"][0]["key"] = ""
    problems = _problems(tmp_path, raw)
    assert any(p.startswith("clauses[0].key: 'Exit Plan' is not a key") for p in problems)
    assert "themes[0].key: expected a non-empty string" in problems


def test_an_unknown_theme_is_named(tmp_path):
    raw = _small()
    raw["clauses"][2]["theme"] = "golf"
    problems = _problems(tmp_path, raw)
    assert (
        "clauses[2] (exit_plan).theme: unknown theme 'golf'; "
        "expected one of record_keeping, exit_and_portability"
    ) in problems
    assert "themes[1] (exit_and_portability): no clause belongs to this theme" in problems


def test_every_theme_needs_a_high_risk_clause(tmp_path):
    raw = _small()
    raw["clauses"][2]["sets"] = ["light"]
    assert _problems(tmp_path, raw) == [
        "themes[1] (exit_and_portability): no clause of this theme is in the 'high_risk' set"
    ]


def test_sets_must_be_known_and_not_empty(tmp_path):
    raw = _small()
    raw["clauses"][0]["sets"] = []
    raw["clauses"][1]["sets"] = ["high_risk", "medium"]
    raw["clauses"][2]["sets"] = ["light", "light", "high_risk"]
    problems = _problems(tmp_path, raw)
    assert "clauses[0] (logs).sets: expected a non-empty list of sets" in problems
    assert (
        "clauses[1] (log_detail).sets[1]: unknown set 'medium'; expected one of high_risk, light"
    ) in problems
    assert "clauses[2] (exit_plan).sets: a set is listed twice" in problems


def test_missing_and_empty_languages_are_named(tmp_path):
    raw = _small()
    del raw["clauses"][0]["text"]["ca"]
    raw["clauses"][1]["title"]["es"] = "   "
    raw["themes"][1]["title"]["fr"] = "Sortie"
    raw["clauses"][2]["text"] = "Everything goes back."
    problems = _problems(tmp_path, raw)
    assert "clauses[0] (logs).text: missing language 'ca'" in problems
    assert "clauses[1] (log_detail).title.es: expected a non-empty string" in problems
    assert "themes[1] (exit_and_portability).title.fr: unknown language; expected en, es, ca" in (
        problems
    )
    assert (
        "clauses[2] (exit_plan).text: expected an object of texts keyed by language (en, es, ca)"
    ) in problems


def test_unknown_placeholders_are_named(tmp_path):
    raw = _small()
    raw["clauses"][0]["text"] = _text(
        "Logs for {buyer} and {mayor}.", "Para {buyer} y {mayor}.", "Per a {buyer} i {mayor}."
    )
    problems = _problems(tmp_path, raw)
    for lang in LANGS:
        assert (
            f"clauses[0] (logs).text.{lang}: unknown placeholder {{mayor}}; "
            "allowed: {buyer}, {supplier}"
        ) in problems


def test_placeholders_must_be_the_same_in_every_language(tmp_path):
    raw = _small()
    raw["clauses"][0]["text"]["es"] = "El sistema guarda registros."
    assert _problems(tmp_path, raw) == [
        "clauses[0] (logs).text: placeholders differ between languages: "
        "en uses {buyer}; es uses none; ca uses {buyer}"
    ]


def test_malformed_and_formatted_placeholders_are_named(tmp_path):
    raw = _small()
    raw["clauses"][0]["text"]["en"] = "Logs for {buyer"
    raw["clauses"][2]["text"]["es"] = "{supplier!r} entrega todo a {buyer:>20}."
    raw["clauses"][1]["text"]["ca"] = "Registres per a {}."
    problems = _problems(tmp_path, raw)
    assert any(p.startswith("clauses[0] (logs).text.en: malformed placeholder") for p in problems)
    for name in ("supplier", "buyer"):
        assert (
            f"clauses[2] (exit_plan).text.es: placeholder {{{name}}} takes no conversion "
            f"or format; write {{{name}}}"
        ) in problems
    assert (
        "clauses[1] (log_detail).text.ca: unknown placeholder {}; allowed: {buyer}, {supplier}"
    ) in problems


def test_titles_take_no_placeholders(tmp_path):
    raw = _small()
    raw["clauses"][2]["title"]["en"] = "Exit plan of {buyer}"
    assert _problems(tmp_path, raw) == [
        "clauses[2] (exit_plan).title.en: a title takes no placeholders"
    ]


def test_a_reference_is_required_text(tmp_path):
    raw = _small()
    raw["themes"][0]["reference"] = ""
    assert _problems(tmp_path, raw) == [
        "themes[0] (record_keeping).reference: expected a non-empty string"
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    raw = _small()
    raw["version"] = "2"
    raw["themes"][0]["title"]["es"] = ""
    raw["clauses"][0]["theme"] = "golf"
    raw["clauses"][1]["sets"] = ["medium"]
    raw["clauses"][2]["text"]["ca"] = "{supplier} ho lliura tot a {alcalde}."
    raw["clauses"].append(copy.deepcopy(raw["clauses"][2]))
    problems = _problems(tmp_path, raw)
    expected = [
        "version: unsupported version '2'; expected '1'",
        "themes[0] (record_keeping).title.es: expected a non-empty string",
        "clauses[0] (logs).theme: unknown theme 'golf'; "
        "expected one of record_keeping, exit_and_portability",
        "clauses[1] (log_detail).sets[0]: unknown set 'medium'; expected one of high_risk, light",
        "clauses[2] (exit_plan).text.ca: unknown placeholder {alcalde}; "
        "allowed: {buyer}, {supplier}",
        "clauses[3].key: duplicate clause key 'exit_plan'",
        "themes[0] (record_keeping): no clause of this theme is in the 'high_risk' set",
    ]
    for problem in expected:
        assert problem in problems
    # The placeholder problem is reported for both copies of the clause, with the
    # language mismatch it causes.
    assert len(problems) == len(expected) + 3


def test_a_broken_shipped_copy_is_reported_with_its_clause_key(tmp_path):
    raw = json.loads(clauses.DATA_PATH.read_text(encoding="utf-8"))
    index = next(i for i, c in enumerate(raw["clauses"]) if c["key"] == "exit_plan")
    raw["clauses"][index]["theme"] = "lock_in"
    problems = _problems(tmp_path, raw)
    assert problems[0].startswith(f"clauses[{index}] (exit_plan).theme: unknown theme 'lock_in'")
    assert len(problems) == 1  # the theme keeps other clauses


# --------------------------------------------------------------------------- purity


def test_the_module_imports_no_django():
    # A fresh interpreter: this test process has Django loaded.
    code = (
        "import sys, participai.tendering.clauses as c\n"
        "c.library()\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
