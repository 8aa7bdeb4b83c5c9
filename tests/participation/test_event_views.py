"""The pages of an event module, through real HTTP requests: the public
record of the meeting with the points raised there (which the public reads
and supports but cannot add to), and the staff page where the record is
written, with the points entered through assisted entry."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import Client

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import Contribution, EventRecord, Module, Process
from participai.participation.services import contributions as contribution_services
from participai.participation.services import events as event_services

MADRID = ZoneInfo("Europe/Madrid")

FORM = {
    "kind": "hearing",
    "starts_at": "2030-03-12T18:00",
    "ends_at": "2030-03-12T20:30",
    "place": "Civic centre, main hall",
    "accessibility": "Step-free; sign language interpreter.",
    "attendance": "41",
    "attendance_note": "Carers, two residents' groups; no young people.",
    "minutes": "The team **presented** the problem.",
    "outputs": "- Call back within a day",
}


def module_url(module: Module, tail: str = "") -> str:
    process = module.process
    return f"/p/{process.procurement.slug}/{process.slug}/m/{module.pk}/{tail}"


def setup_url(module: Module) -> str:
    process = module.process
    return (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{module.pk}/event/"
    )


def join(client: Client, process: Process, pseudonym: str = "Ana R.") -> Participant:
    client.post(f"/p/{process.procurement.slug}/{process.slug}/join/", {"pseudonym": pseudonym})
    return Participant.objects.get(pseudonym=pseudonym)


def record(module: Module, actor, **changes) -> EventRecord:
    values = {
        "kind": "workshop",
        "starts_at": datetime(2030, 3, 12, 18, 0, tzinfo=MADRID),
        "ends_at": datetime(2030, 3, 12, 20, 0, tzinfo=MADRID),
        "place": "Central Library, room 2",
        "accessibility": "Hearing loop.",
        "attendance": 23,
        "attendance_note": "Mostly carers.",
        "minutes": "We **heard** about waits. <script>alert(1)</script>",
        "outputs": "1. Call back within a day",
        **changes,
    }
    return event_services.event_record_save(actor=actor, module=module, **values)


def point(module: Module, facilitator, make_guest, body: str, name: str = "Pilar"):
    return contribution_services.contribution_add(
        participant=make_guest(name),
        module=module,
        body=body,
        channel="in_person",
        entered_by=facilitator,
    )


# --- public --------------------------------------------------------------------------------


def test_before_the_record_is_written(client, event_module):
    response = client.get(module_url(event_module))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The record of this meeting is not written yet." in html
    assert "0 points raised at the meeting" in html
    assert "No point has been entered yet." in html


def test_the_record_and_the_points_raised(client, event_module, officer, facilitator, make_guest):
    record(event_module, officer)
    first = point(event_module, facilitator, make_guest, "Call people back within a day.")
    point(event_module, facilitator, make_guest, "Explain every refusal.", "Joan")
    html = client.get(module_url(event_module)).content.decode()
    assert "Workshop" in html
    assert "Central Library, room 2" in html
    assert "23 people took part" in html
    assert "Mostly carers." in html
    assert "Hearing loop." in html
    assert "We <strong>heard</strong> about waits." in html
    assert "<script>alert(1)</script>" not in html
    assert "<li>Call back within a day</li>" in html
    assert "2 points raised at the meeting" in html
    assert html.index("Call people back within a day.") < html.index("Explain every refusal.")
    assert "entered by a facilitator, in person" in html
    assert f'id="contribution-{first.pk}"' in html
    # No form to add a point or to reply: the public does not post here.
    assert f'action="{module_url(event_module, "add/")}"' not in html
    assert "/reply/" not in html
    assert "This part takes no comments online" in html


def test_attendance_not_counted(client, event_module, officer):
    record(event_module, officer, attendance=None)
    assert "Not counted" in client.get(module_url(event_module)).content.decode()


def test_the_public_cannot_post_points_or_replies(
    client, open_process, event_module, facilitator, make_guest
):
    raised = point(event_module, facilitator, make_guest, "A point from the floor.")
    join(client, open_process)
    response = client.post(module_url(event_module, "add/"), {"kind": "comment", "body": "Me."})
    assert response.status_code == 400
    assert "it takes no contributions online" in response.content.decode()
    response = client.post(module_url(event_module, f"c/{raised.pk}/reply/"), {"body": "Me too."})
    assert response.status_code == 400
    assert "it takes no contributions online" in response.content.decode()
    assert Contribution.objects.count() == 1


def test_points_can_be_supported(client, open_process, event_module, facilitator, make_guest):
    raised = point(event_module, facilitator, make_guest, "A point from the floor.")
    join(client, open_process)
    response = client.post(module_url(event_module, f"c/{raised.pk}/support/"))
    assert response.status_code == 302
    raised.refresh_from_db()
    assert raised.support_count == 1


# --- staff ---------------------------------------------------------------------------------


def test_the_process_page_links_to_the_record(client, officer, open_process, event_module):
    client.force_login(officer)
    process = open_process
    html = client.get(
        f"/workspace/procurements/{process.procurement.slug}/participation/{process.slug}/"
    ).content.decode()
    assert f'href="{setup_url(event_module)}"' in html


def test_an_officer_writes_the_record_and_a_facilitator_updates_it(
    client, officer, facilitator, event_module, audit_events, settings
):
    settings.TIME_ZONE = "Europe/Madrid"
    client.force_login(officer)
    page = client.get(setup_url(event_module))
    assert page.status_code == 200
    assert "Write the record" in page.content.decode()
    response = client.post(setup_url(event_module), FORM)
    assert response.status_code == 302
    saved = EventRecord.objects.get()
    assert (saved.kind, saved.place, saved.attendance) == ("hearing", FORM["place"], 41)
    assert saved.starts_at == datetime(2030, 3, 12, 18, 0, tzinfo=MADRID)
    assert saved.minutes_html == "<p>The team <strong>presented</strong> the problem.</p>\n"
    assert len(audit_events("event.recorded")) == 1
    client.force_login(facilitator)
    html = client.get(setup_url(event_module)).content.decode()
    assert "Update the record" in html
    assert 'value="2030-03-12T18:00"' in html
    assert "Civic centre, main hall" in html
    response = client.post(setup_url(event_module), {**FORM, "attendance": ""})
    assert response.status_code == 302
    assert EventRecord.objects.get().attendance is None
    assert audit_events("event.updated")[0].data["fields"] == ["attendance"]


def test_a_bad_record_re_renders_with_the_errors(client, officer, event_module):
    client.force_login(officer)
    response = client.post(
        setup_url(event_module),
        {**FORM, "ends_at": "2030-03-12T17:00", "attendance": "-3", "place": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "usa-error-message" in html
    response = client.post(setup_url(event_module), {**FORM, "ends_at": "2030-03-12T17:00"})
    assert response.status_code == 400
    assert "It must end after it starts." in response.content.decode()
    assert not EventRecord.objects.exists()


def test_record_rights(client, org, other_org, make_member, officer, event_module):
    url = setup_url(event_module)
    assert client.get(url).status_code == 302  # to the login page
    record(event_module, officer)
    client.force_login(make_member(org, Role.MODERATOR, username="mod"))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Only those who set up participation or facilitate it can change the record." in html
    assert '<form method="post" class="usa-form' not in html
    assert client.post(url, FORM).status_code == 403
    client.force_login(make_member(other_org, Role.FACILITATOR, username="elsewhere"))
    assert client.get(url).status_code == 404
    assert client.post(url, FORM).status_code == 404
    assert EventRecord.objects.get().place == "Central Library, room 2"


def test_the_record_page_of_another_kind_of_module_is_404(client, officer, comments_module):
    client.force_login(officer)
    assert client.get(setup_url(comments_module)).status_code == 404


def test_points_are_entered_through_assisted_entry(
    client, facilitator, open_process, event_module
):
    client.force_login(facilitator)
    page = client.get(setup_url(event_module)).content.decode()
    process = open_process
    assist = (
        f"/workspace/procurements/{process.procurement.slug}/participation/{process.slug}/assist/"
    )
    assert f'href="{assist}?module={event_module.pk}&amp;channel=in_person"' in page
    data = {
        "module": str(event_module.pk),
        "channel": "in_person",
        "pseudonym": "Pilar",
        "kind": "",
        "body": "Call people back within a day.",
    }
    assert client.post(assist, data).status_code == 302
    saved = Contribution.objects.get()
    assert (saved.module, saved.channel, saved.entered_by) == (
        event_module,
        "in_person",
        facilitator,
    )
    response = client.post(assist, {**data, "channel": "phone", "pseudonym": "Joan"})
    assert response.status_code == 400
    assert (
        "A point raised at a meeting was said in person or written on paper."
        in response.content.decode()
    )
    assert Contribution.objects.count() == 1
    assert not Participant.objects.filter(pseudonym="Joan").exists()


def test_a_paper_form_for_the_meeting(client, officer, event_module):
    client.force_login(officer)
    process = event_module.process
    url = (
        f"/workspace/procurements/{process.procurement.slug}/participation/"
        f"{process.slug}/m/{event_module.pk}/print/"
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="write-line"') == 16
