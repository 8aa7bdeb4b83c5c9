"""``participai deliberation``: opinion groups of a Pol.is export, for analysts.

- ``participai deliberation groups VOTES_CSV --out GROUPS_CSV [--comments COMMENTS_CSV]``
  writes one row per clustered participant (``participant,group``; groups
  numbered from 0, as Pol.is's ``group-id``). With ``--comments``, statements
  moderated out in ``comments.csv`` have their columns zeroed, as on Pol.is:
  they no longer place anyone on the map, though votes on them still count
  toward who is clustered. ``--out`` may not name an input file; the file is
  written whole or not at all, with the usual permissions (``0666`` less the
  umask).
- ``participai deliberation report VOTES_CSV COMMENTS_CSV`` prints the groups,
  their representative statements, consensus, where groups differ and the
  statements shown first.

Both call :func:`participai.deliberation.analysis.analyse`, the code the
platform runs; nothing here computes anything itself. ``--seed`` is a
non-negative integer. Every error (a bad file, a bad value) is a
``CommandError`` naming what is wrong, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from participai.deliberation.analysis import ConversationAnalysis, analyse
from participai.deliberation.polis_csv import read_polis_comments, read_polis_votes
from participai.deliberation.report import format_report


class Command(BaseCommand):
    help = "Opinion groups of a Pol.is conversation export (votes.csv, comments.csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{groups,report}")
        groups = actions.add_parser(
            "groups", help="Write each clustered participant's opinion group to a CSV file."
        )
        groups.add_argument("votes", help="Pol.is votes.csv")
        groups.add_argument("--out", required=True, help="CSV file to write (participant,group)")
        groups.add_argument(
            "--comments",
            help="Pol.is comments.csv, to zero the columns of moderated-out statements",
        )
        groups.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
        report = actions.add_parser(
            "report", help="Print groups, representative and consensus statements."
        )
        report.add_argument("votes", help="Pol.is votes.csv")
        report.add_argument("comments", help="Pol.is comments.csv")
        report.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")

    def handle(self, *args, **options) -> None:
        if options["action"] == "groups":
            self._groups(options)
        else:
            self._report(options)

    def _groups(self, options: dict) -> None:
        out = Path(options["out"])
        for source in (options["votes"], options.get("comments")):
            if source and _same_file(out, Path(source)):
                raise CommandError(f"--out {out} is an input file; it would be overwritten")
        matrix = _read(read_polis_votes, options["votes"])
        moderated_out: list[int] = []
        if options.get("comments"):
            comments = _read(read_polis_comments, options["comments"])
            moderated_out = [c.statement_id for c in comments if c.moderated_out]
        analysis = _analyse(matrix, moderated_out=moderated_out, seed=options["seed"])
        groups = analysis.groups
        rows = [
            (participant, int(label))
            for participant, label in zip(
                groups.participant_ids.tolist(), groups.group_labels, strict=True
            )
            if label >= 0
        ]
        _write_csv(out, ("participant", "group"), rows)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(rows)} participants in {groups.k} groups written to {options['out']}."
            )
        )

    def _report(self, options: dict) -> None:
        matrix = _read(read_polis_votes, options["votes"])
        comments = _read(read_polis_comments, options["comments"])
        analysis = _analyse(
            matrix,
            moderated_out=[c.statement_id for c in comments if c.moderated_out],
            seed=options["seed"],
        )
        self.stdout.write(
            format_report(analysis, {c.statement_id: c.text for c in comments}), ending=""
        )


def _seed(text: str) -> int:
    """``--seed``: a non-negative integer (numpy's generators take no negative seed)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; use 0 or more")
    return value


def _analyse(matrix: Any, **options: Any) -> ConversationAnalysis:
    """``analyse``, with what it refuses turned into a ``CommandError``."""
    try:
        return analyse(matrix, **options)
    except ValueError as error:
        raise CommandError(f"cannot analyse these votes: {error}") from None


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file (through links too).

    When either does not exist, whether both resolve to the same path.
    """
    try:
        return first.samefile(second)
    except OSError:
        return first.resolve() == second.resolve()


def _read(reader: Callable[[str], Any], path: str) -> Any:
    try:
        return reader(path)
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a UTF-8 text file") from None
    except (OSError, ValueError, csv.Error) as error:
        raise CommandError(f"{path}: {error}") from None


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    """Write all or nothing: a temporary file beside ``path``, then a rename.

    The file gets the permissions of any new file (``0666`` less the umask).
    """
    directory = path.parent if str(path.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(dir=directory, suffix=".csv.tmp")
    except OSError as error:
        raise CommandError(f"{path}: cannot write here ({error.strerror})") from None
    # mkstemp makes the file private (0600); give it the mode any new file
    # would have, 0666 less the umask (which can only be read by setting it).
    umask = os.umask(0o077)
    os.umask(umask)
    try:
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~umask)
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"{path}: cannot write ({error.strerror})") from None
