"""Walking a SurveyJS definition's pages, panels and elements into a questionnaire dict.

``_Importer.run`` finds the design/implementation fork, turns each panel (or a
page's own questions) into a section and each supported element into a
question, then has ``conditions`` convert the ``visibleIf`` conditions. It
returns the questionnaire as a dict for ``load_questionnaire`` to validate; the
mapping is described in the docstring of ``participai.assessment.aia_import``.

This module imports nothing from Django.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from participai.assessment.aia_import.conditions import _Conditions, _Item, _Section
from participai.assessment.aia_import.expressions import _js_str, _parse_or_none, _scalar
from participai.assessment.aia_import.html_text import _Texts
from participai.assessment.questionnaire import PHASE_QUESTION, PHASES

TYPES = {
    "radiogroup": "single",
    "dropdown": "single",
    "checkbox": "multiple",
    "text": "text",
    "comment": "text",
}
KINDS = {"-RS": "impact", "-MS": "mitigation"}
PHASE_PAGE_SUFFIXES = {"Design": "design", "Implementation": "implementation"}
TITLE = {"en": "Algorithmic Impact Assessment", "fr": "Évaluation de l'incidence algorithmique"}


class AiaImportError(ValueError):
    """The SurveyJS definition cannot be imported at all; nothing was imported."""


class _Importer:
    """Walks one definition into a questionnaire dict; collects warnings on the way."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = languages
        self.warnings: list[str] = []
        self.texts = _Texts(languages)
        self.items: dict[str, _Item] = {}
        self.keys: dict[str, str] = {}
        self.sections: list[_Section] = []
        self.fork: str | None = None
        self.phase_values: dict[str, str] = {}
        self.html: list[str] = []

    def run(self, data: Mapping[str, Any], qid: str, version: str | None) -> dict[str, Any]:
        pages = data.get("pages") if isinstance(data, Mapping) else None
        if not isinstance(pages, list) or not all(isinstance(p, Mapping) for p in pages):
            raise AiaImportError("pages: a SurveyJS definition needs a list of pages")
        self.find_fork(pages)
        for i, page in enumerate(pages):
            self.read_page(page, i)
        if not self.sections:
            raise AiaImportError("pages: the definition holds no question")
        if self.fork and self.fork not in self.items:
            raise AiaImportError(
                f"pages: the Design and Implementation pages depend on {{{self.fork}}}, "
                "which is not a question of the definition"
            )
        conditions = _Conditions(self.items, self.fork, self.phase_values, self.warnings)
        for item in self.items.values():
            conditions.convert(item)
        for lang, count in self.texts.missing.items():
            if count:
                self.warnings.append(
                    f"{count} texts have no {lang!r} version; the English text is used."
                )
        if version is None:
            found = re.search(r"\bv(\d+(?:\.\d+)+)\b", " ".join(self.html))
            version = found.group(1) if found else "unknown"
        default_title = {lang: TITLE.get(lang, TITLE["en"]) for lang in self.languages}
        return {
            "id": qid,
            "version": version,
            "title": self.texts.text(data["title"], "") if data.get("title") else default_title,
            "languages": list(self.languages),
            "mitigation_max_rule": "half_of_all",
            "sections": [self.section_dict(s) for s in self.sections],
        }

    def find_fork(self, pages: list[Mapping[str, Any]]) -> None:
        """Find the question whose answer shows the Design or the Implementation pages."""
        found: dict[str, set[tuple[str, str]]] = {"design": set(), "implementation": set()}
        for page in pages:
            name = str(page.get("name", ""))
            phase = next((p for s, p in PHASE_PAGE_SUFFIXES.items() if name.endswith(s)), None)
            node = _parse_or_none(page.get("visibleIf"))
            if phase and node and node[0] == "cmp" and node[2] == "=" and _scalar(node[3]):
                found[phase].add((node[1], _js_str(node[3])))
        if not found["design"] and not found["implementation"]:
            return
        questions = {q for pairs in found.values() for q, _ in pairs}
        values = {phase: {v for _, v in pairs} for phase, pairs in found.items()}
        if len(questions) != 1 or any(len(v) != 1 for v in values.values()):
            raise AiaImportError(
                "pages: the Design and Implementation pages must be shown by one question, "
                'one value each (e.g. {projectDetailsPhase} = "item1" / "item2")'
            )
        (design,), (implementation,) = values["design"], values["implementation"]
        if design == implementation:
            raise AiaImportError("pages: Design and Implementation pages use the same condition")
        self.fork = questions.pop()
        self.phase_values = {design: "design", implementation: "implementation"}

    def page_phase(self, page: Mapping[str, Any]) -> tuple[str, str | None]:
        """The page's phase, and its condition unless that condition is the phase fork."""
        condition = page.get("visibleIf")
        node = _parse_or_none(condition)
        if self.fork and node and node[0] == "cmp" and node[1] == self.fork and node[2] == "=":
            phase = self.phase_values.get(_js_str(node[3]))
            if phase:
                return phase, None
        return "both", condition if isinstance(condition, str) and condition.strip() else None

    def read_page(self, page: Mapping[str, Any], index: int) -> None:
        phase, condition = self.page_phase(page)
        name = str(page.get("name") or f"page{index + 1}")
        title = self.texts.text(page.get("title"), name)
        self.walk(page, name, title, phase, [condition] if condition else [], f"pages[{index}]")

    def walk(
        self,
        container: Mapping[str, Any],
        name: str,
        title: dict[str, str],
        phase: str,
        conditions: list[str],
        path: str,
    ) -> None:
        elements = container.get("elements") or []
        if not isinstance(elements, list):
            raise AiaImportError(f"{path}.elements: must be a list")
        intro_parts = [container.get("description")] + [
            e.get("html") for e in elements if isinstance(e, Mapping) and e.get("type") == "html"
        ]
        intro_texts = [self.texts.text(p, "") for p in intro_parts if p]
        self.html += [t["en"] for t in intro_texts]
        intro = self.texts.join(intro_texts)
        for i, element in enumerate(elements):
            here = f"{path}.elements[{i}]"
            if not isinstance(element, Mapping):
                raise AiaImportError(f"{here}: must be an object")
            etype = element.get("type")
            if etype == "html":
                continue
            ename = element.get("name")
            if not isinstance(ename, str) or not ename:
                raise AiaImportError(f"{here}.name: every element needs a name")
            if etype == "panel":
                inner = title
                if element.get("title"):
                    panel_title = self.texts.text(element.get("title"), ename)
                    inner = {lang: f"{title[lang]} - {panel_title[lang]}" for lang in title}
                more = [element["visibleIf"]] if element.get("visibleIf") else []
                self.walk(element, ename, inner, phase, conditions + more, here)
            elif isinstance(etype, str) and etype in TYPES:
                kind = _kind(ename) or _kind(name) or "context"
                section = self.section_for(name, kind, phase, title, intro)
                intro = None  # only the container's first section carries its intro
                self.add_item(element, ename, TYPES[etype], section, conditions, here)
            else:
                self.warnings.append(
                    f"{ename}: SurveyJS type {etype!r} is not supported; the question is left out."
                )

    def section_for(
        self, container: str, kind: str, phase: str, title: dict[str, str], intro: Any
    ) -> _Section:
        current = self.sections[-1] if self.sections else None
        if current and current.container == container and current.kind == kind:
            return current
        base = _safe_key(container)
        taken = {s.key for s in self.sections}
        key, n = base, 1
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        section = _Section(key, container, kind, phase, title, intro)
        self.sections.append(section)
        return section

    def add_item(
        self,
        element: Mapping[str, Any],
        name: str,
        qtype: str,
        section: _Section,
        conditions: list[str],
        path: str,
    ) -> None:
        if name in self.items:
            raise AiaImportError(f"{path}.name: question name {name!r} is used twice")
        key = PHASE_QUESTION if name == self.fork else _safe_key(name)
        if key in self.keys.values():
            raise AiaImportError(f"{path}.name: {name!r} clashes with another question's key")
        self.keys[name] = key
        own = element.get("visibleIf")
        question: dict[str, Any] = {
            "key": key,
            "type": qtype,
            "text": self.texts.text(element.get("title"), name),
        }
        help_parts = [element.get(k) for k in ("description", "help") if element.get(k)]
        if help_parts:
            question["help"] = self.texts.join([self.texts.text(p, "") for p in help_parts])
        question["required"] = element.get("isRequired") is True
        values: list[str] = []
        if qtype != "text":
            choices = element.get("choices")
            if not isinstance(choices, list) or not choices:
                raise AiaImportError(f"{path}.choices: a {qtype} question needs choices")
            question["choices"] = []
            for choice in choices:
                value = choice.get("value") if isinstance(choice, Mapping) else choice
                label = choice.get("text") if isinstance(choice, Mapping) else None
                value_key = _js_str(value)
                points = self.points(value, name) if section.kind != "context" else 0
                values.append(value_key)
                question["choices"].append(
                    {
                        "key": value_key,
                        "label": self.texts.text(label, value_key),
                        "points": points,
                    }
                )
        if name == self.fork:
            question = self.fork_question(question, section, own, path)
            own = None
        section.questions.append(question)
        self.items[name] = _Item(
            name, key, qtype, values, section, conditions + ([own] if own else []), question
        )

    def fork_question(
        self, question: dict[str, Any], section: _Section, own: Any, path: str
    ) -> dict[str, Any]:
        if question["type"] != "single" or section.kind != "context" or section.phase != "both":
            raise AiaImportError(f"{path}: the phase question must be an unscored single choice")
        if own:
            raise AiaImportError(f"{path}.visibleIf: the phase question must always be shown")
        choices = [c for c in question["choices"] if c["key"] in self.phase_values]
        if len(choices) != len(question["choices"]) or len(choices) != len(PHASES):
            raise AiaImportError(
                f"{path}.choices: the phase question must offer exactly the two page conditions"
            )
        for choice in choices:
            choice["key"] = self.phase_values[choice["key"]]
            choice["points"] = 0
        if not question["required"]:
            self.warnings.append(f"{PHASE_QUESTION}: made required, as it selects the pages.")
        return question | {"required": True}

    def points(self, value: Any, name: str) -> int:
        """The points a choice value carries, read as the tool's ``getValue`` reads them."""
        if isinstance(value, bool) or value is None:
            return 0
        if isinstance(value, int | float):
            number: float = value if math.isfinite(value) else 0
        else:
            text = str(value)
            if "-" not in text:
                return 0
            suffix = text.rsplit("-", 1)[1].strip()
            try:
                number = float(suffix) if suffix else 0
            except ValueError:
                return 0  # the tool's Number() gives NaN, counted as 0
        if not math.isfinite(number) or number != int(number) or number < 0:
            self.warnings.append(f"{name}: value {value!r} is worth {number}; counted as 0.")
            return 0
        return int(number)

    def section_dict(self, section: _Section) -> dict[str, Any]:
        data: dict[str, Any] = {"key": section.key, "title": section.title}
        if section.intro:
            data["intro"] = section.intro
        return data | {
            "kind": section.kind,
            "phase": section.phase,
            "questions": section.questions,
        }


def _kind(name: str) -> str | None:
    for suffix, kind in KINDS.items():
        if name.endswith(suffix):
            return kind
    return "context" if name.endswith("-NS") else None


def _safe_key(name: str) -> str:
    key = re.sub(r"[^A-Za-z0-9_.:-]", "_", name.strip())[:100]
    return key if key[:1].isalnum() or key[:1] == "_" else f"_{key}"[:100]
