"""SurveyJS texts as plain text in every kept language.

The definition is user input and is never rendered as HTML: tags are dropped,
block elements put on their own lines, and links keep their address in
brackets. A localisable string (``{"default": ..., "fr": ...}``) gives one text
per kept language, English standing in for the missing ones.

This module imports nothing from Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any


class _PlainText(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            if href.startswith(("http://", "https://")) and href not in "".join(
                self.parts[start:]
            ):
                self.parts.append(f" ({href})")
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain(text: str) -> str:
    """HTML reduced to plain text: tags dropped, blocks on their own lines."""
    if "<" in text or "&" in text:
        parser = _PlainText()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


class _Texts:
    """Converts localisable strings; ``missing`` counts, per language, texts given without it."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = languages
        self.missing: dict[str, int] = dict.fromkeys(languages, 0)

    def text(self, value: Any, fallback: str) -> dict[str, str]:
        """A SurveyJS localisable string as plain text in every kept language."""
        if isinstance(value, Mapping):
            found = {"en": value.get("default", value.get("en"))} | {
                lang: value.get(lang) for lang in self.languages if lang != "en"
            }
        else:
            found = dict.fromkeys(self.languages, value)
        texts = {lang: _plain(v) if isinstance(v, str) else "" for lang, v in found.items()}
        english = texts.get("en") or _plain(fallback) or fallback
        result = {}
        for lang in self.languages:
            if not texts.get(lang) and lang != "en" and value:
                self.missing[lang] += 1
            result[lang] = texts.get(lang) or english
        return result

    def join(self, parts: list[dict[str, str]]) -> dict[str, str] | None:
        parts = [p for p in parts if p.get("en")]
        if not parts:
            return None
        return {lang: "\n\n".join(p[lang] for p in parts) for lang in self.languages}
