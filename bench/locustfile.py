"""Load for one page: every simulated user requests ``BENCH_PATH`` again and
again, without pause, over a kept-alive connection.

``bench/run.py`` starts this with ``locust --headless`` in its own process, once
per target. ``BENCH_EXPECT`` (optional) is a string the body must contain, so a
fast error page is counted as a failure rather than as a fast page.
"""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
EXPECT = os.environ.get("BENCH_EXPECT", "").encode()


class PageReader(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 30.0
    connection_timeout = 10.0

    @task
    def read(self) -> None:
        with self.client.get(PATH, name=PATH, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif EXPECT and EXPECT not in (response.content or b""):
                response.failure("expected text missing from the body")
            else:
                response.success()
