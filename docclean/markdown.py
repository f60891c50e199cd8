"""Markdown: check the prose only, with offsets into the original file.

Excluded regions are masked before detection: every excluded character is replaced by a neutral
character of the same length in code points (line breaks are kept), so offsets, lines and columns
of the masked text are those of the original file. The neutral character is U+E000, a
private-use character no rule matches; masked lines are not blank, so a block of reseller lines
next to a code block does not grow into it. Block regions are front matter, fenced code and HTML
comments; inline regions are inline code, link targets, autolinks and HTML tags.

Before edits are chosen (on every pass of the engine), a candidate is dropped when it touches a
block region, or touches an inline region
without being a strip that covers the whole region (deleting a whole line that holds a link keeps
the Markdown valid; editing inside the link target would not). An edit must also keep the
block structure: it removes whole lines, or edits inside a line without touching its list bullet,
heading ``#`` or quote ``>``, nor a table's ``|``; a table's header and delimiter rows are never
edited (a body row may be removed whole). Suppression comments
(``docclean.suppress``) are honoured at the same time. Because candidates are dropped before
overlaps are resolved, a suppressed strip no longer absorbs the findings inside it; the edits left
are applied to the original text, so fixes are exact and nothing inside code, link targets,
comments or front matter changes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from . import engine
from .lines import LineIndex
from .model import FixMode, Result
from .rules import RuleSet
from .suppress import Suppressions

INLINE_MASK = "\ue000"
MARKDOWN_SUFFIXES = (".md", ".markdown")

_FRONT = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n.*?^\1[ \t]*$", re.S | re.M)
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*$", re.M)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_LINK_TARGET = re.compile(r"\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?)\)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(\S+(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?)[ \t]*$",
                      re.M)
_AUTOLINK = re.compile(r"<((?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^<>\s]*)|(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+))>")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
_MARKER = re.compile(r"[ \t]{0,3}(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|#{1,6}(?:[ \t]+|$)|>[ \t]?)*")
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


@dataclass(frozen=True, slots=True)
class Region:
    """A masked span; ``block`` regions are never touched, inline ones may be removed whole."""

    start: int
    end: int
    block: bool


def _fill(text: str, start: int, end: int, char: str) -> str:
    return "".join(c if c in "\r\n" else char for c in text[start:end])


def regions(text: str) -> list[Region]:
    """The excluded regions of a Markdown text, sorted by start."""
    out: list[Region] = []
    taken = bytearray(len(text) + 1)

    def free(s: int, e: int) -> bool:
        return not any(taken[s:e])

    def add(s: int, e: int, block: bool) -> None:
        if e > s:
            out.append(Region(s, e, block))
            taken[s:e] = b"\x01" * (e - s)

    m = _FRONT.match(text)
    if m:
        add(m.start(), m.end(), True)
    pos = 0
    while True:
        m = _FENCE_OPEN.search(text, pos)
        if not m:
            break
        if not free(m.start(), m.end()):
            pos = m.end()
            continue
        fence = m.group(1)
        close = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.M)
        c = close.search(text, m.end())
        end = c.end() if c else len(text)
        add(m.start(), end, True)
        pos = end
    for m in _COMMENT.finditer(text):
        if free(m.start(), m.end()):
            add(m.start(), m.end(), True)
    for pattern, group in ((_INLINE_CODE, 0), (_AUTOLINK, 0), (_LINK_TARGET, 1), (_REF_DEF, 1), (_HTML_TAG, 0)):
        for m in pattern.finditer(text):
            s, e = m.span(group)
            if pattern is _INLINE_CODE and "\n\n" in text[s:e].replace("\r", ""):
                continue  # a code span never crosses a paragraph break
            if free(s, e):
                add(s, e, False)
    out.sort(key=lambda r: r.start)
    return out


def mask(text: str, spans: Sequence[Region]) -> str:
    """``text`` with every region masked (same length, line breaks kept)."""
    parts: list[str] = []
    pos = 0
    for r in spans:
        parts.append(text[pos : r.start])
        parts.append(_fill(text, r.start, r.end, INLINE_MASK))
        pos = r.end
    parts.append(text[pos:])
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int  # end of the text, before the line break
    next: int  # start of the following line
    marker: int  # end of the block marker prefix (list bullet, heading #, quote >)
    table: str  # "" outside tables, "head" for header and delimiter rows, "row" for body rows


def structure(text: str) -> list[_Line]:
    """Every line with its block-marker prefix and table role."""
    lines: list[_Line] = []
    raw = text.splitlines(keepends=True)
    pos = 0
    roles = [""] * len(raw)
    bodies = [line.rstrip("\r\n") for line in raw]
    for i, body in enumerate(bodies):
        if i and "|" in body and _TABLE_DELIMITER.match(body) and "|" in bodies[i - 1] and not roles[i - 1]:
            roles[i - 1] = roles[i] = "head"
            j = i + 1
            while j < len(bodies) and "|" in bodies[j] and bodies[j].strip():
                roles[j] = "row"
                j += 1
    for i, line in enumerate(raw):
        body = bodies[i]
        m = _MARKER.match(body)
        lines.append(_Line(pos, pos + len(body), pos + len(line), pos + (m.end() if m else 0), roles[i]))
        pos += len(line)
    return lines


@dataclass(frozen=True, slots=True)
class _Probe:
    """The parts of a candidate finding that the Markdown and suppression checks read."""

    rule: str
    start: int
    end: int
    replacement: str | None
    text: str
    line: int
    end_line: int
    end_column: int


def _keeps_structure(f: _Probe, lines: Sequence[_Line], starts: Sequence[int]) -> bool:
    """True when the edit of ``f`` removes whole lines, or edits lines without touching their
    block markers, table pipes, or a table's header and delimiter rows."""
    if f.replacement is None or not lines:
        return True
    k = max(bisect_left(starts, f.start + 1) - 1, 0)
    for line in lines[k:]:
        if line.start >= f.end and not (f.start == f.end == line.start):
            break
        whole = f.start <= line.start and line.end <= f.end
        if line.table == "head":
            return False
        if whole:
            continue
        lo, hi = max(f.start, line.start), min(f.end, line.end)
        if lo < line.marker:
            return False
        if line.table == "row" and "|" in f.text[lo - f.start : hi - f.start]:
            return False
    return True


def _allowed(f: _Probe, spans: Sequence[Region], starts: Sequence[int]) -> bool:
    k = max(bisect_left(starts, f.start) - 1, 0)
    for r in spans[k:]:
        if r.start >= max(f.end, f.start + 1):
            break
        if r.end <= f.start:
            continue
        if r.block or f.replacement != "" or not (f.start <= r.start and r.end <= f.end):
            return False
    return True


def screen(ruleset: RuleSet, *, markdown: bool, suppress: bool) -> engine.Screen:
    """The engine screen for Markdown and suppression comments, recomputed on every pass."""

    def prepare(current: str) -> tuple[str, engine.Keep | None]:
        spans = regions(current) if markdown else []
        lines = structure(current) if markdown else []
        line_starts = [line.start for line in lines]
        region_starts = [r.start for r in spans]
        sup = Suppressions.parse(current, ruleset) if suppress else None
        if sup is not None and not sup:
            sup = None
        if not spans and not lines and sup is None:
            return current, None
        index = LineIndex(current)

        def keep(start: int, end: int, replacement: str | None, rule: str) -> bool:
            line, _ = index.location(start)
            end_line, end_column = index.location(end)
            probe = _Probe(rule, start, end, replacement, current[start:end], line, end_line, end_column)
            if markdown and not (_allowed(probe, spans, region_starts)
                                 and _keeps_structure(probe, lines, line_starts)):
                return False
            return sup is None or not sup.suppressed(probe)

        return mask(current, spans), keep

    return prepare


def run(text: str, ruleset: RuleSet, *, mode: FixMode = FixMode.SAFE, max_removal: float = 0.3,
        allow: Sequence[str] = (), markdown: bool = True, suppress: bool = True) -> Result:
    """Clean ``text`` like ``engine.run``, as Markdown (``markdown=True``) and honouring
    suppression comments (``suppress=True``); see the module docstring."""
    if not markdown and not suppress:
        return engine.run(text, ruleset, mode=mode, max_removal=max_removal, allow=allow)
    return engine.run(text, ruleset, mode=mode, max_removal=max_removal, allow=allow,
                      screen=screen(ruleset, markdown=markdown, suppress=suppress),
                      protected=_blocks if markdown else None)


def _blocks(text: str) -> list[tuple[int, int]]:
    """The spans of ``text``'s block regions (front matter, fenced code, HTML blocks)."""
    return [(r.start, r.end) for r in regions(text) if r.block]
