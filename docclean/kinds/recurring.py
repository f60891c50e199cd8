"""Kind ``recurring``: a line repeated through a document like a watermark.

A line is reported at every occurrence when its normalised form (white space dropped, digits
folded) occurs at least ``min_count`` times, it is at most ``max_len`` characters, and either
the ``scorer`` rule gives it at least ``min_score`` points or it matches one of ``patterns``
(whole-line shapes that are junk when repeated, such as anti-copy garbage). A line that occurs
at least ``often_count`` times needs only ``often_score`` points, one of its signals not a mere
``form`` (a weak signal repeated through the whole document is a watermark; real text repeats
headings, which score nothing, and a form's empty fields, which are only a form). A line the
scorer splits into its own text and a junk tail (see ``LineScorer.split_lines``) is not a
candidate: the scorer strips the tail at every occurrence, and the line's own text (a code fence,
a heading) stays.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ..document import Document
from ..rules import Rule
from . import Hit
from .linescore import LineScore, LineScorer
from .regexes import compile_patterns, finditer

_FOLD = re.compile(r"\s+|(\d+)")


def normalised(body: str) -> str:
    """``body`` with white space dropped and every run of digits folded to ``#``."""
    return _FOLD.sub(lambda m: "#" if m.group(1) else "", body)


class RecurringMatcher:
    """Matcher for kind ``recurring``."""

    def __init__(self, rule: Rule) -> None:
        p = rule.params
        self.rule = rule
        self.scorer_id = str(p["scorer"])
        self.min_count = int(p.get("min_count", 2))
        self.min_score = int(p.get("min_score", 1))
        self.often_count = int(p.get("often_count", 0))
        self.often_score = int(p.get("often_score", self.min_score))
        self.max_len = int(p.get("max_len", 80))
        pats = p.get("patterns", [])
        self.shapes = compile_patterns(rule, pats, key="patterns") if pats else None
        self._scorer: LineScorer | None = None

    def bind(self, scorer: LineScorer) -> None:
        """Use ``scorer`` for line scores."""
        self._scorer = scorer

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield every occurrence of every qualifying recurring line."""
        if self._scorer is None:
            return
        scores = self._scorer.scores(doc)
        split = self._scorer.split_lines(doc)  # their junk tail goes; their own text stays
        text, lines = doc.text, doc.lines.lines
        candidates: dict[int, str] = {}
        floor = min(self.min_score, self.often_score) if self.often_count else self.min_score
        for i, s in scores.items():
            if s.score >= floor and i not in split:
                candidates[i] = normalised(text[lines[i].start : lines[i].end])
        keys = {k for k in candidates.values() if 0 < len(k) <= self.max_len}
        shaped = self._shaped(doc) if self.shapes is not None else set()
        keys |= shaped
        if not keys:
            return
        counts: Counter[str] = Counter()
        where: dict[str, list[int]] = {}
        # A normalised line starts with the line's first non-space character ("#" for a digit):
        # lines that cannot match any key are skipped without normalising them.
        firsts = {k[:1] for k in keys}
        limit = self.max_len * 2
        for index, body in enumerate(doc.lines.bodies):
            if not body or len(body) > limit:
                continue
            c = body.lstrip()[:1]
            if ("#" if c.isdecimal() else c) not in firsts:
                continue
            k = normalised(body)
            if k in keys:
                counts[k] += 1
                where.setdefault(k, []).append(index)
        for k, n in counts.items():
            if n < self.min_count:
                continue
            best = max((scores[i] for i in where[k] if i in scores), key=lambda s: s.score, default=None)
            if k not in shaped and not self._qualifies(n, best):
                continue
            for i in where[k]:
                ln = lines[i]
                own = scores.get(i, best)
                reasons = own.explain() if own is not None else "whole-line shape"
                yield Hit(ln.start, ln.next, None,
                          {"match": text[ln.start : ln.end], "count": n, "reasons": reasons})

    def _qualifies(self, count: int, best: LineScore | None) -> bool:
        """Whether a line seen ``count`` times whose best score is ``best`` is a watermark."""
        if best is None:
            return False
        if best.score >= self.min_score:
            return True
        if not self.often_count or count < self.often_count or best.score < self.often_score:
            return False
        return self._scorer is not None and self._scorer.telling(best)

    def _shaped(self, doc: Document) -> set[str]:
        """Normalised lines that a shape pattern matches from end to end."""
        assert self.shapes is not None
        text, index = doc.text, doc.lines
        out = set()
        for m in finditer(self.rule, self.shapes, text, doc.time_budget):
            ln = index.line(index.line_of(m.start()))
            body = text[ln.start : ln.end]
            if body.strip() == m.group().strip() and len(body) <= self.max_len * 2:
                out.add(normalised(body))
        return out
