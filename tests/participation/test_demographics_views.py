"""Demographics through real HTTP requests: the optional "About you" form,
the representativeness panel on the public process page, and the staff
pages that set the questions and their population shares."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import (
    DemographicAnswer,
    DemographicProfile,
    DemographicQuestion,
)
from participai.participation.services import demographics as services
from participai.participation.sessions import SESSION_KEY

from .conftest import AGE_OPTIONS


def process_url(process, tail: str = "") -> str:
    return f"/p/{process.procurement.slug}/{process.slug}/{tail}"


def staff_url(process, tail: str = "") -> str:
    return (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/demographics/{tail}"
    )


def join(client, process, pseudonym: str = "Ana R.") -> Participant:
    client.post(process_url(process, "join/"), {"pseudonym": pseudonym})
    return Participant.objects.get(pk=client.session[SESSION_KEY])


HIDDEN = '<span class="text-italic">not shown</span>'


def field(question) -> str:
    return services.answer_field(question)


def answer_many(process, question, make_guest, counts: dict[int | None, int]) -> None:
    for option, n in counts.items():
        for _ in range(n):
            services.profile_save(
                participant=make_guest(),
                process=process,
                answers={question.pk: option},
                consent=True,
            )


# --------------------------------------------------------------------------- about you


def test_a_guest_who_has_not_joined_joins_first(client, open_process, age_question):
    response = client.get(process_url(open_process, "about-you/"))
    assert response.status_code == 302
    assert response["Location"].startswith(process_url(open_process, "join/"))
    assert "about-you" in response["Location"]


def test_the_form_explains_the_consent_and_offers_prefer_not_to_say(
    client, open_process, age_question
):
    join(client, open_process)
    response = client.get(process_url(open_process, "about-you/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "only ever counted in groups of at least five people" in html
    assert "<legend" in html and "How old are you?" in html
    for option in AGE_OPTIONS:
        assert option in html
    assert "Prefer not to say" in html
    # "Prefer not to say" is chosen until the person chooses otherwise.
    assert 'value="none" checked' in html
    assert 'name="consent"' in html and 'name="consent" checked' not in html


def test_answers_are_saved_with_consent_and_shown_again(client, open_process, age_question):
    ana = join(client, open_process)
    response = client.post(
        process_url(open_process, "about-you/"), {field(age_question): "2", "consent": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == process_url(open_process)
    profile = DemographicProfile.objects.get(participant=ana)
    assert profile.answers.get().option == 2
    html = client.get(process_url(open_process, "about-you/")).content.decode()
    assert 'value="2" checked' in html
    assert "Delete my answers" in html


def test_without_consent_nothing_is_kept(client, open_process, age_question):
    join(client, open_process)
    response = client.post(process_url(open_process, "about-you/"), {field(age_question): "2"})
    assert response.status_code == 400
    assert "Tick the box to agree" in response.content.decode()
    assert not DemographicProfile.objects.exists()


@pytest.mark.parametrize("value", ["3", "-1", "old", ""])
def test_an_answer_not_offered_is_refused(client, open_process, age_question, value):
    join(client, open_process)
    response = client.post(
        process_url(open_process, "about-you/"), {field(age_question): value, "consent": "on"}
    )
    assert response.status_code == 400
    assert not DemographicProfile.objects.exists()


def test_prefer_not_to_say_is_saved_as_no_option(client, open_process, age_question):
    join(client, open_process)
    client.post(
        process_url(open_process, "about-you/"), {field(age_question): "none", "consent": "on"}
    )
    assert DemographicAnswer.objects.get().option is None


def test_an_account_holder_answers_and_their_participant_is_made_then(
    client, open_process, age_question, resident
):
    client.force_login(resident)
    assert client.get(process_url(open_process, "about-you/")).status_code == 200
    assert not Participant.objects.filter(user=resident).exists()
    # A refused save leaves no participant behind.
    client.post(
        process_url(open_process, "about-you/"), {field(age_question): "9", "consent": "on"}
    )
    assert not Participant.objects.filter(user=resident).exists()
    client.post(
        process_url(open_process, "about-you/"), {field(age_question): "1", "consent": "on"}
    )
    assert DemographicProfile.objects.get().participant.user == resident


def test_answers_are_deleted_on_request(client, open_process, age_question):
    ana = join(client, open_process)
    services.profile_save(
        participant=ana, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    response = client.post(
        process_url(open_process, "about-you/delete/"), {"next": "/participate/you/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/participate/you/"
    assert not DemographicProfile.objects.exists()


def test_deleting_needs_a_post(client, open_process, age_question):
    ana = join(client, open_process)
    services.profile_save(
        participant=ana, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    assert client.get(process_url(open_process, "about-you/delete/")).status_code == 405
    assert DemographicProfile.objects.exists()


def test_one_visitor_cannot_delete_anothers_answers(client, open_process, age_question, guest):
    services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    join(client, open_process, "Someone else")
    client.post(process_url(open_process, "about-you/delete/"))
    assert DemographicProfile.objects.get().participant == guest


def test_a_closed_process_shows_no_form_and_refuses_answers(
    client, open_process, age_question, set_window
):
    join(client, open_process)
    set_window(open_process, "closed")
    html = client.get(process_url(open_process, "about-you/")).content.decode()
    assert "This part is closed" in html
    assert 'name="consent"' not in html
    response = client.post(
        process_url(open_process, "about-you/"), {field(age_question): "1", "consent": "on"}
    )
    assert response.status_code == 400
    assert not DemographicProfile.objects.exists()


def test_before_the_process_opens_the_page_says_so_and_shows_no_form(
    client, open_process, age_question, set_window
):
    join(client, open_process)
    set_window(open_process, "upcoming")
    response = client.get(process_url(open_process, "about-you/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This part opens later." in html
    assert 'name="consent"' not in html


def test_a_member_previewing_an_unpublished_process_sees_no_form(
    client, published, make_process, make_demographic_question, officer
):
    draft = make_process(published, modules=("comments",))
    make_demographic_question(draft)
    client.force_login(officer)
    response = client.get(process_url(draft, "about-you/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This process is not published." in html
    assert 'name="consent"' not in html
    response = client.post(
        process_url(draft, "about-you/"),
        {field(draft.demographic_questions.get()): "1", "consent": "on"},
    )
    assert response.status_code == 400
    assert not DemographicProfile.objects.exists()


def test_a_process_that_asks_nothing_has_no_about_you_page(client, open_process):
    join(client, open_process)
    assert client.get(process_url(open_process, "about-you/")).status_code == 404


def test_an_account_only_process_asks_guests_to_sign_in(client, open_process, age_question):
    join(client, open_process)
    open_process.read_requires = "account"
    open_process.save()
    response = client.get(process_url(open_process, "about-you/"))
    assert "Sign in with an account to read this process." in response.content.decode()
    response = client.post(
        process_url(open_process, "about-you/"), {field(age_question): "1", "consent": "on"}
    )
    assert response.status_code == 403
    assert not DemographicProfile.objects.exists()


def test_an_unpublished_process_is_not_found_by_the_public(
    client, published, make_process, make_demographic_question
):
    draft = make_process(published, modules=("comments",))
    make_demographic_question(draft)
    assert client.get(process_url(draft, "about-you/")).status_code == 404


def test_the_process_page_offers_about_you_once_you_take_part(client, open_process, age_question):
    link = process_url(open_process, "about-you/")
    assert link not in client.get(process_url(open_process)).content.decode()
    join(client, open_process)
    html = client.get(process_url(open_process)).content.decode()
    assert link in html
    assert "About you (optional)" in html


def test_no_about_you_link_where_nothing_is_asked(client, open_process):
    join(client, open_process)
    assert "About you (optional)" not in client.get(process_url(open_process)).content.decode()


# --------------------------------------------------------------------------- the public panel


def test_the_process_page_shows_who_took_part_against_the_population(
    client, open_process, age_question, make_guest
):
    # 100 answers: 30 young (18 % of the area), 64 middle-aged (60 %), 4 older
    # (22 %), 2 who preferred not to say.
    answer_many(open_process, age_question, make_guest, {0: 30, 1: 64, 2: 4, None: 2})
    html = client.get(process_url(open_process)).content.decode()
    panel = html.split('id="representativeness-heading"')[1]
    assert "100 people answered the optional questions" in panel
    assert "Under-represented so far:" in panel
    assert "65 or older" in panel.split("Under-represented so far:")[1].split("</p>")[0]
    assert ">30<" in panel and ">64<" in panel
    # The 4 and the 2 are not shown; neither is anything that gives them away.
    assert ">4<" not in panel and ">2<" not in panel
    assert panel.count(HIDDEN) == 2
    assert "Census 2021, city council area" in panel


def test_small_groups_protect_each_other_on_the_page(
    client, open_process, age_question, make_guest
):
    # Only the 3 older people are a small group: the next smallest (6) goes too.
    answer_many(open_process, age_question, make_guest, {0: 6, 1: 20, 2: 3, None: 7})
    panel = client.get(process_url(open_process)).content.decode()
    panel = panel.split('id="representativeness-heading"')[1]
    assert panel.count(HIDDEN) == 2
    assert ">6<" not in panel and ">3<" not in panel
    assert ">20<" in panel and ">7<" in panel


def test_too_few_answers_show_no_group_at_all(client, open_process, age_question, make_guest):
    # 12 answers over four rows could all be groups of four or fewer.
    answer_many(open_process, age_question, make_guest, {0: 8, 1: 4})
    panel = client.get(process_url(open_process)).content.decode()
    panel = panel.split('id="representativeness-heading"')[1]
    assert "12 people answered the optional questions" in panel
    assert "Too few answers to this question to show any group yet." in panel
    assert ">8<" not in panel and "<table" not in panel


def test_the_panel_is_shown_only_while_the_process_is_open(
    client, open_process, age_question, make_guest, set_window
):
    answer_many(open_process, age_question, make_guest, {1: 5})
    assert "representativeness-heading" in client.get(process_url(open_process)).content.decode()
    set_window(open_process, "closed")
    assert (
        "representativeness-heading" not in client.get(process_url(open_process)).content.decode()
    )


def test_no_panel_where_nothing_is_asked(client, open_process):
    assert (
        "representativeness-heading" not in client.get(process_url(open_process)).content.decode()
    )


def test_the_panel_costs_a_fixed_number_of_queries(
    client, open_process, age_question, make_guest, django_assert_max_num_queries
):
    answer_many(open_process, age_question, make_guest, {0: 5})
    with django_assert_max_num_queries(50) as few:
        client.get(process_url(open_process))
    answer_many(open_process, age_question, make_guest, {1: 30, 2: 10})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(process_url(open_process))


# --------------------------------------------------------------------------- staff pages


FORM = {
    "kind": "age_band",
    "label": "How old are you?",
    "options": "16–29 | 18\n30–64 | 60\n65 or older | 22,0 %\n",
    "benchmark_source": "Census 2021",
}


def test_members_read_the_page_and_managers_see_the_form(
    client, open_process, age_question, officer, moderator
):
    client.force_login(moderator)
    response = client.get(staff_url(open_process))
    assert response.status_code == 200
    html = response.content.decode()
    assert "How old are you?" in html
    assert "Add a question" not in html
    client.force_login(officer)
    html = client.get(staff_url(open_process)).content.decode()
    assert "Add a question" in html
    assert staff_url(open_process, f"{age_question.pk}/") in html


def test_outsiders_do_not_find_the_page(client, open_process, resident, make_member, other_org):
    assert client.get(staff_url(open_process)).status_code == 302  # to the login page
    client.force_login(resident)
    assert client.get(staff_url(open_process)).status_code == 404
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER))
    assert client.get(staff_url(open_process)).status_code == 404


def test_the_process_page_links_to_the_demographics(client, open_process, officer):
    client.force_login(officer)
    procurement = open_process.procurement
    url = f"/workspace/procurements/{procurement.slug}/participation/{open_process.slug}/"
    assert staff_url(open_process) in client.get(url).content.decode()


def test_a_manager_adds_a_question_with_its_shares(client, open_process, officer):
    client.force_login(officer)
    response = client.post(staff_url(open_process, "add/"), FORM)
    assert response.status_code == 302
    question = DemographicQuestion.objects.get()
    assert question.options == list(AGE_OPTIONS)
    assert question.benchmarks == [18.0, 60.0, 22.0]
    assert question.benchmark_source == "Census 2021"


def test_answers_without_shares_are_fine(client, open_process, officer):
    client.force_login(officer)
    response = client.post(
        staff_url(open_process, "add/"),
        {**FORM, "options": "North\nSouth\n", "benchmark_source": ""},
    )
    assert response.status_code == 302
    assert DemographicQuestion.objects.get().benchmarks == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"options": "Only one | 100"}, "Offer 2 to 20 answers"),
        ({"options": "A | lots\nB | 3"}, "Line 1: the share after"),
        ({"options": "A | 70\nB | 40"}, "add up to more than 100 percent"),
        ({"options": "A | 170\nB | 0"}, "between 0 and 100"),
        ({"benchmark_source": ""}, "Say where the population figures come from"),
        ({"kind": "shoe_size"}, "Select a valid choice"),
    ],
)
def test_bad_questions_come_back_with_the_reason_and_nothing_is_saved(
    client, open_process, officer, changes, message
):
    client.force_login(officer)
    response = client.post(staff_url(open_process, "add/"), {**FORM, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DemographicQuestion.objects.exists()


def test_members_who_do_not_manage_participation_may_not_add(client, open_process, moderator):
    client.force_login(moderator)
    assert client.post(staff_url(open_process, "add/"), FORM).status_code == 403
    assert not DemographicQuestion.objects.exists()


def test_a_manager_edits_a_question(client, open_process, officer, age_question):
    client.force_login(officer)
    html = client.get(staff_url(open_process, f"{age_question.pk}/")).content.decode()
    assert "65 or older | 22" in html
    response = client.post(
        staff_url(open_process, f"{age_question.pk}/"),
        {**FORM, "label": "Your age?", "options": "Under 30 | 20\n30 to 64 | 60\n65+ | 20"},
    )
    assert response.status_code == 302
    age_question.refresh_from_db()
    assert age_question.label == "Your age?"
    assert age_question.benchmarks == [20.0, 60.0, 20.0]


def test_once_answered_only_the_shares_change(client, open_process, officer, age_question, guest):
    services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    client.force_login(officer)
    html = client.get(staff_url(open_process, f"{age_question.pk}/")).content.decode()
    assert "only the population shares and their source can change now" in html
    response = client.post(
        staff_url(open_process, f"{age_question.pk}/"),
        {**FORM, "options": "65 or older | 22\n16–29 | 18\n30–64 | 60"},
    )
    assert response.status_code == 400
    age_question.refresh_from_db()
    assert age_question.options == list(AGE_OPTIONS)
    response = client.post(
        staff_url(open_process, f"{age_question.pk}/"),
        {**FORM, "options": "16–29 | 17\n30–64 | 61\n65 or older | 22"},
    )
    assert response.status_code == 302
    age_question.refresh_from_db()
    assert age_question.benchmarks == [17.0, 61.0, 22.0]


def test_a_question_of_another_process_is_not_found(
    client, open_process, officer, published, make_process, make_demographic_question
):
    other = make_process(published, modules=("comments",), publish=True)
    foreign = make_demographic_question(other)
    client.force_login(officer)
    assert client.get(staff_url(open_process, f"{foreign.pk}/")).status_code == 404
    assert client.post(staff_url(open_process, f"{foreign.pk}/remove/")).status_code == 404
    assert DemographicQuestion.objects.filter(pk=foreign.pk).exists()


def test_removing_a_question_asks_first_then_deletes_its_answers(
    client, open_process, officer, age_question, guest
):
    services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    client.force_login(officer)
    html = client.get(staff_url(open_process, f"{age_question.pk}/remove/")).content.decode()
    assert "The 1 answer given to it is deleted with it." in html
    assert DemographicQuestion.objects.exists()
    response = client.post(staff_url(open_process, f"{age_question.pk}/remove/"))
    assert response.status_code == 302
    assert not DemographicQuestion.objects.exists()
    assert not DemographicAnswer.objects.exists()


def test_members_who_do_not_manage_participation_may_not_remove(
    client, open_process, moderator, age_question
):
    client.force_login(moderator)
    assert client.post(staff_url(open_process, f"{age_question.pk}/remove/")).status_code == 403
    assert DemographicQuestion.objects.exists()


def test_staff_see_the_panel_in_groups_of_five_too(
    client, open_process, officer, age_question, make_guest, set_window
):
    # One older person and nobody who preferred not to say: both hidden,
    # and as two are hidden, their sum (1) tells neither.
    answer_many(open_process, age_question, make_guest, {0: 7, 1: 12, 2: 1})
    set_window(open_process, "closed")  # staff see it after closing as well
    client.force_login(officer)
    html = client.get(staff_url(open_process)).content.decode()
    panel = html.split('id="representativeness-heading"')[1]
    assert ">7<" in panel and ">12<" in panel
    assert ">1<" not in panel
    assert panel.count(HIDDEN) == 2


def _demographic_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if "participation_demographic" in q["sql"]]


def test_the_staff_page_reads_the_questions_once(
    client, open_process, officer, age_question, make_guest
):
    answer_many(open_process, age_question, make_guest, {0: 6, 1: 6})
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(staff_url(open_process)).content.decode()
    assert "How old are you?" in html and 'id="representativeness-heading"' in html
    # The questions, then the counts per option: the list and the panel share them.
    assert len(_demographic_reads(queries)) == 2


def test_the_public_page_of_a_closed_process_reads_no_demographics(
    client, open_process, age_question, make_guest, set_window
):
    answer_many(open_process, age_question, make_guest, {1: 5})
    set_window(open_process, "closed")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(process_url(open_process)).content.decode()
    assert "representativeness-heading" not in html
    assert _demographic_reads(queries) == []


def test_the_public_page_reads_the_questions_once_for_someone_taking_part(
    client, open_process, age_question, make_guest
):
    answer_many(open_process, age_question, make_guest, {0: 6, 1: 6})
    join(client, open_process)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(process_url(open_process)).content.decode()
    assert 'id="representativeness-heading"' in html
    assert "About you (optional)" in html
    # The questions, then the counts per option: the panel and the link share them.
    assert len(_demographic_reads(queries)) == 2


def test_on_a_closed_process_someone_taking_part_still_finds_about_you(
    client, open_process, age_question, set_window
):
    join(client, open_process)
    set_window(open_process, "closed")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(process_url(open_process)).content.decode()
    assert "representativeness-heading" not in html
    assert "About you (optional)" in html
    assert len(_demographic_reads(queries)) == 1  # whether anything is asked
