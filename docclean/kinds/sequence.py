"""Kind ``sequence``: section numbers that repeat, skip or restart wrongly.

``levels`` is an ordered list (outermost first) of tables: ``name``, ``pattern`` (a regex whose
group ``n`` holds the number; matched at the start of a line, after ``indent`` (a regex, default
any spaces), unless ``inline = true``),
``numerals`` (``chinese``, ``arabic``, ``circled``) and ``format`` (how to print a suggestion,
``{n}`` for the number) and ``group``. A number at one level resets every deeper level of its
group. Each level expects the previous number plus one: a repeat, a skip or a step back is
reported with the expected number as suggestion; a new sequence starting at 1 is always fine.
The first number of a level right under a parent (a number of a shallower level of the same
group) must be 1, else it is reported as a wrong start with suggestion 1 (（二） straight after
二、); the first number of a level with no parent yet is taken as it is (an excerpt may start
anywhere). With ``runs_on = true`` a level may also go on from its last number under the
previous parent (9. under 二、 after 8. under 一、: numbering through the whole document). An
``inline`` level only continues within a paragraph, or into a paragraph that starts with it.
A skip or wrong start is not reported when the number just before appears inside the lines in
between (1．甲罪 2．乙罪 … 35．丙罪 on one line, then 36． at the start of the next). A level
with ``check = false`` only resets the deeper levels and is never reported itself (law
articles 第X条 restart the items （一） under them; another rule checks the articles).
With ``back_ok = true`` a step back is taken as the start of another text joined on (laws
quoted or collected one after another), not reported. ``groups`` of levels are independent of
each other (law articles 第一条 do not restart under chapters). With ``skip_quoted = true``
numbers inside a quotation “…” that runs over several lines are left out: a quoted article or
list (an amendment quoting the new text) has numbering of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from ..document import Document
from ..rules import Rule
from . import Hit
from .regexes import (
    Pattern,
    compile_patterns,
    finditer,
    first_chars,
    line_confined,
    match,
    run_chars,
    stdlib_twin,
)

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_to_int(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105; None when not a Chinese numeral."""
    if not s:
        return None
    total, current = 0, 0
    for ch in s:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def int_to_chinese(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五 (n < 1000)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    head = digits[n // 100] + "百"
    if rest == 0:
        return head
    return head + ("零" + digits[rest] if rest < 10 else int_to_chinese(rest) if rest >= 20
                   else "一" + int_to_chinese(rest))


_QUOTE_LIMIT = 20_000  # an opening quote not closed within this many characters is a stray


def _quoted_blocks(text: str) -> list[tuple[int, int]]:
    """Spans of quotations “…” that run over more than one line (a quoted article or list)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        start = text.find("“", pos)
        if start < 0:
            return spans
        end = text.find("”", start + 1, start + _QUOTE_LIMIT)
        if end < 0:
            pos = start + 1
            continue
        inner = text.find("“", start + 1, end)
        if inner >= 0:  # an opening quote that is never closed before the next one: a stray
            pos = inner
            continue
        if "\n" in text[start:end]:
            spans.append((start, end))
        pos = end + 1


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    k = bisect_right(spans, (offset, 1 << 62)) - 1
    return k >= 0 and spans[k][0] < offset < spans[k][1]


def _value(numerals: str, s: str) -> int | None:
    if numerals == "chinese":
        return chinese_to_int(s)
    if numerals == "circled":
        return _CIRCLED.index(s) + 1 if s in _CIRCLED else None
    return int(s) if s.isdigit() else None


def _render(numerals: str, n: int) -> str:
    if numerals == "chinese":
        return int_to_chinese(n)
    if numerals == "circled":
        return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n)
    return str(n)


@dataclass(frozen=True, slots=True)
class Level:
    """One numbering level."""

    name: str
    group: str
    depth: int
    pattern: Pattern
    numerals: str
    format: str
    inline: bool
    runs_on: bool
    back_ok: bool
    check: bool
    anywhere: Pattern  # the same number format anywhere in a line
    # (indent characters, characters the number part can start with) when the level can be
    # tried only at the lines whose first character after the indent is one of the latter.
    head: tuple[frozenset[str], frozenset[str]] | None
    body: str  # ``(?:indent)(?:pattern)``: what the level matches at a line start
    # ``anywhere`` as the stdlib compiles it, when both engines read it alike (see
    # ``stdlib_twin``), and the characters its matches start with as a stdlib class, if known.
    anywhere_twin: re.Pattern[str] | None
    anywhere_firsts: re.Pattern[str] | None
    deeper: tuple[tuple[str, int], ...] = ()  # (group, depth) of every deeper level of its group


class SequenceMatcher:
    """Matcher for kind ``sequence``."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        levels: list[Level] = []
        depth_in_group: dict[str, int] = {}
        for data in rule.params["levels"]:
            group = str(data.get("group", "main"))
            depth = depth_in_group.get(group, 0)
            depth_in_group[group] = depth + 1
            numerals = data.get("numerals", "arabic")
            if numerals not in ("chinese", "arabic", "circled"):
                raise ValueError("numerals must be chinese, arabic or circled")
            pattern = data["pattern"]
            inline = bool(data.get("inline", False))
            indent = str(data.get("indent", "[ \t\u3000]*"))
            source = pattern if inline else rf"(?m)^(?:{indent})(?:{pattern})"
            compiled = compile_patterns(rule, [source], key=f"levels.{data['name']}")
            levels.append(Level(str(data["name"]), group, depth, compiled,
                                numerals, str(data.get("format", "{n}")), inline,
                                bool(data.get("runs_on", False)),
                                bool(data.get("back_ok", False)),
                                bool(data.get("check", True)),
                                compile_patterns(rule, [pattern], key=f"levels.{data['name']}"),
                                None if inline else _head(indent, pattern, compiled),
                                f"(?:{indent})(?:{pattern})", *_anywhere_scans(pattern)))
        self.levels = tuple(
            replace(lv, deeper=tuple(dict.fromkeys((o.group, o.depth) for o in levels
                                                   if o.group == lv.group and o.depth > lv.depth)))
            for lv in levels)
        self._order = {id(level): k for k, level in enumerate(self.levels)}
        self._heads = _HeadScan.build([lv for lv in self.levels if lv.head is not None])
        self.skip_quoted = bool(rule.params.get("skip_quoted", False))

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield every number that does not follow its predecessor."""
        text = doc.text
        order = self._order
        events: list[tuple[int, int, int, int, Level, int]] = []
        for level, _span, (n_start, n_end) in self._matches(doc):
            value = _value(level.numerals, text[n_start:n_end])
            if value is not None:
                events.append((n_start, level.depth, order[id(level)], n_end, level, value))
        events.sort(key=_event_key)  # by offset; ties: in level order
        if self.skip_quoted:
            quoted = _quoted_blocks(text)
            if quoted:
                events = [e for e in events if not _inside(quoted, e[0])]
        following = _next_of_level(events)
        last: dict[tuple[str, int], tuple[int, int, Level]] = {}  # (group, depth) → value, offset
        parent: dict[tuple[str, int], tuple[int, int, Level]] = {}  # the parent that reset a level
        carried: dict[tuple[str, int], int] = {}  # the last number of a level before its reset
        lines = doc.lines
        for k, (start, depth, _order, end, level, value) in enumerate(events):
            key = (level.group, depth)
            prev = last.get(key)
            if level.inline and prev is not None and not self._continues(doc, prev[1], start):
                prev = None
            here = (value, start, level)
            for deeper in level.deeper:
                below = last.pop(deeper, None)
                if below is not None:
                    carried[deeper] = below[0]
                parent[deeper] = here
            last[key] = here
            if value == 1 or not level.check:
                continue
            if prev is None:
                up = parent.get(key)
                # Numbering that runs on across parents (9. under 二、 after 8. under 一、) is a
                # style of its own; inline enumerations only count within their paragraph.
                if (up is None or level.inline
                        or (level.runs_on and carried.get(key) == value - 1)
                        or self._inline_run(doc, level, up[1], start, value - 1)):
                    continue
                expected, kind = 1, "does not restart"
                before, before_at, before_level = up
            else:
                if value == prev[0] + 1 or (level.back_ok and value < prev[0]):
                    continue
                if value > prev[0] + 1 and self._inline_run(doc, level, prev[1], start, value - 1):
                    continue
                expected = prev[0] + 1
                kind = "repeats" if value == prev[0] else "skips" if value > expected else "goes back"
                before, before_at, before_level = prev
                after = following[k]
                if not level.inline and after is not None and after == expected + 1:
                    # 2. 2. 4.: the next number goes on from the expected one, so this one
                    # stands for it (a slip of one number), and the next is not reported too.
                    last[key] = (expected, start, level)
            line, _ = lines.location(before_at)
            marker = doc.text[start:end]
            suggestion = level.format.format(n=_render(level.numerals, expected))
            args: dict[str, Any] = {
                "match": level.format.format(n=marker), "problem": kind, "expected": suggestion,
                "previous_line": line,
                "previous": before_level.format.format(n=_render(before_level.numerals, before))}
            span_end = end + len(level.format.split("{n}", 1)[1]) if "{n}" in level.format else end
            if doc.text[end:span_end] != level.format.split("{n}", 1)[1]:
                span_end = end
            span_start = start
            prefix = level.format.split("{n}", 1)[0]
            if prefix and doc.text[start - len(prefix) : start] == prefix:
                span_start = start - len(prefix)
            yield Hit(span_start, span_end, None, args, suggestion)

    def _matches(self, doc: Document) -> Iterator[tuple[Level, tuple[int, int], tuple[int, int]]]:
        """Every level's matches, as ``finditer`` finds them: (level, span of the match, span of
        its number). Levels with a known ``head`` are tried only at the starts of lines that can
        hold them: those the stdlib ``re`` reads alike in one scan for all of them (see
        ``_HeadScan``), the others at the line heads found by one scan per indent."""
        text, budget = doc.text, doc.time_budget
        by_indent: dict[frozenset[str], list[Level]] = {}
        for level in self.levels:
            if level.head is None:
                for m in finditer(self.rule, level.pattern, text, budget):
                    yield level, m.span(), m.span("n")
            elif level not in self._heads.levels:
                by_indent.setdefault(level.head[0], []).append(level)
        yield from self._heads.scan(text)
        for indent, levels in by_indent.items():
            firsts = frozenset().union(*(lv.head[1] for lv in levels if lv.head is not None))
            for start, first in _line_heads(text, indent, firsts):
                for level in levels:
                    if level.head is not None and first in level.head[1]:
                        m = match(self.rule, level.pattern, text, start, budget)
                        if m is not None:
                            yield level, m.span(), m.span("n")

    def _inline_run(self, doc: Document, level: Level, prev: int, start: int, wanted: int) -> bool:
        """The numbers skipped at line starts stand inside lines (1．甲罪 2．乙罪 3．丙罪)."""
        lo = doc.lines.line(doc.lines.line_of(prev)).start
        for n_start, n in self._anywhere(doc, level, lo, start):
            if n_start > prev and _value(level.numerals, n) == wanted:
                return True
        return False

    def _anywhere(self, doc: Document, level: Level, lo: int, hi: int) -> Iterator[tuple[int, str]]:
        """(start, text) of the number of each match of ``level.anywhere`` between ``lo`` and
        ``hi``, as ``finditer`` finds them. When the characters its matches start with are
        known, it is tried only where one of them stands (no match is empty, so the next match
        is the first one at those characters from where the last one ended); its stdlib twin,
        if any, is quicker there than ``regex``."""
        text, budget = doc.text, doc.time_budget
        twin, firsts = level.anywhere_twin, level.anywhere_firsts
        if firsts is not None:
            pos = lo
            for c in firsts.finditer(text, lo, hi):
                p = c.start()
                if p < pos:
                    continue
                m = twin.match(text, p, hi) if twin is not None else match(self.rule, level.anywhere, text, p,
                                                                            budget, hi)
                if m is not None:
                    yield m.start("n"), m.group("n")
                    pos = m.end()
        elif twin is not None:
            for m in twin.finditer(text, lo, hi):
                yield m.start("n"), m.group("n")
        else:
            for m in finditer(self.rule, level.anywhere, text, budget, lo, hi):
                yield m.start("n"), m.group("n")

    @staticmethod
    def _continues(doc: Document, prev: int, start: int) -> bool:
        """An inline enumeration goes on in the same paragraph, or in a later paragraph that
        starts with its next number (一是…\n二是…)."""
        lines = doc.lines
        here = lines.line_of(start)
        if lines.line_of(prev) == here:
            return True
        head = doc.text[lines.line(here).start : start]
        return not head.strip(" \t\u3000")


def _next_of_level(events: list[tuple[int, int, int, int, Level, int]]) -> list[int | None]:
    """For each event, the value of the next number of its level before anything resets that
    level (a number of a level above it in its group), or ``None``."""
    out: list[int | None] = [None] * len(events)
    ahead: dict[tuple[str, int], int] = {}  # (group, depth) → value of the nearest later number
    for k in range(len(events) - 1, -1, -1):
        _start, depth, _order, _end, level, value = events[k]
        key = (level.group, depth)
        out[k] = ahead.get(key)
        for deeper in level.deeper:
            ahead.pop(deeper, None)
        ahead[key] = value
    return out


def _anywhere_scans(pattern: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """A level's ``anywhere_twin`` and ``anywhere_firsts``."""
    twin = None
    if "(?P<" not in pattern.replace("(?P<n>", "", 1):
        twin = stdlib_twin(pattern, multiline=False)
    firsts = first_chars(pattern)
    return twin, None if firsts is None else re.compile(f"[{_class(firsts)}]")


def _head(indent: str, pattern: str, compiled: Pattern) -> tuple[frozenset[str], frozenset[str]] | None:
    """A line-start level's (indent characters, first characters of its number part), when
    every match is one line's indent (a run of those characters) followed by the number part,
    which cannot start with an indent character: then the level can match only at lines whose
    first character after the whole indent run is one of the latter."""
    spaces, firsts = run_chars(indent), first_chars(pattern)
    if spaces is None or firsts is None or spaces & firsts or "\n" in spaces | firsts:
        return None
    return (spaces, firsts) if line_confined(compiled) else None


def _line_heads(text: str, indent: frozenset[str], firsts: frozenset[str]) -> Iterator[tuple[int, str]]:
    """(start, first character after the indent) of each line whose first character after its
    run of ``indent`` characters is one of ``firsts``."""
    spaces = "".join(re.escape(c) for c in sorted(indent))
    heads = "".join(re.escape(c) for c in sorted(firsts))
    run = f"[{spaces}]*" if spaces else ""
    first = re.match(f"{run}([{heads}])", text)
    if first is not None:
        yield 0, first.group(1)
    for m in re.finditer(f"\n{run}([{heads}])", text):
        yield m.start() + 1, m.group(1)


_event_key = itemgetter(0, 1, 2)


class _HeadScan:
    """Line-start levels found together in one scan by the stdlib ``re``, which finds a pattern
    that starts with a literal ``\n`` much faster than ``regex`` finds a multi-line ``^``: at
    each line whose head can hold one of them (its indent run and first character), each level
    is looked for in a lookahead that captures its match and number. Only levels whose pattern
    both engines read alike (see ``stdlib_twin``) take part."""

    def __init__(self, levels: tuple[Level, ...], rest: re.Pattern[str] | None,
                 groups: tuple[tuple[Level, int, tuple[int, ...]], ...]) -> None:
        self.levels = levels
        self._rest = rest  # the scan at every line break
        self._groups = groups  # level, its match's group, its number's groups

    @classmethod
    def build(cls, candidates: list[Level]) -> _HeadScan:
        """The scan for those of ``candidates`` (levels with a ``head``) that can take part."""
        bodies: list[str] = []
        levels: list[Level] = []
        for level in candidates:
            k = len(levels)
            if "(?P<" in level.body.replace("(?P<n>", ""):
                continue  # other named groups: their names might clash
            pieces = level.body.split("(?P<n>")
            body = "".join(f"{piece}(?P<n{k}_{j}>" for j, piece in enumerate(pieces[:-1])) + pieces[-1]
            if stdlib_twin(body) is None:
                continue
            bodies.append(f"(?:(?=(?P<w{k}>{body})))?")
            levels.append(level)
        if not levels:
            return cls((), None, ())
        indent = frozenset().union(*(lv.head[0] for lv in levels if lv.head is not None))
        firsts = frozenset().union(*(lv.head[1] for lv in levels if lv.head is not None))
        run = f"[{_class(indent)}]*" if indent else ""
        gate = f"(?={run}[{_class(firsts)}])"
        try:
            rest = re.compile("\n" + gate + "".join(bodies), re.MULTILINE)
        except (re.error, RecursionError, OverflowError):  # pragma: no cover - too many groups
            return cls((), None, ())
        groups = tuple((level, rest.groupindex[f"w{k}"],
                        tuple(i for name, i in sorted(rest.groupindex.items()) if name.startswith(f"n{k}_")))
                       for k, level in enumerate(levels))
        return cls(tuple(levels), rest, groups)

    def scan(self, text: str) -> Iterator[tuple[Level, tuple[int, int], tuple[int, int]]]:
        """(level, span of its match, span of its number) of every match of the levels."""
        if self._rest is None:
            return
        # The first line has no break before it: it is scanned as a copy of itself after one
        # (with its own break, if any, since the levels never read past a line break), which
        # spares a second compiled scan for the text's start.
        end = text.find("\n")
        m = self._rest.match("\n" + (text if end < 0 else text[: end + 1]))
        if m is not None:
            yield from self._found(m.regs, -1)
        for m in self._rest.finditer(text):
            yield from self._found(m.regs, 0)

    def _found(self, regs: tuple[tuple[int, int], ...],
               shift: int) -> Iterator[tuple[Level, tuple[int, int], tuple[int, int]]]:
        for level, whole, numbers in self._groups:
            span = regs[whole]
            if span[0] < 0:
                continue
            got = [regs[g] for g in numbers if regs[g][0] >= 0]
            if len(got) != 1:  # pragma: no cover - the number written twice: not taken part
                raise AssertionError(f"level {level.name}: number matched {len(got)} times")
            yield level, (span[0] + shift, span[1] + shift), (got[0][0] + shift, got[0][1] + shift)


def _class(chars: frozenset[str]) -> str:
    return "".join(re.escape(c) for c in sorted(chars))
