"""Shared fixtures: organisations, members in each role, and procurements
placed at any stage of the lifecycle."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import settings as hypothesis_settings

from participai.accounts import services as account_services
from participai.accounts.models import Organisation, User
from participai.accounts.roles import Role
from participai.procurements import lifecycle
from participai.procurements import services as procurement_services
from participai.procurements.models import Procurement

PASSWORD = "a-long-test-password"

# No test asserts a time (speed is measured in bench/): a property test on a
# busy machine (xdist workers, CI) must not fail for taking longer than 200 ms.
hypothesis_settings.register_profile("participai", deadline=None)
hypothesis_settings.load_profile("participai")

PROBLEM = (
    "Referrals to the service wait nineteen days for a first contact, and urgent ones wait in "
    "the same queue as routine ones. We need urgent cases seen the same day and everyone "
    "contacted within seven days, without automating decisions about eligibility."
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Spanish leaves Spanish active in the thread (LocaleMiddleware
    activates and never deactivates): start and end every test in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rows are rolled back between tests and ids reused; cached fragments
    # keyed by id must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_org(db) -> Callable[..., Organisation]:
    counter = {"n": 0}

    def make(name: str | None = None, **kwargs) -> Organisation:
        counter["n"] += 1
        name = name or f"Test Council {counter['n']}"
        return account_services.organisation_create(
            actor=None, name=name, country=kwargs.pop("country", "ES"), **kwargs
        )

    return make


@pytest.fixture
def org(make_org) -> Organisation:
    return make_org("Northbridge Test Council")


@pytest.fixture
def other_org(make_org) -> Organisation:
    return make_org("Elsewhere District")


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    counter = {"n": 0}

    def make(username: str | None = None, **kwargs) -> User:
        counter["n"] += 1
        return account_services.user_create(
            username=username or f"user{counter['n']}",
            password=PASSWORD,
            email=kwargs.pop("email", f"user{counter['n']}@example.org"),
            **kwargs,
        )

    return make


@pytest.fixture
def make_member(make_user) -> Callable[..., User]:
    """``make_member(org, Role.X, ...)``: a new user holding those roles in ``org``."""

    def make(organisation: Organisation, *roles: str, username: str | None = None) -> User:
        user = make_user(username)
        for role in roles:
            account_services.membership_grant(
                actor=None, organisation=organisation, user=user, role=role
            )
        return user

    return make


@pytest.fixture
def officer(org, make_member) -> User:
    return make_member(org, Role.PROCUREMENT_OFFICER, username="officer")


@pytest.fixture
def resident(make_user) -> User:
    return make_user("resident")


@pytest.fixture
def make_procurement(officer) -> Callable[..., Procurement]:
    """A procurement created through the service, then placed at ``stage``.

    Placing it skips the gates on purpose: tests of a later stage should not
    depend on every earlier gate's rules.
    """

    def make(
        organisation: Organisation | None = None,
        *,
        stage: str = lifecycle.FIRST_STAGE.key,
        published: bool = False,
        title: str = "Triage of social-care referrals",
        actor: User | None = None,
        **kwargs,
    ) -> Procurement:
        organisation = organisation or officer.memberships.first().organisation
        actor = actor or officer
        if not actor.memberships.filter(organisation=organisation).exists():
            account_services.membership_grant(
                actor=None,
                organisation=organisation,
                user=actor,
                role=Role.PROCUREMENT_OFFICER,
            )
        procurement = procurement_services.procurement_create(
            actor=actor,
            organisation=organisation,
            title=title,
            mission=kwargs.pop("mission", "Everyone referred gets help in time."),
            problem_statement=kwargs.pop("problem_statement", PROBLEM),
            affected_people=kwargs.pop("affected_people", "Residents referred to social care."),
            non_ai_alternatives=kwargs.pop("non_ai_alternatives", "More duty social workers."),
            **kwargs,
        )
        if published:
            procurement_services.procurement_publish(actor=actor, procurement=procurement)
        if stage != procurement.stage:
            Procurement.objects.filter(pk=procurement.pk).update(
                stage=stage, phase=lifecycle.stage(stage).phase
            )
        procurement.refresh_from_db()
        return procurement

    return make


@pytest.fixture
def procurement(make_procurement) -> Procurement:
    return make_procurement()


@pytest.fixture
def published(make_procurement) -> Procurement:
    return make_procurement(published=True, title="Published triage procurement")


@pytest.fixture
def settle_stakes(officer) -> Callable[..., Procurement]:
    """Record assessed stakes on a procurement without going through the forms:
    a completed impact assessment at ``level`` and a completed AI Act screening
    of ``ai_act_class``. For tests of gates and obligations; the assessment
    services have their own tests."""
    from django.utils import timezone

    from participai.assessment.models import AiActScreening, AssessmentStatus, ImpactAssessment

    def settle(
        procurement: Procurement,
        *,
        level: int = 1,
        ai_act_class: str = "minimal",
        fria_required: bool = False,
        eu_registration_required: bool = False,
    ) -> Procurement:
        common = {
            "procurement": procurement,
            "stage": procurement.stage,
            "status": AssessmentStatus.COMPLETED,
            "started_by": officer,
            "completed_by": officer,
            "completed_at": timezone.now(),
        }
        ImpactAssessment.objects.create(
            number=procurement.impact_assessments.count() + 1,
            questionnaire_id="test",
            questionnaire_version="0",
            level=level,
            **common,
        )
        AiActScreening.objects.create(
            number=procurement.screenings.count() + 1,
            classification=ai_act_class,
            fria_required=fria_required,
            eu_registration_required=eu_registration_required,
            **common,
        )
        Procurement.objects.filter(pk=procurement.pk).update(impact_level=level)
        procurement.refresh_from_db()
        return procurement

    return settle
