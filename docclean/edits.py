"""Edits of a text (sorted, disjoint ``(start, end, replacement)`` in its offsets) and where each
replacement lands in the edited text."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence


class EditMap:
    """Sorted, non-overlapping edits of an input, and where each replacement sits in the edited text."""

    def __init__(self, edits: Sequence[tuple[int, int, str]]) -> None:
        self.edits = list(edits)
        self.spans: list[tuple[int, int]] = []  # each replacement, in edited-text offsets
        delta = 0
        for s, e, r in self.edits:
            self.spans.append((s + delta, s + delta + len(r)))
            delta += len(r) - (e - s)
        self.ends = [e for _, e in self.spans]

    def to_input(self, p: int, right: bool) -> int:
        """Input offset of edited-text offset ``p``, which lies strictly inside no replacement;
        at a pure deletion, ``right`` puts it after the deleted text, else before."""
        k = bisect_right(self.ends, p) - 1  # last edit ending at or before p
        while k >= 0 and not right and self.spans[k][0] == self.spans[k][1] == p:
            k -= 1
        return p if k < 0 else p + self.edits[k][1] - self.spans[k][1]
