"""Kind ``echo-tail``: a note glued to a line's end in the words of the document's own junk.

A reseller stamps a copy in several places with the same words: its name, its pitch, its
pictographs, at the head, at the foot, and glued to the end of real paragraphs. Once the rules
named in ``evidence`` have stripped the head, the foot and the notes they know, what they
stripped is this document's junk vocabulary: its *words* (``word``: overlapping runs of three
Chinese characters, pictographs, Latin words). A word is *telling* when it hardly occurs in the
rest of the document: less than ``ratio`` times as often outside the stripped text and the line
ends as inside them (a word of the document's own subject is not). A line's end is reported
when it is a note, from a set-off (``set_off``: a bracket, a dash, a pictograph, or just after a
full stop or a semicolon) no more than ``max_len`` characters before the end and at least
``min_before`` after the start, with no full stop of its own outside brackets, whose first
telling word comes within ``lead`` characters of the set-off (what comes before it is the line's
own: the 只见那里： of …。只见那里：【…】), and telling words cover at least ``coverage`` of its
characters (``bare_coverage`` when only a full stop sets it off: a clause shares a word with a
seller more easily than a note does).
Lines that hold stripped text are left to the rule that stripped it; an ASCII mark sets a note
off only after a wide character (after ASCII it is code or a formula), and no note starts with a
closing mark or inside a run of marks.

Alone, without the evidence rules' findings, the kind reports nothing: the engine hands it what
they stripped from the same text (``find_after``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import accumulate

from ..document import Document
from ..rules import Rule
from . import Hit
from .codespans import merged

# a pair of brackets with what they hold: a note's full stop may stand inside one
_BRACKETED = re.compile("[（(【\\[〔［「][^（(【\\[〔［「）)】\\]〕］」\n]*[）)】\\]〕］」]")
_FULL_STOP = re.compile("[。.](?![0-9A-Za-z])")
# an ASCII mark sets a note off only after a wide character (…。(原链：…)); after ASCII it is
# code or a formula: f(x), a[1], x--, = [];
_ASCII_MARK = frozenset("([{<-~#@|")
# what no note starts with: a closing mark or an ellipsis (they end the sentence before)
_NO_START = frozenset("”’」』）)】]〕］>》…⋯")
_SPACE = " \t\u3000"


class EchoTailMatcher:
    """Matcher for kind ``echo-tail``."""

    def __init__(self, rule: Rule) -> None:
        p = rule.params
        self.rule = rule
        self.evidence: tuple[str, ...] = tuple(str(x) for x in p["evidence"])
        self.word = re.compile(str(p["word"]))
        if self.word.groups < 1:
            raise ValueError("word needs a group for each kind of word")
        self.set_off = re.compile(str(p["set_off"]))
        self.max_len = int(p.get("max_len", 30))
        # a stretch where a note can be: from a set-off to the line's end, within max_len
        self._stretches = re.compile(f"(?m)(?:{p['set_off']})[^\n]{{0,{self.max_len}}}$")
        self.min_before = max(1, int(p.get("min_before", 1)))
        self.coverage = float(p["coverage"])
        self.bare_coverage = float(p["bare_coverage"])
        self.ratio = float(p.get("ratio", 1.0))
        self.lead = int(p.get("lead", 0))
        # the most frequent words of the junk looked for (bounds the scan of a large text)
        self.max_words = int(p.get("max_words", 300))
        self.content = re.compile(str(p["content"]))

    def find(self, doc: Document) -> Iterator[Hit]:
        """Nothing: without what the evidence rules stripped there is no junk vocabulary."""
        return iter(())

    def words(self, text: str) -> Iterator[tuple[int, str]]:
        """Every word of ``text`` with its offset (runs of Chinese characters overlap)."""
        for m in self.word.finditer(text):
            for g in range(1, self.word.groups + 1):
                w = m.group(g)
                if w:
                    yield m.start(g), w
                    break

    def find_after(self, doc: Document, stripped: Sequence[tuple[int, int]]) -> Iterator[Hit]:
        """Yield the notes glued to lines' ends in the words of the ``stripped`` spans."""
        text = doc.text
        spans = merged(sorted((a, b) for a, b in stripped if a < b))
        junk: Counter[str] = Counter()
        for a, b in spans:
            junk.update(w for _, w in self.words(text[a:b]))
        if not junk:
            return
        vocabulary = [w for w, _ in junk.most_common(self.max_words)]
        finder = re.compile("(?=(" + "|".join(map(re.escape, sorted(vocabulary, key=len, reverse=True))) + "))")
        span_starts = [a for a, _ in spans]

        def stripped_within(lo: int, hi: int) -> bool:
            k = bisect_right(span_starts, hi) - 1
            return k >= 0 and spans[k][1] > lo

        lines = doc.lines
        starts = lines.starts
        # The stretches where notes can be (from the first set-off near a line's end), outside
        # the stripped text, joined; the junk's words are looked for there only.
        regions: list[tuple[int, int]] = []
        for m in self._stretches.finditer(text):
            if not stripped_within(m.start(), m.end()):
                regions.append((m.start(), m.end()))
        joined = "\n".join(text[a:b] for a, b in regions)
        offsets = list(accumulate((b - a + 1 for a, b in regions), initial=0))
        by_line: dict[int, list[tuple[int, str]]] = {}
        for m in finder.finditer(joined):
            r = bisect_right(offsets, m.start()) - 1
            pos = regions[r][0] + m.start() - offsets[r]
            by_line.setdefault(bisect_right(starts, pos) - 1, []).append((pos, m.group(1)))
        # where each line's possible note starts; words after it are at a line's end
        at_ends: Counter[str] = Counter()
        notes: list[int] = []  # the lines with a possible note
        for i, found in by_line.items():
            line = lines.line(i)
            first = None if stripped_within(line.start, line.end) else self._first_set_off(text[line.start : line.end])
            if first is None:
                continue
            notes.append(i)
            for pos, w in found:
                if pos >= line.start + first:
                    at_ends[w] += 1
        if not at_ends:
            return
        # how often each word at a line's end occurs in the rest of the document
        junk_text = "\n".join(text[a:b] for a, b in spans)
        elsewhere = {w: text.count(w) - junk_text.count(w) - at_ends[w] for w in at_ends}
        telling = {w for w in at_ends if elsewhere[w] < self.ratio * (junk[w] + at_ends[w])}
        if not telling:
            return
        for i in sorted(notes):
            line = lines.line(i)
            hit = self._note(text[line.start : line.end], telling)
            if hit is not None:
                yield Hit(line.start + hit[0], line.end, args={"words": "、".join(hit[1])})

    def _set_offs(self, body: str) -> Iterator[tuple[int, bool]]:
        """Where a note may start in the line ``body`` (and whether only a sentence's end sets
        it off): the note has content and no full stop of its own, and is no code."""
        for m in self.set_off.finditer(body, max(self.min_before, len(body) - self.max_len)):
            p = m.start()
            c = body[p]
            if c in _NO_START or (p and body[p - 1] == c):
                continue  # no note starts with a closing mark, an ellipsis or inside a run of marks (——)
            if c in _ASCII_MARK and not _after_wide(body, p):
                continue  # code or a formula: f(x), a[1], x--, = [];
            note = body[p:]
            if _FULL_STOP.search(_BRACKETED.sub("", note)) or not self.content.search(note):
                continue
            yield p, m.end() == p

    def _first_set_off(self, body: str) -> int | None:
        return next((p for p, _ in self._set_offs(body)), None)

    def _note(self, body: str, telling: set[str]) -> tuple[int, list[str]] | None:
        """Where the note told by ``telling`` words starts in ``body``, and those words."""
        for p, bare in self._set_offs(body):
            note = body[p:]
            covered: set[int] = set()
            found: list[str] = []
            for at, w in self.words(note):
                if w in telling:
                    covered.update(range(at, at + len(w)))
                    if w not in found:
                        found.append(w)
            if not found or len(self.content.findall(note[: min(covered)])) > self.lead:
                continue  # the junk's words start later: what comes first is the line's own
            need = self.bare_coverage if bare else self.coverage
            if len(covered) >= need * len(self.content.findall(note)):
                while p > 0 and body[p - 1] in _SPACE:
                    p -= 1
                return p, found
        return None


def _after_wide(body: str, p: int) -> bool:
    """Whether the last character before ``p`` that is not a space is a wide one (CJK)."""
    q = p - 1
    while q >= 0 and body[q] in _SPACE:
        q -= 1
    return q >= 0 and ord(body[q]) > 0x2000
