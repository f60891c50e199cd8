"""The text under analysis plus what rules compute about it once and share."""

from __future__ import annotations

from typing import Any

from .lines import LineIndex


class Document:
    """A text with its line index and a per-text cache that rules share (e.g. line scores)."""

    __slots__ = ("base", "cache", "lines", "text", "time_budget")

    def __init__(self, text: str) -> None:
        self.text = text
        # The cache of an earlier document and the edits (sorted, disjoint, in its offsets) that
        # turn its text into this one: rules may carry over what they computed there where the
        # text did not change.
        self.base: tuple[dict[Any, Any], list[tuple[int, int, str]]] | None = None
        self.lines = LineIndex(text)
        self.cache: dict[Any, Any] = {}
        # Seconds one rule's regex may spend on this text before it is stopped.
        self.time_budget = 5.0 + len(text) / 1_000_000
