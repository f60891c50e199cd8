"""The closed set of rule kinds. Each kind turns a rule's params into a matcher."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..document import Document
from ..errors import RuleError
from ..rules import Rule


@dataclass(slots=True)
class Hit:
    """A raw match: a span, an optional replacement (None = the rule's default) and message fields."""

    start: int
    end: int
    replacement: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    suggestion: str | None = None


class Matcher(Protocol):
    """What a compiled rule offers the engine."""

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield hits in any order."""
        ...


def _factories() -> dict[str, Callable[[Rule], Matcher]]:
    from . import block, echo, linescore, pattern, recurring, repeats, repetition, sequence, tails

    return {
        "pattern": pattern.PatternMatcher,
        "line-score": linescore.LineScorer,
        "block": block.BlockMatcher,
        "recurring": recurring.RecurringMatcher,
        "repetition": repetition.RepetitionMatcher,
        "sequence": sequence.SequenceMatcher,
        "repeated-tail": tails.RepeatedTailMatcher,
        "repeated-line": repeats.RepeatedLineMatcher,
        "echo-tail": echo.EchoTailMatcher,
    }


_CACHE: dict[int, tuple[Rule, Matcher]] = {}


def compile_rule(rule: Rule) -> Matcher:
    """The matcher for ``rule``, built once per rule object; bad params raise ``RuleError``."""
    hit = _CACHE.get(id(rule))
    if hit is not None and hit[0] is rule:
        return hit[1]
    try:
        matcher = _factories()[rule.kind](rule)
    except RuleError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError(f"{rule.path}: rule {rule.id}: bad params: {exc}") from None
    _CACHE[id(rule)] = (rule, matcher)
    return matcher
