"""Demo data for the participation instruments: what the Altamira home-care
consultation holds besides its comments and statements.

:func:`load_home_care_instruments` adds a survey, a dot vote over the
requirements of a scheduling tool, the draft problem statement under review
in two versions, the record of a hearing already held, the team's answers
("you said, we did") and the optional questions about who takes part, with
enough answers for the representativeness panel to flag a group. Written for
the demo by the ParticipAI team; the people are fictional.

Every row is written by the participation services, as a real consultation
would write it, so the audit trail, the counters and the checks (dates,
rules of the process, groups under five hidden) are the real ones.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from participai.accounts.models import Participant, User
from participai.procurements.models import Procurement

from .models import (
    ChangeKind,
    Channel,
    Contribution,
    DemographicKind,
    DocumentVersion,
    EventKind,
    Module,
    ModuleKind,
    PrioritisationMethod,
    Process,
    ResponseStatus,
)
from .services import contributions as contribution_services
from .services import demographics as demographic_services
from .services import documents as document_services
from .services import events as event_services
from .services import participants as participant_services
from .services import prioritisation as prioritisation_services
from .services import processes as process_services
from .services import responses as response_services
from .services import surveys as survey_services

# The resident whose account answers the survey and the dot vote, so a demo
# login ("resident-ruth") finds her own answers on the process.
RESIDENT_USERNAME = "resident-ruth"

# --------------------------------------------------------------------------- survey

SURVEY_QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single",
        "text": "How are you connected to home care?",
        "required": True,
        "options": [
            "I am waiting for an assessment",
            "I care for someone who is waiting or was assessed",
            "I was assessed in the last two years",
            "I work in home care or in assessments",
            "None of these",
        ],
    },
    {
        "kind": "multiple",
        "text": "What would help most while people wait? Choose up to two.",
        "options": [
            "Being told a date within a week of asking",
            "A named person to call with questions",
            "A reminder by phone or text the day before the visit",
            "Letters in plain language",
            "Some support at home before the assessment",
        ],
        "max_choices": 2,
    },
    {
        "kind": "scale",
        "text": "How well were you (or the person you care for) kept informed during the wait?",
        "help_text": "Leave it blank if you have not waited yourself.",
        "scale_min": 1,
        "scale_max": 5,
        "scale_min_label": "Not informed at all",
        "scale_max_label": "Very well informed",
    },
    {
        "kind": "ranking",
        "text": "Put these in order: what should the region improve first?",
        "options": [
            "The total time people wait",
            "Knowing the date of the visit in advance",
            "Choosing a time that suits the family",
            "Seeing the same assessor again for reviews",
        ],
    },
    {
        "kind": "text",
        "text": "Is there anything else we should know about waiting for an assessment?",
    },
]

# One response per row: who (a pseudonym, or ``None`` for the resident's
# account), how it reached us, then the answers to the questions above in
# order (``None``: left blank). Rows given on paper or by phone are entered
# by staff at day centres and on the social services line.
SurveyRow = tuple[str | None, str, int, list[int], int | None, list[int] | None, str]
# fmt: off
SURVEY_RESPONSES: list[SurveyRow] = [
    ("Lola M.", Channel.ONLINE, 1, [0, 1], 2, [1, 0, 2, 3],
     "We were told 'soon' three times. A date, even a late one, would let us plan."),
    ("Andreu", Channel.ONLINE, 0, [0, 4], 1, [0, 1, 2, 3], ""),
    (None, Channel.ONLINE, 1, [1, 2], 2, [1, 2, 0, 3],
     "I took two days off work for visits that were moved the evening before."),
    ("Neus P.", Channel.ONLINE, 3, [0, 1], 3, [0, 1, 3, 2],
     "Assessors would welcome fixed days for each district."),
    ("Marisol", Channel.ONLINE, 1, [0, 3], 1, [1, 0, 2, 3], ""),
    ("J. Roca", Channel.ONLINE, 2, [2, 3], 4, [0, 1, 2, 3], ""),
    ("Ferran", Channel.ONLINE, 4, [0], None, [0, 1, 2, 3], ""),
    ("Teresa G.", Channel.ONLINE, 1, [1, 4], 2, [1, 0, 3, 2],
     "My father is deaf. Phone calls to arrange the visit do not work for him; "
     "a text message would."),
    ("Kiko", Channel.ONLINE, 0, [0, 2], 2, [1, 0, 2, 3], ""),
    ("Inés, daughter", Channel.ONLINE, 1, [0, 1], 1, [0, 1, 2, 3],
     "The wait was long, but the worst part was not knowing."),
    ("Assessor, south district", Channel.ONLINE, 3, [0, 4], 3, [0, 3, 1, 2],
     "Reviews by video, when the family agrees, would free home visits for first "
     "assessments."),
    ("Pilar R.", Channel.ONLINE, 2, [3], 3, [1, 2, 0, 3], ""),
    ("Rafa", Channel.ONLINE, 1, [0, 2], 2, [0, 1, 2, 3], ""),
    ("Montse", Channel.ONLINE, 0, [1], 1, [1, 0, 2, 3], ""),
    ("Albert S.", Channel.ONLINE, 4, [0, 1], None, None, ""),
    ("Joaquim, day centre", Channel.PAPER, 0, [0, 2], 2, [0, 1, 2, 3], ""),
    ("Dolors, 79", Channel.PAPER, 0, [1, 4], 1, [1, 0, 3, 2],
     "I live alone in the village. Someone came once while I was at the doctor's, "
     "and nobody told me they were coming."),
    ("Reader at the Vall library", Channel.PAPER, 1, [0, 3], 2, [1, 0, 2, 3], ""),
    ("Caller from the coast", Channel.PHONE, 2, [0], 3, None, ""),
    ("Manel, 84", Channel.PHONE, 0, [1, 2], 1, [0, 1, 2, 3],
     "A phone call the day before would be enough for me."),
]
# fmt: on

# --------------------------------------------------------------------------- dot vote

DOT_BUDGET = 10
PRIORITY_ITEMS = [
    (
        "Give every person a date within a week of their request",
        "A visit date is proposed as soon as a request is registered, and the person is "
        "told by letter **and** by phone.",
    ),
    (
        "Group visits by district to cut assessors' travel",
        "Visits in the same villages are planned for the same day, so assessors spend less "
        "time driving and more time assessing.",
    ),
    (
        "Remind people the day before, by phone or text",
        "A reminder with a number to call if the time no longer suits, so fewer visits find "
        "nobody at home.",
    ),
    (
        "Let families choose among a few time slots",
        "Carers who work can be present without taking a day off.",
    ),
    (
        "Plan review assessments by video when the person agrees",
        "Only for reviews, never for a first assessment, and only with the person's consent.",
    ),
    (
        "Show assessors why each plan was proposed, and let them change it",
        "The assessors keep the last word on every plan; the tool explains its proposals in "
        "plain words.",
    ),
]
# Points per item, in the items' order; ballots by new guests first, then by
# people who also answered the survey online, then on paper.
NEW_VOTERS = ["Vicent", "Carla B.", "Home-care worker, Riells", "Sílvia", "Oriol", "Nuri"]
BALLOTS_NEW = [
    [4, 2, 2, 0, 0, 2],
    [5, 0, 3, 0, 0, 2],
    [3, 3, 0, 0, 2, 2],
    [2, 4, 0, 0, 3, 1],
    [4, 0, 2, 2, 0, 2],
    [6, 0, 2, 0, 0, 2],
]
BALLOTS_SURVEYED = [
    [3, 2, 1, 1, 1, 2],
    [0, 5, 0, 0, 5, 0],
    [4, 1, 3, 2, 0, 0],
    [5, 0, 0, 3, 0, 2],
    [2, 2, 2, 2, 2, 0],
    [3, 0, 4, 0, 0, 3],
]
BALLOTS_ON_PAPER = [
    [5, 0, 5, 0, 0, 0],
    [4, 0, 3, 3, 0, 0],
    [6, 2, 2, 0, 0, 0],
]

# --------------------------------------------------------------------------- draft under review

DRAFT_TITLE = "Problem statement: waiting for a home-care assessment"
DRAFT_V1 = [
    "People in Altamira who ask for help at home wait on average 147 days for a dependency "
    "assessment. The law sets a limit of 30 days.",
    "Assessors spend about a third of their working time on scheduling and travel. Visits are "
    "arranged by phone, one at a time, and are often moved when the person is not at home.",
    "While they wait, people receive one letter acknowledging their request. It gives no "
    "date and no name to contact.",
    "The region wants to bring the average wait down to 30 days by making better use of "
    "assessors' time.",
    "Software that plans assessors' routes and appointments, some of it marketed with AI, is "
    "one option being considered, alongside hiring more assessors and reviewing cases by "
    "video.",
]
DRAFT_V2 = [
    "People in Altamira who ask for help at home wait on average 147 days for a dependency "
    "assessment, and one in five waits more than six months. The law sets a limit of 30 days.",
    DRAFT_V1[1],
    DRAFT_V1[2],
    "People living in the villages of the interior wait longest, because visits there need "
    "the most travel and are the most often moved.",
    "The region wants everyone to be told a date within a week of asking, and to bring the "
    "average wait down to 30 days by making better use of assessors' time.",
    "Software that plans assessors' routes and appointments, some of it marketed with AI, is "
    "one option being considered, alongside hiring more assessors and reviewing cases by "
    "video. No software will decide who is assessed first, nor the level of care: those "
    "decisions stay with the assessors.",
]
DRAFT_CHANGE_NOTE = (
    "Added how many people wait more than six months, the longer waits in the villages of the "
    "interior (raised at the hearing), a goal about telling people a date, and that no "
    "software will decide the order of assessments or the level of care."
)
# (pseudonym, paragraph position in its version, comment)
DRAFT_V1_COMMENTS = [
    ("Carme V.", 1, "Say how many people wait more than six months. An average hides them."),
    (
        "Xavi, carer",
        4,
        "The goal should be about people knowing when they will be seen, not only about "
        "assessors' time.",
    ),
    ("Eulàlia", 5, "Say clearly that no software will decide who is assessed first."),
]
DRAFT_V2_COMMENTS = [
    ("Bernat", 4, "The coast too, in summer, when the roads are full of visitors."),
    (
        "Carme V.",
        6,
        "Thank you for adding this. Who will check that it holds once a tool is in use?",
    ),
    ("Quim", 5, "A week is fine. Say also what happens when the date has to move."),
]

# --------------------------------------------------------------------------- the hearing

HEARING_PLACE = "Casa de la Cultura, Plaça Major 4, Altamira"
HEARING_ACCESS = (
    "Step-free entrance and a hearing loop; a sign-language interpreter; taxi fares paid for "
    "people coming from the villages of the interior; a quiet room for carers who came with "
    "the person they care for."
)
HEARING_WHO = (
    "Members of four carers' associations, 11 people waiting for an assessment, 7 assessors, "
    "two home-care providers, and staff of the social services department."
)
HEARING_MINUTES = """\
The head of home-care assessments opened with the figures: 147 days of waiting on average, \
about 2,300 people waiting today, and a third of assessors' time spent on scheduling and \
travel.

Carers spoke first. Most said the hardest part of the wait is not knowing when anyone will \
come; several had missed a visit because nobody told them the time.

Assessors described days spent driving between villages for one or two visits, and visits \
moved at short notice. They asked for fixed days per district before any software.

On software, the room agreed that a tool may propose routes and dates, but that nobody should \
be ranked by a computer: the order of assessments and the level of care stay human decisions.

Providers asked to know assessment dates in advance, so care can start the week after."""
HEARING_OUTPUTS = """\
- A date for every request within a week goes into the draft requirements.
- The problem statement will name the longer waits in the villages of the interior.
- "No ranking of who is assessed first" becomes a requirement of any tool.
- The north district will try grouping visits by hand for three months.
- A second hearing will be held in Riells, in the interior, before the consultation closes."""
# (who, how it was given, what they said), entered by the facilitator.
HEARING_POINTS = [
    (
        "Carers' association, north district",
        Channel.IN_PERSON,
        "In the villages a missed visit means two more months of waiting. Call the day before, "
        "and offer a second time the same week.",
    ),
    (
        "Assessor, 12 years in the service",
        Channel.IN_PERSON,
        "We lose most time when visits are moved. Give each district two fixed days a week.",
    ),
    (
        "Card left at the hearing",
        Channel.PAPER,
        "Nobody should be ranked by a computer. Plan the routes if you must, but the order is "
        "a human decision.",
    ),
    (
        "Home-care provider",
        Channel.IN_PERSON,
        "Share the assessment dates with providers, so care can start the week after.",
    ),
]

# --------------------------------------------------------------------------- who takes part

REGISTER = "Regional population register, 1 January 2025 (people aged 18 and over)"
DEMOGRAPHIC_QUESTIONS = [
    {
        "kind": DemographicKind.AREA,
        "label": "Where do you live?",
        "options": [
            "City of Altamira",
            "Towns of the coast",
            "Villages of the interior",
            "Outside the region (family of someone who lives here)",
        ],
        "benchmarks": [40, 25, 35, None],
        "benchmark_source": REGISTER,
    },
    {
        "kind": DemographicKind.AGE_BAND,
        "label": "How old are you?",
        "options": ["18 to 39", "40 to 64", "65 to 79", "80 or older"],
        "benchmarks": [33, 42, 17, 8],
        "benchmark_source": REGISTER,
    },
    {
        "kind": DemographicKind.DISABILITY,
        "label": "Do you have a disability or a long-term illness that limits your daily life?",
        "options": ["Yes", "No"],
        "benchmarks": [21, 79],
        "benchmark_source": "Regional health survey, 2024",
    },
]
# The answers of the people who took part online, one column per question
# above (option position; ``None``: prefer not to say). Few answers come from
# the villages of the interior, where a third of adults live: the panel
# flags them, which is why the second hearing is held in Riells.
# fmt: off
DEMOGRAPHIC_ANSWERS: list[tuple[int | None, int | None, int | None]] = [
    (0, 1, 1), (1, 1, 0), (0, 0, 1), (2, 2, 0), (0, 1, 1), (1, 0, 1), (0, 1, None),
    (2, 1, 1), (0, 2, 1), (3, 1, 1), (1, 0, 0), (0, 1, 1), (2, 3, 0), (0, 0, 1),
    (None, 1, 1), (1, 2, 1), (0, 1, 0), (0, 0, None), (2, 2, 1), (1, 1, 1), (0, 3, 0),
    (0, 0, 1), (None, None, None), (2, 1, 0), (1, 2, 1), (0, 0, 0),
]
# fmt: on


# --------------------------------------------------------------------------- loading


def load_home_care_instruments(lead: User, procurement: Procurement, process: Process) -> None:
    """Add the other instruments of the consultation to ``process``.

    Preconditions: ``process`` is the published home-care consultation of
    ``procurement`` made by ``procurements.demo``, open now and for weeks
    yet, at a stage that takes every kind of module, already holding the
    comments and statements the answers below refer to; ``lead`` may manage
    participation and enter it on people's behalf. A broken precondition
    raises the services' own error (``ValidationError``, ``PermissionDenied``)
    or ``ValueError``, and the caller's transaction keeps nothing.
    """
    if process.procurement_id != procurement.pk:
        raise ValueError("the consultation must belong to the procurement given")
    _statement_camps(process.modules.get(kind=ModuleKind.STATEMENTS))
    now = timezone.now()
    # The people who took part online: they are the ones who answer the
    # optional questions about who they are.
    online: list[Participant] = []
    surveyed, on_paper = _survey(lead, process, online)
    _dot_vote(
        lead, process, online, surveyed, on_paper, closes_at=now + datetime.timedelta(days=25)
    )
    draft = _draft_review(lead, process, online)
    hearing = _hearing(lead, process, now)
    _answers(lead, process, draft, hearing)
    _who_takes_part(lead, process, online)


def _survey(
    lead: User, process: Process, online: list[Participant]
) -> tuple[list[Participant], list[Participant]]:
    """The survey and its responses; returns the people who answered it
    online and those whose answers staff entered from paper forms."""
    module = process_services.module_add(
        actor=lead,
        process=process,
        kind=ModuleKind.SURVEY,
        title="A short survey about waiting",
        description="Five questions, about three minutes. Paper copies are at day centres and "
        "social services offices, and you can answer by phone on the social services line: "
        "staff enter those answers for you.",
    )
    questions = [
        survey_services.question_add(actor=lead, module=module, **spec)
        for spec in SURVEY_QUESTIONS
    ]
    resident = participant_services.participant_for_user(
        User.objects.get(username=RESIDENT_USERNAME)
    )
    surveyed: list[Participant] = []
    on_paper: list[Participant] = []
    for who, channel, *values in SURVEY_RESPONSES:
        answers = {
            question.pk: value
            for question, value in zip(questions, values, strict=True)
            if value not in (None, "")
        }
        if channel == Channel.ONLINE:
            person = resident if who is None else participant_services.guest_join(pseudonym=who)
            survey_services.survey_answer(participant=person, module=module, answers=answers)
            surveyed.append(person)
            online.append(person)
        else:
            response = survey_services.survey_answer_for_guest(
                entered_by=lead, module=module, pseudonym=who, answers=answers, channel=channel
            )
            if channel == Channel.PAPER:
                on_paper.append(response.participant)
    return surveyed, on_paper


def _allocation(items: Sequence[int], points: Sequence[int]) -> dict[int, int]:
    return {item: n for item, n in zip(items, points, strict=True) if n}


def _dot_vote(
    lead: User,
    process: Process,
    online: list[Participant],
    surveyed: list[Participant],
    on_paper: list[Participant],
    *,
    closes_at: datetime.datetime,
) -> None:
    """A dot vote over what a scheduling tool should do first; it closes
    before the consultation so its result can be discussed at the second
    hearing. Some survey respondents vote too, online or on the same paper
    form."""
    module = process_services.module_add(
        actor=lead,
        process=process,
        kind=ModuleKind.PRIORITISATION,
        title="What should change first?",
        description="Whatever the region tries, with software or without, it has to choose "
        "what to improve first. Spread your points over these possible requirements.",
        closes_at=closes_at,
        config={"method": PrioritisationMethod.DOTS, "budget": DOT_BUDGET},
    )
    items = [
        prioritisation_services.item_add(
            actor=lead, module=module, title=title, description=description
        ).pk
        for title, description in PRIORITY_ITEMS
    ]
    for pseudonym, points in zip(NEW_VOTERS, BALLOTS_NEW, strict=True):
        person = participant_services.guest_join(pseudonym=pseudonym)
        online.append(person)
        prioritisation_services.ballot_cast(
            participant=person, module=module, allocation=_allocation(items, points)
        )
    # The first of the survey's online respondents vote as well.
    for person, points in zip(surveyed, BALLOTS_SURVEYED, strict=False):
        prioritisation_services.ballot_cast(
            participant=person, module=module, allocation=_allocation(items, points)
        )
    for person, points in zip(on_paper, BALLOTS_ON_PAPER, strict=True):
        prioritisation_services.ballot_cast(
            participant=person,
            module=module,
            allocation=_allocation(items, points),
            channel=Channel.PAPER,
            entered_by=lead,
        )


def _comment_on(
    module: Module,
    version: DocumentVersion,
    comments: list[tuple[str, int, str]],
    people: dict[str, Participant],
) -> list[Contribution]:
    """Each comment on its paragraph (by position) of ``version``, by the
    guest of that pseudonym in ``people``."""
    paragraphs = {p.position: p for p in version.paragraphs.all()}
    return [
        contribution_services.contribution_add(
            participant=people[who], module=module, body=text, paragraph=paragraphs[position]
        )
        for who, position, text in comments
    ]


def _draft_review(lead: User, process: Process, online: list[Participant]) -> list[Contribution]:
    """The draft problem statement in two versions, commented on paragraph
    by paragraph; returns the comments on the first version, in the order of
    :data:`DRAFT_V1_COMMENTS` (the second version answers them)."""
    module = process_services.module_add(
        actor=lead,
        process=process,
        kind=ModuleKind.DOCUMENT_REVIEW,
        title="The draft problem statement",
        description="The problem statement the region will publish before talking to any "
        "supplier. Comment on any paragraph; each new version says what changed.",
    )
    # One guest each, whatever the number of their comments (one person
    # comments on both versions).
    people: dict[str, Participant] = {}
    for who, _position, _text in [*DRAFT_V1_COMMENTS, *DRAFT_V2_COMMENTS]:
        if who not in people:
            people[who] = participant_services.guest_join(pseudonym=who)
    online.extend(people.values())
    first = document_services.version_publish(
        actor=lead, module=module, title=DRAFT_TITLE, body="\n\n".join(DRAFT_V1)
    )
    # Comments are taken on the newest version only: those on the first
    # are made before the second is published.
    on_first = _comment_on(module, first, DRAFT_V1_COMMENTS, people)
    second = document_services.version_publish(
        actor=lead,
        module=module,
        title=DRAFT_TITLE,
        body="\n\n".join(DRAFT_V2),
        change_note=DRAFT_CHANGE_NOTE,
    )
    _comment_on(module, second, DRAFT_V2_COMMENTS, people)
    return on_first


def _hearing(lead: User, process: Process, now: datetime.datetime) -> list[Contribution]:
    """The record of the hearing held three days ago, and the points raised
    there as the facilitator entered them; returns those points. The module
    takes points from the start of the hearing until ten days after it, so
    cards handed in late can still be entered (and these ones now)."""
    evening = timezone.localtime(now).replace(hour=17, minute=0, second=0, microsecond=0)
    starts = evening - datetime.timedelta(days=3)
    module = process_services.module_add(
        actor=lead,
        process=process,
        kind=ModuleKind.EVENT,
        title="Hearing with carers' associations",
        description="A public hearing with carers' associations, assessors, providers and "
        "people waiting. What was said there is entered by its facilitators.",
        opens_at=starts,
        closes_at=starts + datetime.timedelta(days=10),
    )
    event_services.event_record_save(
        actor=lead,
        module=module,
        kind=EventKind.HEARING,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2, minutes=30),
        place=HEARING_PLACE,
        accessibility=HEARING_ACCESS,
        attendance=46,
        attendance_note=HEARING_WHO,
        minutes=HEARING_MINUTES,
        outputs=HEARING_OUTPUTS,
    )
    return [
        contribution_services.contribution_add(
            participant=participant_services.guest_join(pseudonym=who),
            module=module,
            body=text,
            channel=channel,
            entered_by=lead,
        )
        for who, channel, text in HEARING_POINTS
    ]


def _said(process: Process, opening: str) -> Contribution:
    """The contribution of ``process`` that starts with ``opening`` (written
    by ``procurements.demo``); ``ValueError`` when there is none."""
    found = Contribution.objects.filter(
        module__process=process, parent__isnull=True, body__startswith=opening
    ).first()
    if found is None:
        raise ValueError(f"the consultation holds no contribution starting {opening!r}")
    return found


def _answers(
    lead: User, process: Process, draft: list[Contribution], hearing: list[Contribution]
) -> None:
    """What became of what people said online, on the draft and at the
    hearing: the team's answers ("you said, we did")."""
    _six_months, knowing_when, software_comment = draft
    families, assessor_fixed_days, card, _provider = hearing
    response_services.response_create(
        actor=lead,
        process=process,
        contributions=[
            _said(process, "My mother waited five months"),
            _said(process, "People waiting should be told a date"),
            _said(process, "I do not use the internet"),
            knowing_when,
            families,
        ],
        status=ResponseStatus.ADOPTED,
        change_kind=ChangeKind.REQUIREMENT,
        target_label="Every person is told a date for their assessment within a week of asking",
        change="Added to the draft requirements, and to the problem statement (version 2): "
        "a date within a week of the request, told by letter and by phone, with a reminder "
        "the day before.",
        reason="It was the most common answer in every channel: in the comments, in the "
        "survey, in the dot vote, and at the hearing. People told us that not knowing when "
        "someone will come is harder than the wait itself.",
    )
    response_services.response_create(
        actor=lead,
        process=process,
        contributions=[
            _said(process, "Whatever tool you buy"),
            _said(process, "Software may plan routes"),
            software_comment,
            card,
        ],
        status=ResponseStatus.ADOPTED,
        change_kind=ChangeKind.REQUIREMENT,
        target_label="No tool ranks who is assessed first or sets the level of care",
        change="Written into the problem statement (version 2) and into the draft "
        "requirements: a tool may propose routes and dates, and the assessors can change "
        "every proposal.",
        reason="The order of assessments follows the law and the assessors' judgement of "
        "urgency. A score computed by software would be a different system, with risks this "
        "procurement does not take.",
    )
    response_services.response_create(
        actor=lead,
        process=process,
        contributions=[_said(process, "Half of my week is spent driving"), assessor_fixed_days],
        status=ResponseStatus.PARTLY,
        change_kind=ChangeKind.REQUIREMENT,
        target_label="Visits grouped by district",
        change="From next month the north district groups visits by village, by hand, for "
        "three months. Fixed days for every district are not adopted yet.",
        reason="Grouping visits costs nothing and can start before any purchase; its result "
        "will tell us what a tool must do. Fixed days everywhere could delay urgent "
        "assessments in districts with few requests; we will decide after the trial.",
    )
    response_services.response_create(
        actor=lead,
        process=process,
        contributions=[_said(process, "The region should hire assessors")],
        status=ResponseStatus.NOT_ADOPTED,
        change_kind=ChangeKind.NO_CHANGE,
        reason="Four more assessors are already in the 2026 budget, and they will be hired "
        "whatever is decided here. Waiting for them before looking at scheduling would leave "
        "the time lost to travel as it is: the two go ahead together.",
    )


def _who_takes_part(lead: User, process: Process, online: list[Participant]) -> None:
    """The optional questions about who takes part, with the population
    shares of the region, and the answers of the people who took part
    online (each gave consent on the "About you" page)."""
    questions = [
        demographic_services.question_add(actor=lead, process=process, **spec)
        for spec in DEMOGRAPHIC_QUESTIONS
    ]
    if len(online) < len(DEMOGRAPHIC_ANSWERS):
        raise ValueError(
            f"{len(DEMOGRAPHIC_ANSWERS)} people answer the questions about who they are, "
            f"but only {len(online)} took part online"
        )
    for person, options in zip(online, DEMOGRAPHIC_ANSWERS, strict=False):
        demographic_services.profile_save(
            participant=person,
            process=process,
            answers={
                question.pk: option for question, option in zip(questions, options, strict=True)
            },
            consent=True,
        )


# How each camp of residents votes on the consultation's four statements
# (a date within a week; video reviews; software never ranks; hire first):
# those who want people, not software, and those who want speed whatever it
# takes. One vote in six departs from the camp, as real votes do.
CAMPS = (
    ("Carer", 16, ("agree", "disagree", "agree", "agree")),
    ("Commuter", 12, ("agree", "agree", "disagree", "disagree")),
)


def _statement_camps(module: Module) -> None:
    """Two camps of residents vote on every statement, so the opinion map
    has groups to show (votes through the service, as residents cast them)."""
    statements = list(module.contributions.filter(kind="statement").order_by("pk"))
    rng = random.Random(2026)  # the demo is the same every time
    for name, size, leanings in CAMPS:
        for n in range(1, size + 1):
            voter = participant_services.guest_join(pseudonym=f"{name} {n}")
            for statement, leaning in zip(statements, leanings, strict=False):
                choice = leaning if rng.random() > 1 / 6 else rng.choice(("pass", "disagree"))
                contribution_services.statement_vote(
                    participant=voter, statement=statement, choice=choice
                )


def compute_insights() -> None:
    """Compute the opinion groups and topics of every module now, so that the
    demo shows them before any task worker has run (the votes and comments
    loaded above have queued the same computations for after the commit)."""
    from .services import insights

    for module in Module.objects.filter(kind=ModuleKind.STATEMENTS):
        insights.opinion_groups_compute(module_id=module.pk)
    for module in Module.objects.filter(kind__in=insights.TOPIC_KINDS):
        insights.topics_compute(module_id=module.pk)
