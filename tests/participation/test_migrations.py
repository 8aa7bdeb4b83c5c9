"""Participation migrations bring an earlier database up to date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("participation", "0002_instruments_responses_demographics")]
AFTER = [("participation", "0003_module_thread_count")]


@pytest.mark.django_db(transaction=True)
def test_thread_count_is_filled_from_the_existing_threads():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organisation = old.get_model("accounts", "Organisation")
    User = old.get_model("accounts", "User")
    Participant = old.get_model("accounts", "Participant")
    Procurement = old.get_model("procurements", "Procurement")
    Process = old.get_model("participation", "Process")
    Module = old.get_model("participation", "Module")
    Contribution = old.get_model("participation", "Contribution")
    organisation = Organisation.objects.create(name="Concello de Lugo", slug="lugo")
    user = User.objects.create(username="before-thread-count")
    procurement = Procurement.objects.create(
        organisation=organisation, created_by=user, slug="citas", title="Citas"
    )
    now = timezone.now()
    process = Process.objects.create(
        procurement=procurement,
        stage="problem_definition",
        slug="consulta",
        title="Consulta",
        question="¿Qué falta?",
        negotiable="Los horarios.",
        opens_at=now,
        closes_at=now + timedelta(days=7),
        created_by=user,
    )
    busy = Module.objects.create(process=process, kind="comments", title="Comentarios")
    Module.objects.create(process=process, kind="comments", title="Ideas")  # no threads
    someone = Participant.objects.create(pseudonym="Vecina")
    roots = [
        Contribution.objects.create(
            module=busy, kind="comment", participant=someone, body=f"Root {n}", status=status
        )
        for n, status in enumerate(["visible", "hidden", "removed"])
    ]
    Contribution.objects.create(
        module=busy, kind="comment", participant=someone, body="Reply", parent=roots[0]
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    counts = dict(
        new.get_model("participation", "Module").objects.values_list("title", "thread_count")
    )
    # Hidden and removed roots keep their place; the reply starts no thread.
    assert counts == {"Comentarios": 3, "Ideas": 0}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
