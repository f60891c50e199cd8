"""Where Markdown code stands in a document (fenced blocks and backtick spans), and two helpers
for sorted, disjoint spans; shared by the kinds that must leave code alone."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import regex

from ..document import Document
from .regexes import Pattern

_INLINE_CODE = regex.compile(r"(?<!`)(`+)(?!`)[^\n，。；！？]+?(?<!`)\1(?!`)")
_FENCE = regex.compile(r"(?m)^[ \t]{0,3}(`{3,}|~{3,})")
_FENCE_HINT = re.compile(r"\n[ \t]{0,3}(?:```|~~~)")  # starts with a literal: found fast


def _next_fence(text: str, pos: int) -> regex.Match[str] | None:
    """``_FENCE.search(text, pos)``, trying only the line starts where a fence may stand."""
    if pos == 0 or text[pos - 1] == "\n":
        m = _FENCE.match(text, pos)
        if m is not None:
            return m
    for hint in _FENCE_HINT.finditer(text, pos):
        m = _FENCE.match(text, hint.start() + 1)
        if m is not None:
            return m
    return None


def code_spans(doc: Document) -> list[tuple[int, int]]:
    """Spans of Markdown code in ``doc``: fenced blocks (fence lines included, an unclosed fence
    runs to the end) and backtick spans outside them; sorted, computed once per document."""
    cached: list[tuple[int, int]] | None = doc.cache.get("markdown-code")
    if cached is not None:
        return cached
    text = doc.text
    spans: list[tuple[int, int]] = []
    if "`" in text or "~~~" in text:
        pos = 0
        while True:
            m = _next_fence(text, pos)
            block_start = m.start() if m else len(text)
            spans.extend(c.span() for c in _INLINE_CODE.finditer(text, pos, block_start))
            if m is None:
                break
            close = _closing_fence(m.group(1))
            line_end = text.find("\n", m.end())
            c = close.search(text, len(text) if line_end < 0 else line_end + 1)
            block_end = len(text) if c is None else c.end()
            spans.append((block_start, block_end))
            pos = block_end
    doc.cache["markdown-code"] = spans
    return spans


@lru_cache(maxsize=64)
def _closing_fence(fence: str) -> Pattern:
    """The line that closes a fenced block opened by ``fence`` (same character, at least as many)."""
    return regex.compile(rf"(?m)^[ \t]{{0,3}}{regex.escape(fence[0])}{{{len(fence)},}}[ \t]*$")



def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of ``spans`` as sorted, disjoint spans."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def inside(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether ``start..end`` lies within one of the sorted, disjoint ``spans``."""
    k = bisect_right(starts, start) - 1
    return k >= 0 and end <= spans[k][1]
