"""The data the server is measured on, prepared before it starts.

Outside Django: ``prepare_data`` empties ``var/bench/`` (a new SQLite
database), migrates, loads the demo and collects the static files, which the
production settings' manifest storage needs for ``{% static %}``.

Inside Django (a child process, see ``config.run_internal``): the fingerprint
of what collectstatic would collect, and the long procurement file whose
query count the benchmark compares with the demo's.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .config import (
    DATA_DIR,
    LARGE_DECISIONS,
    LARGE_DOCUMENTS,
    LARGE_TITLE,
    log,
    manage,
    run_internal,
    run_step,
)

if TYPE_CHECKING:
    from participai.procurements.models import Procurement

STATIC_DIR = DATA_DIR / "static"
STATIC_FINGERPRINT = "static.fingerprint"


def prepare_data(env: dict[str, str], *, fresh: bool) -> None:
    """A new SQLite database with the demo (or migrate + demo once on
    DATABASE_URL), and the static files with their manifest.

    Collecting and compressing the static files takes half a minute, so they
    are kept between runs and collected again only when the files Django
    would collect (or the storage, or the versions) have changed."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    keep = {STATIC_DIR.name, STATIC_FINGERPRINT}
    for entry in DATA_DIR.iterdir():
        if entry.name in keep and not fresh:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    run_step("migrate", manage("migrate", "--noinput"), env)
    run_step("demo data", manage("demo"), env)

    fingerprint = run_internal("static fingerprint", "static-fingerprint", env).strip()
    stored = DATA_DIR / STATIC_FINGERPRINT
    manifest = STATIC_DIR / "staticfiles.json"
    if manifest.exists() and stored.exists() and stored.read_text().strip() == fingerprint:
        log("static files unchanged since the last run: collectstatic skipped")
        return
    shutil.rmtree(STATIC_DIR, ignore_errors=True)
    stored.unlink(missing_ok=True)
    run_step("collectstatic", manage("collectstatic", "--noinput"), env)
    stored.write_text(fingerprint + "\n")


# --------------------------------------------------------------------------- inside Django


def internal_static_fingerprint() -> None:
    """Print a hash of what collectstatic would collect, and how."""
    from importlib.metadata import version

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    digest.update(repr(settings.STORAGES["staticfiles"]).encode())
    digest.update(f"django {version('django')} whitenoise {version('whitenoise')}".encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            # By content, not modification time: `make assets` copies the vendor
            # files afresh, with new times and the same bytes.
            content = hashlib.sha256(Path(storage.path(path)).read_bytes()).hexdigest()
            entries.append(f"{path}|{content}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    print(digest.hexdigest())


def large_procurement() -> Procurement:
    """A published procurement with many decisions, deciders and documents,
    created through the services (so with its audit trail), once."""
    import datetime as dt

    from participai.accounts.models import Organisation, User
    from participai.procurements import services
    from participai.procurements.models import DocumentType, GateOutcome, Procurement

    existing = Procurement.objects.filter(title=LARGE_TITLE).first()
    if existing is not None:
        return existing
    organisation = Organisation.objects.get(slug="northbridge")
    officer = User.objects.get(username="nb-officer")
    deciders = list(
        User.objects.filter(username__in=["nb-officer", "nb-lead", "nb-admin", "nb-legal"])
    )
    item = services.procurement_create(
        actor=officer,
        organisation=organisation,
        title=LARGE_TITLE,
        mission="A file with a long history, to show that the public page does not "
        "run more queries when a procurement has many decisions and documents.",
        problem_statement="Created by `bench/run.py`. Each revision below came back to "
        "the problem definition with a new working paper.\n\n- one\n- two\n- three",
        affected_people="Nobody: it is benchmark data.",
    )
    services.procurement_publish(actor=officer, procurement=item)
    today = dt.date.today()
    per_decision = LARGE_DOCUMENTS // LARGE_DECISIONS
    for number in range(1, LARGE_DECISIONS + 1):
        for part in range(1, per_decision + 1):
            services.document_add(
                actor=officer,
                procurement=item,
                title=f"Working paper {number}.{part}",
                document_type=DocumentType.OTHER,
                body=f"Notes for revision {number}, part {part}.",
                is_public=part != per_decision or number % 4 != 0,
            )
        services.gate_decide(
            actor=officer,
            procurement=item,
            outcome=GateOutcome.REVISE,
            rationale=f"Revision {number}: the problem statement needs another pass "
            "with the people it affects.",
            decided_on=today,
            deciders=deciders,
            other_deciders="An independent adviser",
        )
    return Procurement.objects.get(pk=item.pk)
