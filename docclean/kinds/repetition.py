"""Kind ``repetition``: adjacent copies of the same unit (tandem repeats).

``unit = "phrase"``: a run of ``chars`` between ``min_len`` and ``max_len`` long written twice
or more in a row (清楚地认识清楚地认识 → 清楚地认识); the span covers every copy and the fix
keeps one. Units made of one repeated character (哈哈哈) and units that are themselves
repetitive never count; ``lexicon`` lists doubled forms that are fine (研究研究) and
``exceptions`` regexes that the doubled form may match to be fine (一步一步: ``^一.一.$``).
``unit = "word"``: a Latin word written twice with space between ("the the"); the fix keeps one.
``unit = "sentence"``: a sentence (ending in 。！？；!?) immediately followed by itself; the fix
strips the second copy. ``unit = "line"``: a non-blank line repeated as the next non-blank line;
the fix strips the second copy and its break.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import Document
from ..rules import Rule
from . import Hit
from .regexes import compile_patterns, finditer

_SENTENCE = re.compile(r"[^。！？；!?\r\n]+[。！？；!?]+[”’」』）)]?")


class RepetitionMatcher:
    """Matcher for kind ``repetition``."""

    def __init__(self, rule: Rule) -> None:
        p = rule.params
        self.rule = rule
        self.unit = p["unit"]
        if self.unit not in ("phrase", "word", "sentence", "line"):
            raise ValueError("unit must be phrase, word, sentence or line")
        self.min_len = int(p.get("min_len", 2))
        self.max_len = int(p.get("max_len", 12))
        self.lexicon = frozenset(p.get("lexicon", []))
        exc = p.get("exceptions", [])
        self.exceptions = compile_patterns(rule, exc, key="exceptions") if exc else None
        # ``local_window``: when set, whether a copy starts at offset j depends on text[j : j + window]
        # only, so ``find_near`` may look at a few places instead of the whole text.
        self.local_window: int | None = None
        if self.unit == "phrase":
            chars = p.get("chars", r"[\u4e00-\u9fff]")
            self.pattern = re.compile(rf"((?:{chars}){{{self.min_len},{self.max_len}}}?)\1+")
            if re.fullmatch(r"\[(?:\\.|[^\\\]])+\]", chars):  # one character per repetition
                self.local_window = 2 * self.max_len
        elif self.unit == "word":
            self.pattern = re.compile(r"\b([A-Za-z]+)((?:[ \t]+\1\b)+)", re.IGNORECASE)

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield each run of copies."""
        if self.unit == "phrase":
            yield from self._phrases(doc)
        elif self.unit == "word":
            yield from self._words(doc)
        elif self.unit == "sentence":
            yield from self._sentences(doc)
        else:
            yield from self._lines(doc)

    def _fine(self, doubled: str) -> bool:
        if doubled in self.lexicon or doubled.lower() in self.lexicon:
            return True
        return self.exceptions is not None and self.exceptions.search(doubled) is not None

    def _phrases(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        pos = 0
        while True:
            m = self.pattern.search(text, pos)
            if m is None:
                return
            unit = m.group(1)
            if _periodic(unit) or self._fine(unit + unit):
                pos = m.start() + 1
                continue
            pos = m.end()
            yield Hit(m.start(), m.end(), unit, {"match": m.group(), "unit": unit,
                                                 "copies": len(m.group()) // len(unit)})

    def find_near(self, doc: Document, spans: list[tuple[int, int]]) -> Iterator[Hit]:
        """``find(doc)`` for a text whose copies can only start inside ``spans`` (sorted,
        disjoint): every start there is tried, then the same leftmost, non-overlapping choice
        is made as the full scan makes."""
        text = doc.text
        accepted: list[re.Match[str]] = []
        for lo, hi in spans:
            for j in range(max(0, lo), min(hi, len(text))):
                m = self.pattern.match(text, j)
                if m is not None and not _periodic(m.group(1)) and not self._fine(m.group(1) * 2):
                    accepted.append(m)
        pos = 0
        for m in accepted:
            if m.start() < pos:
                continue
            pos = m.end()
            unit = m.group(1)
            yield Hit(m.start(), m.end(), unit, {"match": m.group(), "unit": unit,
                                                 "copies": len(m.group()) // len(unit)})

    def _words(self, doc: Document) -> Iterator[Hit]:
        for m in self.pattern.finditer(doc.text):
            word = m.group(1)
            if self._fine(f"{word} {word}"):
                continue
            yield Hit(m.start(), m.end(), word, {"match": m.group(), "unit": word})

    def _sentences(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        prev: re.Match[str] | None = None
        for m in finditer(self.rule, _SENTENCE, text, doc.time_budget):
            if (prev is not None and prev.end() == m.start() and m.group() == prev.group()
                    and len(m.group().strip()) >= self.min_len and not self._fine(m.group())):
                yield Hit(m.start(), m.end(), "", {"match": m.group(), "unit": m.group()})
                prev = None
                continue
            prev = m

    def _lines(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        prev = ""
        for ln in doc.lines.lines:
            body = text[ln.start : ln.end].strip()
            if not body:
                continue
            if body == prev and len(body) >= self.min_len and not self._fine(body):
                yield Hit(ln.start, ln.next, "", {"match": text[ln.start : ln.end], "unit": body})
                continue
            prev = body


def _periodic(unit: str) -> bool:
    """True when ``unit`` is itself a repetition of a shorter unit (哈哈哈, 研究研究)."""
    n = len(unit)
    return any(n % k == 0 and unit[:k] * (n // k) == unit for k in range(1, n // 2 + 1))
