"""Lines written to get past keyword filters, read as they were meant.

Resellers spread the characters of a line apart (更　多　范　文, 本⊙文⊙档, zero-width characters
between them) or write it in full-width letters (ｗｗｗ．…), so that no keyword matches. A
``line-score`` rule may declare ``unspread`` params: the lines one of whose ``lines`` regexes
matches are read again with ``remove`` taken out everywhere, ``between`` taken out between two
Han characters, and the result NFKC-normalised (full-width letters, digits and punctuation
become plain ones); the rule then scores what it read, and strips the line when the score
reaches its threshold plus ``margin`` (letter-spaced lines also come from justified layouts).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..errors import RuleError
from ..rules import Rule
from .regexes import line_confined


@dataclass(frozen=True, slots=True)
class Unspread:
    """How a rule finds spread-out lines and reads them."""

    lines: re.Pattern[str]  # one of the ``lines`` regexes (multi-line): a line worth reading again
    gate: tuple[str, ...]  # the same regexes, for the prescan
    between: re.Pattern[str]
    remove: re.Pattern[str] | None
    margin: int = 0

    def read(self, line: str) -> str:
        """``line`` with the spreading undone."""
        if self.remove is not None:
            line = self.remove.sub("", line)
        return unicodedata.normalize("NFKC", self.between.sub("", line))


def parse(rule: Rule, data: Any) -> Unspread | None:
    """The ``unspread`` params of ``rule`` (``None`` when it has none); errors name the rule."""
    if data is None:
        return None
    where = f"{rule.path}: rule {rule.id}: 'unspread'"
    if not isinstance(data, dict) or set(data) - {"lines", "between", "remove", "margin"} or "lines" not in data:
        raise RuleError(f"{where} takes 'lines' (a list of regexes), 'between' and 'remove' (regexes), 'margin'")
    lines = data["lines"]
    if not isinstance(lines, list) or not lines or not all(isinstance(s, str) and s for s in lines):
        raise RuleError(f"{where}: 'lines' must be a non-empty list of regexes")
    try:
        joined = re.compile("|".join(f"(?:{s})" for s in lines), re.MULTILINE)
        between = re.compile(str(data.get("between", r"(?!x)x")))
        remove = re.compile(str(data["remove"])) if data.get("remove") else None
    except re.error as exc:
        raise RuleError(f"{where}: invalid regex: {exc}") from None
    if not line_confined(joined):
        raise RuleError(f"{where}: 'lines' regexes must never read past a line break")
    margin = data.get("margin", 0)
    if not isinstance(margin, int) or isinstance(margin, bool) or margin < 0:
        raise RuleError(f"{where}: 'margin' must be a whole number of points, 0 or more")
    return Unspread(joined, tuple(lines), between, remove, margin)
