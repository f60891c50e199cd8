"""Suppression comments in a text.

``<!-- docclean: ignore RULE[,RULE] -->``
    suppresses those rules on the next non-blank line after the comment;
``<!-- docclean: disable RULE[,RULE] -->`` … ``<!-- docclean: enable RULE[,RULE] -->``
    suppresses them on every line from the ``disable`` comment to the matching ``enable`` comment
    (or to the end of the file).

A RULE is a rule id (``BP001``), an id prefix (``BP``), a rule name, a category
(``boilerplate``) or ``all``; several are separated by commas or spaces. A finding is suppressed
when one of its lines is suppressed for its rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from .lines import LineIndex
from .rules import RuleSet, matches

_DIRECTIVE = re.compile(r"<!--\s*docclean:\s*(ignore|disable|enable)\b([^>]*?)\s*-->", re.I)
ALL = "*"


class Located(Protocol):
    """What a suppression check reads of a finding: its rule id and the lines it spans."""

    @property
    def rule(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...


def resolve_rules(tokens: list[str], ruleset: RuleSet) -> set[str]:
    """Rule ids named by ``tokens`` (ids, prefixes, names, categories; ``all`` gives ``{"*"}``)."""
    ids: set[str] = set()
    for tok in tokens:
        if tok.lower() == "all":
            return {ALL}
        found = {r.id for r in ruleset if matches(r, tok)}
        ids |= found or {tok.upper()}  # an unknown id still suppresses a rule of that exact id
    return ids


@dataclass(slots=True)
class Suppressions:
    """Which rules are suppressed on which 1-based lines of one text."""

    lines: dict[int, set[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.lines)

    @classmethod
    def parse(cls, text: str, ruleset: RuleSet) -> Suppressions:
        """Read every directive in ``text``."""
        sup = cls()
        if "docclean:" not in text:
            return sup
        index = LineIndex(text)
        total = index.location(len(text))[0]
        blank = {i + 1 for i, s in enumerate(index.starts) if not text[s : _line_end(text, s)].strip()}
        open_blocks: dict[str, int] = {}
        for m in _DIRECTIVE.finditer(text):
            verb = m.group(1).lower()
            tokens = [t for t in re.split(r"[,\s]+", m.group(2)) if t]
            rules = resolve_rules(tokens or ["all"], ruleset)
            first = index.location(m.start())[0]
            last = index.location(m.end())[0]
            if verb == "ignore":
                target = last + 1
                while target in blank and target <= total:
                    target += 1
                sup._add(target, target, rules)
            elif verb == "disable":
                for r in rules:
                    open_blocks.setdefault(r, first)
            else:
                for r in (set(open_blocks) if ALL in rules else rules):
                    start = open_blocks.pop(r, None)
                    if start is not None:
                        sup._add(start, last, {r})
        for r, start in open_blocks.items():
            sup._add(start, total, {r})
        return sup

    def _add(self, first: int, last: int, rules: set[str]) -> None:
        for n in range(first, last + 1):
            self.lines.setdefault(n, set()).update(rules)

    def suppressed(self, f: Located) -> bool:
        """True when ``f`` lies on a line where its rule is suppressed."""
        end = f.end_line - 1 if f.end_column == 1 and f.end_line > f.line else f.end_line
        for n in range(f.line, end + 1):
            rules = self.lines.get(n)
            if rules and (ALL in rules or f.rule in rules):
                return True
        return False


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end == -1 else end
