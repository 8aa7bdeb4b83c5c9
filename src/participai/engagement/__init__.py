"""Engagement: the actor map, the toolbox of participation mechanisms, the
engagement plan and the governance canvas (DOMAIN.md sections 4 and 7).

The toolbox (``toolbox.py`` over ``data/mechanisms.json``) is pure: it imports
no Django, so it can be loaded, filtered and tested on its own.
"""
