"""A draft under review when many act at once: comments racing on one
paragraph are all counted, and versions published at the same moment are
numbered one after the other, each carrying keys from the one before.

Real threads on their own connections, so PostgreSQL only (see
``test_concurrency.py`` for why SQLite is skipped)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count

from participai.participation.models import Contribution, DocumentVersion, Module
from participai.participation.services import documents as document_services
from participai.participation.services.contributions import contribution_add

from .test_concurrency import THREADS, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers ('database is locked'); runs on PostgreSQL in CI",
    ),
]


def test_racing_comments_on_one_paragraph_all_count(draft_v1, document_module, make_guest):
    target = draft_v1.paragraphs.get(position=2)
    people = [make_guest() for _ in range(THREADS)]
    race(
        [
            (
                lambda person=person: contribution_add(
                    participant=person,
                    module=document_module,
                    body=f"Comment by {person.pseudonym}.",
                    paragraph=target,
                )
            )
            for person in people
        ]
    )
    target.refresh_from_db()
    assert target.comment_count == THREADS == Contribution.objects.filter(paragraph=target).count()
    assert Module.objects.get(pk=document_module.pk).contribution_count == THREADS


def test_racing_versions_are_numbered_in_turn(draft_v1, document_module, officer):
    calls = [
        (
            lambda n=n: document_services.version_publish(
                actor=officer,
                module=document_module,
                title="Problem statement",
                body=f"{draft_v1.body}\n\nAddendum number {n}.",
                change_note=f"Addendum {n}.",
            )
        )
        for n in range(8)
    ]
    race(calls)
    numbers = list(
        DocumentVersion.objects.filter(module=document_module)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, 10))
    first_keys = set(draft_v1.paragraphs.values_list("key", flat=True))
    for version in DocumentVersion.objects.filter(module=document_module, number__gt=1):
        keys = set(version.paragraphs.values_list("key", flat=True))
        assert first_keys <= keys  # the four paragraphs of version 1 kept their keys
    duplicated = (
        DocumentVersion.objects.values("module", "number").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert list(duplicated) == []
