"""The console commands: demo, audit verify (see test_audit), serve, the task
worker and the translation compiler."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from participai.accounts.models import Membership, Organisation, User
from participai.accounts.roles import Role
from participai.core.audit import audit_verify
from participai.participation.models import (
    Contribution,
    ModuleKind,
    Notification,
    OpinionGroups,
    Process,
    TextTopics,
)
from participai.procurements.models import GateOutcome, Procurement, ProcurementStatus


@pytest.fixture
def demo_loaded(db, capsys):
    call_command("demo")
    return capsys.readouterr().out


def test_demo_loads_a_coherent_story(demo_loaded):
    assert Organisation.objects.count() >= 3
    assert len({p.stage for p in Procurement.objects.all()}) >= 4
    triage = Procurement.objects.get(slug="ai-assisted-triage-of-adult-social-care-referrals")
    assert (triage.stage, triage.impact_level, triage.is_published) == (
        "vendor_evaluation",
        3,
        True,
    )
    chatbot = Procurement.objects.get(slug="council-tax-enquiries-chatbot")
    assert (chatbot.stage, chatbot.impact_level) == ("contract_monitoring", 1)
    signals = Procurement.objects.get(slug="traffic-signal-optimisation-pilot")
    assert signals.status == ProcurementStatus.STOPPED
    assert signals.decisions.last().outcome == GateOutcome.STOP
    assert signals.documents.filter(document_type="lessons_learned").exists()
    assert Procurement.objects.filter(is_published=False, stage="problem_definition").exists()


def test_demo_holds_an_open_consultation_residents_can_join(demo_loaded, client):
    url = "/p/shorter-waits-for-home-care-assessments/what-matters-while-waiting/"
    page = client.get(url)
    assert page.status_code == 200
    assert "What matters most to you" in page.content.decode()
    process = Process.objects.get(slug="what-matters-while-waiting")
    assert process.is_published
    assert process.opens_at <= timezone.now() < process.closes_at
    kinds = {m.kind: m for m in process.modules.all()}
    # Every instrument residents can use, so the demo shows each of them.
    assert set(kinds) == set(ModuleKind.values)
    comments = kinds["comments"].contributions
    assert comments.filter(parent__isnull=False).exists()
    assert comments.filter(channel="in_person", entered_by__isnull=False).exists()
    # Counters agree with the rows the services wrote.
    for contribution in Contribution.objects.filter(module__process=process):
        assert contribution.support_count == contribution.supports.count()
        assert contribution.agree_count == contribution.votes.filter(choice="agree").count()
    assert kinds["statements"].contributions.filter(agree_count__gt=0).count() == 4


def test_demo_has_staff_in_every_role_and_residents(demo_loaded):
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    residents = User.objects.filter(memberships__isnull=True, is_superuser=False)
    assert residents.count() >= 3
    assert User.objects.get(username="admin").is_superuser


def test_demo_prints_logins_and_its_audit_chain_verifies(demo_loaded):
    assert "participai-demo" in demo_loaded
    assert "nb-officer" in demo_loaded and "resident-amal" in demo_loaded
    assert audit_verify().ok


def test_demo_queues_no_emails_about_past_decisions(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    # The callbacks run (tasks run at once in tests): the demo's votes and
    # comments queue their opinion groups and topics, and no mail at all.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    assert Procurement.objects.count() >= 4
    assert mailoutbox == []
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_demo_shows_opinion_groups_and_topics_without_a_worker(demo_loaded):
    groups = OpinionGroups.objects.get(module__process__slug="what-matters-while-waiting")
    assert groups.computed_at is not None and groups.votes_counted > 0
    assert len(groups.summary["groups"]) >= 2
    topics = TextTopics.objects.filter(
        module__process__slug="what-matters-while-waiting", computed_at__isnull=False
    )
    assert topics.filter(module__kind="comments", texts_counted__gt=0).exists()


def test_demo_loads_once(demo_loaded, capsys):
    count = Procurement.objects.count()
    call_command("demo")
    out = capsys.readouterr().out
    assert "already loaded" in out
    assert "nb-officer" in out
    assert Procurement.objects.count() == count


def test_demo_logins_work(demo_loaded, client):
    assert client.login(username="nb-officer", password="participai-demo")
    assert b"AI-assisted triage" in client.get("/workspace/").content


def test_queued_task_is_run_by_the_database_worker(
    transactional_db, make_procurement, officer, mailoutbox
):
    from django_tasks_db.models import DBTaskResult

    from participai.procurements import services
    from participai.procurements.tasks import notify_gate_decision

    decision = services.gate_decide(
        actor=officer,
        procurement=make_procurement(),
        outcome=GateOutcome.REVISE,
        rationale="More work needed on the affected people.",
    )
    mailoutbox.clear()  # the default backend in tests runs tasks at once
    notify_gate_decision.using(backend="database").enqueue(decision_id=decision.pk)
    assert DBTaskResult.objects.get().status == "READY"
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--backend", "database")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert [m.to for m in mailoutbox] == [[officer.email]]


def test_queued_task_is_run_by_an_rq_worker(
    transactional_db, make_procurement, officer, mailoutbox
):
    """The scaled-out path: RQ on Redis, as the README's deployment describes."""
    import django_rq
    from redis.exceptions import ConnectionError as RedisConnectionError

    from participai.procurements import services
    from participai.procurements.tasks import notify_gate_decision

    queue = django_rq.get_queue("default")
    try:
        queue.empty()
    except RedisConnectionError:
        pytest.fail("Redis is not reachable at TEST_REDIS_URL (redis://127.0.0.1:6379/15)")
    decision = services.gate_decide(
        actor=officer,
        procurement=make_procurement(),
        outcome=GateOutcome.REVISE,
        rationale="More work needed on the affected people.",
    )
    mailoutbox.clear()
    result = notify_gate_decision.using(backend="rq").enqueue(decision_id=decision.pk)
    assert queue.count == 1
    # SimpleWorker runs the job in this process; it closes database connections
    # between jobs, so the data it reads must be committed (transactional_db).
    call_command(
        "rqworker",
        "default",
        "--burst",
        "--worker-class",
        "rq.worker.SimpleWorker",
        "--job-class",
        "django_tasks_rq.Job",
    )
    assert queue.count == 0
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 1
    assert [m.to for m in mailoutbox] == [[officer.email]]


def test_compiletranslations_writes_mo_files(tmp_path, settings):
    po_dir = tmp_path / "xx" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Stop"\nmsgstr "Atura"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]
    call_command("compiletranslations")
    import gettext

    with (po_dir / "django.mo").open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Stop") == "Atura"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _participai(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "participai.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        **kwargs,
    )


def test_serve_runs_web_and_worker_until_stopped(tmp_path: Path):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(PARTICIPAI_DATA_DIR=str(tmp_path), PARTICIPAI_ENV="development")
    _participai("migrate", "--noinput", env=env)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "participai.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.3)
        assert body is not None, "the web server did not answer"
        assert '"database": true' in body
        worker = subprocess.run(
            ["pgrep", "-f", "participai.cli db_worker"], capture_output=True, text=True
        )
        assert worker.stdout.strip(), "the task worker is not running"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert f"http://127.0.0.1:{port}/ (web, worker)" in output
