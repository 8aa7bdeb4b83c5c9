"""The benchmark of the public procurement page against a floor (``make bench``).

``bench/run.py`` is the entry point; it calls ``main.main``. The modules:

- ``config``: paths, names, the command line and its ``BENCH_*`` variables,
  the server's environment, logging and running a step;
- ``data``: the data directory (migrate, demo, collectstatic when the static
  files changed) and, inside Django, the static fingerprint and the long
  procurement file;
- ``queries``: the SQL queries per page view, counted inside Django;
- ``server``: gunicorn, started and stopped;
- ``load``: the locust runs, their CSV files and the CPU they cost;
- ``report``: the table, the verdicts and the JSON file;
- ``main``: the run from start to end, and the ``--internal`` steps.

The package is imported from ``bench/`` (the directory of ``run.py``, first on
``sys.path`` when it runs as a script), so its modules import each other
relatively.
"""
