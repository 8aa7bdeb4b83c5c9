"""Migrations bring a database created at an earlier release up to date."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("procurements", "0002_obligation_evidence_document_types")]
AFTER = [("procurements", "0003_procurement_version_search_text")]


@pytest.mark.django_db(transaction=True)
def test_version_and_search_text_are_added_and_filled_for_existing_procurements():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organisation = old.get_model("accounts", "Organisation")
    User = old.get_model("accounts", "User")
    Procurement = old.get_model("procurements", "Procurement")
    assert "search_text" not in {f.name for f in Procurement._meta.get_fields()}
    organisation = Organisation.objects.create(name="Ayuntamiento de Ávila", slug="avila")
    user = User.objects.create(username="before-upgrade")
    Procurement.objects.create(
        organisation=organisation,
        created_by=user,
        slug="triaje",
        title="Triaje de LLAMADAS",
        mission="Atención más rápida",
        problem_statement="Las llamadas urgentes esperan.",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    upgraded = new.get_model("procurements", "Procurement").objects.get(slug="triaje")
    assert upgraded.version == 1
    assert "triaje de llamadas" in upgraded.search_text
    assert "avila" in upgraded.search_text
    assert "atencion mas rapida" in upgraded.search_text

    # Leave the database as the rest of the suite expects it.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
