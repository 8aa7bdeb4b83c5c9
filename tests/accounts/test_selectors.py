"""Reads about people, organisations and roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from participai.accounts import selectors, services
from participai.accounts.models import Membership, User
from participai.accounts.roles import Role


@pytest.fixture
def two_hats(org, other_org, make_member):
    """A project lead and data expert in ``org``, an auditor in ``other_org``."""
    user = make_member(org, Role.PROJECT_LEAD, Role.DATA_EXPERT, username="twohats")
    services.membership_grant(actor=None, organisation=other_org, user=user, role=Role.AUDITOR)
    return User.objects.get(pk=user.pk)  # a fresh object: nothing cached yet


def test_roles_by_organisation(two_hats, org, other_org):
    roles = selectors.roles_by_organisation(two_hats)
    assert roles == {
        org.id: frozenset({"project_lead", "data_expert"}),
        other_org.id: frozenset({"auditor"}),
    }
    assert all(isinstance(value, frozenset) for value in roles.values())


def test_roles_by_organisation_is_empty_for_anonymous_and_residents(resident, db):
    assert selectors.roles_by_organisation(AnonymousUser()) == {}
    assert selectors.roles_by_organisation(resident) == {}


def test_anonymous_costs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.roles_by_organisation(AnonymousUser()) == {}


def test_roles_are_cached_on_the_user_object(two_hats, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = selectors.roles_by_organisation(two_hats)
    with django_assert_num_queries(0):
        again = selectors.roles_by_organisation(two_hats)
    assert again == first
    # Another object for the same person asks the database again.
    other_object = User.objects.get(pk=two_hats.pk)
    with django_assert_num_queries(1):
        assert selectors.roles_by_organisation(other_object) == first


def test_the_cache_is_cleared_when_a_role_is_granted(two_hats, org):
    assert Role.EVALUATOR not in selectors.roles_by_organisation(two_hats)[org.id]
    services.membership_grant(actor=None, organisation=org, user=two_hats, role=Role.EVALUATOR)
    assert Role.EVALUATOR in selectors.roles_by_organisation(two_hats)[org.id]


def test_the_cache_is_cleared_when_a_role_is_revoked(two_hats, org):
    assert Role.DATA_EXPERT in selectors.roles_by_organisation(two_hats)[org.id]
    membership = two_hats.memberships.get(organisation=org, role=Role.DATA_EXPERT)
    assert membership.user is two_hats
    services.membership_revoke(actor=None, membership=membership)
    assert selectors.roles_by_organisation(two_hats)[org.id] == frozenset({"project_lead"})


def test_organisations_of(two_hats, org, other_org, make_org, resident):
    make_org("Aardvark Borough")  # exists, but the user holds no role there
    assert list(selectors.organisations_of(two_hats)) == [other_org, org]  # by name
    assert list(selectors.organisations_of(resident)) == []
    assert list(selectors.organisations_of(AnonymousUser())) == []


def test_members_of(org, other_org, make_member, django_assert_num_queries):
    zoe = make_member(org, Role.PROJECT_LEAD, Role.AUDITOR, username="zoe")
    adam = make_member(org, Role.PROCUREMENT_OFFICER, username="adam")
    make_member(other_org, Role.ORG_ADMIN, username="elsewhere")
    with django_assert_num_queries(1):  # the users come with their memberships
        rows = [(m.user.username, m.role) for m in selectors.members_of(org)]
    assert rows == [
        ("adam", "procurement_officer"),
        ("zoe", "auditor"),
        ("zoe", "project_lead"),
    ]
    assert {m.user for m in selectors.members_of(org)} == {zoe, adam}
    assert selectors.members_of(org).model is Membership
