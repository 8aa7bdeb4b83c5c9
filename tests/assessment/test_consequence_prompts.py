"""The consequence-scanning prompts: the shipped file, and how malformed files are reported.

Pure: these tests need no database.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from participai.assessment import consequence_prompts as cp
from participai.assessment.consequence_prompts import (
    ConsequencePromptsDataError,
    PromptSet,
    load_prompts,
    parse_prompts,
)
from participai.assessment.datafiles import LANGUAGES, DataFileError

# DOMAIN.md section 6: Doteveryone's questions, and Careful Industries' additions.
EXPECTED_GROUPS = (
    "intended",
    "unintended",
    "people",
    "bias",
    "automation",
    "society",
    "environment",
    "democracy",
    "why_ai",
)


@pytest.fixture(scope="module")
def shipped() -> PromptSet:
    return load_prompts()


def _raw() -> dict[str, Any]:
    return json.loads(cp.DATA_PATH.read_text(encoding="utf-8"))


def _problems(tmp_path: Path, raw: Any) -> str:
    path = tmp_path / "consequence_prompts.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConsequencePromptsDataError) as caught:
        load_prompts(path)
    message = str(caught.value)
    assert str(path) in message
    assert "is not a valid consequence prompts file" in message
    return message


def _prompt(raw: dict[str, Any], key: str) -> dict[str, Any]:
    return next(prompt for prompt in raw["prompts"] if prompt["key"] == key)


# --------------------------------------------------------------------------- the shipped file


def test_the_shipped_file_has_between_12_and_20_prompts(shipped):
    assert 12 <= len(shipped) <= 20
    assert shipped.version == 1


def test_every_group_of_domain_section_6_is_covered(shipped):
    assert tuple(group.key for group in shipped.groups) == EXPECTED_GROUPS
    for group, prompts in shipped.by_group():
        assert prompts, f"group {group.key} has no prompt"
        assert all(prompt.group == group.key for prompt in prompts)
    assert sum(len(prompts) for _group, prompts in shipped.by_group()) == len(shipped)


def test_every_text_is_given_in_every_language_and_differs_between_them(shipped):
    for prompt in shipped:
        for text in (prompt.question, prompt.hint):
            assert set(text) == set(LANGUAGES)
            assert all(text[lang].strip() for lang in LANGUAGES)
            # A copy of the English is not a translation.
            assert text["es"] != text["en"] and text["ca"] != text["en"], prompt.key
    for group in shipped.groups:
        assert set(group.name) == set(LANGUAGES)


def test_keys_fit_the_model_field_and_are_unique(shipped):
    from participai.assessment.models import Consequence

    max_length = Consequence._meta.get_field("prompt_key").max_length
    assert len(set(shipped.keys)) == len(shipped)
    assert all(len(key) <= max_length for key in shipped.keys)


def test_suggestions_use_the_models_vocabulary():
    from participai.assessment.models import ConsequenceEffect, ConsequenceIntention

    assert tuple(ConsequenceIntention.values) == cp.INTENTIONS
    assert tuple(ConsequenceEffect.values) == cp.EFFECTS


def test_the_why_ai_prompts_name_the_usual_drivers(shipped):
    hints = " ".join(p.hint_in("en") for p in shipped if p.group == "why_ai").lower()
    for driver in ("budget", "efficiency", "free tool"):
        assert driver in hints


def test_lookup_and_language_fallback(shipped):
    prompt = shipped.get("bias_fixed_rules")
    assert prompt.group == "bias"
    assert (prompt.intention, prompt.effect) == ("unintended", "negative")
    assert prompt.question_in("es") == prompt.question["es"]
    assert prompt.question_in("ca-es") == prompt.question["ca"]
    assert prompt.hint_in("de") == prompt.hint["en"]
    assert prompt.question_in(None) == prompt.question["en"]
    assert "bias_fixed_rules" in shipped
    assert "no_such_prompt" not in shipped
    with pytest.raises(KeyError, match="no_such_prompt"):
        shipped.get("no_such_prompt")
    assert shipped.group("why_ai").label("ca") == "Per què IA"


def test_prompts_are_frozen(shipped):
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.prompts[0].key = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.version = 2  # type: ignore[misc]


def test_the_default_file_is_read_once(shipped):
    assert load_prompts() is load_prompts()


def test_the_loader_imports_no_django():
    code = (
        "import sys\n"
        "import participai.assessment.consequence_prompts as m\n"
        "m.load_prompts()\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'django'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- malformed data


def test_the_error_is_a_data_file_error_listing_each_problem(tmp_path):
    raw = _raw()
    raw["version"] = 2
    del _prompt(raw, "bias_history")["hint"]
    with pytest.raises(DataFileError) as caught:
        parse_prompts(raw, tmp_path / "x.json")
    assert len(caught.value.problems) == 2
    assert caught.value.path == tmp_path / "x.json"


def test_unsupported_version_is_named(tmp_path):
    raw = _raw()
    raw["version"] = "1"
    assert "version: unsupported version '1'; expected 1" in _problems(tmp_path, raw)


def test_missing_top_level_fields_are_named(tmp_path):
    message = _problems(tmp_path, {"version": 1, "prompts": []})
    assert "(top level): missing field 'groups'" in message


def test_not_an_object_is_named(tmp_path):
    assert "(top level): expected an object, got list" in _problems(tmp_path, [])


def test_missing_and_unknown_languages_are_named(tmp_path):
    raw = _raw()
    del _prompt(raw, "bias_history")["question"]["ca"]
    _prompt(raw, "society_trust")["hint"]["fr"] = "Dans les deux sens."
    raw["groups"][0]["name"]["es"] = "  "
    message = _problems(tmp_path, raw)
    assert "prompts[7] (bias_history).question: missing language 'ca'" in message
    assert "prompts[12] (society_trust).hint.fr: unknown language; expected en, es, ca" in message
    assert "groups[0].name.es: expected a non-empty string" in message


def test_missing_and_unknown_fields_are_named(tmp_path):
    raw = _raw()
    del _prompt(raw, "people_absent")["group"]
    _prompt(raw, "people_overlooked")["weight"] = 3
    message = _problems(tmp_path, raw)
    assert "prompts[5]: missing field 'group'" in message
    assert "prompts[4].weight: unknown field" in message


def test_duplicate_and_malformed_keys_are_named(tmp_path):
    raw = _raw()
    raw["prompts"].append(copy.deepcopy(raw["prompts"][0]))
    _prompt(raw, "why_ai_without")["key"] = "Why AI?"
    raw["groups"].append(copy.deepcopy(raw["groups"][1]))
    message = _problems(tmp_path, raw)
    last = len(raw["prompts"]) - 1
    assert f"prompts[{last}].key: duplicate prompt key 'intended_benefit'" in message
    assert "prompts[18].key: 'Why AI?' is not a key" in message
    assert "groups[9].key: duplicate group 'unintended'" in message


def test_a_key_too_long_for_the_database_is_named(tmp_path):
    raw = _raw()
    raw["prompts"][0]["key"] = "a" * 61
    assert "prompts[0].key: '" + "a" * 61 + "' is not a key" in _problems(tmp_path, raw)


def test_undeclared_and_empty_groups_are_named(tmp_path):
    raw = _raw()
    _prompt(raw, "environment_footprint")["group"] = "planet"
    message = _problems(tmp_path, raw)
    assert "prompts[14] (environment_footprint).group: unknown group 'planet'" in message
    assert "groups[6] (environment): no prompt belongs to this group" in message


def test_suggestions_outside_the_vocabulary_are_named(tmp_path):
    raw = _raw()
    _prompt(raw, "bias_history")["suggests"] = {"intention": "accidental", "tone": "grim"}
    _prompt(raw, "society_privacy")["suggests"] = {}
    _prompt(raw, "intended_benefit")["suggests"] = "positive"
    message = _problems(tmp_path, raw)
    assert (
        "prompts[7] (bias_history).suggests.intention: unknown intention 'accidental'; "
        "expected one of intended, unintended"
    ) in message
    assert "prompts[7] (bias_history).suggests.tone: unknown field" in message
    assert "prompts[13] (society_privacy).suggests: expected 'intention' or 'effect'" in message
    assert "prompts[0] (intended_benefit).suggests: expected an object, got str" in message


def test_empty_lists_are_named(tmp_path):
    message = _problems(tmp_path, {"version": 1, "groups": [], "prompts": "none"})
    assert "groups: expected at least one item" in message
    assert "prompts: expected a list" in message


def test_invalid_json_is_named(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "version": 1,\n  oops', encoding="utf-8")
    with pytest.raises(ConsequencePromptsDataError, match=r"broken\.json.*\n.*line 3"):
        load_prompts(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConsequencePromptsDataError, match="cannot be read"):
        load_prompts(tmp_path / "absent.json")
