"""Benchmark: the public procurement page against a floor, in one run.

``make bench`` runs this file. It prepares a data directory under
``var/bench/`` (migrate, demo data, collectstatic), starts one gunicorn server
on a free loopback port with the production settings and the floor view
mounted (``PARTICIPAI_BENCH_FLOOR=1``), then loads each target in turn with
locust, headless, in a separate process:

- floor: ``/bench/floor/<slug>/``, one indexed query and a tiny text
  response: the least a Django view on this server, database and settings
  can do;
- page: ``/p/<slug>/``, the public procurement page of the demo.

It prints requests per second and p50/p95 latency for both and the ratio
page/floor, checks that the page runs the same number of SQL queries for a
small and a large procurement file, and writes everything to
``bench/results/procurement_page.json``. Speed is a ratio to the floor
measured in the same run, never an absolute number to compare across machines.

Exit status: 1 if any request failed or the server did not start; whether the
page reached the throughput target is printed but does not change it.

Run ``bench/run.py --help`` for the parameters; each also reads an
environment variable (``BENCH_USERS``, ``BENCH_DURATION``...).

The code is in the package ``bench/procurement_page/`` (see its
``__init__``); this file is only the entry point. The run re-invokes it as
``run.py --internal <step>`` for the steps that run inside Django.
"""

from __future__ import annotations

import sys

from procurement_page.main import main

if __name__ == "__main__":
    sys.exit(main())
