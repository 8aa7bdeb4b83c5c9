"""Take the README's screenshots from a fresh demo installation.

Usage: ``make screenshots``. Starts its own server on a free loopback port with
a temporary data directory, so it never touches var/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(PARTICIPAI_DATA_DIR=data_dir, PARTICIPAI_ENV="development")
        cli = [sys.executable, "-m", "participai.cli"]
        subprocess.run([*cli, "migrate", "--noinput"], env=env, check=True, capture_output=True)
        subprocess.run([*cli, "demo"], env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen(
            [*cli, "serve", "--no-worker", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise SystemExit(f"The server did not answer on {base}/healthz.")
            shoot(base)
        finally:
            server.terminate()
            server.wait(timeout=20)


def shoot(base: str) -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/")
        page.screenshot(path=OUT / "portal.png", full_page=False)
        page.goto(f"{base}/p/ai-assisted-triage-of-adult-social-care-referrals/")
        page.screenshot(path=OUT / "procurement.png", full_page=False)
        consultation = (
            f"{base}/p/shorter-waits-for-home-care-assessments/what-matters-while-waiting/"
        )
        page.goto(consultation)
        page.screenshot(path=OUT / "process.png", full_page=False)
        page.get_by_role("link", name="Your experience and ideas").first.click()
        page.screenshot(path=OUT / "comments.png", full_page=False)
        page.goto(consultation)
        page.get_by_role("link", name="Statements to vote on").first.click()
        page.screenshot(path=OUT / "statements.png", full_page=False)
        page.get_by_role("link", name="See the opinion groups", exact=False).click()
        page.get_by_role("heading", name="The opinion map").scroll_into_view_if_needed()
        page.screenshot(path=OUT / "opinion-groups.png", full_page=False)
        for name, link in (
            ("survey", "A short survey about waiting"),
            ("dot-vote", "What should change first?"),
            ("hearing", "Hearing with carers' associations"),
        ):
            page.goto(consultation)
            page.get_by_role("link", name=link).first.click()
            page.screenshot(path=OUT / f"{name}.png", full_page=False)
        # The draft's versions side by side: the module page's own "diff/".
        page.goto(consultation)
        page.get_by_role("link", name="The draft problem statement").first.click()
        page.goto(page.url.split("?")[0].rstrip("/") + "/diff/")
        page.screenshot(path=OUT / "document-diff.png", full_page=False)
        page.goto(f"{consultation}responses/")
        page.screenshot(path=OUT / "you-said-we-did.png", full_page=False)
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "nb-officer")
        page.fill("#id_password", "participai-demo")
        page.click("button[type=submit]:has-text('Log in')")
        # Logging in redirects to the workspace; wait for it rather than race
        # the login's response with a navigation of our own.
        page.wait_for_url(f"{base}/workspace/")
        page.screenshot(path=OUT / "workspace.png", full_page=False)
        triage = f"{base}/workspace/procurements/ai-assisted-triage-of-adult-social-care-referrals"
        for name, path in (
            ("obligations", "assessment/obligations/"),
            ("actor-map", "engagement/actors/"),
            ("plan", "engagement/plan/"),
            ("canvas", "engagement/canvas/"),
        ):
            page.goto(f"{triage}/{path}")
            page.screenshot(path=OUT / f"{name}.png", full_page=False)
        page.goto(f"{triage}/tender/")
        page.screenshot(path=OUT / "tender-workspace.png", full_page=False)
        chatbot = "council-tax-enquiries-chatbot"
        page.goto(f"{base}/workspace/procurements/{chatbot}/tender/evaluation/results/")
        page.screenshot(path=OUT / "evaluation-results.png", full_page=False)
        page.goto(f"{base}/p/{chatbot}/tender/")
        page.screenshot(path=OUT / "tender-public.png", full_page=False)
        # A community member's seat on the triage panel: the scoring sheet.
        resident = browser.new_page(viewport={"width": 1280, "height": 900})
        resident.goto(f"{base}/accounts/login/")
        resident.fill("#id_username", "resident-ruth")
        resident.fill("#id_password", "participai-demo")
        resident.click("button[type=submit]:has-text('Log in')")
        resident.wait_for_url(f"{base}/workspace/")
        resident.goto(f"{base}/workspace/panel/ai-assisted-triage-of-adult-social-care-referrals/")
        resident.screenshot(path=OUT / "panel-seat.png", full_page=False)
        browser.close()
    print(f"Screenshots written to {OUT}")


if __name__ == "__main__":
    main()
