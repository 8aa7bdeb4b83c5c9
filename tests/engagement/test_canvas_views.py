"""The governance canvas: the selector, the staff page and exports, and the
public API, through real HTTP requests and a real PDF."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from participai.accounts.roles import Role
from participai.assessment.selectors.obligations import obligation_statuses
from participai.engagement.selectors.canvas import canvas_of
from participai.procurements.models import Procurement, ProcurementStatus

from .canvas_scene import (
    ACTOR_NAME,
    CONSEQUENCE,
    INTERNAL_DOCUMENT,
    INTERNAL_NOTE,
    PUBLIC_DOCUMENT,
    RATIONALE,
    build_scene,
)

A3_LANDSCAPE = (1190.55, 841.89)
BLOCKS = [
    "mission",
    "public_value",
    "affected",
    "stakes",
    "actors",
    "engagement_purpose",
    "engagement_delivery",
    "engagement_impact",
    "decisions",
    "data",
    "delivery",
    "kpis",
    "transparency",
    "consequences",
    "obligations",
    "documents",
]


@pytest.fixture
def scene(make_procurement, officer):
    procurement = make_procurement(stage="engagement_planning")
    return build_scene(procurement, officer)


@pytest.fixture
def published_scene(make_procurement, officer):
    procurement = make_procurement(stage="engagement_planning", published=True)
    return build_scene(procurement, officer)


def staff_url(procurement: Procurement, suffix: str = "") -> str:
    return f"/workspace/procurements/{procurement.slug}/engagement/canvas/{suffix}"


def api_url(procurement: Procurement, ext: str) -> str:
    return f"/api/procurements/{procurement.slug}/canvas.{ext}"


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


# --- the selector ---------------------------------------------------------------


def test_canvas_has_every_block_in_order(scene):
    canvas = canvas_of(scene.procurement, public=False)
    assert [block.key for block in canvas.blocks] == BLOCKS
    assert canvas.header.title == scene.procurement.title
    assert canvas.header.edition == "staff"


def test_canvas_is_built_from_the_live_records(scene):
    canvas = canvas_of(scene.procurement, public=False)
    stakes = canvas.block("stakes")
    assert stakes.fact("impact_level").code == 4
    assert "Level IV" in stakes.fact("impact_level").value
    assert stakes.fact("ai_act_class").code == "high_risk"
    assert stakes.fact("annex_iii").value == "5(a)"
    assert stakes.fact("fria_required").code is True
    actors = canvas.block("actors").table("actors").records()
    assert actors[0]["name"] == ACTOR_NAME
    assert actors[0]["notes"] == INTERNAL_NOTE
    purpose = canvas.block("engagement_purpose")
    involvement = purpose.table("involvement").records()
    assert involvement[0]["problem_definition"] == "Consult"
    assert involvement[0]["impact_assessment"] == "–"
    activity = purpose.table("activities").records()[0]
    assert activity["mechanism"].startswith("Citizens")
    assert activity["dates"] == "2025-03-01 – 2025-04-01"
    assert ACTOR_NAME in activity["with"]
    delivery = canvas.block("engagement_delivery").table("involvement").records()
    assert delivery[0]["vendor_evaluation"] == "Collaborate"
    assert canvas.block("engagement_impact").pending
    decision = canvas.block("decisions").table("decisions").records()[0]
    assert decision["rationale"] == RATIONALE
    assert "Community panel" in decision["taken_by"]
    affected = canvas.block("affected")
    assert "Older people living alone" in affected.fact("rights_groups").value
    assert ACTOR_NAME in affected.fact("affected_actors").value
    transparency = canvas.block("transparency")
    assert "ombudsman" in transparency.fact("response_measures").value
    assert transparency.fact("transparency_duties").value == ("Tell people it is AI.",)


def test_data_block_reads_the_questionnaire_answers(scene):
    data = canvas_of(scene.procurement, public=True).block("data")
    origin = data.fact("data_origin")
    assert isinstance(origin.value, tuple) and "Our own existing records" in origin.value
    assert data.fact("model_provider").code == "supplier_closed"
    # IP, lock-in and exit are not on the platform yet: said plainly, with the stage.
    assert [p.stage for p in data.pending] == ["contract_negotiation"]


def test_data_block_skips_hidden_answers_and_reads_the_phase_variant(procurement, officer):
    from participai.assessment import registry
    from participai.assessment.models import ImpactAssessment

    questionnaire = registry.current()
    ImpactAssessment.objects.create(
        procurement=procurement,
        number=1,
        stage="impact_assessment",
        started_by=officer,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        answers={
            "phase": "design",
            "personal_data": "none",
            # Kept from an earlier answer, but hidden now that no personal data is used.
            "sensitive_data": ["biometric"],
            "data_origin": ["own_records"],
            "dpia_design": "not_applicable",
            "system_summary": "Free text stays out of the canvas.",
        },
    )
    staff = canvas_of(procurement, public=False)
    data = staff.block("data")
    assert [f.key for f in data.facts] == ["personal_data", "data_origin", "dpia"]
    assert data.fact("dpia").code == "not_applicable"
    assert "in progress" in data.note
    assert "Free text" not in json.dumps(staff.as_dict())
    # The public edition reads completed assessments only.
    public = canvas_of(procurement, public=True).block("data")
    assert public.facts == ()
    assert public.pending[0].stage == "impact_assessment"


def test_blocks_without_data_say_where_they_will_be_defined(procurement):
    canvas = canvas_of(procurement, public=True)
    assert canvas.block("delivery").pending[0].stage == "solicitation_preparation"
    assert canvas.block("kpis").pending[0].stage == "contract_negotiation"
    assert canvas.block("actors").pending[0].stage == "engagement_planning"
    assert {p.stage for p in canvas.block("stakes").pending} == {"impact_assessment"}
    assert canvas.block("data").pending[0].stage == "impact_assessment"
    assert canvas.block("decisions").pending[0].stage == "problem_definition"
    assert canvas.block("obligations").pending[0].stage == "impact_assessment"


def test_public_edition_leaves_out_what_is_not_public(scene):
    staff = json.dumps(canvas_of(scene.procurement, public=False).as_dict())
    public = json.dumps(canvas_of(scene.procurement, public=True).as_dict())
    for secret in (INTERNAL_NOTE, INTERNAL_DOCUMENT, CONSEQUENCE, "Jordan Internal-Owner"):
        assert secret in staff
        assert secret not in public
    assert "team folder" in staff and "team folder" not in public
    assert PUBLIC_DOCUMENT in public
    assert scene.owner.username in staff
    consequences = canvas_of(scene.procurement, public=True).block("consequences")
    assert consequences.table("counts").records() == [
        {"kind": "Unintended, negative", "count": "1", "addressed": "0"}
    ]


def test_the_canvas_names_people_as_they_chose_to_be_shown(scene, officer):
    from participai.accounts.models import User

    User.objects.filter(pk=officer.pk).update(
        display_name="Pseudo Officer", first_name="Realfirst", last_name="Reallast"
    )
    for public in (True, False):
        text = json.dumps(canvas_of(scene.procurement, public=public).as_dict())
        assert "Pseudo Officer" in text
        assert "Realfirst" not in text


def test_public_edition_leaves_out_the_teams_ratings_of_actors(scene):
    def columns(public: bool) -> set[str]:
        block = canvas_of(scene.procurement, public=public).block("actors")
        return {column.key for column in block.tables[0].columns}

    assert {"influence", "interest"} <= columns(public=False)
    assert not {"influence", "interest", "notes"} & columns(public=True)


def test_proposals_and_dismissed_activities_are_not_the_plan(scene, officer):
    from participai.engagement.models import EngagementActivity

    for title, status in (("Machine proposal", "proposed"), ("Dismissed idea", "cancelled")):
        EngagementActivity.objects.create(
            procurement=scene.procurement,
            mechanism_key="survey",
            stage="problem_definition",
            title=title,
            status=status,
            created_by=officer,
        )
    staff = json.dumps(canvas_of(scene.procurement, public=False).as_dict())
    public = json.dumps(canvas_of(scene.procurement, public=True).as_dict())
    assert "Machine proposal" not in staff and "Machine proposal" not in public
    assert "Dismissed idea" in staff and "Dismissed idea" not in public
    assert "Residents' jury on triage" in public


def test_dates_are_on_the_local_calendar(scene, settings):
    import datetime as dt

    from participai.procurements.models import Procurement

    settings.TIME_ZONE = "Europe/Madrid"
    late = dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC)  # 2 March in Madrid
    Procurement.objects.filter(pk=scene.procurement.pk).update(
        is_published=True, published_at=late
    )
    scene.procurement.refresh_from_db()
    assert canvas_of(scene.procurement, public=True).header.published_on == dt.date(2025, 3, 2)


def test_public_edition_shows_only_completed_assessments(procurement, officer):
    from participai.assessment.models import RightsAssessment

    RightsAssessment.objects.create(
        procurement=procurement,
        number=1,
        stage="impact_assessment",
        started_by=officer,
        response_measures="Draft redress idea",
    )
    public = canvas_of(procurement, public=True).block("transparency")
    staff = canvas_of(procurement, public=False).block("transparency")
    assert "response_measures" not in {f.key for f in public.facts}
    assert staff.fact("response_measures").value == "Draft redress idea"
    assert "draft" in staff.note


def test_obligations_block_uses_the_obligation_statuses(scene):
    block = canvas_of(scene.procurement, public=False).block("obligations")
    rows = block.table("obligations").records()
    assert rows, "a level IV, high-risk procurement owes something"
    assert {"obligation", "gate", "state", "evidence", "exemption"} <= set(rows[0])
    public_rows = canvas_of(scene.procurement, public=True).block("obligations")
    assert "evidence" not in public_rows.table("obligations").records()[0]


def test_canvas_runs_a_bounded_number_of_queries(
    make_procurement, officer, django_assert_max_num_queries
):
    small = build_scene(make_procurement(stage="engagement_planning"), officer, rows=1)
    big = build_scene(
        make_procurement(stage="engagement_planning", title="Bigger"), officer, rows=12
    )
    for public in (True, False):
        with django_assert_max_num_queries(25) as small_queries:
            canvas_of(small.procurement, public=public)
        with django_assert_max_num_queries(len(small_queries.captured_queries)):
            canvas_of(big.procurement, public=public)


def test_the_obligations_read_the_map_and_the_plan_the_canvas_loaded(scene):
    for public in (True, False):
        with CaptureQueriesContext(connection) as queries:
            canvas = canvas_of(scene.procurement, public=public)
        read = [q["sql"] for q in queries.captured_queries]
        for table in ("engagement_engagementactivity", "engagement_involvement"):
            assert sum(f'FROM "{table}" ' in sql for sql in read) == 1, (table, public)
        rows = canvas.block("obligations").table("obligations").records()
        # The same states and evidence as the obligations read on their own.
        expected = obligation_statuses(scene.procurement)
        assert [row["obligation"] for row in rows] == [s.text for s in expected]
        assert [row["state"] for row in rows] == [
            {"met": "Met", "unmet": "Not met yet"}[s.state] for s in expected
        ]
        if not public:
            assert [row["evidence"] for row in rows] == [s.evidence.detail for s in expected]
    # The scene's map and plan do show in the evidence.
    assert {"met", "unmet"} <= {s.state for s in expected}
    assert any("Residents' jury on triage" in s.evidence.detail for s in expected)


# --- the staff page and its exports --------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_member_role_sees_the_canvas(client, scene, org, make_member, role):
    client.force_login(make_member(org, role))
    response = client.get(staff_url(scene.procurement))
    assert response.status_code == 200
    html = response.content.decode()
    assert ACTOR_NAME.replace("'", "&#x27;") in html
    assert 'id="block-stakes"' in html
    assert "Level IV" in html


def test_staff_page_shows_internal_data_and_offers_the_public_edition(client, scene, officer):
    client.force_login(officer)
    html = client.get(staff_url(scene.procurement)).content.decode()
    assert INTERNAL_NOTE in html
    assert "?edition=public" in html
    public_html = client.get(staff_url(scene.procurement), {"edition": "public"}).content.decode()
    assert INTERNAL_NOTE not in public_html
    assert "public edition" in public_html


def test_problem_statement_markdown_is_rendered_safely(client, make_procurement, officer):
    procurement = make_procurement(
        problem_statement="**Urgent** cases wait.\n\n<script>alert('x')</script>"
    )
    client.force_login(officer)
    html = client.get(staff_url(procurement)).content.decode()
    assert "<strong>Urgent</strong>" in html
    assert "<script>alert" not in html


def test_other_organisation_gets_404(client, scene, other_org, make_member):
    client.force_login(make_member(other_org, Role.ORG_ADMIN))
    for suffix in ("", "canvas.pdf", "canvas.md", "canvas.json"):
        assert client.get(staff_url(scene.procurement, suffix)).status_code == 404


def test_user_without_membership_gets_404(client, scene, resident):
    client.force_login(resident)
    assert client.get(staff_url(scene.procurement)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, scene):
    for suffix in ("", "canvas.pdf", "canvas.md", "canvas.json"):
        response = client.get(staff_url(scene.procurement, suffix))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_closed_procurement_canvas_is_still_readable(client, make_procurement, officer):
    procurement = make_procurement()
    Procurement.objects.filter(pk=procurement.pk).update(status=ProcurementStatus.STOPPED)
    client.force_login(officer)
    response = client.get(staff_url(procurement))
    assert response.status_code == 200
    assert b"Stopped" in response.content


def test_staff_exports_are_the_internal_edition(client, scene, officer):
    client.force_login(officer)
    slug = scene.procurement.slug
    md = client.get(staff_url(scene.procurement, "canvas.md"))
    assert md["Content-Type"] == "text/markdown; charset=utf-8"
    assert md["Content-Disposition"] == f'attachment; filename="{slug}-canvas-internal.md"'
    assert INTERNAL_NOTE in md.content.decode()
    data = client.get(staff_url(scene.procurement, "canvas.json"))
    assert data["Content-Type"] == "application/json"
    assert data.json()["edition"] == "staff"
    public = client.get(staff_url(scene.procurement, "canvas.json"), {"edition": "public"})
    assert public.json()["edition"] == "public"
    assert public["Content-Disposition"] == f'inline; filename="{slug}-canvas.json"'


def test_staff_pdf_of_a_draft(client, scene, officer):
    client.force_login(officer)
    response = client.get(staff_url(scene.procurement, "canvas.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    _, text = pdf_text(response.content)
    assert scene.procurement.title in text
    assert INTERNAL_NOTE in " ".join(text.split())


# --- the public API -------------------------------------------------------------


def test_api_pdf_of_a_published_procurement(client, published_scene):
    procurement = published_scene.procurement
    response = client.get(api_url(procurement, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{procurement.slug}-canvas.pdf"'
    reader, text = pdf_text(response.content)
    flat = " ".join(text.split())
    assert procurement.title in flat
    assert "Level IV" in flat
    assert ACTOR_NAME in flat
    assert INTERNAL_NOTE not in flat
    assert reader.metadata.title.endswith(procurement.title)
    for page in reader.pages:
        # Every page carries the running header: title, organisation, version.
        header = " ".join(page.extract_text().split())
        assert procurement.title in header
        assert procurement.organisation.name in header
        assert f"Version {procurement.version}" in header
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width == pytest.approx(A3_LANDSCAPE[0], abs=1)
        assert height == pytest.approx(A3_LANDSCAPE[1], abs=1)


def test_api_json_of_a_published_procurement(client, published_scene):
    procurement = published_scene.procurement
    response = client.get(api_url(procurement, "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'inline; filename="{procurement.slug}-canvas.json"'
    body = response.json()
    assert body["schema"] == "participai.canvas/1"
    assert body["edition"] == "public"
    assert body["procurement"]["slug"] == procurement.slug
    assert body["procurement"]["impact_level"] == 4
    assert list(body["blocks"]) == BLOCKS
    for block in body["blocks"].values():
        assert set(block) == {"title", "note", "facts", "tables", "pending"}
        for fact in block["facts"].values():
            assert set(fact) == {"label", "value", "code", "format"}
        for table in block["tables"].values():
            keys = [column["key"] for column in table["columns"]]
            assert all(list(row) == keys for row in table["rows"])
        for pending in block["pending"]:
            assert set(pending) == {"text", "stage"}
    assert body["blocks"]["stakes"]["facts"]["ai_act_class"]["code"] == "high_risk"
    assert INTERNAL_DOCUMENT not in response.content.decode()


def test_api_markdown_of_a_published_procurement(client, published_scene):
    procurement = published_scene.procurement
    response = client.get(api_url(procurement, "md"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="{procurement.slug}-canvas.md"'
    )
    text = response.content.decode()
    assert text.startswith("# Governance canvas: ")
    assert "## Impact level and AI Act class" in text
    assert "Riverside Tenants' Association" in text
    assert INTERNAL_NOTE not in text


@pytest.mark.parametrize("ext", ["pdf", "json", "md"])
def test_api_hides_drafts_even_from_their_staff(client, scene, officer, ext):
    assert client.get(api_url(scene.procurement, ext)).status_code == 404
    client.force_login(officer)
    response = client.get(api_url(scene.procurement, ext))
    assert response.status_code == 404
    assert response.json()["message"]


def test_api_unknown_procurement_is_404(client, db):
    assert client.get("/api/procurements/no-such-thing/canvas.json").status_code == 404


def test_api_canvas_is_in_the_openapi_schema(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    pdf = paths["/api/procurements/{slug}/canvas.pdf"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    assert "/api/procurements/{slug}/canvas.md" in paths
    assert "/api/procurements/{slug}/canvas.json" in paths


def test_api_pdf_is_rendered_once_for_the_same_content(client, published_scene, monkeypatch):
    from participai.engagement import canvas_export

    calls = []
    real = canvas_export.render_canvas_pdf

    def counting(canvas):
        calls.append(canvas.fingerprint)
        return real(canvas)

    monkeypatch.setattr(canvas_export, "render_canvas_pdf", counting)
    url = api_url(published_scene.procurement, "pdf")
    first = client.get(url).content
    assert client.get(url).content == first
    assert len(calls) == 1
    Procurement.objects.filter(pk=published_scene.procurement.pk).update(title="Renamed")
    assert b"%PDF" in client.get(url).content[:8]
    assert len(calls) == 2


def test_api_answers_in_the_language_asked_for(client, published_scene):
    response = client.get(
        api_url(published_scene.procurement, "json"), headers={"accept-language": "es"}
    )
    body = response.json()
    assert body["language"] == "es"
    assert body["procurement"]["stage_name"] == "Planificación de la participación"
