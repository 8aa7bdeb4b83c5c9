"""Assessment data in the JSON API (mounted under /api/procurements)."""

from ninja import Router

router = Router(tags=["obligations"])
