"""Kind ``line-score``: a whole line is junk when the weights of its signals add up.

Params: ``threshold``; ``signals`` (tables of ``name``, ``weight``, ``patterns``,
``ignore_case``): positive signals are searched over the whole text, negative ones only on lines
that already have a positive signal; each signal counts once per line. Context adds to a line
that has a positive signal: ``position_bonus`` within the first ``head_lines`` or last
``tail_lines`` non-blank lines, ``recurring_bonus`` when the same line occurs again elsewhere,
``short_bonus`` when it is at most ``short_len`` characters, and ``neighbour_bonus`` when the
nearest non-blank line before or after it reaches the threshold on its own and occurs once
(reseller lines come in clusters; a repeated watermark says nothing about its neighbours). Lines
longer than ``max_len`` never score. With ``prose_head = N``, a line whose first positive signal
comes after a sentence of at least N Han characters that no signal touches (or an English one of
N/2 words ended by a full stop or a colon before a space; or after N/3 Han
characters, letters or digits and then a decoration or bracket such as ↓↓↓, ☛ or 【) is prose
with junk appended: the line is not a reseller line (its score stays below the threshold), and
only the part after the prose is stripped, when it scores on its own. A short tail set off by a
bracket, dash or symbol after the last full stop of such prose needs one point less, unless all
its positive signals are marked ``form = true`` (a shape legitimate text shares, like 来源：).
With ``tail_max_len = M``, a line below the threshold (its prose is long) or longer than
``max_len`` still loses the closing sentences, within M characters of its end, that reach the
threshold on their own with signals the whole line has, after a sentence of prose that has no
guard but those marked ``whole_line = true`` (its length, a run-in heading's number). A call
glued to a line's text with no mark at all starts at words ``call_lead`` matches before the
first signal, or at the first signal where ``call_start`` matches (see ``_unmarked_call``). The
scores are shared with ``block`` and ``recurring`` rules through the document cache. With
``unspread`` params (see ``unspread``), lines spread apart to get past keyword filters are also
scored as they read with the spreading undone. Several
signal tables may share a name; a name still counts once per line. Signals with a literal anchor
are tried only near occurrences of it; a pattern that starts with a literal keeps the scan fast.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, pairwise
from typing import Any

import regex

from .. import prescan
from ..document import Document
from ..edits import EditMap
from ..rules import Rule
from . import Hit, unspread
from .anchored import checked_gate, declared_gate
from .marks import ENDS_SENTENCE, ONE_BRACKET_PAIR, first_copy
from .regexes import (
    LINE_START,
    RUN_START,
    Anchor,
    Pattern,
    compile_patterns,
    finditer,
    line_confined,
    literal_anchors,
    match,
    search,
    stdlib_twin,
)


@dataclass(frozen=True, slots=True)
class Signal:
    """A named, weighted pattern (the alternatives it joins are kept in ``sources``)."""

    name: str
    weight: int
    pattern: Pattern
    sources: tuple[str, ...] = ()
    ignore_case: bool = False
    form: bool = False  # a shape legitimate text shares (来源：): never enough alone for a set-off tail
    gate: tuple[str, ...] | None = None  # regexes one of which matches on every line the pattern can
    whole_line: bool = False  # a guard for a line as a whole (its length, a run-in heading), not for what is appended


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
        self.prose_head = int(p.get("prose_head", 0))
        self.tail_max_len = int(p.get("tail_max_len", 0))
        # words that open a call glued to a line with no mark (……更多相关内容请阅读…): it starts there
        self.call_lead = regex.compile(str(p["call_lead"])) if "call_lead" in p else None
        self.call_start = regex.compile(str(p["call_start"])) if "call_start" in p else None
        # signals whose evidence alone, glued to the end of a line's own text, is the junk (…仍然说：V：ab1234)
        self.glued_signals = frozenset(str(name) for name in p.get("glued_signals", ()))
        # ... unless the words before it lead into it (请加, 联系客服): then the line is one call
        self.contact_lead = regex.compile(str(p["contact_lead"])) if "contact_lead" in p else None
        self.signals = tuple(_signal(rule, s) for s in p["signals"])
        # a name's telling signal (not a mere form), if any table of that name has one
        self._telling = {sig.name for sig in self.signals if sig.weight > 0 and not sig.form}
        self._guards = [sig for sig in self.signals if sig.weight < 0]
        # the guards that mark a heading (see ``heading``)
        headings = {str(name) for name in p.get("headings", ())}
        self._heading_guards = [sig for sig in self._guards if sig.whole_line and sig.name in headings]
        # whole-line shapes of a document's own title and sign-off, for the block rules
        own = p.get("own_lines", [])
        self.own_lines: Pattern | None = compile_patterns(rule, own, key="own_lines") if own else None
        self.unspread = unspread.parse(rule, p.get("unspread"))
        self._unspread_gate: int | None = None
        # signal → (alternatives that look back to the line start, the others), built on use
        self._evidence: dict[int, list[Pattern]] = {}  # signal → its sources that look back to the line start
        self._scan: _AnchorScan | None = None
        self._confined: dict[int, bool] = {}  # signal → its regex never reads past a line break
        self._twins: dict[int, re.Pattern[str] | None] = {}  # signal → its stdlib twin, if any
        self._hits_of: dict[tuple[int, str], tuple[Signal, ...]] = {}  # see _hits
        self._gates: dict[int, int] = {}  # signal → the prescan key of its gate
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

    def split_lines(self, doc: Document) -> dict[int, tuple[int, LineScore]]:
        """Lines whose own text stays while the junk glued or appended to it goes (see
        ``prose_head``), by line index: where the junk starts, and its score."""
        self.scores(doc)
        tails: dict[int, tuple[int, LineScore]] = doc.cache.get(("prose-tails", self.rule.id), {})
        return tails

    def penalty(self, body: str, doc: Document) -> int:
        """The sum of the negative signals that ``body`` (one line) matches."""
        return sum(s.weight for s in self.signals
                   if s.weight < 0 and search(self.rule, s.pattern, body, doc.time_budget))

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield every line whose score reaches the threshold, with its break, and the junk
        appended to prose lines (see ``prose_head``) without it."""
        lines = doc.lines
        scores = self.scores(doc)
        tails: dict[int, tuple[int, LineScore]] = doc.cache.get(("prose-tails", self.rule.id), {})
        for i in sorted({*scores, *tails}):
            s = scores.get(i)
            if s is not None and s.score >= self.threshold:
                line = lines.line(i)
                yield Hit(line.start, line.next, None,
                          {"match": lines.text_of(line), "score": s.score, "reasons": s.explain()})
            elif i in tails:
                cut, tail = tails[i]
                end = lines.line(i).end
                yield Hit(cut, end, None, {"match": doc.text[cut:end], "score": tail.score, "reasons": tail.explain()})

    def _score(self, doc: Document) -> dict[int, LineScore]:
        lines = doc.lines
        hit_signals = self._found(doc)
        doc.cache[("signal-lines", self.rule.id)] = hit_signals
        spread = self._spread_lines(doc)
        if not hit_signals and not spread:
            return {}
        bodies = lines.bodies
        nonblank = _nonblank_lines(doc) if self.position_bonus else []
        counts = None
        if self.recurring_bonus:
            counts = _line_counts(doc)
            counts.prime({b for b in (bodies[i].strip() for i in hit_signals) if len(b) <= self.max_len})
        out: dict[int, LineScore] = {}
        long_lines: list[int] = []  # too long to score whole; junk appended to them still counts
        signals = self.signals
        for i, which in hit_signals.items():
            hits: dict[str, int] = {}
            for k in sorted(which):  # in signal order, as reasons are listed
                hits[signals[k].name] = signals[k].weight
            body = bodies[i].strip()
            if not body:
                continue
            if len(body) > self.max_len:
                long_lines.append(i)
                continue
            for sig in self._hits(doc, body, self._guards):  # remembered: the later passes score it again
                hits[sig.name] = sig.weight
            reasons = [f"{name}{weight:+d}" for name, weight in hits.items()]
            total = sum(hits.values())
            if self.position_bonus:
                rank, count = bisect_left(nonblank, i), len(nonblank)
                if rank < self.head_lines or count - rank <= self.tail_lines:
                    total += self.position_bonus
                    reasons.append(f"{'head' if rank < self.head_lines else 'tail'}{self.position_bonus:+d}")
            if counts is not None and counts[body] > 1:
                total += self.recurring_bonus
                reasons.append(f"recurring×{counts[body]}{self.recurring_bonus:+d}")
            if self.short_bonus and len(body) <= self.short_len:
                total += self.short_bonus
                reasons.append(f"short{self.short_bonus:+d}")
            out[i] = LineScore(total, tuple(reasons))
        prose: set[int] = set()
        if self.prose_head:
            prose = self._keep_prose(doc, out, hit_signals, long_lines)
        if self.neighbour_bonus:
            self._add_neighbour_bonus(doc, out, prose)
            if self.prose_head:
                prose |= self._keep_prose(doc, out, hit_signals)
        for i in spread:
            read = self._read_unspread(doc, i)
            if read is not None and (i not in out or out[i].score < read.score):
                out[i] = read
        return out

    def _spread_lines(self, doc: Document) -> list[int]:
        """The lines the ``unspread`` params say are worth reading again (see ``unspread``)."""
        if self.unspread is None:
            return []
        text, lines = doc.text, doc.lines
        if len(text) < prescan.MIN_SIZE:
            return sorted({lines.line_of(m.start()) for m in self.unspread.lines.finditer(text)})
        self.register_gates()
        assert self._unspread_gate is not None
        found: list[int] = []
        for lo, hi in prescan.gated_lines(doc, self._unspread_gate) or []:
            found.extend(range(lines.line_of(lo), lines.line_of(hi) + 1))
        return found

    def _read_unspread(self, doc: Document, i: int) -> LineScore | None:
        """Line ``i``'s score as it reads with the spreading undone, when that reaches the
        threshold."""
        assert self.unspread is not None
        body = doc.lines.bodies[i].strip()
        if not body or len(body) > self.max_len or not self.unspread.lines.search(body):
            return None
        read = self.unspread.read(body)
        if read == body:
            return None
        score, _ = self._tail_score(doc, read)
        if score.score < self.threshold + self.unspread.margin:
            return None
        return LineScore(score.score, (*score.reasons, "spread out"))

    def _keep_prose(self, doc: Document, out: dict[int, LineScore], hit_signals: dict[int, set[int]],
                    long_lines: Sequence[int] = ()) -> set[int]:
        """Lines reaching the threshold that are prose with junk appended (see ``prose_head``):
        their scores are kept below the threshold, and their junk tails, where they score on
        their own, are recorded for ``find``. Lines below the threshold, and ``long_lines`` (too
        long to score whole), keep everything but a junk tail. ``hit_signals``: the positive
        signals on each line (see ``_found``). Returns the lines kept."""
        tails: dict[int, tuple[int, LineScore]] = doc.cache.setdefault(("prose-tails", self.rule.id), {})
        found: set[int] = set()
        for i, s in [*out.items(), *((i, None) for i in long_lines)]:
            below = s is None or s.score < self.threshold
            # Below the threshold: a short tail set off by a bracket, dash or symbol after the last
            # full stop of prose needs one point less (an ad appended to a paragraph).
            cut = self._prose_end(doc, i, sentences_only=below)
            if below:
                appended = self._tail_after_prose(doc, i, cut if cut is not None else self._short_sentence_end(doc, i),
                                                  hit_signals[i])
                if appended is None and cut is None and self.heading(doc, i):
                    appended = self._glued_note(doc, i, spaced=True)
                if appended is None and any(self.signals[k].name in self.glued_signals for k in hit_signals[i]):
                    appended = self._contact_after_text(doc, i)
                if appended is not None:
                    tails[i] = appended
                continue
            note = None if cut is not None else self._note_after_text(doc, i)
            if note is not None:
                cut = note[0]
            if cut is None:
                continue
            assert s is not None
            end = doc.lines.line(i).end
            start = end - len(doc.text[cut:end].lstrip())
            found.add(i)
            kept = f"{_KEPT_PROSE}: kept{self.threshold - 1 - s.score:+d}"
            out[i] = LineScore(self.threshold - 1, (*s.reasons, kept))
            if note is not None:
                tails[i] = (start, note[1])
                continue
            tail, _ = self._tail_score(doc, doc.text[start:end])
            if tail.score >= self.threshold and start < end:
                tails[i] = self._set_off_within(doc, start, end, tail)
        return found

    def _set_off_within(self, doc: Document, start: int, end: int, tail: LineScore) -> tuple[int, LineScore]:
        """Where the junk ``start``..``end`` after a line's prose begins: at the first mark that
        sets a note off inside it (an arrow, a shape, a pictograph, a tilde, a bracket that closes
        at the end) when the words before that mark score nothing and the note alone still reaches
        the threshold (…约到子时前后……正是那：➡ 完整版请加 wx：… keeps 正是那：)."""
        text = doc.text
        for m in _SET_OFF.finditer(text, start + 1, end):
            if m.group() == "—":
                continue
            if m.group().startswith(_OPENERS) and ONE_BRACKET_PAIR.fullmatch(text, m.start(), end) is None:
                continue
            if any(sig.weight > 0 for sig in self._hits(doc, text[start : m.start()])):
                return start, tail
            note, telling = self._tail_score(doc, text[m.start() : end])
            if note.score >= self.threshold and telling:
                how = tuple(r for r in tail.reasons if not _SIGNED_REASON.search(r))  # appended to prose …
                return m.start(), LineScore(note.score, (*note.reasons, *how))
            return start, tail
        return start, tail

    def _short_sentence_end(self, doc: Document, i: int) -> int | None:
        """Where a short sentence at the head of line ``i`` ends (a third of ``prose_head`` Han
        characters will do) when a bracket or a symbol opens the note right after it: the note
        is set off, so the sentence is the line's own (各部门要抓好落实。【…报名：…】)."""
        line = doc.lines.line(i)
        head = doc.text[line.start : self._first_evidence(doc, i)]
        ends = [m.end() for m in _SENTENCE_END.finditer(head)]
        if not ends or not _SET_OFF.match(head[ends[-1] :].lstrip()):
            return None
        if len(_HAN_CHAR.findall(head, 0, ends[-1])) < max(2, self.prose_head // 3):
            return None
        return line.start + ends[-1]

    def heading(self, doc: Document, i: int) -> bool:
        """Whether line ``i`` is a heading: a ``whole_line`` guard named in ``headings`` matches it
        (## 典型意义, 第三章 总则). A note glued after a heading is scored on its own."""
        if not self._heading_guards:
            return False
        line = doc.lines.line(i)
        return bool(self._hits(doc, doc.text[line.start : line.end], self._heading_guards))

    def _note_after_text(self, doc: Document, i: int) -> tuple[int, LineScore] | None:
        """For line ``i``, which reaches the threshold but has no prose before its first signal:
        a note glued to its end (``_glued_note``), or sentences appended to prose (``_appended``)
        when the prose before them scores nothing on its own, as for a glued note, and has no more
        than a weak signal (its positive signals stay more than a point below the threshold): a
        weak signal early in a long sentence must not take the sentence with the ad, but a
        reseller's own preamble goes with its pitch. Last, a call glued with no mark at all
        (``_unmarked_call``)."""
        glued = self._glued_note(doc, i, spaced=self.heading(doc, i))
        if glued is not None:
            return glued[0], LineScore(glued[1].score, (*glued[1].reasons, "glued to the line's own text"))
        appended = self._appended(doc, i) if self.tail_max_len else None
        if appended is not None:
            own = self._hits(doc, doc.text[doc.lines.line(i).start : appended[0]])
            if self._weak(own) and sum(sig.weight for sig in own) <= 0:
                return appended
        return self._unmarked_call(doc, i)

    def _tail_after_prose(self, doc: Document, i: int, cut: int | None, which: set[int],
                          ) -> tuple[int, LineScore] | None:
        """Junk appended to the prose of line ``i``, which scores below the threshold as a whole
        (or is too long to score): where it starts and its score, or ``None``. ``cut`` is where the
        prose before the line's first signal ends (``_prose_end``). First a short note set off
        by a bracket, dash or symbol after it, which needs a point less (of several, the last one
        alone first: a dateline （本报北京1月1日电） followed by an ad keeps the dateline); then the
        closing sentences that reach the threshold on their own with the positive signals
        ``which`` the whole line has (see ``_appended``: the prose's length and guards do not
        protect what is appended to it)."""
        line = doc.lines.line(i)
        end = line.end
        text = doc.text
        if cut is not None:
            start = end - len(text[cut:end].lstrip())
            begins = [m.start() for m in _GLUE.finditer(text, start, end)  # from start: a run of dashes is one
                      if m.start() > start
                      and (not m.group().startswith(_OPENERS) or ONE_BRACKET_PAIR.fullmatch(text, m.start(), end))]
            candidates = list(dict.fromkeys((*reversed(begins), start)))
            spaced = _SPACED.fullmatch(text, cut, start) is not None  # …。　　note: set off by spaces
            for k, begin in enumerate(candidates):
                tail_text = text[begin:end]
                if 4 <= len(tail_text) <= 40 and (_SET_OFF.match(tail_text) or (spaced and begin == start)):
                    tail, telling = self._tail_score(doc, tail_text)
                    if tail.score >= self.threshold - 1 and telling:
                        # a symbol before it sets off the same note (⭐免费查重→www…): it starts there
                        for earlier in candidates[k + 1 :]:
                            if end - earlier > 40 or not _SYMBOL.match(text, earlier) \
                                    or _SENTENCE_END.search(text, earlier, begin):
                                break
                            longer, telling = self._tail_score(doc, text[earlier:end])
                            if longer.score < tail.score or not telling:
                                break
                            begin, tail = earlier, longer
                        # the same note repeated (（word版可编辑）（word版可编辑）…) goes whole
                        begin = first_copy(text, begin, text[begin:end].strip(), start)
                        begin = self._fold_start(doc, begin, end)
                        if spaced and begin == start:
                            begin = cut  # the spaces that set it off go with it
                        return begin, LineScore(tail.score, (*tail.reasons, "set off after prose"))
        if not self.tail_max_len:
            return None
        memo: dict[int, tuple[int, LineScore] | None] = doc.cache.setdefault(("appended", self.rule.id), {})
        if i not in memo:
            appended = self._appended(doc, i, which)
            memo[i] = None if appended is None else self._set_off_within(doc, appended[0], end, appended[1])
        return memo[i]

    def _appended(self, doc: Document, i: int, which: set[int] | None = None) -> tuple[int, LineScore] | None:
        """The sentences appended to the prose of line ``i`` within ``tail_max_len`` characters of
        its end, where they begin and their score: the shortest run of closing sentences that
        reaches the threshold on its own (with a positive signal that is not a mere form),
        extended back over each sentence before it that comes within a point of the threshold
        alone; at least ``prose_head`` Han characters must come before it, or a ``whole_line``
        guard (a run-in heading's outline number: （一）指导思想。) or an outline number in figures
        ((2) …). ``None``: none.

        ``which`` (the line as a whole stays below the threshold): the sentences count only these
        positive signals, the whole line's, and the guards (cutting must not make a line-start
        pattern fire), one of those positive ones must start within the last
        ``tail_max_len`` characters, and the prose before them must have no guard but a
        ``whole_line`` one."""
        line = doc.lines.line(i)
        text = doc.text
        end = len(text[line.start : line.end].rstrip()) + line.start
        lo = max(line.start, end - self.tail_max_len)
        ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, end) if m.end() < end]
        if not ends:
            return None
        among: list[Signal] | None = None
        if which is not None:
            if not any(self._starts_within(doc, n, lo, end) for n in which):
                return None
            among = [self.signals[n] for n in sorted(which)] + self._guards
        begin: int | None = None
        for k in range(len(ends) - 1, -1, -1):
            if begin is None:
                tail, telling = self._tail_score(doc, text[ends[k] : end], among)
                if tail.score >= self.threshold and telling:
                    begin = k
            else:
                one, telling = self._tail_score(doc, text[ends[k] : ends[begin]], among)
                if one.score < self.threshold - 1 or not telling:
                    break
                begin = k
        if begin is None:
            return None
        guards = [sig for sig in self._hits(doc, text[line.start : ends[begin]], among or self._guards)
                  if sig.weight < 0]
        if among is not None and any(not sig.whole_line for sig in guards):
            return None
        if len(_HAN_CHAR.findall(text, line.start, ends[begin])) < self.prose_head \
                and not any(sig.whole_line for sig in guards) and not _OUTLINE_START.match(text, line.start):
            return None
        start = end - len(text[ends[begin] : end].lstrip())
        start = self._fold_start(doc, start, end)
        tail, _ = self._tail_score(doc, text[start:end], among)
        if _SPACED.fullmatch(text, ends[begin], start):
            start = ends[begin]  # the spaces that set it off go with it
        return start, LineScore(tail.score, (*tail.reasons, "appended to prose"))

    def _fold_start(self, doc: Document, start: int, end: int) -> int:
        """Where the junk ``start``..``end`` appended to a line really starts: at a page fold
        (``call_start``: 展开阅读全文) glued to a text that scores nothing on its own (真个是：展开阅读全文∨,
        （新华社记者某某摄）展开阅读全文∨), else at ``start``."""
        if self.call_start is None:
            return start
        fold = self.call_start.search(doc.text, start, end)
        if fold is None or fold.start() == start:
            return start
        own, _ = self._tail_score(doc, doc.text[start : fold.start()])
        return fold.start() if own.score <= 0 else start

    def _prose_end(self, doc: Document, i: int, sentences_only: bool = False) -> int | None:
        """Where the prose at the head of line ``i`` ends (after its last sentence ending before
        the first positive signal), when it holds at least ``prose_head`` Han characters."""
        line = doc.lines.line(i)
        first = self._first_evidence(doc, i)
        head = doc.text[line.start : first]
        ends = [m.end() for m in _SENTENCE_END.finditer(head)]
        if ends and (len(_HAN_CHAR.findall(head, 0, ends[-1])) >= self.prose_head
                     or _QUOTED_END.search(head, 0, ends[-1])):  # a quoted line of dialogue is prose
            return line.start + ends[-1]
        # English prose: a sentence of at least half as many words as ``prose_head`` Han characters,
        # ended by a full stop or a colon before a space (… GPUs. 更多资料加QQ群：…)
        latin = [m.end() for m in _LATIN_SENTENCE_END.finditer(head)]
        if latin and len(_LATIN_WORD.findall(head, 0, latin[-1])) >= max(2, self.prose_head // 2):
            return line.start + latin[-1]
        if sentences_only:
            return None
        # Otherwise (a headline, a code line with a call glued on) the content runs up to the last
        # decoration or opening bracket before the first signal (↓↓↓, ☛, 👇, ★, 【 …) and needs a
        # third as many Han characters, Latin letters or digits.
        # an opening bracket closed before the first signal is the text's own ([copied link], 【注】)
        # and a > that closes a < (a title nested in a title: 《关于修改<某某法>的决定》) is no chevron
        decorations = [m for m in _DECORATION.finditer(head)
                       if (m.group()[-1] not in _CLOSERS or _CLOSERS[m.group()[-1]] not in head[m.end():])
                       and not (m.group()[0] == ">" and head.rfind("<", 0, m.start()) > head.rfind(">", 0, m.start()))]
        if _DECORATION.match(doc.text, first):  # the first signal is itself a decoration (★, ↓↓↓)
            cut = len(head)
        elif decorations:
            cut = decorations[-1].start()
        else:
            return None
        if len(_CONTENT_CHAR.findall(head, 0, cut)) >= max(1, self.prose_head // 3) \
                and not _FRAMED.match(head):  # a line framed by decorations is one
            return line.start + len(head[:cut].rstrip())
        return None

    def _first_evidence(self, doc: Document, i: int) -> int:
        """Where the evidence of line ``i``'s first positive signal begins (its end: none)."""
        line = doc.lines.line(i)
        first = line.end
        found: dict[int, set[int]] = doc.cache[("signal-lines", self.rule.id)]  # set by _score, its caller
        for n in sorted(found.get(i, ())):  # the positive signals whose matches start on the line
            if self.signals[n].weight <= 0:
                continue
            starts: list[int] | None = doc.cache.get(("signal-starts", self.rule.id, n))
            if starts:
                k = bisect_left(starts, line.start)
                if k < len(starts) and starts[k] < first:
                    first = min(first, self._evidence_start(doc, n, starts[k], line.start, line.end))
        return first

    def _unmarked_call(self, doc: Document, i: int) -> tuple[int, LineScore] | None:
        """A call glued straight to line ``i``'s own text, with no mark between (a headline
        followed by 更多相关内容请阅读…栏目, a question followed by …… 展开全文): it begins at the
        words before the line's first positive signal that ``call_lead`` matches at the end of the
        text before it (更多相关内容, ……), or at the first signal itself when ``call_start`` matches
        there (a page fold such as 展开阅读全文∨), or at a contact that is all the rest of the line
        (``_glued_contact``: …仍然说：V：ab1234). The text before them must have no more than a weak
        signal (``_weak``) and, before a lead, hold at least a third of ``prose_head`` Han
        characters, letters or digits; the call must reach the threshold on its own, and no signal
        may straddle the cut."""
        line = doc.lines.line(i)
        text = doc.text
        first = self._first_evidence(doc, i)
        end = line.start + len(text[line.start : line.end].rstrip())
        if first >= end:
            return None
        head = text[line.start : first]
        lead = self.call_lead.search(head) if self.call_lead is not None else None
        least = 1  # a page fold is junk whatever comes before it: any text of the line's own stays
        if lead is not None:
            first = line.start + lead.start()
            least = max(1, self.prose_head // 3)
        elif (self.call_start is None or not self.call_start.match(text, first, end)) \
                and not self._glued_contact(doc, head, text[first:end]):
            return None
        head = text[line.start : first]
        if len(_CONTENT_CHAR.findall(head)) < least:
            return None
        own_hits = self._hits(doc, head)
        if not self._weak(own_hits):
            return None
        call, telling = self._tail_score(doc, text[first:end])
        if call.score < self.threshold or not telling:
            return None
        if self._straddles(doc, text[line.start : end], _score_of(own_hits)[0], call):
            return None
        return first, LineScore(call.score, (*call.reasons, "glued to the line's own text"))

    def _contact_after_text(self, doc: Document, i: int) -> tuple[int, LineScore] | None:
        """A contact glued with no mark to the end of line ``i``, which stays below the threshold
        as a whole (a guarded heading or article: ## 第二章 汇交与保管V：ab12345): where it begins
        and its score, when it reaches the threshold alone (see ``_glued_contact``)."""
        line = doc.lines.line(i)
        text = doc.text
        first = self._first_evidence(doc, i)
        end = line.start + len(text[line.start : line.end].rstrip())
        if first >= end or not self._glued_contact(doc, text[line.start : first], text[first:end]):
            return None
        call, telling = self._tail_score(doc, text[first:end])
        if call.score < self.threshold or not telling:
            return None
        return first, LineScore(call.score, (*call.reasons, "glued to the line's own text"))

    def _glued_contact(self, doc: Document, head: str, tail: str) -> bool:
        """Whether ``tail``, from a line's first positive signal to its end, is a contact and
        nothing more, glued to the line's own text ``head``: it is short, its only positive
        signals are ``glued_signals``, their matches hold every word of it; ``head`` has no
        bracket left open (交流群（QQ）：… is one field), does not lead into it (``contact_lead``),
        and ends a sentence or holds half of ``prose_head`` Han characters, letters or digits."""
        if not self.glued_signals or len(tail) > _GLUED_CONTACT_LEN or _OPEN_BRACKET.search(head):
            return False
        if self.contact_lead is not None and self.contact_lead.search(head):
            return False
        least = 1 if ENDS_SENTENCE.search(head) else max(1, self.prose_head // 2)
        if len(_CONTENT_CHAR.findall(head)) < least:
            return False
        hits = [sig for sig in self._hits(doc, tail) if sig.weight > 0]
        if not hits or any(sig.name not in self.glued_signals for sig in hits):
            return False
        covered = [False] * len(tail)
        for sig in hits:
            for m in finditer(self.rule, sig.pattern, tail, doc.time_budget):
                covered[m.start() : m.end()] = [True] * (m.end() - m.start())
        return not any(_CONTENT_CHAR.match(ch) for ch, held in zip(tail, covered, strict=True) if not held)

    def _glued_note(self, doc: Document, i: int, spaced: bool = False) -> tuple[int, LineScore] | None:
        """Where a note glued to the end of line ``i`` by a bracket, a dash or a symbol begins,
        and its score, when the note comes within a point of the threshold on its own (a set-off
        note, see ``prose_head``) and the line's text before it scores nothing on its own (its
        signals, negative ones included, add up to zero or less), or ends a sentence and stays
        below the threshold alone: a headline, a verse's lead-in or a code line with an ad
        appended keeps its own text, however short. ``spaced`` (a heading's line): spaces set a
        note off too (a tab, an ideographic space or two spaces: （三）加强队伍建设　　更多资料见…)."""
        line = doc.lines.line(i)
        body = doc.text[line.start : line.end].rstrip()
        if len(body) > self.max_len:
            return None
        glues = list(_GLUE.finditer(body, 1))
        spaces = list(_SPACE_GLUE.finditer(body, 1)) if spaced else []
        # spaces too, but not in a table of contents' line (第一章　总则　　第3页)
        if spaces and not _PAGE_REF.fullmatch(body, spaces[-1].end()):
            glues = sorted(glues + spaces, key=lambda g: g.start())
        for m in reversed(glues):
            start = m.start()
            if m.group().startswith(_OPENERS) and ONE_BRACKET_PAIR.fullmatch(body, start) is None:
                continue
            head = body[:start].rstrip()
            if not _KEEPABLE.search(head):
                return None
            if m.group()[0] in "—-" and _LATIN_AFTER.match(body, m.end()):
                continue  # a dash inside an English sentence
            if m.re is _SPACE_GLUE and _BARE_NUMBER.fullmatch(head):
                continue  # the space after a heading's number (## 第一章　总则…): its words follow
            if not m.group().startswith(("（", "(", "—", "-")) and _FRAMED.match(head):
                return None  # a line framed by decorations (☆☆☆ 2024新版 ☆ 独家首发 ☆☆☆) is one
            inner = [e.end() for e in _INNER_SENTENCE_END.finditer(body, m.end(), len(body))]
            if inner:  # a clause that ends before the junk is the line's own (—南亚博览会开幕；v：…)
                start = inner[-1] + len(body[inner[-1] :]) - len(body[inner[-1] :].lstrip())
                head = body[: inner[-1]]
            tail, telling = self._tail_score(doc, body[start:])
            if tail.score < self.threshold - 1 or not telling:
                continue
            own, _ = self._tail_score(doc, head)
            if own.score >= self.threshold:
                return None
            if own.score > 0 and not ENDS_SENTENCE.search(head) and not _ENGLISH_END.search(head):
                continue  # a sentence that scores below the threshold alone is the line's own
            if self._straddles(doc, body, own, tail):  # ★松岚学堂★ is one decorated name
                return None
            return line.start + len(head), tail
        return None

    def _evidence_start(self, doc: Document, n: int, start: int, lo: int, hi: int) -> int:
        """Where signal ``n``'s evidence on the line ``lo``..``hi`` begins: its first match
        ``start``, or the line start when one of its patterns that looks back to the line start
        (``X(?<=^…)``, which vouches for everything before X) matches there."""
        if "(?<=^" not in self.signals[n].pattern.pattern:
            return start
        parts = self._evidence.get(n)
        if parts is None:
            sig = self.signals[n]
            key = f"signals.{sig.name}"
            parts = self._evidence[n] = [compile_patterns(self.rule, [src], key=key, ignore_case=sig.ignore_case)
                                         for src in sig.sources if "(?<=^" in src]
        text, budget = doc.text, doc.time_budget
        if any(next(finditer(self.rule, c, text, budget, lo, hi), None) is not None for c in parts):
            return lo
        # No source that looks back matched: the first match came from another source.
        return start

    def kept_prose(self, doc: Document, i: int, score: LineScore) -> bool:
        """Whether line ``i`` (scored ``score``) is the document's own text with junk appended,
        of which only the junk goes (see ``prose_head``): prose kept below the threshold, or a
        line whose junk tail ``scores`` recorded."""
        return any(r.startswith(_KEPT_PROSE) for r in score.reasons) \
            or i in doc.cache.get(("prose-tails", self.rule.id), ())

    def telling(self, score: LineScore) -> bool:
        """Whether one of the positive signals behind ``score`` says more than its form (is not
        a ``form`` signal); bonuses for context do not count."""
        return any(name in self._telling for name, sep, _ in (r.rpartition("+") for r in score.reasons) if sep)

    def _hits(self, doc: Document, text: str, among: Sequence[Signal] | None = None) -> list[Signal]:
        """The signals (of ``among``, or all), positive and negative, that match in ``text``,
        read as one line. Remembered for all signals and for the guards: a document's junk
        repeats, and the later passes read the same lines again."""
        tag = 0 if among is None else 1 if among is self._guards else 2 if among is self._heading_guards else -1
        if tag >= 0:
            known = self._hits_of.get((tag, text))
            if known is not None:
                return list(known)
        found = [sig for sig in (self.signals if among is None else among)
                 if search(self.rule, sig.pattern, text, doc.time_budget)]
        if tag >= 0:
            if len(self._hits_of) >= HITS_REMEMBERED:
                self._hits_of.clear()
            self._hits_of[(tag, text)] = tuple(found)
        return found

    def _starts_within(self, doc: Document, n: int, lo: int, hi: int) -> bool:
        """Whether a match of signal ``n`` (as ``_found`` recorded) starts in ``lo``..``hi``."""
        starts: list[int] = doc.cache.get(("signal-starts", self.rule.id, n), [])
        k = bisect_left(starts, lo)
        return k < len(starts) and starts[k] < hi

    def _tail_score(self, doc: Document, tail: str, among: Sequence[Signal] | None = None) -> tuple[LineScore, bool]:
        """The score of ``tail`` as a line of its own, from its signals (of ``among``, or all)
        alone, and whether its positive signals say more than its form (one of them is not a
        ``form`` signal)."""
        return _score_of(self._hits(doc, tail, among))

    def _weak(self, hits: list[Signal]) -> bool:
        """Whether the positive signals among ``hits`` (each name once) stay more than a point
        below the threshold."""
        return sum(w for w in {sig.name: sig.weight for sig in hits}.values() if w > 0) < self.threshold - 1

    def _straddles(self, doc: Document, whole: str, head: LineScore, tail: LineScore) -> bool:
        """Whether a positive signal of ``whole`` (one line) is neither the ``head``'s nor the
        ``tail``'s it was cut into: its evidence straddles the cut."""
        full, _ = self._tail_score(doc, whole)
        return not {r for r in full.reasons if "+" in r} <= {*head.reasons, *tail.reasons}

    def _found(self, doc: Document) -> dict[int, set[int]]:
        """Line index → positions in ``signals`` of the positive signals whose matches start there.

        Signals with literal anchors (see ``regexes.literal_anchors``) are tried only where the
        occurrences of their anchor strings, found in one scan for all of them, let a match
        start; the others run over the whole text. Both find the same matches as ``finditer``
        over the whole text."""
        text, budget = doc.text, doc.time_budget
        found: dict[int, set[int]] = {}
        if self._scan is None:
            self._scan = _AnchorScan(self.signals)
        scan = self._scan.plan(text)
        carry = _carry(doc)
        for n, sig in scan.native:
            starts = self._carried_starts(doc, n, sig, carry)
            if starts is None:
                lines = self._gated_lines(doc, n)
                spans = [(0, len(text))] if lines is None else lines
                starts = [m.start() for a, b in spans for m in finditer(self.rule, sig.pattern, text, budget, a, b)]
            self._add(doc, found, n, starts)
        if not scan.strings:
            return found
        # Signals whose matches can be carried over from an earlier document need no anchors.
        carried: dict[int, list[int]] = {}
        for k, (n, sig, _anchors) in enumerate(scan.anchored):
            starts = self._carried_starts(doc, n, sig, carry)
            if starts is not None:
                carried[k] = starts
        # 1. Every occurrence of an anchor string gives a window of possible starts.
        windows: list[list[tuple[int, int]]] = [[] for _ in scan.anchored]
        runs: dict[tuple[int, int], tuple[int, int]] = {}  # (signal, anchor) → last (p, run start)
        by_string, sizes = scan.by_string, scan.sizes
        if len(carried) < len(scan.anchored):
            for p in _occurrences(doc, self.rule.id, scan):
                for size in sizes.get(text[p : p + 1], ()):
                    for k, a in by_string.get(text[p : p + size], ()):
                        if k in carried:
                            continue
                        lo, hi, _strings, chars = scan.anchored[k][2][a]
                        if hi == LINE_START:
                            c = _line_start(doc, p)
                            windows[k].append((c, c))
                        elif hi == RUN_START:
                            assert chars is not None
                            windows[k].append((_run_start(text, p, chars, runs, (k, a)), p - lo))
                        else:
                            windows[k].append((p - hi, p - lo))
        # 2. Each signal is tried at those starts in order, skipping what a match covered, as
        # ``finditer`` does.
        rule = self.rule
        for k, (n, sig, _anchors) in enumerate(scan.anchored):
            if k in carried:
                self._add(doc, found, n, carried[k])
                continue
            starts = []
            pos = 0  # where finditer would search next
            tried = -1  # every start up to here has been tried
            twin = self._twin(n) if len(text) >= TWIN_TEXT else None
            for lo, hi in sorted(windows[k]):
                c = max(lo, pos, tried + 1)
                while c <= hi:
                    m = twin.match(text, c) if twin is not None else match(rule, sig.pattern, text, c, budget)
                    if m is None:
                        c += 1
                        continue
                    starts.append(c)
                    c = pos = max(m.end(), c + 1)
                tried = max(tried, hi)
            self._add(doc, found, n, starts)
        return found

    def register_gates(self) -> tuple[int, ...]:
        """Register the gates of the signals that declare one with the prescan (see
        ``engine.detect``); a gated signal's patterns must never read past a line break. Their keys."""
        for n, sig in enumerate(self.signals):
            if sig.gate is not None and n not in self._gates:
                gate = checked_gate(self.rule, sig.gate, sig.pattern, f"signals.{sig.name}.gate")
                self._gates[n] = prescan.register(gate)
        if self.unspread is not None and self._unspread_gate is None:
            gate = checked_gate(self.rule, self.unspread.gate, self.unspread.lines, "unspread.lines")
            self._unspread_gate = prescan.register(gate)
        unspread = () if self._unspread_gate is None else (self._unspread_gate,)
        return (*self._gates.values(), *unspread)

    def _gated_lines(self, doc: Document, n: int) -> list[tuple[int, int]] | None:
        """The only lines where signal ``n`` can match, from the prescan; ``None``: all."""
        if self.signals[n].gate is None or len(doc.text) < prescan.MIN_SIZE:
            return None
        self.register_gates()
        return prescan.gated_lines(doc, self._gates[n])

    def _twin(self, n: int) -> re.Pattern[str] | None:
        """Signal ``n``'s pattern as the stdlib compiles it, when both engines read it alike (see
        ``stdlib_twin``): quicker to try at a single offset. Built on first use."""
        if n not in self._twins:
            sig = self.signals[n]
            pattern = sig.pattern
            self._twins[n] = (None if sig.ignore_case or isinstance(pattern, re.Pattern)
                              or pattern.flags & regex.IGNORECASE else stdlib_twin(pattern.pattern, multiline=False))
        return self._twins[n]

    def _add(self, doc: Document, found: dict[int, set[int]], n: int, starts: list[int]) -> None:
        """Record where signal ``n`` matched (and keep it for edited copies of ``doc``)."""
        doc.cache[("signal-starts", self.rule.id, n)] = starts
        line_of = doc.lines.line_of
        for start in starts:
            found.setdefault(line_of(start), set()).add(n)

    def _carried_starts(self, doc: Document, n: int, sig: Signal,
                        carry: tuple[dict[Any, Any], list[tuple[int, int, str]], list[tuple[int, int]]] | None,
                        ) -> list[int] | None:
        """Where signal ``n`` matches in an edited copy of an earlier document (see
        ``Document.base``), from its matches there, when its regex never reads past a line
        break: the earlier matches stand on the lines the edits left alone, and the regex runs
        on the others. ``None`` when that cannot be done."""
        if carry is None:
            return None
        earlier: list[int] | None = carry[0].get(("signal-starts", self.rule.id, n))
        if earlier is None:
            return None
        confined = self._confined.get(n)
        if confined is None:
            confined = self._confined[n] = line_confined(sig.pattern)
        if not confined:
            return None
        _cache, edits, ranges = carry
        starts: list[int] = []

        def run(lo: int, hi: int) -> None:
            starts.extend(m.start() for m in finditer(self.rule, sig.pattern, doc.text, doc.time_budget, lo, hi))

        r = 0
        for q in _carried(earlier, edits):
            while r < len(ranges) and ranges[r][1] < q:
                run(*ranges[r])
                r += 1
            if r < len(ranges) and ranges[r][0] <= q:
                continue  # on a line the edits touched: run there
            starts.append(q)
        for lo, hi in ranges[r:]:
            run(lo, hi)
        return starts

    def _add_neighbour_bonus(self, doc: Document, out: dict[int, LineScore], prose: set[int]) -> None:
        bodies = doc.lines.bodies
        counts = _line_counts(doc)
        strong = {i for i, s in out.items() if s.score >= self.threshold}
        counts.prime({bodies[i].strip() for i in strong})
        # A watermark repeated between paragraphs says nothing about the lines around it.
        strong = {i for i in strong if counts[bodies[i].strip()] == 1}
        if not strong:
            return
        for i, s in list(out.items()):
            if s.score >= self.threshold or s.score <= 0 or i in prose:
                continue
            if nearest_nonblank(bodies, i, -1) in strong or nearest_nonblank(bodies, i, 1) in strong:
                out[i] = LineScore(s.score + self.neighbour_bonus,
                                   (*s.reasons, f"next to reseller line{self.neighbour_bonus:+d}"))


def _score_of(hits: list[Signal]) -> tuple[LineScore, bool]:
    """The score of a text whose signals are ``hits``, and whether one of its positive signals
    says more than its form (is not a ``form`` signal)."""
    weights = {sig.name: sig.weight for sig in hits}
    telling = any(sig.weight > 0 and not sig.form for sig in hits)
    return LineScore(sum(weights.values()), tuple(f"{name}{w:+d}" for name, w in weights.items())), telling


def _signal(rule: Rule, data: Any) -> Signal:
    name = str(data["name"])
    weight = int(data["weight"])
    ignore_case = bool(data.get("ignore_case", False))
    pattern = compile_patterns(rule, data["patterns"], key=f"signals.{name}", ignore_case=ignore_case)
    gate = declared_gate(rule, data.get("gate"), f"signals.{name}.gate")
    return Signal(name, weight, pattern, tuple(data["patterns"]), ignore_case, bool(data.get("form", False)), gate,
                  bool(data.get("whole_line", False)))


_SENTENCE_END = re.compile(r"[。！？!?；;…．]+[”’」』）)]*")
# Symbols that set a call off from the prose it is glued to: arrows, stars, pointing hands, emoji,
# square brackets (round ones and bars belong to sentences and bylines as often).
_DECORATION = re.compile("[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"
                         "\u203b\U0001f000-\U0001faff~～#＃>»►【〔［\\[]+")
_INNER_SENTENCE_END = re.compile(r"[。！？!?；;](?=[^\n]*[^\s。！？!?；;”’」』）)])")  # not at the end
# an outline number in Arabic figures opening a run-in item ((2) …, 3. …): the item's words are its own
_OUTLINE_START = re.compile(r"[ \t\u3000]*(?:[（(][0-9]{1,3}[）)]|[0-9]{1,2}[.、．](?![0-9]))")
_QUOTED_END = re.compile("[。！？!?…][”’」』]$")
_CLOSERS = {"【": "】", "〔": "〕", "［": "］", "[": "]"}
_OPEN_BRACKET = re.compile(r"[（(【\[〔［「『《][^）)】\]〕］」』》]*$")
_KEPT_PROSE = "prose before the junk"  # the reason given to prose kept below the threshold
_SIGNED_REASON = re.compile(r"[+-][0-9]+$")  # a signal's or a bonus's reason (contact-id+3)
_GLUED_CONTACT_LEN = 30  # a contact glued to a line (V：ab1234, QQ：12345678) is no longer
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
_LATIN_SENTENCE_END = re.compile(r"(?<=[A-Za-z0-9)\]])[.:!?](?=[ \t\u3000])")  # before a space
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_ENGLISH_END = re.compile(r"[A-Za-z0-9`'\")\]]\.$")  # an English sentence's full stop
_SET_OFF = re.compile("[（(【\\[〔［—~～\u2190-\u21ff\u25a0-\u25ff\u2600-\u27bf\U0001f000-\U0001faff★☆]")
_CONTENT_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# What glues a note to the end of a line: a bracket, a dash, a decoration or an emoji; a bracket's note
# closes at the line's end.
_OPENERS = ("（", "(", "【", "〔", "［", "[", "「")
# the symbols that set a note off (not a bracket or a dash, which belong to sentences too)
_SYMBOLS = "★☆※▲▼◆■●►▶→⇒➤☞👉\u2b50-\u2b55\u2600-\u26ff\U0001f300-\U0001faff"
_GLUE = re.compile(f"[（(【〔［\\[「]|—{{1,2}}|-{{2,}}|[{_SYMBOLS}~～]+")
# the spaces that set a note off after a finished sentence or a heading's words: a tab, an
# ideographic space or two spaces (one space separates words)
_SPACES = "[ ]*[\t\u3000][ \t\u3000]*|[ ]{2,}"
_SPACED = re.compile(_SPACES)
_SPACE_GLUE = re.compile(f"(?:{_SPACES})(?=\\S)")
# a heading's number alone, before the heading's words (## 第一章, （三）, 二、)
_BARE_NUMBER = re.compile("[ \t\u3000]*(?:#{1,6}[ \t]+)?[ \t\u3000]*(?:第[一二三四五六七八九十百零〇0-9]+[章节編编条款]"
                          "|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])?")
# a page number that ends a table of contents' line (第一章　总则　　第3页, …　　P12)
_PAGE_REF = re.compile("(?:第[ \t]*)?[0-9０-９]{1,4}[ \t]*[页頁]?|[Pp]\\.?[ \t]?[0-9]{1,4}")
_SYMBOL = re.compile(f"[{_SYMBOLS}]")
_LATIN_AFTER = re.compile(r"[ \t\u3000]*[A-Za-z]")
# (a Markdown heading's hashes are no frame)
_FRAMED = re.compile("(?![ \t]{0,3}#{1,6}[ \t])"
                     "[ \t\u3000]*[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"
                     "\u203b\u2550-\u256c\U0001f000-\U0001faff~～#＃>»=＝]")
# A line's own text: a character of a word, of code or of a separator line, or a date (not a page number).
_KEEPABLE = re.compile(r"[\u4e00-\u9fffA-Za-z`{};=*＊]|[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}")
MIN_ANCHOR_LEN = 2  # shorter anchors are used only when they are rare in the text
RARE_ANCHOR = 2000  # ... at most one occurrence per this many characters
SPLIT_TEXT = 200_000  # characters; larger texts are scanned for anchors by split tries
SAMPLE = 200_000  # characters of the text whose frequencies decide the split
TWIN_TEXT = 100_000  # characters; in smaller texts signals are tried with their own pattern, as
# compiling a stdlib twin (see ``_twin``) costs more than it saves there
# The tries hold the 16 most frequent first characters, the next 32, the next 48, … (the more
# frequent the characters, the fewer alternatives each of their offsets tries).
_SPLIT = tuple(8 * k * (k + 1) for k in range(1, 12))  # 16, 48, 96, 160, 240, 336, …


class _AnchorScan:
    """How a scorer's positive signals are scanned: by literal anchors, or natively."""

    def __init__(self, signals: tuple[Signal, ...]) -> None:
        # A signal with a gate scans the lines its gate lets through (see ``_gated_lines``).
        self.signals = [(n, sig, literal_anchors(sig.pattern) if sig.gate is None else None)
                        for n, sig in enumerate(signals) if sig.weight > 0]
        self._plans: dict[tuple[int, ...], _ScanPlan] = {}
        # The anchor strings of every plan: one Hyperscan database finds them in any text (a
        # plan's lookups skip the others), rather than a database for each choice of signals.
        self.strings = tuple(sorted({s for _n, _sig, anchors in self.signals if anchors
                                     for anchor in anchors for s in anchor[2]}))

    def plan(self, text: str) -> _ScanPlan:
        """Which signals to scan by anchor in ``text``: all that have anchors, except those with
        one-character anchors that are frequent in the text (trying them all would be slower)."""
        sample = min(len(text), 200_000)
        limit = sample // RARE_ANCHOR
        chosen = []
        for n, _sig, anchors in self.signals:
            if anchors is None:
                continue
            seen = 0
            for s in (s for a in anchors for s in a[2] if len(s) < MIN_ANCHOR_LEN):
                seen += text.count(s, 0, sample)
                if seen > limit:
                    break
            else:
                chosen.append(n)
        key = tuple(chosen)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _ScanPlan(
                [(n, sig, a) for n, sig, a in self.signals if n in key and a is not None],
                [(n, sig) for n, sig, _ in self.signals if n not in key], self.strings)
        return plan


class _ScanPlan:
    """The anchor strings of some signals, found in one scan; the other signals run natively."""

    def __init__(self, anchored: list[tuple[int, Signal, list[Anchor]]],
                 native: list[tuple[int, Signal]], scanned: tuple[str, ...] = ()) -> None:
        self.native = native
        self.anchored = anchored
        by_string: dict[str, list[tuple[int, int]]] = {}
        for k, (_n, _sig, anchors) in enumerate(anchored):
            for a, anchor in enumerate(anchors):
                for s in anchor[2]:
                    by_string.setdefault(s, []).append((k, a))
        self.by_string = {s: tuple(v) for s, v in by_string.items()}
        self.strings = tuple(sorted(by_string))
        self.scanned = scanned or self.strings  # what the prescan looks for (a superset)
        self.lengths = tuple(sorted({len(s) for s in by_string}, reverse=True))
        # first character → the lengths of the strings that start with it, longest first
        sizes: dict[str, set[int]] = {}
        for s in by_string:
            sizes.setdefault(s[0], set()).add(len(s))
        self.sizes = {ch: tuple(sorted(v, reverse=True)) for ch, v in sizes.items()}
        # Occurrences that start inside another are looked up one by one.
        self._finder: re.Pattern[str] | None = None
        self.overlapping = _overlapping(list(by_string))
        self._finders: list[re.Pattern[str]] | None = None

    @property
    def finder(self) -> re.Pattern[str] | None:
        """One regex for every anchor string: a trie-shaped alternation (much faster in ``re``
        than a flat one); compiled when first needed (the prescan finds them without it)."""
        if self._finder is None and self.strings:
            self._finder = re.compile(_trie(list(self.strings)))
        return self._finder

    def finders(self, sample: str) -> list[re.Pattern[str]]:
        """The anchor strings split by first character over a few tries, which find them
        faster than one: ``re`` tries the alternatives of a trie's root one after another at
        every offset that holds one of their first characters, so characters that are frequent
        in ``sample`` go to small tries of their own. Built on first use and kept (any split
        finds the same strings; the sample only decides which is quick)."""
        if self._finders is None:
            strings = sorted(self.by_string)
            counts = Counter(sample)
            firsts = sorted({s[0] for s in strings}, key=lambda ch: (-counts[ch], ch))
            bounds = [0, *(b for b in _SPLIT if b < len(firsts)), len(firsts)]
            self._finders = []
            for lo, hi in pairwise(bounds):
                chars = set(firsts[lo:hi])
                self._finders.append(re.compile(_trie([s for s in strings if s[0] in chars])))
        return self._finders


def _occurrences(doc: Document, rule_id: str, scan: _ScanPlan) -> list[int]:
    """The offsets, in order, where one of ``scan``'s anchor strings may occur in ``doc``: every
    occurrence, and maybe other offsets (cached).

    When the document is an edited copy of an earlier one whose occurrences are known (the
    engine's later passes; see ``Document.base``), they are carried over where the text is
    unchanged and looked up only where the edits put new text: an occurrence depends on the
    few characters after its offset only."""
    key = ("anchor-occurrences", rule_id)
    cached: tuple[_ScanPlan, list[int]] | None = doc.cache.get(key)
    if cached is not None and cached[0] is scan:
        return cached[1]
    base = doc.base
    earlier = base[0].get(key) if base is not None else None
    if base is not None and earlier is not None and earlier[0] is scan:
        found = _carried_occurrences(doc.text, earlier[1], base[1], scan)
    else:
        found = _scanned_occurrences(doc.text, scan)
    doc.cache[key] = (scan, found)
    return found


HITS_REMEMBERED = 20_000  # texts whose signals a scorer remembers (then it starts afresh)

# Carrying signal matches over costs a regex call per signal and edited line range; scanning
# afresh costs about the same per this many characters of text. With more ranges than the text
# has such stretches (a document edited all over), the signals scan afresh.
CARRY_RANGE_COST = 2_500


def _carry(doc: Document) -> tuple[dict[Any, Any], list[tuple[int, int, str]], list[tuple[int, int]]] | None:
    """For an edited copy of an earlier document: that document's cache, the edits, and the
    ranges of whole lines the edits touched (widened by a character each side); cached.
    ``None`` when the edits touch so many places that scanning afresh is quicker."""
    if doc.base is None:
        return None
    ranges: list[tuple[int, int]] | None = doc.cache.get("edited-lines")
    if ranges is None:
        ranges = doc.cache["edited-lines"] = doc.lines.ranges_touching(
            [(max(0, a - 1), b + 1) for a, b in EditMap(doc.base[1]).spans])
    if len(ranges) * CARRY_RANGE_COST > len(doc.text):
        return None
    return doc.base[0], doc.base[1], ranges


def _carried(earlier: list[int], edits: list[tuple[int, int, str]]) -> list[int]:
    """The sorted offsets ``earlier`` that no edit removed, moved to the edited text."""
    starts = [s for s, _, _ in edits]
    shifts: list[int] = []
    delta = 0
    for s, e, r in edits:
        delta += len(r) - (e - s)
        shifts.append(delta)
    out: list[int] = []
    for p in earlier:
        k = bisect_right(starts, p) - 1
        if k >= 0 and p < edits[k][1]:
            continue  # inside an edit: that text is gone
        out.append(p + (shifts[k] if k >= 0 else 0))
    return out


def _starts_here(text: str, p: int, scan: _ScanPlan) -> bool:
    by_string = scan.by_string
    return any(text[p : p + n] in by_string for n in scan.lengths)


def _scanned_occurrences(text: str, scan: _ScanPlan) -> list[int]:
    """Every occurrence, found in one scan. Occurrences may start inside another; then every
    offset the scan's matches cover is listed (looking up those where nothing starts finds
    nothing, which is quicker than weeding them out here)."""
    if len(text) >= prescan.MIN_SIZE:
        native = prescan.literal_occurrences(text, scan.scanned)
        if native is not None:
            return native
    assert scan.finder is not None
    finders = [scan.finder] if len(text) < SPLIT_TEXT else scan.finders(text[:SAMPLE])
    found: list[int] = []
    for finder in finders:
        if not scan.overlapping:
            found.extend(m.start() for m in finder.finditer(text))
        else:
            for occurrence in finder.finditer(text):
                found.extend(range(*occurrence.span()))
    return found if len(finders) == 1 else sorted(set(found))


def _carried_occurrences(text: str, earlier: list[int], edits: list[tuple[int, int, str]],
                         scan: _ScanPlan) -> list[int]:
    """The occurrences in ``text`` = the earlier text with ``edits`` (sorted, disjoint, in the
    earlier text's offsets) applied, given the offsets ``earlier`` listed there (offsets where
    nothing occurs stay harmless: the text after them is the same)."""
    reach = max(scan.lengths) + 1  # an occurrence reads at most this many characters
    # Where each edit's new text sits in ``text``; offsets from ``lo - reach`` to ``hi`` may
    # read characters that are new or that the edit brought together.
    dirty: list[tuple[int, int]] = []
    delta = 0
    for s, e, r in edits:
        a = s + delta
        delta += len(r) - (e - s)
        lo, hi = max(0, a - reach), min(len(text), a + len(r) + 1)
        if dirty and lo <= dirty[-1][1]:
            dirty[-1] = (dirty[-1][0], max(dirty[-1][1], hi))
        else:
            dirty.append((lo, hi))
    carried = _carried(earlier, edits)
    out: list[int] = []
    d = 0
    for q in carried:
        while d < len(dirty) and dirty[d][1] <= q:
            lo, hi = dirty[d]
            out.extend(p for p in range(lo, hi) if _starts_here(text, p, scan))
            d += 1
        if d < len(dirty) and dirty[d][0] <= q:
            continue  # in a dirty range: looked up there
        out.append(q)
    for lo, hi in dirty[d:]:
        out.extend(p for p in range(lo, hi) if _starts_here(text, p, scan))
    return out


def _run_start(text: str, p: int, chars: frozenset[str], cache: dict[tuple[int, int], tuple[int, int]],
               key: tuple[int, int]) -> int:
    """Where the run of ``chars`` that ends at ``p`` starts (reusing the previous occurrence's
    run when this one continues it, so long runs are walked once)."""
    last = cache.get(key)
    stop = last[0] if last is not None and last[0] < p else 0
    c = p
    while c > stop and text[c - 1] in chars:
        c -= 1
    if c == stop and last is not None and last[0] == stop and stop > 0:
        c = min(c, last[1])
    cache[key] = (p, c)
    return c


def _trie(strings: list[str]) -> str:
    """A regex matching exactly ``strings`` (non-empty, sorted), shaped as a trie."""
    groups: dict[str, list[str]] = {}
    for s in strings:
        groups.setdefault(s[0], []).append(s[1:])
    alts = []
    for first, rests in groups.items():
        tails = [r for r in rests if r]
        if not tails:
            alts.append(re.escape(first))
            continue
        sub = _trie(tails)
        alts.append(re.escape(first) + (f"(?:{sub})?" if len(tails) < len(rests) else f"(?:{sub})"))
    return "|".join(alts)


def _overlapping(strings: list[str]) -> bool:
    """True when an occurrence of one string can start inside an occurrence of another."""
    for s in strings:
        for k in range(1, len(s)):
            tail = s[k:]
            if any(t.startswith(tail) or tail.startswith(t) for t in strings):
                return True
    return False


def _line_start(doc: Document, p: int) -> int:
    """Where the line holding offset ``p`` starts, counting only ``\\n`` as a break (as ``^``
    does in multi-line patterns)."""
    lines = doc.lines
    start = lines.starts[lines.line_of(p)]
    if start == 0 or doc.text[start - 1] == "\n":
        return start
    return doc.text.rfind("\n", 0, start) + 1


def nearest_nonblank(bodies: list[str], i: int, step: int) -> int | None:
    """Index of the nearest non-blank line before (``step=-1``) or after (``step=1``) line ``i``."""
    j = i + step
    while 0 <= j < len(bodies):
        if bodies[j].strip():
            return j
        j += step
    return None


def _nonblank_lines(doc: Document) -> list[int]:
    """Indices of the non-blank lines, in order; cached."""
    cached: list[int] | None = doc.cache.get("nonblank-lines")
    if cached is None:
        bodies = doc.lines.bodies
        cached = list(compress(range(len(bodies)), map(str.strip, bodies)))
        doc.cache["nonblank-lines"] = cached
    return cached


class LineCounts:
    """How often each stripped line text occurs in a document, counted on demand (counting
    every line of a big text costs time and memory; the rules only ask about a few)."""

    __slots__ = ("_bodies", "_counts")

    def __init__(self, bodies: list[str]) -> None:
        self._bodies = bodies
        self._counts: dict[str, int] = {}

    def prime(self, keys: set[str]) -> None:
        """Count ``keys`` in one pass over the lines."""
        missing = {k for k in keys if k not in self._counts}
        if not missing:
            return
        found = Counter(filter(missing.__contains__, map(str.strip, self._bodies)))
        for k in missing:
            self._counts[k] = found[k]

    def __getitem__(self, key: str) -> int:
        if key not in self._counts:
            self.prime({key})
        return self._counts[key]

    def get(self, key: str, default: int = 0) -> int:
        """Like ``dict.get``: the count, or ``default`` for a text that is no line."""
        return self[key] or default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self[key] > 0


def _line_counts(doc: Document) -> LineCounts:
    """The document's line counts; cached."""
    cached: LineCounts | None = doc.cache.get("line-counts")
    if cached is None:
        cached = LineCounts(doc.lines.bodies)
        doc.cache["line-counts"] = cached
    return cached


def nonblank_lines(doc: Document) -> list[int]:
    """Public access to the cached indices of the non-blank lines for other kinds."""
    return _nonblank_lines(doc)


def line_counts(doc: Document) -> LineCounts:
    """Public access to the cached line counts for other kinds."""
    return _line_counts(doc)
