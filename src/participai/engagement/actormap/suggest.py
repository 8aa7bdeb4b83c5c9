"""Actors worth adding to a map: roles, FRIA groups, people named as affected.

Pure: no Django import.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from participai.core.folding import fold
from participai.core.vocabulary import ACTOR_KINDS

from .model import (
    AFFECTED_GROUP_DEFAULT,
    AFFECTED_GROUP_KIND,
    NAME_MAX,
    ROLE_DEFAULTS,
    SOURCE_AFFECTED_PEOPLE,
    SOURCE_FRIA,
    SOURCE_ROLE,
    MapActor,
)

# -- suggestions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """An actor worth adding. ``key`` identifies it across requests (it
    depends only on the source and the name or kind), ``source`` says where it
    comes from (:data:`SOURCES`)."""

    key: str
    source: str
    name: str
    kind: str
    sector: str
    is_affected: bool
    influence: int
    interest: int


_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013]|\d+[.)])\s+")


def _group_names(lines: Iterable[str]) -> list[str]:
    names = []
    for line in lines:
        name = " ".join(_BULLET.sub("", line).split()).rstrip(".,;:")
        if not name:
            continue
        if len(name) > NAME_MAX:
            cut = name[: NAME_MAX - 1]
            name = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(".,;:") + "…"
        names.append(name[0].upper() + name[1:])
    return names


def affected_people_groups(text: str) -> list[str]:
    """The groups named in a procurement's free-text ``affected_people``: one
    per line or per semicolon-separated part, bullets and end punctuation dropped."""
    return _group_names(re.split(r"[\n;]", text or ""))


def _key(source: str, name: str) -> str:
    digest = hashlib.sha256(fold(name).encode()).hexdigest()[:12]
    return f"{source}:{digest}"


def suggestions(
    actors: Sequence[MapActor],
    *,
    fria_groups: Sequence[str] = (),
    affected_people: str = "",
    role_names: Mapping[str, str] | None = None,
) -> list[Suggestion]:
    """Actors worth adding, none already on the map.

    First the affected groups of the fundamental rights assessment, then those
    named in the procurement's ``affected_people`` (both as affected
    communities, unless an actor of the same name, case and accents aside, is
    on the map), then one per role of DOMAIN.md section 4 whose kind is not on
    the map yet, named from ``role_names`` (kind -> name; the kind's key by
    default) with the role's default sector and scores.
    """
    taken = {fold(a.name) for a in actors}
    result: list[Suggestion] = []
    group = AFFECTED_GROUP_DEFAULT
    for source, names in (
        (SOURCE_FRIA, _group_names(fria_groups)),
        (SOURCE_AFFECTED_PEOPLE, affected_people_groups(affected_people)),
    ):
        for name in names:
            if fold(name) in taken:
                continue
            taken.add(fold(name))
            result.append(
                Suggestion(
                    key=_key(source, name),
                    source=source,
                    name=name,
                    kind=AFFECTED_GROUP_KIND,
                    sector=group.sector,
                    is_affected=True,
                    influence=group.influence,
                    interest=group.interest,
                )
            )
    kinds = {a.kind for a in actors}
    names = role_names or {}
    for kind in ACTOR_KINDS:
        if kind in kinds:
            continue
        default = ROLE_DEFAULTS[kind]
        name = str(names.get(kind, kind))
        if fold(name) in taken:
            continue
        result.append(
            Suggestion(
                key=f"{SOURCE_ROLE}:{kind}",
                source=SOURCE_ROLE,
                name=name,
                kind=kind,
                sector=default.sector,
                is_affected=default.is_affected,
                influence=default.influence,
                interest=default.interest,
            )
        )
    return result
