"""Line geometry of a text: where lines start and end, and offset → (line, column)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, islice
from typing import overload

_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Line:
    """One line: ``start``..``end`` is its text, ``end``..``next`` its line break (may be empty)."""

    index: int  # 0-based
    start: int
    end: int
    next: int  # start of the following line (end of the break)


class LineIndex:
    """Maps code-point offsets to 1-based line/column; lines end at ``\\r\\n``, ``\\r`` or ``\\n``."""

    __slots__ = ("_bodies", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._bodies: list[str] | None = None
        if "\r" in text:
            starts = [0]
            starts.extend(m.end() for m in _BREAK.finditer(text))
        else:
            # Split once (in C) and add up the lengths; the parts are the lines' texts.
            parts = text.split("\n")
            starts = list(accumulate(map((1).__add__, map(len, islice(parts, len(parts) - 1))), initial=0))
            self._bodies = parts
        if starts[-1] == len(text) and len(starts) > 1:
            starts.pop()  # a final break does not open a new line
        if self._bodies is not None and len(self._bodies) > len(starts):
            self._bodies.pop()  # the empty remainder after a final break
        self._starts = starts

    @property
    def starts(self) -> list[int]:
        """Offsets where each line starts."""
        return self._starts

    def __len__(self) -> int:
        return len(self._starts)

    def line_of(self, offset: int) -> int:
        """0-based index of the line that holds ``offset``."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def location(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``, counted in code points."""
        i = self.line_of(offset)
        return i + 1, offset - self._starts[i] + 1

    def line(self, i: int) -> Line:
        """The ``i``-th line (0-based)."""
        starts = self._starts
        if i < 0:
            i += len(starts)
        if not 0 <= i < len(starts):
            raise IndexError("line index out of range")
        text = self.text
        s = starts[i]
        nxt = starts[i + 1] if i + 1 < len(starts) else len(text)
        end = nxt
        if end > s and text[end - 1] == "\n":
            end -= 1
            if end > s and text[end - 1] == "\r":
                end -= 1
        elif end > s and text[end - 1] == "\r":
            end -= 1
        return Line(i, s, end, nxt)

    @property
    def lines(self) -> Sequence[Line]:
        """All lines, as a sequence whose ``Line`` objects are made on access."""
        return _Lines(self)  # not cached: the view refers back to this index

    @property
    def bodies(self) -> list[str]:
        """The text of every line without its break, computed once."""
        if self._bodies is None:
            text = self.text
            parts = _BREAK.split(text) if "\r" in text else text.split("\n")
            if len(parts) > len(self._starts):
                parts.pop()  # the empty remainder after a final break
            self._bodies = parts
        return self._bodies

    def ranges_touching(self, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """The whole lines that the sorted ``spans`` touch (a span ``(lo, hi)`` touches the lines
        holding ``lo`` through ``hi``), merged, as ``(start, end)`` offsets of their texts
        (the last line's break excluded)."""
        out: list[tuple[int, int]] = []
        last = -1
        for lo, hi in spans:
            a, b = self.line_of(lo), self.line_of(max(lo, hi))
            if out and a <= last + 1:
                a = self.line_of(out.pop()[0])
            last = max(b, last)
            out.append((self.line(a).start, self.line(last).end))
        return out

    def text_of(self, line: Line) -> str:
        """The line's text without its break."""
        return self.text[line.start : line.end]


class _Lines(Sequence[Line]):
    """A lazy view of a text's lines (building every ``Line`` up front is slow on big texts)."""

    __slots__ = ("_index",)

    def __init__(self, index: LineIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index.starts)

    @overload
    def __getitem__(self, i: int) -> Line: ...

    @overload
    def __getitem__(self, i: slice) -> list[Line]: ...

    def __getitem__(self, i: int | slice) -> Line | list[Line]:
        if isinstance(i, slice):
            return [self._index.line(k) for k in range(*i.indices(len(self)))]
        return self._index.line(i)

    def __iter__(self) -> Iterator[Line]:
        line = self._index.line
        for k in range(len(self)):
            yield line(k)
