"""The contract clause library, read from ``data/clauses.json``.

The library holds clauses a public body puts in the contract when it buys an AI
system, written by this team in plain language for a procurement officer to
adapt. They are grouped by theme: the themes of the EU model contractual clauses
for AI procurement (MCC-AI, 2025) and those the project adds (exit plan, public
ownership of what is built from citizens' data, payments tied to results,
community audits, incident reporting); see DOMAIN.md §8. Each theme names the
source it follows in ``reference``.

As in the MCC-AI, there are two versions: a high-risk procurement (AI Act
high-risk class) is proposed the ``high_risk`` set of clauses, any other the
``light`` set. A clause says which sets it belongs to; most belong to both.

Clause texts may name the parties through two placeholders only, ``{buyer}``
and ``{supplier}``, the same ones in every language; :meth:`Clause.render`
fills them in.

:func:`load_library` reads and checks a file, :func:`parse_library` checks
already-decoded JSON, and :func:`library` returns the shipped file, read once.
They report every problem at once, each with its JSON path, in a
:class:`ClauseLibraryError`.

Pure: no Django import, so it can be tested and benchmarked alone.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from participai.assessment.datafiles import (
    Checker,
    DataFileError,
    Text,
    placeholders,
    read_json,
)
from participai.core.vocabulary import LANGUAGES

DATA_PATH = Path(__file__).resolve().parent / "data" / "clauses.json"
SUPPORTED_VERSIONS: tuple[str, ...] = ("1",)
DEFAULT_LANGUAGE = LANGUAGES[0]

HIGH_RISK_SET = "high_risk"
LIGHT_SET = "light"
SETS: tuple[str, ...] = (HIGH_RISK_SET, LIGHT_SET)

#: The only placeholders a clause text may use.
PLACEHOLDERS: tuple[str, ...] = ("buyer", "supplier")

# A theme or clause key: a slug that fits a 60-character key column.
_KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")

# What a rendered text looks like just before a new sentence begins: nothing
# yet, a full stop (or ! ?) and a space, or a line break.
_SENTENCE_START = re.compile(r"(?:\A|[.!?]\s+|\n\s*)\Z")

# Spanish and Catalan fold a preposition into the masculine article after it
# ("a el" is written "al"), so a party named "el Ayuntamiento de Gavà" reads
# "al Ayuntamiento de Gavà" after "a". Only a lower-case article folds: in
# "El Corte Inglés" the article is part of the name and stays.
_CONTRACTIONS: dict[str, dict[tuple[str, str], str]] = {
    "es": {("a", "el"): "al", ("de", "el"): "del"},
    "ca": {
        ("a", "el"): "al",
        ("de", "el"): "del",
        ("per", "el"): "pel",
        ("a", "els"): "als",
        ("de", "els"): "dels",
        ("per", "els"): "pels",
    },
}
# The preposition a placeholder follows, as a whole word ("desde " is not "de ").
_PREPOSITION = re.compile(r"(?<![\w'’])(a|de|per)\s+\Z", re.IGNORECASE)
# Catalan writes "d'" before a vowel or a mute h ("d'Innova", "d'Hortec"), but
# not before a semivowel i or u ("de Iogurts").
_CATALAN_ELISION = re.compile(r"h?(?![iu][aeiou])[aeiouàèéíïòóúü]", re.IGNORECASE)


class ClauseLibraryError(DataFileError):
    """The clause library is malformed; ``problems`` lists each one with its JSON path."""

    description = "clause library"


def _language(lang: str | None) -> str:
    """The library language for a language code: ``es-ES`` and ``es_es`` give ``es``;
    a language the library does not carry gives English."""
    base = (lang or "").lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def _frozen(text: Mapping[str, str]) -> Text:
    return MappingProxyType(dict(text))


@dataclass(frozen=True)
class Theme:
    """A heading clauses are grouped under, e.g. ``human_oversight``.

    ``reference`` names the source the theme follows, e.g.
    ``"MCC-AI (2025), human oversight"``, or ``"ParticipAI"`` for a theme this
    project adds.
    """

    key: str
    title: Text
    reference: str

    def title_in(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        return self.title[_language(lang)]


@dataclass(frozen=True)
class Clause:
    """One contract clause: a ``title`` and a ``text`` in every shipped language.

    ``sets`` holds the versions of the library that propose it
    (:data:`HIGH_RISK_SET`, :data:`LIGHT_SET` or both).
    """

    key: str
    theme: str
    title: Text
    text: Text
    sets: frozenset[str]

    def title_in(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        return self.title[_language(lang)]

    def text_in(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The text with its placeholders left as they are."""
        return self.text[_language(lang)]

    def render(self, language: str, *, buyer: str, supplier: str) -> str:
        """The text in ``language`` with ``{buyer}`` and ``{supplier}`` filled in.

        ``language`` is read as :meth:`text_in` reads it (``es-ES`` is Spanish,
        an unknown language gives English). Names are inserted as they read in
        running text: "the City of Ghent", "el Ayuntamiento de Gavà", or "the
        supplier" before one is chosen. A name that starts a sentence gets a
        capital first letter; in Spanish and Catalan a lower-case article folds
        into the preposition before it ("a el" gives "al", "per el" "pel") and
        Catalan "de" is elided before a vowel ("d'Innova"). Braces inside a name
        are kept as they are. ``ValueError`` if a name is blank.
        """
        names = {"buyer": buyer, "supplier": supplier}
        for role, name in names.items():
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"{role} must be a non-empty name")
        lang = _language(language)
        text = ""
        for literal, name, _spec, _conversion in string.Formatter().parse(self.text[lang]):
            text += literal
            if name is not None:
                text = _join(lang, text, names[name].strip())
        return text


def _join(lang: str, before: str, name: str) -> str:
    """``before`` followed by ``name``, with the seam written as ``lang`` writes it."""
    preposition = _PREPOSITION.search(before)
    if preposition and lang in _CONTRACTIONS:
        word = preposition.group(1)
        article, _, rest = name.partition(" ")
        folded = _CONTRACTIONS[lang].get((word.lower(), article))
        if folded and rest:
            # Keep the preposition's capital: "De el" gives "Del".
            return before[: preposition.start()] + word[0] + folded[1:] + " " + rest
        if lang == "ca" and word.lower() == "de" and _CATALAN_ELISION.match(name):
            return before[: preposition.start()] + word[0] + "'" + name
    if _SENTENCE_START.search(before):
        name = name[0].upper() + name[1:]
    return before + name


@dataclass(frozen=True)
class ClauseLibrary:
    """The validated library: themes in their order, clauses in file order."""

    themes: tuple[Theme, ...]
    clauses: tuple[Clause, ...]
    _themes: Mapping[str, Theme] = field(init=False, repr=False, compare=False)
    _clauses: Mapping[str, Clause] = field(init=False, repr=False, compare=False)
    _order: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the lookups are built once, here, and never change.
        object.__setattr__(self, "_themes", {theme.key: theme for theme in self.themes})
        object.__setattr__(self, "_clauses", {clause.key: clause for clause in self.clauses})
        object.__setattr__(self, "_order", {t.key: i for i, t in enumerate(self.themes)})

    def theme(self, key: str) -> Theme:
        """The theme ``key``; ``KeyError`` naming it when there is none."""
        try:
            return self._themes[key]
        except KeyError:
            raise KeyError(f"no clause theme {key!r}") from None

    def clause(self, key: str) -> Clause:
        """The clause ``key``; ``KeyError`` naming it when there is none."""
        try:
            return self._clauses[key]
        except KeyError:
            raise KeyError(f"no clause {key!r}") from None

    def proposed(self, *, high_risk: bool) -> tuple[Clause, ...]:
        """The clauses proposed for the stakes: the high-risk set for an AI Act
        high-risk procurement, the light set otherwise; in theme order, then in
        file order within a theme."""
        wanted = HIGH_RISK_SET if high_risk else LIGHT_SET
        chosen = [clause for clause in self.clauses if wanted in clause.sets]
        # sorted() is stable, so file order survives within a theme.
        return tuple(sorted(chosen, key=lambda clause: self._order[clause.theme]))

    def by_theme(self, *, high_risk: bool | None = None) -> list[tuple[Theme, list[Clause]]]:
        """Every theme, in order, with its clauses in file order.

        With ``high_risk`` given, only the clauses :meth:`proposed` gives for
        those stakes, and only the themes that have some.
        """
        if high_risk is None:
            return [
                (theme, [c for c in self.clauses if c.theme == theme.key]) for theme in self.themes
            ]
        chosen = self.proposed(high_risk=high_risk)
        grouped = [(theme, [c for c in chosen if c.theme == theme.key]) for theme in self.themes]
        return [(theme, clauses) for theme, clauses in grouped if clauses]


# --------------------------------------------------------------------------- validation


def _check_key(check: Checker, node: Any, where: str) -> str:
    """A key: lower-case letters, digits and underscores, at most 60 characters."""
    key = check.key(node, where)
    if key and not _KEY.fullmatch(key):
        check.fail(
            where,
            f"'{key}' is not a key: use lower-case letters, digits and '_', "
            "starting with a letter, at most 60 characters",
        )
        return ""
    return key


def _allowed() -> str:
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


def _check_placeholders(check: Checker, text: dict[str, str], where: str) -> None:
    """Only ``{buyer}`` and ``{supplier}``, bare, and the same ones in every language."""
    used: dict[str, set[str]] = {}
    for lang, template in text.items():
        try:
            names = placeholders(template)
            fields = list(string.Formatter().parse(template))
        except ValueError as exc:
            check.fail(f"{where}.{lang}", f"malformed placeholder ({exc})")
            continue
        for name in sorted(names):
            if name not in PLACEHOLDERS:
                check.fail(
                    f"{where}.{lang}",
                    f"unknown placeholder {{{name}}}; allowed: {_allowed()}",
                )
        for _literal, name, spec, conversion in fields:
            if name is not None and (spec or conversion):
                check.fail(
                    f"{where}.{lang}",
                    f"placeholder {{{name}}} takes no conversion or format; write {{{name}}}",
                )
        used[lang] = names
    if len({frozenset(names) for names in used.values()}) > 1:
        listing = "; ".join(
            f"{lang} uses " + (", ".join(f"{{{n}}}" for n in sorted(names)) or "none")
            for lang, names in used.items()
        )
        check.fail(where, f"placeholders differ between languages: {listing}")


def _check_title(check: Checker, node: Any, where: str) -> dict[str, str]:
    """A title in every language; titles are shown as they are, so no placeholders."""
    title = check.text(node, where)
    for lang, value in title.items():
        try:
            names = placeholders(value)
        except ValueError as exc:
            check.fail(f"{where}.{lang}", f"malformed placeholder ({exc})")
            continue
        if names:
            check.fail(f"{where}.{lang}", "a title takes no placeholders")
    return title


def _themes(check: Checker, node: Any) -> list[Theme]:
    themes: list[Theme] = []
    keys: list[tuple[str, str]] = []
    for i, item in enumerate(check.items(node, "themes")):
        where = f"themes[{i}]"
        if not check.mapping(item, where, required=("key", "title", "reference")):
            continue
        key = _check_key(check, item["key"], f"{where}.key")
        keys.append((f"{where}.key", key))
        if key:
            where = f"themes[{i}] ({key})"
        title = _check_title(check, item["title"], f"{where}.title")
        reference = check.key(item["reference"], f"{where}.reference")
        if key:
            themes.append(Theme(key=key, title=_frozen(title), reference=reference))
    check.unique(((where, key) for where, key in keys if key), "theme key")
    return themes


def _clauses(check: Checker, node: Any, theme_keys: tuple[str, ...]) -> list[Clause]:
    clauses: list[Clause] = []
    keys: list[tuple[str, str]] = []
    for i, item in enumerate(check.items(node, "clauses")):
        where = f"clauses[{i}]"
        if not check.mapping(item, where, required=("key", "theme", "title", "text", "sets")):
            continue
        key = _check_key(check, item["key"], f"{where}.key")
        keys.append((f"{where}.key", key))
        if key:
            where = f"clauses[{i}] ({key})"
        theme = item["theme"]
        if theme_keys:
            check.one_of(theme, theme_keys, f"{where}.theme", "theme")
        title = _check_title(check, item["title"], f"{where}.title")
        text = check.text(item["text"], f"{where}.text")
        _check_placeholders(check, text, f"{where}.text")
        sets = item["sets"]
        check.some_of(sets, SETS, f"{where}.sets", "set")
        clauses.append(
            Clause(
                key=key,
                theme=theme if isinstance(theme, str) else "",
                title=_frozen(title),
                text=_frozen(text),
                sets=frozenset(s for s in sets if s in SETS)
                if isinstance(sets, list)
                else frozenset(),
            )
        )
    check.unique(((where, key) for where, key in keys if key), "clause key")
    return clauses


def _check_coverage(check: Checker, themes: list[Theme], clauses: list[Clause]) -> None:
    """Every theme has a clause, and one in the high-risk set: a high-risk
    procurement is proposed the whole library's themes."""
    for i, theme in enumerate(themes):
        own = [clause for clause in clauses if clause.theme == theme.key]
        where = f"themes[{i}] ({theme.key})"
        if not own:
            check.fail(where, "no clause belongs to this theme")
        elif not any(HIGH_RISK_SET in clause.sets for clause in own):
            check.fail(where, f"no clause of this theme is in the '{HIGH_RISK_SET}' set")


def parse_library(raw: Any, path: Path | str = "<data>") -> ClauseLibrary:
    """Validate already-decoded JSON and build the :class:`ClauseLibrary`.

    Raises :class:`ClauseLibraryError` listing every problem, each with its JSON
    path: missing or unknown fields, keys that are not slugs or are repeated,
    clauses of an unknown theme, themes without a clause or without a
    high-risk clause, missing or empty languages, placeholders other than
    ``{buyer}`` and ``{supplier}`` or not the same in every language, and
    empty or unknown sets.
    """
    check = Checker()
    if not check.mapping(raw, "(top level)", required=("version", "themes", "clauses")):
        raise ClauseLibraryError(path, check.problems)
    if raw["version"] not in SUPPORTED_VERSIONS:
        check.fail(
            "version",
            f"unsupported version {raw['version']!r}; expected "
            + ", ".join(repr(v) for v in SUPPORTED_VERSIONS),
        )
    themes = _themes(check, raw["themes"])
    theme_keys = tuple(dict.fromkeys(theme.key for theme in themes))
    clauses = _clauses(check, raw["clauses"], theme_keys)
    _check_coverage(check, themes, clauses)
    if check.problems:
        raise ClauseLibraryError(path, check.problems)
    return ClauseLibrary(themes=tuple(themes), clauses=tuple(clauses))


def load_library(path: Path | str | None = None) -> ClauseLibrary:
    """Read and validate a clause library file (the shipped one when ``path`` is None).

    Reads the file every time; use :func:`library` for the shipped one, read once.
    Raises :class:`ClauseLibraryError` naming the file for unreadable JSON or any
    malformed content.
    """
    path = DATA_PATH if path is None else Path(path)
    return parse_library(read_json(path, ClauseLibraryError), path)


@functools.cache
def library() -> ClauseLibrary:
    """The shipped clause library, read and validated once per process."""
    return load_library()
