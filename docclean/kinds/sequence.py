"""Kind ``sequence``: section numbers that repeat, skip or restart wrongly.

``levels`` is an ordered list (outermost first) of tables: ``name``, ``pattern`` (a regex whose
group ``n`` holds the number; matched at the start of a line unless ``inline = true``),
``numerals`` (``chinese``, ``arabic``, ``circled``) and ``format`` (how to print a suggestion,
``{n}`` for the number). A number at one level resets every deeper level. Each level expects
1 after a reset and then the previous number plus one: a repeat or a skip is reported with the
expected number as suggestion; a new sequence starting at 1 is fine. ``groups`` of levels are
independent of each other (law articles 第一条 do not restart under chapters).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..document import Document
from ..rules import Rule
from . import Hit
from .regexes import Pattern, compile_patterns, finditer

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
            source = pattern if inline else rf"(?m)^[ \t\u3000]*(?:{pattern})"
            levels.append(Level(str(data["name"]), group, depth,
                                compile_patterns(rule, [source], key=f"levels.{data['name']}"),
                                numerals, str(data.get("format", "{n}")), inline))
        self.levels = tuple(levels)

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield every number that does not follow its predecessor."""
        events: list[tuple[int, int, int, Level, int]] = []
        for level in self.levels:
            for m in finditer(self.rule, level.pattern, doc.text, doc.time_budget):
                value = _value(level.numerals, m.group("n"))
                if value is not None:
                    events.append((m.start("n"), m.end("n"), level.depth, level, value))
        events.sort(key=lambda e: (e[0], e[2]))
        last: dict[tuple[str, int], tuple[int, int]] = {}  # (group, depth) → (value, offset)
        for start, end, depth, level, value in events:
            key = (level.group, depth)
            prev = last.get(key)
            for (g, d) in list(last):
                if g == level.group and d > depth:
                    del last[(g, d)]
            last[key] = (value, start)
            if prev is None or (value == 1 and prev[0] != 1) or value == prev[0] + 1:
                continue
            expected = prev[0] + 1
            kind = "repeats" if value == prev[0] else "skips" if value > expected else "goes back"
            line, _ = doc.lines.location(prev[1])
            marker = doc.text[start:end]
            suggestion = level.format.format(n=_render(level.numerals, expected))
            args: dict[str, Any] = {"match": level.format.format(n=marker), "problem": kind,
                                    "expected": suggestion, "previous_line": line,
                                    "previous": level.format.format(n=_render(level.numerals, prev[0]))}
            span_end = end + len(level.format.split("{n}", 1)[1]) if "{n}" in level.format else end
            if doc.text[end:span_end] != level.format.split("{n}", 1)[1]:
                span_end = end
            span_start = start
            prefix = level.format.split("{n}", 1)[0]
            if prefix and doc.text[start - len(prefix) : start] == prefix:
                span_start = start - len(prefix)
            last[key] = (value, start)
            yield Hit(span_start, span_end, None, args, suggestion)
