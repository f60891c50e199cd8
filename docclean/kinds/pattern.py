"""Kind ``pattern``: regexes over the whole text, with exceptions, a lexicon and line expansion.

Params: ``patterns`` (list), ``ignore_case``, ``group`` (the reported group, default 0),
``replacement`` (a template for action ``replace``: ``\\1``, ``\\g<name>``), ``exceptions``
(regexes: a hit inside one of their matches on the same line is dropped), ``lexicon`` (matched
texts that never count), ``triggers`` (literals; the rule is skipped when none occurs),
``expand = "line"`` (report the whole line and strip its break too), ``unless`` (a table of
``patterns`` and ``count``: the rule is skipped for a text where they match ``count`` times or
more, e.g. placeholder 某某 in a text anonymised with 张某/李某), ``min_lines`` (the rule reports
nothing unless it matches on at least this many lines: a shape that is junk only when a reseller
repeats it), ``engine``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Document
from ..rules import Rule
from . import Hit
from .regexes import compile_patterns, finditer


class PatternMatcher:
    """Matcher for kind ``pattern``."""

    def __init__(self, rule: Rule) -> None:
        p = rule.params
        self.rule = rule
        ignore_case = bool(p.get("ignore_case", False))
        self.pattern = compile_patterns(rule, p["patterns"], ignore_case=ignore_case)
        exceptions = p.get("exceptions", [])
        self.exceptions = (
            compile_patterns(rule, exceptions, key="exceptions", ignore_case=ignore_case)
            if exceptions else None
        )
        self.group: int | str = p.get("group", 0)
        self.replacement: str | None = p.get("replacement")
        self.lexicon = frozenset(p.get("lexicon", []))
        self.triggers: tuple[str, ...] = tuple(p.get("triggers", []))
        unless = p.get("unless")
        self.unless = None
        self.unless_count = 0
        if unless is not None:
            self.unless = compile_patterns(rule, unless["patterns"], key="unless.patterns")
            self.unless_count = int(unless.get("count", 1))
        self.min_lines = int(p.get("min_lines", 1))
        self.expand = p.get("expand", "")
        if self.expand not in ("", "line"):
            raise ValueError("expand must be 'line' or absent")

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield one hit per match that no exception or lexicon entry covers."""
        if self.triggers and not any(t in doc.text for t in self.triggers):
            return
        if self.unless is not None and self._unless_met(doc):
            return
        if self.min_lines > 1:
            hits = list(self._hits(doc))
            if len({doc.lines.line_of(h.start) for h in hits}) >= self.min_lines:
                yield from hits
            return
        yield from self._hits(doc)

    def _hits(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        for m in finditer(self.rule, self.pattern, text, doc.time_budget):
            start, end = m.span(self.group)
            if start < 0 or start == end:
                continue
            matched = text[start:end]
            if matched in self.lexicon or self._excepted(doc, start, end):
                continue
            replacement = m.expand(self.replacement) if self.replacement is not None else None
            if self.expand == "line":
                line = doc.lines.line(doc.lines.line_of(start))
                if end > line.end:
                    continue
                start, end = line.start, line.next
                matched = doc.lines.text_of(line)
            yield Hit(start, end, replacement, {"match": matched})

    def _unless_met(self, doc: Document) -> bool:
        assert self.unless is not None
        for seen, _ in enumerate(finditer(self.rule, self.unless, doc.text, doc.time_budget), 1):
            if seen >= self.unless_count:
                return True
        return False

    def _excepted(self, doc: Document, start: int, end: int) -> bool:
        if self.exceptions is None:
            return False
        line = doc.lines.line(doc.lines.line_of(start))
        lo = max(line.start, start - 40)
        hi = min(line.end, end + 40)
        for m in finditer(self.rule, self.exceptions, doc.text, doc.time_budget, lo, hi):
            if m.start() <= start and end <= m.end():
                return True
        return False
