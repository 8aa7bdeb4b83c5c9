"""The measured server: one gunicorn on a free loopback port, started and stopped.

It runs with the environment from ``config.server_env`` (production settings,
the floor view mounted), logs to ``var/bench/server.log`` and runs in its own
process group so that it can always be stopped as one. ``Server`` also knows
its workers' process ids, for their CPU time during the load.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .config import DATA_DIR, HOST, ROOT, BenchError, log


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master), for their CPU time."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except (OSError, ValueError):
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of all workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(url: str, *, timeout: float = 10) -> tuple[int, bytes]:
    """Status and body of a GET, also when the status is an error."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start_server(env: dict[str, str], *, workers: int, threads: int) -> Server:
    """Start gunicorn and wait (up to 60 s) until it answers ``/healthz``."""
    port = free_port()
    log_path = DATA_DIR / "server.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "participai.config.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",  # no access log: it would cost both targets alike, and fill the disk
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so it can be stopped as one
        )
    server = Server(process=process, port=port, log_path=log_path)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise BenchError(
                f"the server exited with {process.returncode} before answering:\n"
                + server.log_tail()
            )
        try:
            if fetch(f"{server.base_url}/healthz", timeout=2)[0] == 200:
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise BenchError(
                "the server did not answer /healthz within 60 s:\n" + server.log_tail()
            )
        time.sleep(0.2)
    log(f"server: gunicorn on {server.base_url}, {workers} workers x {threads} threads")
    return server
