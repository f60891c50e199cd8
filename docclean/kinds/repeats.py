"""Kind ``repeated-line``: a short stamp-like line repeated through a document.

A reseller repeats its stamp between paragraphs so that it survives copying, in words no list
can foresee (家校共育 · 某某家长圈, Printed by 某某 · for class use only). A line is reported
when the same line (white space dropped, digits folded) stands alone at least ``min_count``
times, is no longer than ``max_len`` characters, has the shape of a stamp (``shape``: a
separator, a run of spaces between parts, a bracketed name, Latin letters beside Chinese ones,
a digit or a symbol) and is none of the shapes of a document's own repeated lines (``exclude``,
matched against the line: a heading, a list item, a sentence, a label, a date, a comment).
Lines inside Markdown code never count.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Document
from ..rules import Rule
from . import Hit
from .codespans import code_spans, inside, merged
from .recurring import normalised
from .regexes import compile_patterns, search


class RepeatedLineMatcher:
    """Matcher for kind ``repeated-line``."""

    def __init__(self, rule: Rule) -> None:
        p = rule.params
        self.rule = rule
        self.min_count = int(p.get("min_count", 3))
        self.max_len = int(p.get("max_len", 40))
        self.shape = compile_patterns(rule, p["shape"], key="shape")
        excl = p.get("exclude", [])
        self.exclude = compile_patterns(rule, excl, key="exclude") if excl else None

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield every occurrence of every stamp-like line seen ``min_count`` times or more."""
        where: dict[str, list[int]] = {}
        limit = self.max_len * 2
        for i, body in enumerate(doc.lines.bodies):
            if not body or len(body) > limit:
                continue
            line = body.strip()
            if line and len(line) <= self.max_len:
                where.setdefault(normalised(line), []).append(i)
        text, lines, budget = doc.text, doc.lines.lines, doc.time_budget
        code = merged(code_spans(doc))
        starts = [a for a, _ in code]
        for found in where.values():
            if len(found) < self.min_count:
                continue
            first = text[lines[found[0]].start : lines[found[0]].end].strip()
            if search(self.rule, self.shape, first, budget) is None:
                continue
            if self.exclude is not None and search(self.rule, self.exclude, first, budget) is not None:
                continue
            outside = [i for i in found if not inside(code, starts, lines[i].start, lines[i].start + 1)]
            if len(outside) < self.min_count:
                continue
            for i in outside:
                ln = lines[i]
                body = text[ln.start : ln.end]
                start = ln.start + len(body) - len(body.lstrip())
                end = ln.start + len(body.rstrip())
                yield Hit(start, end, None, {"match": text[start:end], "count": len(outside)})
