"""The audit trail: every change chained, and any tampering found."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from participai.core.audit import audit_record, audit_verify, event_hash
from participai.core.models import AuditEvent, AuditHead, AuditTrailError


@pytest.fixture
def chain(make_procurement, officer):
    """A chain of real events: users, organisation, memberships, procurements."""
    make_procurement(title="First")
    make_procurement(title="Second", published=True)
    assert AuditEvent.objects.count() >= 6
    return list(AuditEvent.objects.order_by("seq"))


def _raw_update(at_seq: int, **columns) -> None:
    # Bypass the model's guards the way an attacker with database access would.
    AuditEvent.objects.filter(seq=at_seq).update(**columns)


def test_services_write_a_gap_free_chain(chain):
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    assert chain[0].prev_hash == "0" * 64
    for previous, event in itertools.pairwise(chain):
        assert event.prev_hash == previous.hash
        assert event.hash == event_hash(event)
    head = AuditHead.objects.get()
    assert (head.last_seq, head.last_hash) == (chain[-1].seq, chain[-1].hash)
    assert audit_verify().ok


def test_events_record_actor_action_and_target(chain, officer):
    created = [e for e in chain if e.action == "procurement.created"]
    assert [e.data["title"] for e in created] == ["First", "Second"]
    assert all(e.actor_id == officer.id and e.actor_label == "officer" for e in created)
    assert created[0].object_type == "procurements.procurement"


def test_edited_row_is_reported_with_its_number(chain):
    _raw_update(3, object_repr="something else")
    result = audit_verify()
    assert not result.ok
    assert result.first_break.seq == 3
    assert "edited" in result.first_break.reason
    assert result.checked == 2


def test_edited_data_is_detected(chain):
    target = next(e for e in chain if e.action == "procurement.created")
    _raw_update(target.seq, data={"title": "Rewritten"})
    assert audit_verify().first_break.seq == target.seq


def test_edited_hash_breaks_the_next_link(chain):
    # Recomputing the edited row's own hash does not help: the next row
    # still names the old one.
    event = chain[2]
    event.object_repr = "forged"
    forged_hash = event_hash(event)
    _raw_update(3, object_repr="forged", hash=forged_hash)
    result = audit_verify()
    assert result.first_break.seq == 4
    assert "link" in result.first_break.reason


def test_deleted_row_is_reported(chain):
    AuditEvent.objects.filter(seq=4)._raw_delete(connection.alias)
    result = audit_verify()
    assert result.first_break.seq == 5
    assert "deleted" in result.first_break.reason


def test_deleted_tail_is_reported_against_the_head(chain):
    last = chain[-1].seq
    AuditEvent.objects.filter(seq=last)._raw_delete(connection.alias)
    result = audit_verify()
    assert not result.ok
    assert result.first_break.seq is None
    assert f"#{last}" in str(result.first_break)


def test_reordered_rows_are_reported(chain):
    # Swap the positions of events 3 and 4 in the sequence.
    _raw_update(3, seq=10_000)
    _raw_update(4, seq=3)
    _raw_update(10_000, seq=4)
    result = audit_verify()
    assert not result.ok
    assert result.first_break.seq == 3
    assert "link" in result.first_break.reason


def test_model_refuses_update_and_delete(chain):
    event = chain[0]
    event.action = "changed"
    with pytest.raises(AuditTrailError):
        event.save()
    with pytest.raises(AuditTrailError):
        event.delete()


def test_record_outside_a_transaction_is_refused(transactional_db, make_user):
    officer = make_user()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=officer, action="x.y", target=officer)


def test_rolled_back_change_leaves_no_event(officer):
    before = AuditEvent.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=officer, action="x.y", target=officer)
        1 / 0  # noqa: B018
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


def test_verify_command_succeeds_on_an_intact_chain(chain, capsys):
    call_command("audit", "verify")
    assert f"intact: {len(chain)} events" in capsys.readouterr().out


def test_verify_command_fails_on_a_broken_chain(chain):
    _raw_update(2, actor_label="someone else")
    with pytest.raises(CommandError, match="event #2"):
        call_command("audit", "verify")


def test_verify_command_exits_non_zero(chain):
    from participai.cli import main

    _raw_update(2, actor_label="someone else")
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "verify"])
    assert exit_info.value.code != 0


def test_empty_chain_verifies(db):
    result = audit_verify()
    assert result.ok and result.checked == 0
