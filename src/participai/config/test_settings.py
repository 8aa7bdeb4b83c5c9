"""Settings for the test suite: the ``test`` profile of :mod:`settings`.

Selected by pytest (``DJANGO_SETTINGS_MODULE`` in pyproject.toml) so that the
profile is fixed before Django reads the environment.
"""

import os

os.environ["PARTICIPAI_ENV"] = "test"
# Playwright's sync API runs an event loop in the test thread; the ORM calls
# made by fixtures around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .settings import *  # noqa: F403
