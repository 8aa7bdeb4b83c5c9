"""Contract monitoring in the JSON API (mounted under /api/procurements)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["monitoring"])
