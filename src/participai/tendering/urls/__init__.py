"""URL modules of the tender: the staff workspace, the panel's seats, the public page.

``workspace`` is mounted at ``/workspace/procurements/<slug>/tender/``,
``panel`` at ``/workspace/panel/<slug>/`` (evaluators, whether or not they
belong to the organisation) and ``public`` at ``/p/<slug>/tender/``.
"""
