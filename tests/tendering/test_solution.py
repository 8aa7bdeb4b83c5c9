"""Solution evaluation: the pilot plan and the test results of the chosen solution,
through the services and through real HTTP; the page's reads; the gate check
``requirements_tested``."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.procurements.checks import GateContext, run_checks
from participai.procurements.models import Procurement
from participai.tendering.models import (
    Award,
    Requirement,
    SolutionTest,
    Tender,
    TenderStatus,
    TestResult,
)
from participai.tendering.selectors.solution import solution_page
from participai.tendering.services import solution as services

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TESTERS = (Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD, Role.DATA_EXPERT, Role.LEGAL_OFFICER)
READERS = (Role.AUDITOR, Role.EVALUATOR, Role.FACILITATOR)


def events(action: str | None = None):
    queryset = AuditEvent.objects.all()
    return queryset.filter(action=action) if action else queryset


def award(tender: Tender, make_bid, officer) -> Tender:
    """Award ``tender`` to a bid, as the award service leaves it."""
    bid = make_bid(tender, "Acme Analytics", "90000")
    Award.objects.create(
        tender=tender, bid=bid, rationale="Best on outcomes.", decided_on=YESTERDAY,
        recorded_by=officer,
    )  # fmt: skip
    Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.AWARDED)
    tender.refresh_from_db()
    return tender


@pytest.fixture
def at_stage(make_procurement) -> Procurement:
    return make_procurement(stage="solution_evaluation")


@pytest.fixture
def awarded(at_stage, make_tender, make_bid, officer) -> Tender:
    return award(make_tender(at_stage, opened=True, requirements=3), make_bid, officer)


@pytest.fixture
def requirements(awarded) -> list[Requirement]:
    return list(awarded.requirements.order_by("position"))


def record(actor, tender, requirement, **overrides) -> SolutionTest:
    values = {
        "method": "A four-week pilot in the north team.",
        "with_service_users": False,
        "participants": 0,
        "result": TestResult.MET,
        "findings": "Urgent cases were flagged the same day.",
        "tested_on": YESTERDAY,
    }
    values.update(overrides)
    return services.solution_test_record(
        actor=actor, tender=tender, requirement=requirement, **values
    )


# --- Services: the pilot plan ------------------------------------------------------------


def test_the_pilot_plan_is_saved_and_audited(officer, awarded):
    services.pilot_plan_update(actor=officer, tender=awarded, pilot_plan="  Pilot for 6 weeks.  ")
    awarded.refresh_from_db()
    assert awarded.pilot_plan == "Pilot for 6 weeks."
    event = events("tendering.pilot_plan_update").get()
    assert event.actor_id == officer.pk
    assert event.data["before"] == "" and event.data["after"] == "Pilot for 6 weeks."
    # The same plan again changes nothing and writes no event.
    services.pilot_plan_update(actor=officer, tender=awarded, pilot_plan="Pilot for 6 weeks.")
    assert events("tendering.pilot_plan_update").count() == 1


def test_the_pilot_plan_waits_for_the_award(officer, at_stage, make_tender):
    tender = make_tender(at_stage, opened=True)
    with pytest.raises(ValidationError) as error:
        services.pilot_plan_update(actor=officer, tender=tender, pilot_plan="Pilot.")
    assert "once the tender is awarded" in str(error.value)
    tender.refresh_from_db()
    assert tender.pilot_plan == ""
    assert not events("tendering.pilot_plan_update").exists()


def test_a_too_long_pilot_plan_is_refused(officer, awarded):
    with pytest.raises(ValidationError) as error:
        services.pilot_plan_update(
            actor=officer, tender=awarded, pilot_plan="x" * (services.PILOT_PLAN_MAX + 1)
        )
    assert "pilot_plan" in error.value.message_dict
    awarded.refresh_from_db()
    assert awarded.pilot_plan == ""


@pytest.mark.parametrize("role", READERS)
def test_other_roles_may_not_write_the_plan(make_member, org, awarded, role):
    with pytest.raises(PermissionDenied):
        services.pilot_plan_update(actor=make_member(org, role), tender=awarded, pilot_plan="P")
    assert not events("tendering.pilot_plan_update").exists()


def test_the_plan_is_written_at_the_solution_evaluation_stage_only(officer, awarded):
    Procurement.objects.filter(pk=awarded.procurement_id).update(stage="contract_negotiation")
    with pytest.raises(PermissionDenied):
        services.pilot_plan_update(actor=officer, tender=awarded, pilot_plan="Pilot.")
    with pytest.raises(PermissionDenied):
        record(officer, awarded, awarded.requirements.first())
    assert not SolutionTest.objects.exists()


# --- Services: test results ---------------------------------------------------------------


@pytest.mark.parametrize("role", TESTERS)
def test_the_team_records_a_result(make_member, org, awarded, requirements, role):
    member = make_member(org, role)
    test = record(
        member, awarded, requirements[0], with_service_users=True, participants=12,
        result=TestResult.PARTLY,
    )  # fmt: skip
    assert (test.requirement, test.result, test.participants) == (requirements[0], "partly", 12)
    assert test.recorded_by == member and test.tender == awarded
    event = events("tendering.solution_test_record").get()
    assert event.actor_id == member.pk
    assert event.object_id == str(test.pk)
    assert event.data["requirement"] == requirements[0].pk
    assert event.data["result"] == "partly"
    assert event.data["with_service_users"] is True
    assert event.data["participants"] == 12


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"with_service_users": True, "participants": 0}, "participants"),
        ({"participants": -1}, "participants"),
        ({"tested_on": TODAY + datetime.timedelta(days=1)}, "tested_on"),
        ({"tested_on": None}, "tested_on"),
        ({"method": "   "}, "method"),
        ({"result": "excellent"}, "result"),
        ({"findings": "f" * (services.FINDINGS_MAX + 1)}, "findings"),
    ],
)
def test_bad_results_are_refused_and_change_nothing(
    officer, awarded, requirements, overrides, field
):
    with pytest.raises(ValidationError) as error:
        record(officer, awarded, requirements[0], **overrides)
    assert field in error.value.message_dict
    assert not SolutionTest.objects.exists()
    assert not events("tendering.solution_test_record").exists()


def test_a_service_users_test_needs_people_but_a_staff_test_may_say_zero(
    officer, awarded, requirements
):
    with pytest.raises(ValidationError) as error:
        record(officer, awarded, requirements[0], with_service_users=True, participants=0)
    assert "at least one" in error.value.message_dict["participants"][0]
    assert record(officer, awarded, requirements[0], participants=0).participants == 0
    assert record(officer, awarded, requirements[0], tested_on=TODAY).tested_on == TODAY


def test_a_requirement_of_another_tender_is_refused(
    officer, awarded, make_procurement, make_tender
):
    other = make_tender(make_procurement(title="Another", stage="solution_evaluation"))
    with pytest.raises(ValidationError) as error:
        record(officer, awarded, other.requirements.first())
    assert "requirement" in error.value.message_dict
    assert not SolutionTest.objects.exists()


def test_results_wait_for_the_award(officer, at_stage, make_tender):
    tender = make_tender(at_stage, opened=True)
    with pytest.raises(ValidationError):
        record(officer, tender, tender.requirements.first())
    assert not SolutionTest.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_other_roles_may_not_record(make_member, org, awarded, requirements, role):
    with pytest.raises(PermissionDenied):
        record(make_member(org, role), awarded, requirements[0])
    assert not SolutionTest.objects.exists()


def test_a_result_is_corrected_with_an_audit_of_what_changed(officer, awarded, requirements):
    test = record(officer, awarded, requirements[0], result=TestResult.NOT_MET)
    values = {
        "method": test.method, "with_service_users": True, "participants": 5,
        "result": TestResult.MET, "findings": test.findings, "tested_on": test.tested_on,
    }  # fmt: skip
    services.solution_test_update(actor=officer, test=test, **values)
    test.refresh_from_db()
    assert (test.result, test.with_service_users, test.participants) == ("met", True, 5)
    event = events("tendering.solution_test_update").get()
    assert event.data["changed"] == ["participants", "result", "with_service_users"]
    assert event.data["before"]["result"] == "not_met"
    assert event.data["after"]["result"] == "met"
    # Nothing changed: no event.
    services.solution_test_update(actor=officer, test=test, **values)
    assert events("tendering.solution_test_update").count() == 1
    # Bad input: refused, nothing changed.
    with pytest.raises(ValidationError):
        services.solution_test_update(actor=officer, test=test, **{**values, "participants": 0})
    test.refresh_from_db()
    assert test.participants == 5


def test_a_result_is_removed_and_the_trail_keeps_it(
    officer, make_member, org, awarded, requirements
):
    test = record(officer, awarded, requirements[0])
    with pytest.raises(PermissionDenied):
        services.solution_test_remove(actor=make_member(org, Role.AUDITOR), test=test)
    assert SolutionTest.objects.filter(pk=test.pk).exists()
    services.solution_test_remove(actor=officer, test=test)
    assert not SolutionTest.objects.exists()
    event = events("tendering.solution_test_remove").get()
    assert event.object_id == str(test.pk)
    assert event.data["method"] == "A four-week pilot in the north team."


# --- The page's reads --------------------------------------------------------------------


def test_the_page_reads_latest_results_counts_and_user_testing(officer, awarded, requirements):
    first, second, third = requirements
    record(
        officer,
        awarded,
        first,
        result=TestResult.NOT_MET,
        tested_on=YESTERDAY - datetime.timedelta(days=3),
    )
    record(officer, awarded, first, result=TestResult.MET, with_service_users=True, participants=8)
    record(
        officer, awarded, second, result=TestResult.NOT_TESTED, with_service_users=True,
        participants=3,
    )  # fmt: skip
    page = solution_page(awarded)
    rows = {row.requirement.pk: row for row in page.requirements}
    assert [row.requirement for row in page.requirements] == requirements
    assert rows[first.pk].result == "met"
    assert [t.result for t in rows[first.pk].history] == ["met", "not_met"]
    assert rows[second.pk].result == "not_tested" and rows[third.pk].latest is None
    assert {c.result: c.count for c in page.counts} == {
        "met": 1, "partly": 0, "not_met": 0, "not_tested": 2,
    }  # fmt: skip
    assert page.user_testing.happened
    assert (page.user_testing.tests, page.user_testing.largest_group) == (2, 8)
    assert page.user_testing.requirements == 2
    assert page.untested == [second, third]
    assert not page.gate_ready
    assert "2 requirements" in page.gate_needs[0]


def test_without_tests_the_page_says_so(awarded, requirements):
    page = solution_page(awarded)
    assert not page.user_testing.happened
    assert page.untested == requirements
    assert {c.result: c.count for c in page.counts}["not_tested"] == 3


def test_the_page_reads_run_the_same_queries_for_more_tests(
    officer, awarded, requirements, django_assert_num_queries
):
    record(officer, awarded, requirements[0])
    with CaptureQueriesContext(connection) as few:
        solution_page(awarded)
    for requirement in requirements:
        for _n in range(4):
            record(officer, awarded, requirement, with_service_users=True, participants=2)
    Requirement.objects.create(tender=awarded, kind="outcome", title="More", created_by=officer)
    with django_assert_num_queries(len(few)):
        solution_page(awarded)


# --- The gate check ----------------------------------------------------------------------


def requirements_tested(procurement: Procurement):
    fresh = Procurement.objects.get(pk=procurement.pk)
    (result,) = run_checks(
        ["requirements_tested"], GateContext(procurement=fresh, stage_documents=())
    )
    return result


def test_the_gate_passes_only_when_every_requirement_has_a_result(officer, awarded, requirements):
    procurement = awarded.procurement
    assert not requirements_tested(procurement).passed
    record(officer, awarded, requirements[0])
    record(officer, awarded, requirements[1], result=TestResult.NOT_MET)
    record(officer, awarded, requirements[2], result=TestResult.NOT_TESTED)
    result = requirements_tested(procurement)
    assert not result.passed and "1 requirement" in result.detail
    record(officer, awarded, requirements[2], result=TestResult.PARTLY)
    assert requirements_tested(procurement).passed


def test_the_gate_fails_without_requirements(at_stage, make_tender):
    make_tender(at_stage, opened=True, requirements=0)
    assert not requirements_tested(at_stage).passed


# --- Through HTTP ------------------------------------------------------------------------


@pytest.fixture
def base(at_stage) -> str:
    return f"/workspace/procurements/{at_stage.slug}/tender/solution/"


def form(**overrides) -> dict:
    data = {
        "result": "met",
        "tested_on": YESTERDAY.isoformat(),
        "method": "Session at the day centre.",
        "with_service_users": "on",
        "participants": "9",
        "findings": "People **understood** the letters.",
    }
    data.update(overrides)
    return data


def test_the_overview_shows_plan_results_and_forms(client, officer, base, awarded, requirements):
    services.pilot_plan_update(actor=officer, tender=awarded, pilot_plan="Six **weeks**.")
    test = record(officer, awarded, requirements[0], with_service_users=True, participants=7)
    client.force_login(officer)
    response = client.get(base)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>weeks</strong>" in html
    assert f'id="requirement-{requirements[0].pk}"' in html
    assert 'id="count-met">1<' in html and 'id="count-not_tested">2<' in html
    assert "The largest group had 7 people." in html
    assert f"{base}requirements/{requirements[1].pk}/tests/add/" in html
    assert f'href="{base}tests/{test.pk}/"' in html
    assert 'name="pilot_plan"' in html
    # Each requirement's form has its own ids.
    assert f'id="id_r{requirements[0].pk}_result"' in html
    assert f'id="id_r{requirements[1].pk}_result"' in html


@pytest.mark.parametrize("role", TESTERS)
def test_the_team_records_results_through_the_pages(
    client, make_member, org, base, awarded, requirements, role
):
    member = make_member(org, role)
    client.force_login(member)
    response = client.post(base, {"pilot_plan": "Pilot in two teams."})
    assert response.status_code == 302 and response["Location"] == base
    url = f"{base}requirements/{requirements[1].pk}/tests/add/"
    assert client.get(url).status_code == 200
    response = client.post(url, form())
    assert response.status_code == 302 and response["Location"] == base
    test = SolutionTest.objects.get()
    assert (test.requirement, test.participants, test.recorded_by) == (requirements[1], 9, member)
    assert events("tendering.solution_test_record").get().actor_id == member.pk
    page = client.get(base).content.decode()
    assert "Result recorded for “Requirement 2”." in page
    assert "People <strong>understood</strong> the letters." in page
    # Correct it, then remove it.
    edit = f"{base}tests/{test.pk}/"
    assert client.get(edit).status_code == 200
    assert client.post(edit, form(result="not_met")).status_code == 302
    test.refresh_from_db()
    assert test.result == "not_met"
    assert client.post(f"{edit}remove/").status_code == 302
    assert not SolutionTest.objects.exists()


def test_bad_input_rerenders_with_errors_and_saves_nothing(client, officer, base, requirements):
    client.force_login(officer)
    url = f"{base}requirements/{requirements[0].pk}/tests/add/"
    response = client.post(url, form(participants="0"))
    assert response.status_code == 400
    assert "a test with service users has at least one" in response.content.decode()
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, form(tested_on=tomorrow))
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert client.post(url, form(result="")).status_code == 400
    assert not SolutionTest.objects.exists()
    assert not events().filter(action__startswith="tendering.solution").exists()


def test_text_is_escaped(client, officer, base, awarded, requirements):
    record(officer, awarded, requirements[0], method="<script>alert(1)</script>",
           findings="<img src=x onerror=alert(1)>")  # fmt: skip
    client.force_login(officer)
    html = client.get(base).content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("role", READERS)
def test_other_roles_read_without_forms_and_may_not_write(
    client, make_member, org, base, officer, awarded, requirements, role
):
    test = record(officer, awarded, requirements[0])
    client.force_login(make_member(org, role))
    response = client.get(base)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Requirement 1" in html and "Read only" in html
    assert "/tests/add/" not in html and 'name="pilot_plan"' not in html
    assert client.post(base, {"pilot_plan": "Mine."}).status_code == 403
    add = f"{base}requirements/{requirements[1].pk}/tests/add/"
    assert client.get(add).status_code == 403
    assert client.post(add, form()).status_code == 403
    assert client.post(f"{base}tests/{test.pk}/", form(result="not_met")).status_code == 403
    assert client.post(f"{base}tests/{test.pk}/remove/").status_code == 403
    test.refresh_from_db()
    assert test.result == "met" and SolutionTest.objects.count() == 1
    awarded.refresh_from_db()
    assert awarded.pilot_plan == ""


def test_other_bodies_and_residents_get_404(
    client, make_member, other_org, resident, base, officer, awarded, requirements
):
    test = record(officer, awarded, requirements[0])
    for user in (make_member(other_org, Role.ORG_ADMIN), resident):
        client.force_login(user)
        assert client.get(base).status_code == 404
        assert client.post(base, {"pilot_plan": "x"}).status_code == 404
        add = f"{base}requirements/{requirements[0].pk}/tests/add/"
        assert client.post(add, form()).status_code == 404
        assert client.post(f"{base}tests/{test.pk}/remove/").status_code == 404
    assert SolutionTest.objects.count() == 1


def test_at_another_stage_the_page_is_read_only(client, officer, base, awarded, requirements):
    Procurement.objects.filter(pk=awarded.procurement_id).update(stage="vendor_evaluation")
    client.force_login(officer)
    html = client.get(base).content.decode()
    assert "Read only" in html and "/tests/add/" not in html
    add = f"{base}requirements/{requirements[0].pk}/tests/add/"
    assert client.post(add, form()).status_code == 403
    assert client.post(base, {"pilot_plan": "x"}).status_code == 403
    assert not SolutionTest.objects.exists()


def test_before_the_award_the_page_says_so(client, officer, base, at_stage, make_tender):
    tender = make_tender(at_stage, opened=True)
    client.force_login(officer)
    html = client.get(base).content.decode()
    assert "not awarded yet" in html and "/tests/add/" not in html
    response = client.post(base, {"pilot_plan": "Early."})
    assert response.status_code == 400
    assert "once the tender is awarded" in response.content.decode()
    add = f"{base}requirements/{tender.requirements.first().pk}/tests/add/"
    assert client.post(add, form()).status_code == 400
    assert not SolutionTest.objects.exists()


def test_without_a_tender(client, officer, base):
    client.force_login(officer)
    assert "no tender yet" in client.get(base).content.decode()
    assert client.post(base, {"pilot_plan": "x"}).status_code == 404


def test_a_requirement_or_test_of_another_tender_is_404(
    client, officer, base, awarded, make_procurement, make_tender, make_bid
):
    other = award(
        make_tender(make_procurement(title="Other", stage="solution_evaluation"), opened=True),
        make_bid,
        officer,
    )
    foreign = record(officer, other, other.requirements.first())
    client.force_login(officer)
    add = f"{base}requirements/{other.requirements.first().pk}/tests/add/"
    assert client.post(add, form()).status_code == 404
    assert client.get(f"{base}tests/{foreign.pk}/").status_code == 404
    assert client.post(f"{base}tests/{foreign.pk}/remove/").status_code == 404
    assert SolutionTest.objects.count() == 1


def test_remove_needs_post_and_anonymous_goes_to_log_in(
    client, officer, base, awarded, requirements
):
    test = record(officer, awarded, requirements[0])
    response = client.get(base)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(officer)
    assert client.get(f"{base}tests/{test.pk}/remove/").status_code == 405
    assert SolutionTest.objects.count() == 1


def test_the_overview_runs_the_same_queries_for_more_results(
    client, officer, base, awarded, requirements
):
    client.force_login(officer)

    def count() -> int:
        client.get(base)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(base).status_code == 200
        return len(queries)

    record(officer, awarded, requirements[0])
    few = count()
    for requirement in requirements:
        for _n in range(3):
            record(officer, awarded, requirement, with_service_users=True, participants=4)
    assert count() == few
