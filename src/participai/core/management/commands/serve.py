"""``participai serve``: the web server and the background-task worker, together.

Starts gunicorn and, with the database task backend, the ``db_worker``; stops
both when either exits or on Ctrl-C. For several machines run the pieces
separately (see the README): ``gunicorn participai.config.wsgi`` and
``participai db_worker`` (or an RQ worker).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and the task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker."
        )

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "participai.config.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        processes = {"web": subprocess.Popen(web)}
        if not no_worker and settings.TASKS_BACKEND == "database":
            worker = [sys.executable, "-m", "participai.cli", "db_worker", "--interval", "1"]
            processes["worker"] = subprocess.Popen(worker)
        elif not no_worker and settings.TASKS_BACKEND == "rq":
            self.stdout.write(
                "TASKS_BACKEND=rq: start workers with "
                "`participai rqworker default --job-class django_tasks_rq.Job`."
            )
        self.stdout.write(
            self.style.SUCCESS(f"ParticipAI on http://{host}:{port}/ ({', '.join(processes)})")
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, process in processes.items():
                code = process.poll()
                if code is not None:
                    self.stderr.write(f"{name} exited with {code}; stopping.")
                    exit_code = code or 1
                    stopping = True
            time.sleep(0.5)
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if exit_code:
            sys.exit(exit_code)
