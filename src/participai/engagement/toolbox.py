"""The toolbox of participation mechanisms: a catalogue kept as data, and a pure engine
that loads, validates and filters it (DOMAIN.md section 7).

The catalogue lives in ``data/mechanisms.json``. Every mechanism is described by its
democratic function (transparency, participation, collaboration), its degree of
institutionalisation, the lifecycle stages it suits, the decision stages it serves
(diagnosis to assessment), its depth on the actor map's involvement ladder, its reach,
cost and duration, how it includes people who are offline, disabled or speak other
languages, and which participation module of the platform runs it online, if any.
Every text is given in English, Spanish and Catalan.

This module imports no Django: it can be tested and benchmarked alone. Stage keys and
the participation vocabulary come from ``participai.core.vocabulary``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from participai.core.folding import fold
from participai.core.vocabulary import (
    DECISION_STAGES,
    DEMOCRATIC_FUNCTIONS,
    DEPTHS,
    INSTITUTIONALISATION,
    LANGUAGES,
    STAGE_KEYS,
)

DATA_PATH = Path(__file__).resolve().parent / "data" / "mechanisms.json"

DEFAULT_LANGUAGE = "en"

FUNCTIONS = DEMOCRATIC_FUNCTIONS
# Ordered scales, lowest first (DEPTHS too, from the shared vocabulary).
REACHES: tuple[str, ...] = ("few", "dozens", "hundreds", "thousands")
COSTS: tuple[str, ...] = ("low", "medium", "high")
PLATFORM_MODULES: tuple[str, ...] = (
    "comments",
    "survey",
    "statements",
    "prioritisation",
    "document_review",
    "event",
)

TEXT_FIELDS: tuple[str, ...] = ("name", "summary", "description", "inclusion_notes")
# Fields the text search looks in; inclusion notes are left out because nearly every
# mechanism mentions libraries, interpreters and plain language there.
SEARCH_FIELDS: tuple[str, ...] = ("name", "summary", "description")
FIELDS: tuple[str, ...] = (
    "key",
    "name",
    "summary",
    "description",
    "democratic_function",
    "institutionalisation",
    "stages",
    "decision_stages",
    "depth",
    "reach",
    "cost",
    "duration_weeks",
    "inclusion_notes",
    "supports_assisted",
    "platform_module",
)

_KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def _language(lang: str | None) -> str:
    """The catalogue language for a language code: 'es-ES' and 'es_es' give 'es'; a
    language the catalogue does not carry gives English."""
    base = (lang or "").lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Mechanism:
    """One participation mechanism of the toolbox. Texts are mappings from language code
    to text; lists are tuples in the order of their scale (stages in lifecycle order).

    ``depth`` is the rung of the actor map's involvement ladder the mechanism reaches;
    ``duration_weeks`` is (min, max) from preparation to published result (for a
    standing body, its usual mandate); ``supports_assisted`` says that people who are
    offline can take part through staff or facilitators who enter their contributions
    on the platform, tagged as assisted; ``platform_module`` names the participation
    module that runs the mechanism online, or is ``None`` when it runs offline or only
    publishes.
    """

    key: str
    name: Mapping[str, str]
    summary: Mapping[str, str]
    description: Mapping[str, str]
    democratic_function: tuple[str, ...]
    institutionalisation: str
    stages: tuple[str, ...]
    decision_stages: tuple[str, ...]
    depth: str
    reach: str
    cost: str
    duration_weeks: tuple[int, int]
    inclusion_notes: Mapping[str, str]
    supports_assisted: bool
    platform_module: str | None

    def __hash__(self) -> int:
        return hash(self.key)

    def text(self, field: str, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The text ``field`` (one of ``TEXT_FIELDS``) in ``lang``, falling back to English
        when the language is not carried. ``ValueError`` for a field that is not a text."""
        if field not in TEXT_FIELDS:
            raise ValueError(f"{field!r} is not a text field; expected one of {TEXT_FIELDS}")
        texts: Mapping[str, str] = getattr(self, field)
        return texts.get(_language(lang)) or texts[DEFAULT_LANGUAGE]

    @property
    def depth_rank(self) -> int:
        """Position on the involvement ladder: 0 for inform up to 4 for empower."""
        return DEPTHS.index(self.depth)

    @property
    def cost_rank(self) -> int:
        """0 for low, 1 for medium, 2 for high."""
        return COSTS.index(self.cost)

    @property
    def reach_rank(self) -> int:
        """0 for a few people up to 3 for thousands."""
        return REACHES.index(self.reach)

    def matches(self, terms: Sequence[str], lang: str | None = DEFAULT_LANGUAGE) -> bool:
        """Whether every folded search term occurs in this mechanism's name, summary or
        description in ``lang``."""
        haystack = fold(" ".join(self.text(field, lang) for field in SEARCH_FIELDS))
        return all(term in haystack for term in terms)


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(allowed)}")


class Catalogue:
    """The mechanisms of the toolbox, in catalogue order, with lookup by key and filters."""

    def __init__(self, mechanisms: Iterable[Mechanism]) -> None:
        self._mechanisms = tuple(mechanisms)
        self._by_key = {m.key: m for m in self._mechanisms}
        if len(self._by_key) != len(self._mechanisms):
            raise ValueError("mechanism keys must be unique")

    @property
    def mechanisms(self) -> tuple[Mechanism, ...]:
        return self._mechanisms

    def __len__(self) -> int:
        return len(self._mechanisms)

    def __iter__(self) -> Iterator[Mechanism]:
        return iter(self._mechanisms)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def keys(self) -> tuple[str, ...]:
        """Every mechanism key, in catalogue order."""
        return tuple(m.key for m in self._mechanisms)

    def get(self, key: str) -> Mechanism:
        """The mechanism called ``key``; ``KeyError`` for an unknown key."""
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"no mechanism {key!r} in the catalogue") from None

    def filter(
        self,
        *,
        stage: str | None = None,
        function: str | None = None,
        institutionalisation: str | None = None,
        decision_stage: str | None = None,
        min_depth: str | None = None,
        max_cost: str | None = None,
        assisted: bool | None = None,
        q: str | None = None,
        lang: str | None = DEFAULT_LANGUAGE,
    ) -> list[Mechanism]:
        """The mechanisms that pass every given filter, in catalogue order; ``None`` (or a
        blank ``q``) leaves a filter off.

        ``stage``, ``function`` and ``decision_stage`` keep mechanisms that list the value;
        ``institutionalisation`` keeps an exact match; ``min_depth`` keeps that depth and
        every deeper one (``"involve"`` gives involve, collaborate and empower);
        ``max_cost`` keeps that cost and every cheaper one; ``assisted`` keeps mechanisms
        whose ``supports_assisted`` equals it. ``q`` is split into words, each of which
        must occur, ignoring case and accents, in the name, summary or description in
        ``lang`` (English when the language is not carried). A value outside its allowed
        set raises ``ValueError`` naming the parameter and the allowed values.
        """
        _check_choice("stage", stage, STAGE_KEYS)
        _check_choice("function", function, FUNCTIONS)
        _check_choice("institutionalisation", institutionalisation, INSTITUTIONALISATION)
        _check_choice("decision_stage", decision_stage, DECISION_STAGES)
        _check_choice("min_depth", min_depth, DEPTHS)
        _check_choice("max_cost", max_cost, COSTS)
        if assisted is not None and not isinstance(assisted, bool):
            raise ValueError(f"assisted={assisted!r} must be True, False or None")
        min_depth_rank = DEPTHS.index(min_depth) if min_depth else None
        max_cost_rank = COSTS.index(max_cost) if max_cost else None
        terms = fold(q).split() if q else []

        result = []
        for m in self._mechanisms:
            if stage is not None and stage not in m.stages:
                continue
            if function is not None and function not in m.democratic_function:
                continue
            if institutionalisation is not None and m.institutionalisation != institutionalisation:
                continue
            if decision_stage is not None and decision_stage not in m.decision_stages:
                continue
            if min_depth_rank is not None and m.depth_rank < min_depth_rank:
                continue
            if max_cost_rank is not None and m.cost_rank > max_cost_rank:
                continue
            if assisted is not None and m.supports_assisted is not assisted:
                continue
            if terms and not m.matches(terms, lang):
                continue
            result.append(m)
        return result


# --- Loading and validation -------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One fault in the catalogue data: the JSON path of the value at fault (``$`` is the
    document), the key of the mechanism it belongs to when known, and what is wrong."""

    path: str
    message: str
    mechanism: str | None = None

    def __str__(self) -> str:
        where = f"{self.path} ({self.mechanism})" if self.mechanism else self.path
        return f"{where}: {self.message}"


class CatalogueError(ValueError):
    """The catalogue data is malformed. ``problems`` lists every fault found, each naming
    its JSON path; the message names the source file too. Nothing is loaded."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{source}: {count} problem(s) in the mechanism catalogue:\n{lines}")


class _Checker:
    """Collects the problems of one mechanism's raw data while reading its fields."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.mechanism: str | None = None
        self.failed = False

    def fail(self, path: str, message: str) -> None:
        self.failed = True
        self.problems.append(Problem(path, message, self.mechanism))

    def choice(self, raw: Mapping[str, Any], field: str, allowed: tuple[str, ...]) -> Any:
        value = raw[field]
        if not isinstance(value, str) or value not in allowed:
            self.fail(f"{self.path}.{field}", f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def choices(self, raw: Mapping[str, Any], field: str, allowed: tuple[str, ...]) -> Any:
        """A non-empty list of distinct allowed values, returned in the scale's order."""
        value = raw[field]
        path = f"{self.path}.{field}"
        if not isinstance(value, list) or not value:
            self.fail(path, f"must be a non-empty list of values from {', '.join(allowed)}")
            return ()
        for i, item in enumerate(value):
            if not isinstance(item, str) or item not in allowed:
                self.fail(f"{path}[{i}]", f"{item!r} is not one of {', '.join(allowed)}")
            elif value.index(item) != i:
                self.fail(f"{path}[{i}]", f"{item!r} is listed twice")
        return tuple(a for a in allowed if a in value)

    def texts(self, raw: Mapping[str, Any], field: str) -> Any:
        value = raw[field]
        path = f"{self.path}.{field}"
        if not isinstance(value, dict):
            self.fail(path, f"must be an object with a text for each of {', '.join(LANGUAGES)}")
            return {}
        for lang in LANGUAGES:
            if lang not in value:
                self.fail(f"{path}.{lang}", "missing translation")
            elif not isinstance(value[lang], str) or not value[lang].strip():
                self.fail(f"{path}.{lang}", "must be a non-empty text")
        for lang in value:
            if lang not in LANGUAGES:
                self.fail(f"{path}.{lang}", f"unknown language; expected {', '.join(LANGUAGES)}")
        return MappingProxyType({lang: value[lang] for lang in LANGUAGES if lang in value})


def _read_mechanism(raw: Any, path: str, problems: list[Problem]) -> Mechanism | None:
    """The mechanism in ``raw``, or ``None`` after adding its problems to ``problems``."""
    check = _Checker(path, problems)
    if not isinstance(raw, dict):
        check.fail(path, "must be an object")
        return None
    key = raw.get("key")
    check.mechanism = key if isinstance(key, str) else None
    missing = [field for field in FIELDS if field not in raw]
    for field in missing:
        check.fail(f"{path}.{field}", "missing field")
    for field in raw:
        if field not in FIELDS:
            check.fail(f"{path}.{field}", "unknown field")
    if missing:
        return None

    if not isinstance(key, str) or not _KEY_RE.match(key):
        check.fail(f"{path}.key", f"{key!r} is not a lower-case key like 'citizens_jury'")
    texts = {field: check.texts(raw, field) for field in TEXT_FIELDS}
    functions = check.choices(raw, "democratic_function", FUNCTIONS)
    institutionalisation = check.choice(raw, "institutionalisation", INSTITUTIONALISATION)
    stages = check.choices(raw, "stages", STAGE_KEYS)
    decision_stages = check.choices(raw, "decision_stages", DECISION_STAGES)
    depth = check.choice(raw, "depth", DEPTHS)
    reach = check.choice(raw, "reach", REACHES)
    cost = check.choice(raw, "cost", COSTS)

    weeks = raw["duration_weeks"]
    if not (
        isinstance(weeks, list)
        and len(weeks) == 2
        and all(isinstance(w, int) and not isinstance(w, bool) for w in weeks)
        and 1 <= weeks[0] <= weeks[1]
    ):
        check.fail(f"{path}.duration_weeks", f"{weeks!r} is not [min, max] with 1 <= min <= max")
    assisted = raw["supports_assisted"]
    if not isinstance(assisted, bool):
        check.fail(f"{path}.supports_assisted", f"{assisted!r} is not true or false")
    module = raw["platform_module"]
    if module is not None and module not in PLATFORM_MODULES:
        check.fail(
            f"{path}.platform_module",
            f"{module!r} is not null or one of {', '.join(PLATFORM_MODULES)}",
        )
    if check.failed:
        return None
    return Mechanism(
        key=key,
        name=texts["name"],
        summary=texts["summary"],
        description=texts["description"],
        democratic_function=functions,
        institutionalisation=institutionalisation,
        stages=stages,
        decision_stages=decision_stages,
        depth=depth,
        reach=reach,
        cost=cost,
        duration_weeks=(weeks[0], weeks[1]),
        inclusion_notes=texts["inclusion_notes"],
        supports_assisted=assisted,
        platform_module=module,
    )


def parse_catalogue(data: Any, *, source: str = "<data>") -> Catalogue:
    """The catalogue in already-decoded JSON ``data`` (``{"mechanisms": [...]}``).
    Raises ``CatalogueError`` listing every problem found (missing or unknown fields,
    values outside their allowed sets, unknown stage keys, missing translations,
    duplicate keys), each with its JSON path; ``source`` names the data in the message."""
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("mechanisms"), list):
        raise CatalogueError(source, [Problem("$", 'must be an object {"mechanisms": [...]}')])
    for field in data:
        if field != "mechanisms":
            problems.append(Problem(f"$.{field}", "unknown field"))
    mechanisms: list[Mechanism] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(data["mechanisms"]):
        path = f"$.mechanisms[{i}]"
        mechanism = _read_mechanism(raw, path, problems)
        if mechanism is None:
            continue
        if mechanism.key in seen:
            first = seen[mechanism.key]
            problems.append(
                Problem(
                    f"{path}.key",
                    f"duplicate key, first used at $.mechanisms[{first}]",
                    mechanism.key,
                )
            )
            continue
        seen[mechanism.key] = i
        mechanisms.append(mechanism)
    if problems:
        raise CatalogueError(source, problems)
    return Catalogue(mechanisms)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate the catalogue at ``path`` (the shipped ``data/mechanisms.json``
    by default). Malformed JSON or data raises ``CatalogueError`` naming the file and
    the JSON path of each problem; a missing file raises ``FileNotFoundError``."""
    file = Path(path) if path is not None else DATA_PATH
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        where = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise CatalogueError(str(file), [Problem("$", where)]) from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError(str(file), [Problem("$", f"not UTF-8 text: {exc}")]) from exc
    return parse_catalogue(data, source=str(file))


@functools.cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded and validated once per process."""
    return load_catalogue()
