"""The prompts of a consequence-scanning workshop, read from ``data/consequence_prompts.json``.

Doteveryone's three questions ask what the intended and unintended
consequences are; the prompts help a team not to miss the usual ones
(DOMAIN.md §6): who is overlooked, bias written into a process, the knock-on
effects of automating, social, environmental and democratic impacts, and why
AI is being adopted at all. Each prompt belongs to a group, asks a question
and gives a short hint, in every shipped language; it may suggest whether
its answers are usually intended or not, positive or negative.

:func:`load_prompts` reads the file (the shipped one by default, cached) and
:func:`parse_prompts` checks already-decoded JSON. Both report every problem
at once, each with its JSON path, in a :class:`ConsequencePromptsDataError`.

Pure: no Django import, so it can be tested alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from participai.assessment.datafiles import (
    DATA_DIR,
    LANGUAGES,
    Checker,
    DataFileError,
    Text,
    read_json,
)

DATA_PATH = DATA_DIR / "consequence_prompts.json"
SUPPORTED_VERSIONS: tuple[int, ...] = (1,)
DEFAULT_LANGUAGE = LANGUAGES[0]

# A prompt or group key; 60 characters is what ``Consequence.prompt_key`` stores.
_KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")

# The two axes of a consequence (``assessment.models.ConsequenceIntention`` and
# ``ConsequenceEffect`` use the same keys; a test keeps them equal).
INTENTIONS: tuple[str, ...] = ("intended", "unintended")
EFFECTS: tuple[str, ...] = ("positive", "negative")


class ConsequencePromptsDataError(DataFileError):
    """The prompts file is malformed; ``problems`` lists each one with its JSON path."""

    description = "consequence prompts"


def _pick(text: Text, lang: str | None) -> str:
    """``text`` in ``lang`` (``"es-ES"`` counts as ``"es"``), English when not carried."""
    code = (lang or DEFAULT_LANGUAGE)[:2].lower()
    return text.get(code) or text[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class PromptGroup:
    """A heading the prompts are gathered under, e.g. ``bias`` or ``why_ai``."""

    key: str
    name: Text

    def label(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        return _pick(self.name, lang)


@dataclass(frozen=True)
class Prompt:
    """One scanning prompt: a ``question`` to put to the team and a short ``hint``.

    ``intention`` and ``effect`` (or ``None``) are what answers to it usually
    are; forms may pre-select them, people may change them.
    """

    key: str
    group: str
    question: Text
    hint: Text
    intention: str | None = None
    effect: str | None = None

    def question_in(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        return _pick(self.question, lang)

    def hint_in(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        return _pick(self.hint, lang)


@dataclass(frozen=True)
class PromptSet:
    """The validated content of the prompts file, in file order."""

    version: int
    groups: tuple[PromptGroup, ...]
    prompts: tuple[Prompt, ...]
    _by_key: Mapping[str, Prompt] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {prompt.key: prompt for prompt in self.prompts})

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[Prompt]:
        return iter(self.prompts)

    def __len__(self) -> int:
        return len(self.prompts)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(prompt.key for prompt in self.prompts)

    def get(self, key: str) -> Prompt:
        """The prompt ``key``; ``KeyError`` naming it when there is none."""
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"no consequence prompt {key!r}") from None

    def group(self, key: str) -> PromptGroup:
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(f"no prompt group {key!r}")

    def by_group(self) -> tuple[tuple[PromptGroup, tuple[Prompt, ...]], ...]:
        """Each group, in file order, with its prompts."""
        return tuple(
            (group, tuple(p for p in self.prompts if p.group == group.key))
            for group in self.groups
        )


def _check_suggests(check: Checker, node: Any, where: str) -> tuple[str | None, str | None]:
    if not check.mapping(node, where, optional=("intention", "effect")):
        return None, None
    if not node:
        check.fail(where, "expected 'intention' or 'effect' (or leave 'suggests' out)")
    intention, effect = node.get("intention"), node.get("effect")
    if intention is not None:
        check.one_of(intention, INTENTIONS, f"{where}.intention", "intention")
    if effect is not None:
        check.one_of(effect, EFFECTS, f"{where}.effect", "effect")
    return intention, effect


def _check_key(check: Checker, node: Any, where: str) -> str:
    """A key: lower-case letters, digits and underscores, at most 60 characters."""
    key = check.key(node, where)
    if key and not _KEY.fullmatch(key):
        check.fail(
            where,
            f"'{key}' is not a key: use lower-case letters, digits and '_', "
            "starting with a letter, at most 60 characters",
        )
    return key


def _groups(check: Checker, node: Any) -> list[PromptGroup]:
    groups: list[PromptGroup] = []
    for i, item in enumerate(check.items(node, "groups")):
        where = f"groups[{i}]"
        if not check.mapping(item, where, required=("key", "name")):
            continue
        key = _check_key(check, item["key"], f"{where}.key")
        groups.append(PromptGroup(key, check.text(item["name"], f"{where}.name")))
    check.unique(((f"groups[{i}].key", g.key) for i, g in enumerate(groups) if g.key), "group")
    return groups


def _prompts(check: Checker, node: Any, group_keys: tuple[str, ...]) -> list[Prompt]:
    prompts: list[Prompt] = []
    seen: set[str] = set()
    for i, item in enumerate(check.items(node, "prompts")):
        where = f"prompts[{i}]"
        required = ("key", "group", "question", "hint")
        if not check.mapping(item, where, required=required, optional=("suggests",)):
            continue
        key = _check_key(check, item["key"], f"{where}.key")
        if key in seen:
            check.fail(f"{where}.key", f"duplicate prompt key '{key}'")
        seen.add(key)
        if key:
            where = f"prompts[{i}] ({key})"
        if group_keys:
            check.one_of(item["group"], group_keys, f"{where}.group", "group")
        intention, effect = (None, None)
        if "suggests" in item:
            intention, effect = _check_suggests(check, item["suggests"], f"{where}.suggests")
        prompts.append(
            Prompt(
                key=key,
                group=item["group"] if isinstance(item["group"], str) else "",
                question=check.text(item["question"], f"{where}.question"),
                hint=check.text(item["hint"], f"{where}.hint"),
                intention=intention if intention in INTENTIONS else None,
                effect=effect if effect in EFFECTS else None,
            )
        )
    return prompts


def parse_prompts(raw: Any, path: Path | str = "<data>") -> PromptSet:
    """Validate already-decoded JSON and build a :class:`PromptSet`.

    Raises :class:`ConsequencePromptsDataError` listing every problem, each with
    its JSON path: an unsupported version, missing or unknown fields, missing
    languages, malformed or duplicate keys, prompts in undeclared groups,
    groups without prompts, suggestions outside the vocabulary.
    """
    check = Checker()
    if not check.mapping(raw, "(top level)", required=("version", "groups", "prompts")):
        raise ConsequencePromptsDataError(path, check.problems)
    version = raw["version"]
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or version not in SUPPORTED_VERSIONS
    ):
        check.fail(
            "version",
            f"unsupported version {version!r}; expected "
            + ", ".join(str(v) for v in SUPPORTED_VERSIONS),
        )
    groups = _groups(check, raw["groups"])
    group_keys = tuple(g.key for g in groups if g.key)
    prompts = _prompts(check, raw["prompts"], group_keys)
    used = {prompt.group for prompt in prompts}
    for i, group in enumerate(groups):
        if group.key and group.key not in used:
            check.fail(f"groups[{i}] ({group.key})", "no prompt belongs to this group")
    if check.problems:
        raise ConsequencePromptsDataError(path, check.problems)
    return PromptSet(version=version, groups=tuple(groups), prompts=tuple(prompts))


def load_prompts(path: Path | str | None = None) -> PromptSet:
    """Read and validate the prompts file (the shipped one by default, cached).

    Raises :class:`ConsequencePromptsDataError` naming the file for unreadable
    JSON or any malformed content.
    """
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> PromptSet:
    return _load(DATA_PATH)


def _load(path: Path) -> PromptSet:
    return parse_prompts(read_json(path, ConsequencePromptsDataError), path)
