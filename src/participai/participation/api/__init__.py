"""Participation in the JSON API, one module per instrument.

Reading is open data: only published processes of published procurements,
only public fields. Writing goes through the same services as the pages, so
the same rules answer (see :mod:`.common` for how refusals map to statuses).
"""

from ninja import Router

from .threads import router as threads_router

router = Router()
router.add_router("", threads_router)
