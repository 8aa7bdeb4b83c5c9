"""Load for statement votes: each simulated user is a distinct signed-in
participant voting agree, disagree or pass through the API, one statement
after another, without pause.

``bench/participation_bench.py`` starts this with ``locust --headless`` in
its own process, with:

- ``BENCH_VOTERS``: a JSON file with the cookie names and one
  ``{number, session, csrf}`` per voter (``participation_seed.VoteRound``);
  user *n* of this process signs in as voter *n*, so there must be at least
  as many voters as users;
- ``BENCH_STATEMENTS``: the statement ids, comma-separated; each user votes
  on them in its own shuffled order and, once through, starts again with
  other choices (so later votes replace earlier ones);
- ``BENCH_VOTE_LOG``: where to write, when the run stops, every vote sent:
  ``[voter, statement, choice, status]`` in the order each user sent them,
  status 0 when no answer came. The benchmark checks the database against it.

A vote counts as failed unless it is answered 200 with the choice sent.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, constant, events, task

CHOICES = ("agree", "disagree", "pass")
VOTERS = json.loads(Path(os.environ["BENCH_VOTERS"]).read_text())
STATEMENTS = [int(pk) for pk in os.environ["BENCH_STATEMENTS"].split(",")]
LOG = Path(os.environ["BENCH_VOTE_LOG"])

_numbers = itertools.count()
# Every vote sent, appended before it is sent: one that never gets an answer stays at 0.
SENT: list[list] = []


class Voter(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.number = next(_numbers)
        if self.number >= len(VOTERS["voters"]):
            raise RuntimeError(f"only {len(VOTERS['voters'])} voters for user {self.number}")
        voter = VOTERS["voters"][self.number]
        self.headers = {
            "Cookie": f"{VOTERS['session_cookie']}={voter['session']}; "
            f"{VOTERS['csrf_cookie']}={voter['csrf']}",
            "X-CSRFToken": voter["csrf"],
        }
        self.random = random.Random(self.number)
        self.order = self.random.sample(STATEMENTS, len(STATEMENTS))
        self.step = 0

    @task
    def vote(self) -> None:
        statement = self.order[self.step % len(self.order)]
        choice = CHOICES[(self.random.randrange(3) + self.step // len(self.order)) % 3]
        self.step += 1
        sent = [self.number, statement, choice, 0]
        SENT.append(sent)
        with self.client.post(
            f"/api/contributions/{statement}/vote",
            json={"choice": choice},
            headers=self.headers,
            name="vote",
            catch_response=True,
        ) as response:
            sent[3] = response.status_code or 0
            if response.status_code != 200:
                response.failure(f"status {response.status_code}: {(response.text or '')[:120]}")
            elif (response.json() or {}).get("choice") != choice:
                response.failure("answered with another choice")
            else:
                response.success()


@events.test_stop.add_listener
def _write_log(**_kwargs) -> None:
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text(json.dumps(SENT))
