"""Benchmark: the playbook's instruments, each against a floor in the same run.

- **Assessment scoring**: ``scoring.score`` on complete answer sets of the
  shipped questionnaire (all four impact levels, both phases), against a floor
  that only sums the points of the chosen answers over the same sets. Reported
  as scores per second and the ratio score/floor.
- **Governance canvas PDF**: building the canvas of the largest demo
  procurement from the database and rendering it with WeasyPrint, against a
  floor that renders a one-line A3 landscape page with the same WeasyPrint in
  the same process. Reported as milliseconds (median of the runs) and the
  ratio canvas/floor.

``make bench`` runs it after the page benchmark. The data lives in
``var/bench/instruments/`` (a SQLite database with the demo, made when missing:
on every ``make bench``, whose page benchmark empties ``var/bench/``), or in
the database ``DATABASE_URL`` names when it is set. Results go to
``bench/results/instruments.json``. No number here is a pass or fail: speed is
the ratio to the floor on this machine, in this run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "var" / "bench" / "instruments"
RESULTS = ROOT / "bench" / "results" / "instruments.json"


def _setup() -> None:
    os.environ.setdefault("PARTICIPAI_ENV", "development")
    os.environ["PARTICIPAI_DATA_DIR"] = str(DATA_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participai.config.settings")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from participai.procurements import demo

    if not demo.is_loaded():
        print("loading the demo into", DATA_DIR, flush=True)
        with open(os.devnull, "w") as quiet:
            call_command("demo", stdout=quiet)


def _rate(function, items, seconds: float) -> float:
    """Calls per second of ``function`` over ``items``, cycling for ``seconds``."""
    done = 0
    began = time.perf_counter()
    while (elapsed := time.perf_counter() - began) < seconds:
        for item in items:
            function(item)
        done += len(items)
    return done / elapsed


def bench_scoring(seconds: float) -> dict:
    from participai.assessment import registry
    from participai.assessment.demo import answers_for_level
    from participai.assessment.scoring import score

    questionnaire = registry.current()
    answer_sets = [
        answers_for_level(level, phase=phase)
        for level in (1, 2, 3, 4)
        for phase in ("design", "implementation")
    ]
    points = {
        (question.key, choice.key): choice.points
        for question in questionnaire.questions()
        for choice in question.choices
    }

    def floor(answers: dict) -> int:
        total = 0
        for key, value in answers.items():
            for chosen in value if isinstance(value, list) else [value]:
                total += points.get((key, chosen), 0)
        return total

    floor_rate = _rate(floor, answer_sets, seconds)
    score_rate = _rate(lambda answers: score(questionnaire, answers), answer_sets, seconds)
    return {
        "answer_sets": len(answer_sets),
        "floor_per_second": round(floor_rate),
        "score_per_second": round(score_rate),
        "score_over_floor": round(score_rate / floor_rate, 4),
    }


def _median_ms(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def bench_canvas(runs: int) -> dict:
    import weasyprint
    from django.db.models import Count

    from participai.engagement.canvas_pdf import render_canvas_pdf
    from participai.engagement.selectors.canvas import canvas_of
    from participai.procurements.models import Procurement

    # The largest demo procurement: the one with the most rows behind its canvas.
    largest = (
        Procurement.objects.annotate(
            rows=Count("documents", distinct=True)
            + Count("decisions", distinct=True)
            + Count("actors", distinct=True)
            + Count("engagement_activities", distinct=True)
        )
        .order_by("-rows", "pk")
        .first()
    )
    floor_html = "<style>@page { size: A3 landscape }</style><p>Floor.</p>"

    def floor() -> bytes:
        return weasyprint.HTML(string=floor_html, base_url=None).write_pdf()

    def canvas() -> bytes:
        return render_canvas_pdf(canvas_of(largest, public=True))

    canvas()  # warm the template and font caches, as a running server has them
    floor()
    floor_ms = _median_ms(floor, runs)
    canvas_ms = _median_ms(canvas, runs)
    return {
        "procurement": largest.slug,
        "runs": runs,
        "pdf_bytes": len(canvas()),
        "floor_ms": round(floor_ms, 1),
        "canvas_ms": round(canvas_ms, 1),
        "canvas_over_floor": round(canvas_ms / floor_ms, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per scoring measurement")
    parser.add_argument("--runs", type=int, default=7, help="canvas PDF renders to time")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    _setup()
    report = {"scoring": bench_scoring(args.seconds), "canvas_pdf": bench_canvas(args.runs)}
    scoring, pdf = report["scoring"], report["canvas_pdf"]
    print(
        f"assessment scoring: {scoring['score_per_second']:,} scores/s; "
        f"floor (sum of points) {scoring['floor_per_second']:,}/s; "
        f"ratio {scoring['score_over_floor']}"
    )
    print(
        f"canvas PDF ({pdf['procurement']}): {pdf['canvas_ms']} ms; "
        f"floor (one-line A3 page) {pdf['floor_ms']} ms; ratio {pdf['canvas_over_floor']}"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
