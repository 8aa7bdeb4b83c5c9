"""Participation in the JSON API, one module per instrument.

Reading is open data: only published processes of published procurements,
only public fields. Writing goes through the same services as the pages, so
the same rules answer (see :mod:`.common` for how refusals map to statuses).
"""

from ninja import Router

from .documents import router as documents_router
from .events import router as events_router
from .opinions import router as opinions_router
from .prioritisation import router as prioritisation_router
from .responses import router as responses_router
from .surveys import router as surveys_router
from .threads import router as threads_router

router = Router()
router.add_router("", threads_router)
router.add_router("", documents_router)
router.add_router("", events_router)
router.add_router("", opinions_router)
router.add_router("", prioritisation_router)
router.add_router("", responses_router)
router.add_router("", surveys_router)
