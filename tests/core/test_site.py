"""Site-wide behaviour: health, admin access, headers, error pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from participai.accounts.roles import Role


def test_health_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


def test_health_is_503_when_the_database_is_unreachable(client, db, monkeypatch):
    from django.db import OperationalError, connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    # Undone before the test database is rolled back, which needs a cursor.
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False}


def test_admin_is_for_superusers_only(client, make_user, make_member, org):
    admin_url = "/admin/"
    staff_flag = make_user("flagged-staff")
    staff_flag.is_staff = True
    staff_flag.save()
    for user in (staff_flag, make_member(org, Role.ORG_ADMIN)):
        client.force_login(user)
        response = client.get(admin_url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    superuser = make_user("root", is_superuser=True)
    client.force_login(superuser)
    assert client.get(admin_url).status_code == 200
    assert client.get("/admin/core/auditevent/").status_code == 200


def test_admin_cannot_change_audit_events(client, make_user, procurement):
    client.force_login(make_user("root", is_superuser=True))
    from participai.core.models import AuditEvent

    event = AuditEvent.objects.first()
    assert client.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    response = client.post(f"/admin/core/auditevent/{event.pk}/change/", {"action": "x"})
    assert response.status_code == 403


def test_security_headers(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_html_404_page(client, db):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_api_404_is_json(client, db):
    response = client.get("/api/nowhere")
    assert response.status_code == 404
    assert response.json()["message"]


def test_email_url_parsing():
    from participai.config.settings import _email_settings

    smtp = _email_settings("smtp://user:p%40ss@mail.example:587?tls=1")
    assert smtp["EMAIL_HOST"] == "mail.example"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    assert _email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        _email_settings("carrier-pigeon://")


def test_production_settings_refuse_to_start_without_a_secret(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env.update(PARTICIPAI_ENV="production", PARTICIPAI_DATA_DIR=str(tmp_path))
    env["DJANGO_SETTINGS_MODULE"] = "participai.config.settings"
    result = subprocess.run(
        [sys.executable, "-m", "participai.cli", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        PARTICIPAI_ENV="production",
        PARTICIPAI_DATA_DIR=str(tmp_path),
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-for-the-check",
        ALLOWED_HOSTS="participai.example",
        DJANGO_SETTINGS_MODULE="participai.config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "participai.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
