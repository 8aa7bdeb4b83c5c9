"""The ``participai`` console script: ``manage.py`` for this installation.

``participai serve`` (web server and task worker), ``participai demo`` (load the
demo data once), ``participai audit verify`` and every Django command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participai.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["participai", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
