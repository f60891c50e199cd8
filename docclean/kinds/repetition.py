"""Kind ``repetition``: adjacent copies of the same unit (tandem repeats).

``unit = "phrase"``: a run of ``chars`` between ``min_len`` and ``max_len`` long written twice
or more in a row (清楚地认识清楚地认识 → 清楚地认识); the span covers every copy and the fix
(action ``replace``) keeps one. Units made of one repeated character (哈哈哈) and units that
are themselves repetitive never count. ``chars`` (a regex, default any Han character) is what
the unit is made of and ``min_len``/``max_len`` count its matches: ``chars = "的"`` with
``min_len = max_len = 1`` finds 的的, ``chars = "(?:因为|按照)"`` a doubled word. ``lexicon`` lists
doubled forms that are fine (研究研究) and ``exceptions`` regexes that the doubled form may match
to be fine (一步一步: ``^一.一.$``).
``unless`` (all units): regexes tried at the first character of the doubled run, with the text
before it visible to lookbehind and the text after it to lookahead; the hit is dropped when one
matches at least up to the end of the run (dialogue 我晓得我晓得。, possessive chains
的原型的原型, 一个字一个字). ``only``: regexes used the same way, one of which must match for
the hit to count; a broad rule with an unsafe fix lists the safe rule's ``unless`` here, so the
two never report the same run.
``unit = "word"``: a Latin word written twice with space between ("the the"); the span covers
the extra copies with the space before each, so the fix keeps one.
``unit = "sentence"``: a sentence immediately preceded by a copy of itself; ``ends`` (default
``。！？；!?``) are the characters that end one. The second copy runs from just after an ending
(and closing quotes) to the next ending; the first copy is the same text right before it, which
may start in the middle of a longer sentence (a pasted tail). ``min_len`` counts its letters and
Han characters, ``max_len`` caps its length (set it to 200 or so); the fix strips the second copy.
With ``，`` in ``ends`` a doubled clause counts too. ``gap`` lists characters (such as a space)
of which up to three may stand between the copies; the fix strips them with the second copy.
``clause_ends`` and ``final_ends`` (both among ``ends``, default none): a clause ending in one of
``clause_ends`` whose copy ends in a different one of ``final_ends`` instead (加强学习，加强学习。)
counts too when the clause holds no other ending (of this rule or of any sentence rule that
shares the split, see ``_sentence_candidates``); the fix strips the first copy's ending, the gap
and the second copy, so the final ending stays.
``unit = "line"``: a non-blank line repeated as the next non-blank line; the fix strips the second
copy and its break.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from itertools import accumulate, compress, islice, repeat
from operator import not_

from .. import prescan
from ..document import Document
from ..rules import Rule
from . import Hit
from .anchored import checked_gate, declared_gate
from .regexes import Pattern, compile_patterns, forward_reach

_CLOSERS = "”’」』）)"
_WORDY = re.compile(r"[\w\u4e00-\u9fff]")

# Sentence rules whose candidate lines are found by one shared split of the text: the ending
# characters of them all, their closing quotes and gap characters, and their longest unit.
_SHARED_ENDS: set[str] = set()
_SHARED_SKIP: set[str] = set(_CLOSERS)
_SHARED_LONGEST = [0]
_CROWD = 8  # a piece recurring more often in one stretch marks its lines without pairing


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
        self.local_window: int | None = None
        self.starts: re.Pattern[str] | None = None  # phrases: a shared scan for candidate starts
        exc = p.get("exceptions", [])
        self.exceptions = compile_patterns(rule, exc, key="exceptions") if exc else None
        unless = p.get("unless", [])
        # Compiled one by one: each may number its own groups for backreferences.
        self.unless = [compile_patterns(rule, [u], key="unless") for u in unless]
        only = p.get("only", [])
        self.only = [compile_patterns(rule, [u], key="only") for u in only]
        self.ends = str(p.get("ends", "。！？；!?"))
        self.clause_ends = str(p.get("clause_ends", ""))
        self.final_ends = str(p.get("final_ends", ""))
        if bool(self.clause_ends) != bool(self.final_ends):
            raise ValueError("clause_ends and final_ends go together")
        if not set(self.clause_ends + self.final_ends) <= set(self.ends):
            raise ValueError("clause_ends and final_ends must be among ends")
        self.gap = ""
        self.shared = False  # sentences: scan only the lines the shared split marks
        if self.unit == "phrase":
            chars = p.get("chars", r"[\u4e00-\u9fff]")
            if not 1 <= self.min_len <= self.max_len:
                raise ValueError("need 1 <= min_len <= max_len")
            if self.min_len == self.max_len == 1:  # the same; the scan skips ahead to ``chars``
                unit = rf"(?P<unit>(?:{chars}))(?P=unit)+"
            else:
                unit = rf"(?P<unit>(?:{chars}){{{self.min_len},{self.max_len}}}?)(?P=unit)+"
            if self.min_len >= 3:
                # A cheap necessary condition first: the unit's first two characters recur
                # min_len to max_len characters later.
                lo, hi = self.min_len - 2, self.max_len - 2
                unit = rf"(?=(?P<two>(?:{chars}){{2}})(?:{chars}){{{lo},{hi}}}?(?P=two)){unit}"
                # The same condition for any unit of three or more, found in one scan that every
                # rule with these ``chars`` and ``max_len`` shares (see ``_candidates``).
                self.starts = re.compile(rf"(?=(?P<two>(?:{chars}){{2}})(?:{chars}){{1,{hi}}}?(?P=two))")
            self.pattern = re.compile(unit)
            reach = forward_reach(chars)  # 1 for a character class
            if reach is not None:
                # Whether a copy starts at j depends on text[j : j + local_window] (and the few
                # characters an ``unless``/``only`` lookbehind reads), so ``find_near`` may look
                # at a few places instead of the whole text.
                self.local_window = 2 * self.max_len * reach
        elif self.unit == "word":
            # Letters only, so a word right after Chinese text counts too (中文the the). The
            # lookbehind (no letter, digit or _ before the word) comes after the first letter, so
            # the scan can skip ahead to letters.
            self.pattern = re.compile(r"([A-Za-z](?<![A-Za-z0-9_].)[A-Za-z]*)((?:[ \t]+\1(?![A-Za-z0-9_]))+)",
                                      re.IGNORECASE)
        elif self.unit == "sentence":
            if not self.ends:
                raise ValueError("ends must list at least one character")
            # Group 1: the ending; then closing quotes; group 2: up to three ``gap`` characters
            # (default none) that may stand between a sentence and its copy, such as a space.
            gap = self.gap = str(p.get("gap", ""))
            if "\n" in gap or "\r" in gap:
                raise ValueError("gap must not hold a line break")
            spaces = f"[{re.escape(gap)}]{{0,3}}" if gap else ""
            self.pattern = re.compile(rf"([{re.escape(self.ends)}]+)[{_CLOSERS}]*({spaces})")
            self.shared = self._join_shared()
        self._declared_gate = declared_gate(rule, p.get("gate"), "gate")
        if self._declared_gate is not None and (self.unit != "phrase" or self.starts is not None):
            raise ValueError("a gate is for phrase units shorter than three characters")
        self._gate = -1  # the prescan key of the declared gate, once registered
        if self.unit in ("word", "sentence", "line"):
            # Hits depend on their own line only (and, for lines, on the non-blank line before),
            # so ``find_near`` re-checks just the lines the spans touch.
            self.local_window = 1

    def register_gates(self) -> tuple[int, ...]:
        """Register the gates of this rule with the prescan (see ``prescan``): for doubled
        words, the lines where a word is followed by spaces and a word with the same first
        letter; for phrases, the rule's declared ``gate``. Their keys."""
        if self.unit == "word" and _WORD_GATE_KEY[0] < 0:
            _WORD_GATE_KEY[0] = prescan.register(_word_gate())
        if self._declared_gate is not None and self._gate < 0:
            self._gate = prescan.register(checked_gate(self.rule, self._declared_gate, self.pattern, "gate"))
        keys = [_WORD_GATE_KEY[0]] if self.unit == "word" else []
        if self._gate >= 0:
            keys.append(self._gate)
        return tuple(keys)

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield each run of copies."""
        if self.unit == "phrase":
            yield from self._phrases(doc)
        elif self.unit == "word":
            lines = None
            if len(doc.text) >= prescan.MIN_SIZE:
                self.register_gates()
                lines = prescan.gated_lines(doc, _WORD_GATE_KEY[0])
            for lo, hi in [(0, len(doc.text))] if lines is None else lines:
                yield from self._words(doc, lo, hi)
        elif self.unit == "sentence":
            if not self.shared:
                yield from self._sentences(doc)
                return
            for lo, hi in self._sentence_lines(doc):
                yield from self._sentences(doc, lo, hi)
        else:
            yield from self._lines(doc)

    def _fine(self, doubled: str) -> bool:
        if doubled in self.lexicon or doubled.lower() in self.lexicon:
            return True
        return self.exceptions is not None and self.exceptions.search(doubled) is not None

    def _excused(self, text: str, start: int, end: int) -> bool:
        """True when an ``unless`` regex covers the run at ``start``..``end``, or when ``only``
        regexes are given and none does."""
        if self.only and not any(_covers(pattern, text, start, end) for pattern in self.only):
            return True
        return any(_covers(pattern, text, start, end) for pattern in self.unless)

    def _accepted(self, text: str, m: re.Match[str]) -> bool:
        unit = m.group("unit")
        return not ((len(unit) > 1 and _periodic(unit)) or self._fine(unit + unit)
                    or self._excused(text, m.start(), m.end()))

    @staticmethod
    def _phrase_hit(m: re.Match[str]) -> Hit:
        unit = m.group("unit")
        return Hit(m.start(), m.end(), unit,
                   {"match": m.group(), "unit": unit, "copies": len(m.group()) // len(unit)})

    def _phrases(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        if self.starts is not None:
            # ``search`` from ``pos`` = the first candidate at or after ``pos`` where the pattern
            # matches: every match starts at a candidate.
            pattern = self.pattern
            pos = 0
            run: _Run | None = None
            for c in self._candidates(doc, self.starts):
                if c < pos or (run is not None and run.settled(text, c)):
                    continue
                m = pattern.match(text, c)
                if m is None:
                    continue
                if not self._accepted(text, m):
                    run = _Run.after(run, text, m)
                    pos = max(pos, self._past_periodic(m))
                    continue
                pos = m.end()
                yield self._phrase_hit(m)
            return
        lines = None
        if self._declared_gate is not None and len(text) >= prescan.MIN_SIZE:
            self.register_gates()
            lines = prescan.gated_lines(doc, self._gate)
        for lo, hi in [(0, len(text))] if lines is None else lines:
            pos = lo
            while True:
                m = self.pattern.search(text, pos, hi)
                if m is None:
                    break
                if not self._accepted(text, m):
                    pos = m.start() + 1
                    continue
                pos = m.end()
                yield self._phrase_hit(m)

    def _past_periodic(self, m: re.Match[str]) -> int:
        """Where to go on after rejecting ``m``. When its unit repeats a shorter one (哈哈哈…,
        研究研究…, period ``d``), the copies span a ``d``-periodic run, and every later start from
        which ``k``, the least multiple of ``d`` of at least ``min_len``, doubles inside the run
        has its shortest doubling in the run too, which repeats a shorter unit again: none can
        count, so they are skipped (without this, a long run costs time quadratic in its length)."""
        unit = m.group("unit")
        d = _period(unit)
        if d == len(unit):
            return m.start() + 1
        k = d * -(-self.min_len // d)
        return m.end() - 2 * k + 1 if k <= self.max_len else m.start() + 1

    @staticmethod
    def _candidates(doc: Document, starts: re.Pattern[str]) -> list[int]:
        """Where ``starts`` holds in ``doc`` (cached per document, shared by the rules that use
        the same condition)."""
        key = ("phrase-candidates", starts.pattern)
        found: list[int] | None = doc.cache.get(key)
        if found is None:
            found = doc.cache[key] = [m.start() for m in starts.finditer(doc.text)]
        return found

    def find_near(self, doc: Document, spans: list[tuple[int, int]]) -> Iterator[Hit]:
        """``find(doc)`` for a text whose copies can only start inside ``spans`` (sorted,
        disjoint). Phrases: every start there is tried, then the same leftmost, non-overlapping
        choice is made as the full scan makes. Words, sentences and lines: the lines that the
        spans touch are checked whole, as the full scan checks them."""
        if self.unit == "word":
            for lo, hi in doc.lines.ranges_touching(spans):
                yield from self._words(doc, lo, hi)
            return
        if self.unit == "sentence":
            for lo, hi in doc.lines.ranges_touching(spans):
                yield from self._sentences(doc, lo, hi)
            return
        if self.unit == "line":
            yield from self._lines_near(doc, spans)
            return
        text = doc.text
        accepted: list[re.Match[str]] = []
        for lo, hi in spans:
            for j in range(max(0, lo), min(hi, len(text))):
                m = self.pattern.match(text, j)
                if m is not None and self._accepted(text, m):
                    accepted.append(m)
        pos = 0
        for m in accepted:
            if m.start() < pos:
                continue
            pos = m.end()
            yield self._phrase_hit(m)

    def _words(self, doc: Document, lo: int = 0, hi: int | None = None) -> Iterator[Hit]:
        for m in self.pattern.finditer(doc.text, lo, len(doc.text) if hi is None else hi):
            word = m.group(1)
            if self._fine(f"{word} {word}") or self._excused(doc.text, m.start(), m.end()):
                continue
            yield Hit(m.end(1), m.end(), None, {"match": m.group(), "unit": word})

    def _sentences(self, doc: Document, first: int = 0, stop: int | None = None) -> Iterator[Hit]:
        """Doubled sentences in the lines from offset ``first`` (a line start) to ``stop`` (a
        line end): a sentence and its copy never leave their line."""
        text = doc.text
        end = len(text) if stop is None else stop
        boundary = self._boundary_test(text, first, end)
        longest = max(self.max_len, self.min_len)
        # A clause whose copy ends differently holds no ending where the shared split cuts.
        stops = frozenset(self.ends) | _SHARED_ENDS if self.shared else frozenset(self.ends)
        last_hit = -1
        line_start = prev_p = first
        for m in self.pattern.finditer(text, first, end):
            # end of the first copy, start of the second (after the gap)
            p0, p = m.start(2), m.end()
            nl = text.rfind("\n", prev_p, p)
            if nl >= 0:
                line_start = nl + 1
            prev_p = p
            if p0 < last_hit or p >= len(text):
                continue
            # The second copy starts just after an ending (and the gap); the first copy is the
            # same text right before the gap, so it starts at an earlier occurrence of the second
            # copy's first characters on the same line (nearest first: the shortest unit wins).
            lo = max(line_start, p0 - longest, last_hit)
            key = text[p : p + 2]
            if len(key) < 2 or "\n" in key:
                continue
            f = text.rfind(key, lo, p0)
            periodic = 0
            while f >= 0:
                size = p0 - f
                q_end = p + size
                # Both copies are equal, so the second ends with the same ending: it may only
                # stop before the closing quotes the first had (说“长。“长。”).
                # A unit that repeats a shorter one (ab,ab,) is a run of that shorter unit, tried
                # first (it starts nearer): a run of copies is no doubled sentence. Inside a long
                # run every farther start gives such a unit again, so the search stops after a
                # few (judging each made a long run cost time quadratic in its length).
                if boundary(q_end) and text[p:q_end] == text[f:p0]:
                    unit = text[p:q_end]
                    if _periodic(unit):
                        periodic += 1
                        f = -1 if periodic >= 3 else text.rfind(key, lo, f)
                        continue
                    if self._counts(unit, text, f, q_end):
                        last_hit = q_end
                        yield Hit(p0, q_end, "", {"match": text[f:q_end], "unit": unit})
                        break
                f = text.rfind(key, lo, f)
            else:
                if self.final_ends:
                    hit = self._switched(text, m, lo, boundary, stops)
                    if hit is not None:
                        last_hit = hit.end + 1
                        yield hit

    def _counts(self, unit: str, text: str, start: int, end: int) -> bool:
        """Whether a sentence ``unit`` doubled from ``start`` to ``end`` is reported: long enough,
        not in the lexicon, not excused."""
        return (len(_WORDY.findall(unit)) >= self.min_len and not self._fine(unit)
                and not self._excused(text, start, end))

    def _switched(self, text: str, m: re.Match[str], lo: int, boundary: Callable[[int], bool],
                  stops: frozenset[str]) -> Hit | None:
        """A clause and its copy whose ending differs (加强学习，加强学习。): ``m`` is the first
        copy's ending (one of ``clause_ends``, with no closing quote) and the gap after it; the
        clause starts at ``lo`` or later and holds no ending, and its copy ends in one of
        ``final_ends``. The hit strips the first ending, the gap and the second copy."""
        e, p = m.start(1), m.end()
        if m.end(1) != e + 1 or m.start(2) != e + 1 or text[e] not in self.clause_ends:
            return None
        key = text[p : p + 2]
        f = text.rfind(key, lo, e)
        while f >= 0:
            unit = text[f:e]
            q = p + len(unit)
            if stops.intersection(unit):
                return None  # nearest first: farther starts hold this ending too
            if (q < len(text) and text[q] in self.final_ends and text[q] != text[e] and boundary(q + 1)
                    and text[p:q] == unit and self._counts(unit, text, f, q + 1)):
                return Hit(e, q, "", {"match": text[f : q + 1], "unit": unit})
            f = text.rfind(key, lo, f)
        return None

    def _join_shared(self) -> bool:
        """Whether this rule's sentences can be looked for on the lines that the shared split
        marks (see ``_sentence_candidates``), joining its characters to those of the split."""
        ends, skip = set(self.ends), set(_CLOSERS) | set(self.gap)
        chars = "".join(ends | skip)
        if (self.min_len < 1 or _WORDY.search(chars) or "\n" in chars or "\r" in chars
                or ends & skip or ends & _SHARED_SKIP or skip & _SHARED_ENDS):
            return False
        _SHARED_ENDS.update(ends)
        _SHARED_SKIP.update(skip)
        _SHARED_LONGEST[0] = max(_SHARED_LONGEST[0], self.min_len, self.max_len)
        return True

    def _sentence_lines(self, doc: Document) -> list[tuple[int, int]]:
        """The lines that may hold a doubled sentence of this rule, as ``(start, end)`` offsets
        of their texts (break excluded), sorted; ``_sentences`` over them finds what it finds
        over the whole text, since a sentence and its copy never leave their line."""
        text = doc.text
        key = ("sentence-candidates", "".join(sorted(_SHARED_ENDS)), "".join(sorted(_SHARED_SKIP)),
               _SHARED_LONGEST[0])
        found: tuple[list[int], list[tuple[int, int, int]], list[int]] | None = doc.cache.get(key)
        if found is None:
            found = doc.cache[key] = _chunked_candidates(text, key[1], key[2], key[3])
        singles, pairs, crowded = found
        ends = frozenset(self.ends)
        # A copy that holds no ending but its last: the piece before the ending must end with
        # the piece after it, and that ending is one of this rule's.
        offsets = [o for o in singles if text[o - 1] in ends]
        # A copy that holds more endings: an ending of this rule stands between the two copies
        # of a piece, at most the longest unit (and the gap) apart.
        reach = max(self.min_len, self.max_len) + 3
        search = re.compile(f"[{re.escape(self.ends)}]").search
        offsets.extend(a for a, b, size in pairs if b - a <= reach and search(text, a + size, b - 1))
        offsets.extend(crowded)
        offsets.sort()
        lines: list[tuple[int, int]] = []
        last = -1
        for o in offsets:
            if o <= last:
                continue  # on the line just taken
            start = text.rfind("\n", 0, o) + 1
            last = text.find("\n", o)
            if last < 0:
                last = len(text)
            lines.append((start, last))
        return lines

    def _boundary_test(self, text: str, first: int, stop: int) -> Callable[[int], bool]:
        """A test for the offsets where a sentence may end: right after an ending, or after the
        closing quotes that follow one (``self.pattern``'s group 1 and the end of its quotes)."""
        ends, closers, gap = frozenset(self.ends), frozenset(_CLOSERS), frozenset(self.gap)
        if ends & (closers | gap):  # runs could be split otherwise: list the offsets
            found = {e for m in self.pattern.finditer(text, first, stop) for e in (m.end(1), m.start(2))}
            return found.__contains__

        def boundary(q: int) -> bool:
            if q <= first or q > stop:
                return False
            if text[q - 1] in ends:  # the end of an ending (its run of ending characters)
                return q == stop or text[q] not in ends
            if text[q - 1] not in closers or (q < stop and text[q] in closers):
                return False
            j = q - 1  # the end of the quotes that close an ending
            while j > first and text[j - 1] in closers:
                j -= 1
            return j > first and text[j - 1] in ends

        return boundary

    def _lines_near(self, doc: Document, spans: list[tuple[int, int]]) -> Iterator[Hit]:
        """``_lines`` for the lines that ``spans`` touch and the first non-blank line after each
        of them (whose previous non-blank line may have changed)."""
        lines = doc.lines
        bodies = lines.bodies
        todo: set[int] = set()
        for lo, hi in spans:
            a, b = lines.line_of(lo), lines.line_of(max(lo, hi))
            todo.update(range(a, b + 1))
            j = b + 1
            while j < len(bodies) and not bodies[j].strip():
                j += 1
            todo.add(j)
        text = doc.text
        min_len = self.min_len
        for i in sorted(todo):
            if i >= len(bodies):
                continue
            body = bodies[i].strip()
            if not body or len(body) < min_len:
                continue
            j = i - 1
            while j >= 0 and not bodies[j].strip():
                j -= 1
            if j < 0 or bodies[j].strip() != body:
                continue
            ln = lines.line(i)
            if not self._fine(body) and not self._excused(text, ln.start, ln.end):
                yield Hit(ln.start, ln.next, "", {"match": text[ln.start : ln.end], "unit": body})

    def _lines(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        prev = ""
        min_len = self.min_len
        for i, body in enumerate(map(str.strip, doc.lines.bodies)):
            if not body:
                continue
            # (after a hit ``prev`` stays the same text, so it is always the last non-blank line)
            if body == prev and len(body) >= min_len:
                ln = doc.lines.line(i)
                if not self._fine(body) and not self._excused(text, ln.start, ln.end):
                    yield Hit(ln.start, ln.next, "", {"match": text[ln.start : ln.end], "unit": body})
            prev = body


_WORD_GATE_KEY = [-1]  # the prescan key of ``_word_gate``, once registered


def _word_gate() -> tuple[str, ...]:
    """For each letter, a word starting with it, spaces, and a word starting with it again, as
    the doubled-word pattern (case-insensitive ``[A-Za-z]``) reads letters: with the non-ASCII
    letters that fold to ASCII ones (ſ, K, İ, ı)."""
    folds = {"s": "ſ", "k": "\u212a", "i": "\u0130\u0131"}
    letters = "A-Za-z\u017f\u212a\u0130\u0131"
    return tuple(f"[{c}{c.upper()}{folds.get(c, '')}][{letters}]*[ \t]+[{c}{c.upper()}{folds.get(c, '')}]"
                 for c in "abcdefghijklmnopqrstuvwxyz")


class _Run:
    """The rejected starts inside one long run of copies (往期回顾往期回顾…), so that the same
    start is not judged again at every copy (each judgement reads the whole run: a long run
    would cost time quadratic in its length).

    Inside a run of period ``d``, a start whose unit and ``CONTEXT`` characters before it equal
    those of a rejected start gets the same match (the same unit, to the same end: the copies of
    that rotation of the unit end where they ended there) and, with at least ``COPIES`` copies
    and ``REACH`` characters left, the same judgement, as long as the rules' regexes look back
    at most ``CONTEXT`` characters and tell apart only runs shorter than that."""

    CONTEXT = 16
    COPIES = 8
    # characters left in the run below which starts are judged again: four units of the longest
    # length (the copies one judgement covers differ with the length left: 一三一之 read from ten
    # copies before the run's end was rejected, from nine accepted)
    REACH = 4 * 16

    __slots__ = ("period", "rejected")

    def __init__(self, period: int) -> None:
        self.period = period
        self.rejected: dict[str, int] = {}  # key of a rejected start → the end of its match

    @classmethod
    def after(cls, run: _Run | None, text: str, m: re.Match[str]) -> _Run | None:
        """``run`` with the rejected match ``m`` recorded (a new run for another period)."""
        d = len(m.group("unit"))
        if (m.end() - m.start()) // d < cls.COPIES:
            return run
        if run is None or run.period != d:
            run = cls(d)
        run.rejected[cls._key(text, m.start(), d)] = m.end()
        return run

    def settled(self, text: str, c: int) -> bool:
        """Whether start ``c`` is judged already (and rejected)."""
        end = self.rejected.get(self._key(text, c, self.period))
        return end is not None and c < end - max(self.COPIES * self.period, self.REACH)

    @classmethod
    def _key(cls, text: str, c: int, d: int) -> str:
        return text[max(0, c - cls.CONTEXT) : c + d]


def _covers(pattern: Pattern, text: str, start: int, end: int) -> bool:
    """``pattern`` matches at ``start`` and reaches at least ``end``."""
    m = pattern.match(text, start)
    return m is not None and m.end() >= end


def _periodic(unit: str) -> bool:
    """True when ``unit`` is itself a repetition of a shorter unit (哈哈哈, 研究研究)."""
    return _period(unit) < len(unit)


def _period(unit: str) -> int:
    """The length of the shortest unit that ``unit`` repeats (its own length when none)."""
    n = len(unit)
    return next((k for k in range(1, n // 2 + 1) if n % k == 0 and unit[:k] * (n // k) == unit), n)


_CHUNK = 1 << 16  # characters split at a time (cut at a line break), to keep memory low


def _chunked_candidates(text: str, ends: str, skip: str, longest: int
                        ) -> tuple[list[int], list[tuple[int, int, int]], list[int]]:
    """``_sentence_candidates`` of ``text`` worked out on pieces of about ``_CHUNK`` characters
    cut after line breaks: a doubled sentence never leaves its line, and the pieces of a line
    are the same whether or not the text around it is split with it."""
    singles: list[int] = []
    pairs: list[tuple[int, int, int]] = []
    crowded: list[int] = []
    pos = 0
    while pos < len(text):
        cut = text.find("\n", pos + _CHUNK)
        stop = len(text) if cut < 0 else cut + 1
        s, p, c = _sentence_candidates(text[pos:stop], ends, skip, longest)
        singles.extend(o + pos for o in s)
        pairs.extend((a + pos, b + pos, size) for a, b, size in p)
        crowded.extend(o + pos for o in c)
        pos = stop
    return singles, pairs, crowded


def _sentence_candidates(text: str, ends: str, skip: str, longest: int
                         ) -> tuple[list[int], list[tuple[int, int, int]], list[int]]:
    """Offsets on the only lines where a sentence rule whose ending characters are among
    ``ends`` (none of them a letter, digit or Han character, a line break or in ``skip``; its
    closing quotes and gap characters in ``skip``, none of which is a letter or Han character
    either) may find a doubled sentence of at most ``longest`` characters: each C-level pass
    over all pieces, a few Python steps per piece that passes.

    The text is split at each ending character into pieces. A doubled sentence is a unit U
    with a letter or Han character (min_len >= 1) written twice, the copies at most three gap
    characters apart, the second starting after an ending, its closing quotes and the gap.
    Either U holds one run of endings, which then ends its first copy: U = x R y with x
    holding its letters, so x is a suffix of the piece before R (the piece before the run) and
    the piece after the first copy's run is closers and gap, then x; so that piece stripped of
    ``skip`` characters is a suffix of the piece before the run (``singles``: the offset of
    the piece after the run, whose previous character is the run's last, the ending of the
    rule; when the run has several characters the piece before is empty, which is marked too).
    Or U holds two or more runs, so a whole, non-empty piece lies between two of them in each
    copy: two equal pieces on one line, at most ``longest`` + 3 characters apart, with equal
    endings around them, the piece before the first ending with the piece before the second
    stripped as above (``pairs``: both offsets and the piece's length; the rule's ending lies
    between them). A piece recurring more than ``_CROWD`` times in a stretch marks the lines of
    all its copies (``crowded``)."""
    pieces = re.split(f"[{re.escape(ends)}]", text)
    n = len(pieces)
    offset = list(accumulate(map((1).__add__, map(len, pieces)), initial=0))
    tails = map(str.lstrip, islice(pieces, 1, None), repeat(skip))
    singles = [offset[c] for c in compress(range(1, n), map(str.endswith, pieces, tails))]
    singles.extend(offset[e + 1] for e in compress(range(n - 1), map(not_, pieces)))
    singles.sort()
    # Equal pieces at most ``half`` apart both lie in one stretch: stretch k holds the pieces
    # that start in [k * width, (k + 1) * width + half).
    half = longest + 3
    width = 2 * half
    found: set[tuple[int, int]] = set()
    crowded: set[int] = set()
    for x in range(0, len(text), width):
        lo, hi = bisect_left(offset, x, 0, n), bisect_left(offset, x + width + half, 0, n)
        stretch = pieces[lo:hi]
        last = dict(zip(stretch, range(lo, hi), strict=True))
        if len(last) == len(stretch):
            continue
        where: dict[str, list[int]] = {}
        for k, piece in enumerate(stretch, lo):
            if last[piece] != k or piece in where:
                where.setdefault(piece, []).append(k)
        for piece, at in where.items():
            if len(at) < 2 or not piece or "\n" in piece:
                continue
            if len(at) > _CROWD:
                crowded.update(offset[k] for k in at)
                continue
            for i, a in enumerate(at):
                for b in at[i + 1 :]:
                    if offset[b] - offset[a] > half:
                        break
                    found.add((a, b))
    size_of = pieces.__getitem__
    pairs = []
    for a, b in sorted(found):
        oa, ob = offset[a], offset[b]
        size = len(size_of(a))
        if (a > 0 and b + 1 < n and text[oa - 1] == text[ob - 1] and text[oa + size] == text[ob + size]
                and text.find("\n", oa, ob) < 0 and pieces[a - 1].endswith(pieces[b - 1].lstrip(skip))):
            pairs.append((oa, ob, size))
    return singles, pairs, sorted(crowded)

