"""Line geometry of a text: where lines start and end, and offset → (line, column)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Line:
    """One line: ``start``..``end`` is its text, ``end``..``next`` its line break (may be empty)."""

    index: int  # 0-based
    start: int
    end: int
    next: int  # start of the following line (end of the break)

    @property
    def blank_span(self) -> tuple[int, int]:
        """The span covering the line together with its break."""
        return self.start, self.next


class LineIndex:
    """Maps code-point offsets to 1-based line/column; lines end at ``\\r\\n``, ``\\r`` or ``\\n``."""

    __slots__ = ("_lines", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        if "\r" in text:
            starts.extend(m.end() for m in _BREAK.finditer(text))
        else:
            find = text.find
            pos = find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
        if starts[-1] == len(text) and len(starts) > 1:
            starts.pop()  # a final break does not open a new line
        self._starts = starts
        self._lines: list[Line] | None = None

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
        return self.lines[i]

    @property
    def lines(self) -> list[Line]:
        """All lines, computed once."""
        if self._lines is None:
            text = self.text
            starts = self._starts
            out: list[Line] = []
            n = len(starts)
            for i, s in enumerate(starts):
                nxt = starts[i + 1] if i + 1 < n else len(text)
                end = nxt
                if end > s and text[end - 1] == "\n":
                    end -= 1
                    if end > s and text[end - 1] == "\r":
                        end -= 1
                elif end > s and text[end - 1] == "\r":
                    end -= 1
                out.append(Line(i, s, end, nxt))
            self._lines = out
        return self._lines

    def text_of(self, line: Line) -> str:
        """The line's text without its break."""
        return self.text[line.start : line.end]
