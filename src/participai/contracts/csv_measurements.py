"""Reading KPI measurements from a CSV file. Pure: no Django.

The file has a header line naming its columns, in any order::

    kpi,measured_on,value,group,cases,note

``kpi``, ``measured_on`` and ``value`` are required; ``group``, ``cases`` and
``note`` may be left out. ``kpi`` is the KPI's name (as written on the
contract, case and surrounding spaces aside) or its number; ``measured_on``
the end of the period, as YYYY-MM-DD; ``value`` a number with at most four
decimals; ``group`` one of the KPI's groups (empty for the whole); ``cases``
a whole number, zero or more.

Every row is checked before anything is returned: :func:`parse` returns all
the rows or raises :class:`CsvError` with every problem found, each naming
its line (the header is line 1) and its column. Tolerated, as spreadsheets
write them: a byte-order mark, Windows-1252 text when the file is not UTF-8,
``;`` as separator (seen in the header; then ``,`` may be the decimal mark),
spaces around values, blank lines.

Messages are marked for translation and kept apart from their parameters
(:data:`MESSAGES`, :attr:`Problem.code`, :attr:`Problem.params`) so the web
layer words them in the reader's language.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from participai.core.marks import gettext_noop

COLUMNS = ("kpi", "measured_on", "value", "group", "cases", "note")
REQUIRED = ("kpi", "measured_on", "value")
MAX_ROWS = 10_000
NOTE_MAX = 2_000
# Measurement.value: 14 digits, 4 of them decimals.
PLACES = 4
VALUE_LIMIT = Decimal(10) ** (14 - PLACES)
CASES_LIMIT = 2_147_483_647
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

MESSAGES: dict[str, str] = {
    "encoding": gettext_noop(
        "The file is neither UTF-8 nor Windows-1252 text: save it from your spreadsheet as "
        "“CSV UTF-8”."
    ),
    "empty": gettext_noop("The file is empty: the first line must name the columns."),
    "no_rows": gettext_noop("The file has a header but no measurements."),
    "too_many_rows": gettext_noop("The file has more than %(limit)s rows: split it."),
    "missing_column": gettext_noop("The header lacks the column “%(column)s”."),
    "unknown_column": gettext_noop("Unknown column “%(column)s”; the columns are: %(columns)s."),
    "repeated_column": gettext_noop("The column “%(column)s” is named twice."),
    "extra_values": gettext_noop("The line has more values than the header has columns."),
    "bad_csv": gettext_noop("The line cannot be read as CSV: %(reason)s."),
    "required": gettext_noop("Missing value."),
    "unknown_kpi": gettext_noop("No KPI of this contract is called “%(kpi)s”."),
    "date": gettext_noop("“%(value)s” is not a date written YYYY-MM-DD."),
    "number": gettext_noop("“%(value)s” is not a number."),
    "places": gettext_noop("Use at most %(places)s decimal places."),
    "too_large": gettext_noop("The number is too large."),
    "cases": gettext_noop("“%(value)s” is not a whole number of cases, zero or more."),
    "group_unknown": gettext_noop(
        "“%(group)s” is not a group of “%(kpi)s”; its groups are: %(groups)s."
    ),
    "group_none": gettext_noop("“%(kpi)s” is not reported by group: leave the group empty."),
    "group_needed": gettext_noop("“%(kpi)s” is reported by group: give one of %(groups)s."),
    "duplicate": gettext_noop("The same KPI, date and group are already on line %(line)s."),
    "note_long": gettext_noop("Keep the note under %(limit)s characters."),
}


@dataclass(frozen=True)
class KpiRef:
    """What the reader needs to know of a KPI: its number, name and groups."""

    id: int
    name: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    line: int
    kpi_id: int
    measured_on: datetime.date
    value: Decimal
    group: str = ""
    cases: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Problem:
    line: int
    column: str  # "" when about the whole line or file
    code: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """In English; the web layer translates ``MESSAGES[code]`` instead."""
        return MESSAGES[self.code] % self.params


class CsvError(ValueError):
    """The file cannot be imported; ``problems`` says every reason, by line."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(
            "; ".join(
                f"line {p.line}" + (f", {p.column}" if p.column else "") + f": {p.message}"
                for p in self.problems
            )
        )


def decode(data: bytes) -> str:
    """The text of the file: UTF-8 (with or without a byte-order mark), else
    Windows-1252 (what older Excel writes). ``CsvError`` when it is neither,
    naming the first line that cannot be read."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvError([Problem(line, "", "encoding")]) from None


def _number(text: str, *, comma_decimal: bool) -> tuple[Decimal | None, str, dict[str, str]]:
    candidate = text
    if comma_decimal and "," in candidate and "." not in candidate:
        candidate = candidate.replace(",", ".")
    try:
        number = Decimal(candidate)
    except InvalidOperation:
        return None, "number", {"value": text}
    if not number.is_finite():
        return None, "number", {"value": text}
    if number != number.quantize(Decimal(1).scaleb(-PLACES)):
        return None, "places", {"places": str(PLACES)}
    if abs(number) >= VALUE_LIMIT:
        return None, "too_large", {}
    return number.quantize(Decimal(1).scaleb(-PLACES)), "", {}


def _header(cells: list[str]) -> tuple[dict[str, int], list[Problem]]:
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = cell.strip().lower()
        if not name:
            continue
        if name not in COLUMNS:
            problems.append(
                Problem(
                    1,
                    cell.strip(),
                    "unknown_column",
                    {"column": cell.strip(), "columns": ", ".join(COLUMNS)},
                )
            )
        elif name in positions:
            problems.append(Problem(1, name, "repeated_column", {"column": name}))
        else:
            positions[name] = index
    for name in REQUIRED:
        if name not in positions:
            problems.append(Problem(1, name, "missing_column", {"column": name}))
    return positions, problems


def parse(data: bytes, *, kpis: Iterable[KpiRef]) -> list[Row]:
    """Every measurement row of the CSV file ``data``, in file order, checked
    against ``kpis`` (the contract's KPIs); or :class:`CsvError` with all the
    problems found. Nothing is returned unless every row is valid.

    Checked: the header (the required columns present, no unknown or repeated
    one), then for each row: a known KPI, an ISO date, a number fitting the
    column (four decimals), a whole number of cases, a group of that KPI's
    groups (required for a KPI reported by group, refused for one that is
    not), a note under :data:`NOTE_MAX` characters, and no second row for the
    same KPI, date and group. At most :data:`MAX_ROWS` rows.
    """
    text = decode(data)
    by_name: dict[str, KpiRef] = {}
    by_id: dict[str, KpiRef] = {}
    for ref in kpis:
        by_name.setdefault(" ".join(ref.name.split()).casefold(), ref)
        by_id[str(ref.id)] = ref
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise CsvError([Problem(1, "", "empty")])
    # A spreadsheet set to a language with a decimal comma separates with ";".
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[Problem] = []
    rows: list[Row] = []
    seen: dict[tuple[int, datetime.date, str], int] = {}
    positions: dict[str, int] | None = None
    line = header_line = 1
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(start, "", "bad_csv", {"reason": str(error)}))
            break
        line = start
        if not any(cell.strip() for cell in cells):
            continue
        if positions is None:
            positions, header_problems = _header(cells)
            if header_problems:
                raise CsvError(
                    [Problem(line, p.column, p.code, p.params) for p in header_problems]
                )
            width = max(positions.values()) + 1
            header_line = line
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise CsvError([Problem(line, "", "too_many_rows", {"limit": str(MAX_ROWS)})])
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            problems.append(Problem(line, "", "extra_values"))
            continue
        values = {
            name: (cells[index].strip() if index < len(cells) else "")
            for name, index in positions.items()
        }
        row_problems: list[Problem] = []
        for name in REQUIRED:
            if not values[name]:
                row_problems.append(Problem(line, name, "required"))
        ref = None
        if values["kpi"]:
            ref = by_name.get(" ".join(values["kpi"].split()).casefold()) or by_id.get(
                values["kpi"]
            )
            if ref is None:
                row_problems.append(Problem(line, "kpi", "unknown_kpi", {"kpi": values["kpi"]}))
        measured_on = None
        if values["measured_on"]:
            try:
                if not _ISO_DATE.fullmatch(values["measured_on"]):
                    raise ValueError
                measured_on = datetime.date.fromisoformat(values["measured_on"])
            except ValueError:
                row_problems.append(
                    Problem(line, "measured_on", "date", {"value": values["measured_on"]})
                )
        value = None
        if values["value"]:
            value, code, params = _number(values["value"], comma_decimal=delimiter == ";")
            if code:
                row_problems.append(Problem(line, "value", code, params))
        cases = None
        if values.get("cases"):
            raw = values["cases"]
            if raw.isdigit() and int(raw) <= CASES_LIMIT:
                cases = int(raw)
            else:
                row_problems.append(Problem(line, "cases", "cases", {"value": raw}))
        group = " ".join(values.get("group", "").split())
        if ref is not None:
            if group and not ref.groups:
                row_problems.append(Problem(line, "group", "group_none", {"kpi": ref.name}))
            elif group and group not in ref.groups:
                row_problems.append(
                    Problem(
                        line,
                        "group",
                        "group_unknown",
                        {"group": group, "kpi": ref.name, "groups": ", ".join(ref.groups)},
                    )
                )
            elif not group and ref.groups:
                row_problems.append(
                    Problem(
                        line,
                        "group",
                        "group_needed",
                        {"kpi": ref.name, "groups": ", ".join(ref.groups)},
                    )
                )
        note = values.get("note", "")
        if len(note) > NOTE_MAX:
            row_problems.append(Problem(line, "note", "note_long", {"limit": str(NOTE_MAX)}))
        if ref is not None and measured_on is not None:
            key = (ref.id, measured_on, group)
            if key in seen:
                row_problems.append(
                    Problem(line, "measured_on", "duplicate", {"line": str(seen[key])})
                )
            else:
                seen[key] = line
        if row_problems:
            problems.extend(row_problems)
            continue
        rows.append(
            Row(
                line=line,
                kpi_id=ref.id,
                measured_on=measured_on,
                value=value,
                group=group,
                cases=cases,
                note=note,
            )
        )
    if positions is None:
        raise CsvError([Problem(1, "", "empty")])
    if problems:
        raise CsvError(problems)
    if not rows:
        raise CsvError([Problem(header_line, "", "no_rows")])
    return rows
