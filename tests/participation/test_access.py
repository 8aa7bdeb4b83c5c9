"""Staff lookups of a process and its modules within a procurement already
reached: anything not the procurement's, or of another kind, is a 404."""

from __future__ import annotations

import pytest
from django.http import Http404

from participai.participation.access import staff_module, staff_process
from participai.participation.models import ModuleKind


def test_a_draft_process_is_found_with_its_procurement(published, make_process):
    draft = make_process(published, modules=("comments",))
    found = staff_process(published, draft.slug)
    assert found == draft
    assert found.procurement.organisation_id == published.organisation_id


def test_another_procurements_process_is_not_found(published, make_procurement, make_process):
    other = make_process(make_procurement(published=True, title="Another"), modules=())
    with pytest.raises(Http404):
        staff_process(published, other.slug)
    with pytest.raises(Http404):
        staff_process(published, "no-such-process")


def test_a_module_is_found_only_in_its_process_and_kind(open_process, comments_module):
    procurement = open_process.procurement
    found = staff_module(procurement, open_process.slug, comments_module.pk, ModuleKind.COMMENTS)
    assert found == comments_module and found.process == open_process
    with pytest.raises(Http404):
        staff_module(procurement, open_process.slug, comments_module.pk, ModuleKind.SURVEY)
    with pytest.raises(Http404):
        staff_module(procurement, "elsewhere", comments_module.pk, ModuleKind.COMMENTS)
