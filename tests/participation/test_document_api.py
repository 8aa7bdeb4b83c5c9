"""Document reviews and event records in the JSON API: the draft paragraph
by paragraph with its counts, a signed-in comment on a paragraph with the
same rules as the pages, and the record of a meeting."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from participai.participation.models import Contribution, Module, Process
from participai.participation.services import contributions as contribution_services
from participai.participation.services import documents as document_services
from participai.participation.services import events as event_services

PARAGRAPH_KEYS = {
    "id",
    "position",
    "key",
    "body",
    "body_html",
    "comment_count",
    "comment_total",
}
EVENT_KEYS = {
    "module",
    "kind",
    "starts_at",
    "ends_at",
    "place",
    "accessibility",
    "attendance",
    "attendance_note",
    "minutes_html",
    "outputs_html",
    "points_raised",
    "updated_at",
}


def document_url(module: Module) -> str:
    return f"/api/modules/{module.pk}/document"


def comment_url(module: Module, paragraph) -> str:
    return f"/api/modules/{module.pk}/document/paragraphs/{paragraph.pk}/comments"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


def paragraphs(version):
    return list(version.paragraphs.order_by("position"))


# --- GET /api/modules/{id}/document --------------------------------------------------------


def test_the_newest_version_with_paragraphs_and_counts(
    client, draft_v1, document_module, officer, make_guest
):
    first = paragraphs(draft_v1)
    contribution_services.contribution_add(
        participant=make_guest(), module=document_module, body="On 1.", paragraph=first[0]
    )
    v2 = document_services.version_publish(
        actor=officer,
        module=document_module,
        title="Problem statement, v2",
        body="# The problem\n\nA new second paragraph.",
        change_note="Shorter.",
    )
    response = client.get(document_url(document_module))
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"module", "version", "newest_version", "versions", "paragraphs"}
    assert data["module"] == document_module.pk
    assert data["version"]["number"] == data["newest_version"] == 2
    assert data["version"]["title"] == "Problem statement, v2"
    assert [v["number"] for v in data["versions"]] == [1, 2]
    assert data["versions"][1]["change_note"] == "Shorter."
    rows = data["paragraphs"]
    assert all(set(row) == PARAGRAPH_KEYS for row in rows)
    assert [r["position"] for r in rows] == [1, 2]
    assert rows[0]["body"] == "# The problem"
    assert rows[0]["body_html"] == "<h2>The problem</h2>\n"
    assert rows[0]["key"] == first[0].key
    assert (rows[0]["comment_count"], rows[0]["comment_total"]) == (0, 1)
    assert rows[1]["id"] == paragraphs(v2)[1].pk


def test_an_older_version_and_unknown_ones(client, draft_v1, document_module):
    data = client.get(document_url(document_module), {"version": 1}).json()
    assert (data["version"]["number"], len(data["paragraphs"])) == (1, 4)
    assert client.get(document_url(document_module), {"version": 2}).status_code == 404
    assert client.get(document_url(document_module), {"version": 0}).status_code == 422
    assert client.get(document_url(document_module), {"version": "x"}).status_code == 422


def test_no_version_wrong_kind_and_unpublished_are_404(
    client, document_module, comments_module, open_process
):
    assert client.get(document_url(document_module)).status_code == 404
    assert client.get(document_url(comments_module)).status_code == 404
    assert client.get("/api/modules/999999/document").status_code == 404
    Process.objects.filter(pk=open_process.pk).update(is_published=False)
    assert client.get(document_url(document_module)).status_code == 404


def test_reading_may_need_an_account(client, draft_v1, document_module, open_process, resident):
    Process.objects.filter(pk=open_process.pk).update(read_requires="account")
    response = client.get(document_url(document_module))
    assert response.status_code == 403
    assert response.json()["code"] == "needs_account_to_read"
    client.force_login(resident)
    assert client.get(document_url(document_module)).status_code == 200


def test_the_document_costs_the_same_whatever_its_length(
    client, document_module, officer, django_assert_max_num_queries
):
    body = "\n\n".join(f"Paragraph {n}." for n in range(80))
    document_services.version_publish(actor=officer, module=document_module, title="T", body=body)
    with django_assert_max_num_queries(5):
        data = client.get(document_url(document_module)).json()
    assert len(data["paragraphs"]) == 80


# --- POST a comment on a paragraph ---------------------------------------------------------


def test_a_signed_in_person_comments_on_a_paragraph(
    signed_in, resident, draft_v1, document_module, audit_events
):
    target = paragraphs(draft_v1)[1]
    response = post(signed_in, comment_url(document_module, target), {"body": "Is it *median*?"})
    assert response.status_code == 201
    item = response.json()
    assert item["body_html"] == "<p>Is it <em>median</em>?</p>\n"
    saved = Contribution.objects.get(pk=item["id"])
    assert (saved.paragraph, saved.participant.user) == (target, resident)
    target.refresh_from_db()
    assert target.comment_count == 1
    assert audit_events("contribution.added")[0].data["paragraph"] == target.pk


def test_comment_refusals(signed_in, draft_v1, document_module, officer, open_process):
    old = paragraphs(draft_v1)[0]
    response = post(signed_in, comment_url(document_module, old), {"body": ""})
    assert response.status_code == 422
    assert response.json()["field"] == "body"
    document_services.version_publish(
        actor=officer, module=document_module, title="T", body="New.", change_note="All new."
    )
    response = post(signed_in, comment_url(document_module, old), {"body": "Late."})
    assert response.status_code == 422
    assert (
        response.json()["detail"] == "Comment on a paragraph of the newest version of the draft."
    )
    newest = document_module.document_versions.get(number=2).paragraphs.get()
    Process.objects.filter(pk=open_process.pk).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)
    )
    response = post(signed_in, comment_url(document_module, newest), {"body": "Closed?"})
    assert response.status_code == 403
    assert response.json()["code"] == "closed"
    assert post(signed_in, comment_url(document_module, newest), {}).status_code == 422
    assert not Contribution.objects.exists()


def test_comment_on_unknown_or_foreign_paragraphs_is_404(
    client, signed_in, draft_v1, document_module, comments_module
):
    target = paragraphs(draft_v1)[0]
    assert post(signed_in, comment_url(comments_module, target), {"body": "x"}).status_code == 404
    response = post(
        signed_in,
        f"/api/modules/{document_module.pk}/document/paragraphs/999999/comments",
        {"body": "x"},
    )
    assert response.status_code == 404
    client.logout()
    assert post(client, comment_url(document_module, target), {"body": "x"}).status_code == 401
    assert not Contribution.objects.exists()


# --- GET /api/modules/{id}/event -----------------------------------------------------------


def test_the_record_of_a_meeting(client, event_module, officer, facilitator, make_guest):
    assert client.get(f"/api/modules/{event_module.pk}/event").status_code == 404
    starts = datetime(2030, 3, 12, 18, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    event_services.event_record_save(
        actor=officer,
        module=event_module,
        kind="jury",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Town hall",
        attendance=12,
        attendance_note="Twelve residents drawn by lot.",
        minutes="**Heard** from carers. <script>x</script>",
    )
    contribution_services.contribution_add(
        participant=make_guest(),
        module=event_module,
        body="A point.",
        channel="paper",
        entered_by=facilitator,
    )
    response = client.get(f"/api/modules/{event_module.pk}/event")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == EVENT_KEYS
    assert (data["kind"], data["place"], data["attendance"]) == ("jury", "Town hall", 12)
    assert data["points_raised"] == 1
    assert (
        data["minutes_html"]
        == "<p><strong>Heard</strong> from carers. &lt;script&gt;x&lt;/script&gt;</p>\n"
    )
    assert data["outputs_html"] == ""
    assert datetime.fromisoformat(data["starts_at"]) == starts


def test_the_event_of_another_kind_or_unpublished_is_404(
    client, comments_module, event_module, open_process, resident
):
    assert client.get(f"/api/modules/{comments_module.pk}/event").status_code == 404
    Process.objects.filter(pk=open_process.pk).update(read_requires="account")
    assert client.get(f"/api/modules/{event_module.pk}/event").status_code == 403
    Process.objects.filter(pk=open_process.pk).update(is_published=False)
    assert client.get(f"/api/modules/{event_module.pk}/event").status_code == 404


def test_the_public_cannot_post_to_an_event_through_the_api(signed_in, event_module):
    response = post(signed_in, f"/api/modules/{event_module.pk}/contributions", {"body": "Me."})
    assert response.status_code == 422
    assert "takes no contributions online" in response.json()["detail"]
    assert not Contribution.objects.exists()


def test_the_schema_lists_the_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/modules/{module_id}/document"]) == {"get"}
    assert set(paths["/api/modules/{module_id}/event"]) == {"get"}
    comments = paths["/api/modules/{module_id}/document/paragraphs/{paragraph_id}/comments"]
    assert set(comments) == {"post"}
    assert "429" in comments["post"]["responses"]
