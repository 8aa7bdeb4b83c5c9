"""Gate checks: each registered check passes and fails on real procurements;
the registry refuses a key twice."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy

from participai.procurements import checks, selectors, services
from participai.procurements.checks import CheckResult, GateContext, run_checks

REGISTERED = {
    "problem_statement_written",
    "affected_people_named",
    "alternatives_considered",
    "stage_document_present",
    "procurement_published",
}


def run_one(key: str, procurement, documents=()) -> CheckResult:
    (result,) = run_checks([key], GateContext(procurement=procurement, stage_documents=documents))
    assert result.key == key
    assert result.label == str(checks.REGISTRY[key].label)
    assert result.detail
    return result


def test_the_registry_holds_the_foundation_checks():
    assert set(checks.REGISTRY) >= REGISTERED


def test_problem_statement_written(make_procurement):
    minimum = checks.MIN_PROBLEM_STATEMENT_CHARS
    assert minimum == 200
    exactly = make_procurement(problem_statement="p" * minimum)
    assert run_one("problem_statement_written", exactly).passed
    short = make_procurement(problem_statement="p" * (minimum - 1), title="Short")
    result = run_one("problem_statement_written", short)
    assert not result.passed
    assert "200" in result.detail and "199" in result.detail
    # Padding does not count.
    padded = make_procurement(problem_statement=" " * 50 + "p" * 150 + "\n" * 50, title="Padded")
    assert not run_one("problem_statement_written", padded).passed


def test_affected_people_named(make_procurement):
    assert run_one("affected_people_named", make_procurement()).passed
    nobody = make_procurement(affected_people="", title="Nobody named")
    assert not run_one("affected_people_named", nobody).passed


def test_alternatives_considered(make_procurement):
    assert run_one("alternatives_considered", make_procurement()).passed
    none = make_procurement(non_ai_alternatives="", title="No alternatives")
    assert not run_one("alternatives_considered", none).passed


def test_stage_document_present(make_procurement, add_text_document):
    procurement = make_procurement(stage="vendor_evaluation")
    assert not run_one("stage_document_present", procurement).passed
    document = add_text_document(procurement)
    result = run_one("stage_document_present", procurement, (document,))
    assert result.passed
    assert "1" in result.detail


def test_procurement_published(make_procurement, officer):
    procurement = make_procurement()
    assert not run_one("procurement_published", procurement).passed
    published = services.procurement_publish(actor=officer, procurement=procurement)
    assert run_one("procurement_published", published).passed


def test_results_serialise_for_the_decision_snapshot(make_procurement):
    procurement = make_procurement(affected_people="")
    results = selectors.gate_checklist(procurement)
    assert [result.as_dict() for result in results] == [
        {
            "key": result.key,
            "label": result.label,
            "passed": result.passed,
            "detail": result.detail,
        }
        for result in results
    ]
    assert all(isinstance(result.label, str) for result in results)


def test_run_checks_keeps_the_declared_order(make_procurement):
    procurement = make_procurement()
    keys = ["procurement_published", "affected_people_named", "problem_statement_written"]
    context = GateContext(procurement=procurement, stage_documents=())
    assert [result.key for result in run_checks(keys, context)] == keys


def test_an_unknown_check_key_is_an_error(make_procurement):
    context = GateContext(procurement=make_procurement(), stage_documents=())
    with pytest.raises(KeyError):
        run_checks(["no_such_check"], context)


def test_registering_a_key_twice_raises_and_keeps_the_first():
    original = checks.REGISTRY["affected_people_named"]
    with pytest.raises(ValueError, match="affected_people_named"):

        @checks.gate_check("affected_people_named", gettext_lazy("Impostor"))
        def _impostor(context):
            return True, "always"

    assert checks.REGISTRY["affected_people_named"] is original


def test_a_new_check_can_be_registered_and_run(make_procurement):
    key = "test_title_mentions_ai"
    try:

        @checks.gate_check(key, gettext_lazy("The title says it is about AI"))
        def _title_mentions_ai(context):
            mentions = "AI" in context.procurement.title.split()
            return mentions, "Mentioned." if mentions else "Not mentioned."

        context = GateContext(
            procurement=make_procurement(title="An AI triage"), stage_documents=()
        )
        (result,) = run_checks([key], context)
        assert result == CheckResult(key, "The title says it is about AI", True, "Mentioned.")
        with pytest.raises(ValueError):
            checks.gate_check(key, gettext_lazy("Again"))(_title_mentions_ai)
    finally:
        checks.REGISTRY.pop(key, None)
    assert key not in checks.REGISTRY


def test_prefetch_lookups_are_declared_once_in_order():
    before = list(checks.PREFETCH)
    try:
        checks.prefetch_for_checks("test_relation", "documents")
        checks.prefetch_for_checks("test_relation", "test_other")
        added = checks.PREFETCH[len(before) :]
        expected = ["test_relation", "test_other"]
        if "documents" not in before:
            expected.insert(1, "documents")
        assert added == expected
    finally:
        checks.PREFETCH[:] = before
