"""How many SQL queries a view of the public page runs, and whether that is constant.

``count_queries`` runs ``internal_queries`` inside Django with the server's
settings, in a child process, and reads the JSON it prints last. Inside, the
page is rendered with ``django.test.Client`` under ``CaptureQueriesContext``
for the demo procurement, one with no decisions and no documents, and the
long file from ``data.large_procurement``, each with the page cache empty and
then filled; the floor view is counted too.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .config import DEMO_SLUG, EMPTY_SLUG, HOST, run_internal
from .data import large_procurement

if TYPE_CHECKING:
    from participai.procurements.models import Procurement


def count_queries(env: dict[str, str]) -> dict[str, Any]:
    """The query counts, measured in a child process with ``env``."""
    return json.loads(run_internal("query counts", "queries", env).splitlines()[-1])


def _contents(item: Procurement) -> tuple[int, int]:
    """Its gate decisions and public documents."""
    from participai.procurements.models import Document, GateDecision

    return (
        GateDecision.objects.filter(procurement=item).count(),
        Document.objects.filter(procurement=item, is_public=True).count(),
    )


def internal_queries() -> None:
    """Render the page for a small, an empty and a large procurement with the
    server's settings, and print the number of SQL queries each took (JSON)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from participai.procurements.models import Procurement

    large_slug = large_procurement().slug
    client = Client(HTTP_HOST=HOST)

    def measure(path: str) -> tuple[int, int, int]:
        """Queries with an empty page cache (cold), then with it filled (warm)."""
        cache.clear()
        counts = []
        for _ in ("cold", "warm"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
            counts.append(len(captured))
        cold_queries, warm_queries = counts
        return cold_queries, warm_queries, len(response.content)

    pages = []
    for role, slug in (("demo", DEMO_SLUG), ("empty", EMPTY_SLUG), ("large", large_slug)):
        decisions, public_documents = _contents(Procurement.objects.get(slug=slug))
        cold_queries, queries, size = measure(f"/p/{slug}/")
        pages.append(
            {
                "role": role,
                "slug": slug,
                "decisions": decisions,
                "public_documents": public_documents,
                "queries": queries,
                "queries_cold": cold_queries,
                "bytes": size,
            }
        )
    _, floor_queries, _ = measure(f"/bench/floor/{DEMO_SLUG}/")
    count = {page["role"]: page["queries"] for page in pages}
    cold = {page["role"]: page["queries_cold"] for page in pages}
    large = pages[2]
    # Constant: the long file costs no more queries than the demo's, with the
    # page cache filled (what the load measures) and empty (after a change); a
    # file with no decisions may cost one fewer (no deciders to prefetch).
    constant = all(c["large"] == c["demo"] and c["empty"] <= c["demo"] for c in (count, cold))
    verdict = (
        f"{count['demo']} (cache filled) / {cold['demo']} (cache empty) for the demo, "
        f"{count['large']} / {cold['large']} for a file with {large['decisions']} "
        f"decisions and {large['public_documents']} public documents"
    )
    print(
        json.dumps(
            {
                "pages": pages,
                "floor_queries": floor_queries,
                "constant": constant,
                "verdict": verdict,
                "large": {
                    "slug": large_slug,
                    "decisions": large["decisions"],
                    "public_documents": large["public_documents"],
                },
                "database": connection.vendor,
            }
        )
    )
