"""The governance canvas in the JSON API (mounted under /api/procurements)."""

from ninja import Router

router = Router(tags=["canvas"])
