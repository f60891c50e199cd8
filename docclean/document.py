"""The text under analysis plus what rules compute about it once and share."""

from __future__ import annotations

from typing import Any

from .lines import LineIndex


class Document:
    """A text with its line index and a per-text cache that rules share (e.g. line scores)."""

    __slots__ = ("cache", "lines", "text", "time_budget")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = LineIndex(text)
        self.cache: dict[Any, Any] = {}
        # Seconds one rule's regex may spend on this text before it is stopped.
        self.time_budget = 5.0 + len(text) / 1_000_000
