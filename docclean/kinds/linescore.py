"""Kind ``line-score``: a whole line is junk when the weights of its signals add up.

Params: ``threshold``; ``signals`` (tables of ``name``, ``weight``, ``patterns``,
``ignore_case``): positive signals are searched over the whole text, negative ones only on
lines that already have a positive signal; each signal counts once per line. Context adds to a
line that has a positive signal: ``position_bonus`` within the first ``head_lines`` or last
``tail_lines`` non-blank lines, ``recurring_bonus`` when the same line occurs again elsewhere,
``short_bonus`` when it is at most ``short_len`` characters, and ``neighbour_bonus`` when the
nearest non-blank line before or after it reaches the threshold on its own and occurs once
(reseller lines come in clusters; a repeated watermark says nothing about its neighbours).
Lines longer than ``max_len`` never score. The scores are shared with ``block`` and
``recurring`` rules through the document cache. Several signal tables may share a name; a name
still counts once per line. Each signal is one scan of the text: a pattern that starts with a
literal keeps the scan fast; a leading class or lookbehind slows every position down.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..document import Document
from ..rules import Rule
from . import Hit
from .regexes import Pattern, compile_patterns, finditer, search


@dataclass(frozen=True, slots=True)
class Signal:
    """A named, weighted pattern."""

    name: str
    weight: int
    pattern: Pattern


@dataclass(frozen=True, slots=True)
class LineScore:
    """A line's total score and the signals and context behind it."""

    score: int
    reasons: tuple[str, ...]

    def explain(self) -> str:
        """``score 5: notice+3, head+1``."""
        return f"score {self.score}: {', '.join(self.reasons)}"


class LineScorer:
    """Matcher for kind ``line-score``; also the source of line scores for other kinds."""

    def __init__(self, rule: Rule) -> None:
        p = rule.params
        self.rule = rule
        self.threshold = int(p["threshold"])
        self.max_len = int(p.get("max_len", 200))
        self.head_lines = int(p.get("head_lines", 0))
        self.tail_lines = int(p.get("tail_lines", 0))
        self.position_bonus = int(p.get("position_bonus", 0))
        self.recurring_bonus = int(p.get("recurring_bonus", 0))
        self.short_len = int(p.get("short_len", 0))
        self.short_bonus = int(p.get("short_bonus", 0))
        self.neighbour_bonus = int(p.get("neighbour_bonus", 0))
        self.signals = tuple(_signal(rule, s) for s in p["signals"])
        if not any(s.weight > 0 for s in self.signals):
            raise ValueError("at least one signal needs a positive weight")

    def scores(self, doc: Document) -> dict[int, LineScore]:
        """Scores of every line with a positive signal, keyed by 0-based line index (cached)."""
        key = ("line-score", self.rule.id)
        cached: dict[int, LineScore] | None = doc.cache.get(key)
        if cached is None:
            cached = self._score(doc)
            doc.cache[key] = cached
        return cached

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield every line whose score reaches the threshold, with its break."""
        lines = doc.lines
        for i, s in sorted(self.scores(doc).items()):
            if s.score >= self.threshold:
                line = lines.line(i)
                yield Hit(line.start, line.next, None,
                          {"match": lines.text_of(line), "score": s.score, "reasons": s.explain()})

    def _score(self, doc: Document) -> dict[int, LineScore]:
        text, lines = doc.text, doc.lines
        found: dict[int, dict[str, int]] = {}
        for sig in self.signals:
            if sig.weight <= 0:
                continue
            for m in finditer(self.rule, sig.pattern, text, doc.time_budget):
                i = lines.line_of(m.start())
                found.setdefault(i, {})[sig.name] = sig.weight
        if not found:
            return {}
        order = _nonblank_order(doc)
        counts = _line_counts(doc)
        out: dict[int, LineScore] = {}
        for i, hits in found.items():
            line = lines.line(i)
            body = text[line.start : line.end].strip()
            if not body or len(body) > self.max_len:
                continue
            for sig in self.signals:
                if sig.weight < 0 and search(self.rule, sig.pattern, body, doc.time_budget):
                    hits[sig.name] = sig.weight
            reasons = [f"{name}{weight:+d}" for name, weight in hits.items()]
            total = sum(hits.values())
            rank, count = order.get(i, (0, 0))
            if self.position_bonus and (rank < self.head_lines or count - rank <= self.tail_lines):
                total += self.position_bonus
                reasons.append(f"{'head' if rank < self.head_lines else 'tail'}{self.position_bonus:+d}")
            if self.recurring_bonus and counts[body] > 1:
                total += self.recurring_bonus
                reasons.append(f"recurring×{counts[body]}{self.recurring_bonus:+d}")
            if self.short_bonus and len(body) <= self.short_len:
                total += self.short_bonus
                reasons.append(f"short{self.short_bonus:+d}")
            out[i] = LineScore(total, tuple(reasons))
        if self.neighbour_bonus:
            self._add_neighbour_bonus(doc, out)
        return out

    def _add_neighbour_bonus(self, doc: Document, out: dict[int, LineScore]) -> None:
        order = _nonblank_order(doc)
        ranked = doc.cache["nonblank-lines"]
        # A watermark repeated between paragraphs says nothing about the lines around it.
        text, lines, counts = doc.text, doc.lines, _line_counts(doc)
        strong = {i for i, s in out.items() if s.score >= self.threshold
                  and counts[text[lines.line(i).start : lines.line(i).end].strip()] == 1}
        for i, s in list(out.items()):
            if s.score >= self.threshold or s.score <= 0:
                continue
            rank = order[i][0]
            near = [ranked[r] for r in (rank - 1, rank + 1) if 0 <= r < len(ranked)]
            if any(j in strong for j in near):
                out[i] = LineScore(s.score + self.neighbour_bonus,
                                   (*s.reasons, f"next to reseller line{self.neighbour_bonus:+d}"))


def _signal(rule: Rule, data: Any) -> Signal:
    name = str(data["name"])
    weight = int(data["weight"])
    pattern = compile_patterns(rule, data["patterns"], key=f"signals.{name}",
                               ignore_case=bool(data.get("ignore_case", False)))
    return Signal(name, weight, pattern)


def _nonblank_order(doc: Document) -> dict[int, tuple[int, int]]:
    """line index → (rank among non-blank lines, number of non-blank lines); cached."""
    cached: dict[int, tuple[int, int]] | None = doc.cache.get("nonblank-order")
    if cached is None:
        text = doc.text
        idx = [ln.index for ln in doc.lines.lines if text[ln.start : ln.end].strip()]
        cached = {i: (rank, len(idx)) for rank, i in enumerate(idx)}
        doc.cache["nonblank-order"] = cached
        doc.cache["nonblank-lines"] = idx
    return cached


def _line_counts(doc: Document) -> Counter[str]:
    """How often each stripped line text occurs; cached."""
    cached: Counter[str] | None = doc.cache.get("line-counts")
    if cached is None:
        text = doc.text
        cached = Counter(text[ln.start : ln.end].strip() for ln in doc.lines.lines)
        doc.cache["line-counts"] = cached
    return cached


def line_counts(doc: Document) -> Counter[str]:
    """Public access to the cached line counts for other kinds."""
    return _line_counts(doc)
