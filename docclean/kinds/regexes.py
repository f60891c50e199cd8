"""Compiling rule patterns and running them under a time limit."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import regex

from ..errors import RuleError
from ..rules import Rule, bundled_rules_dir

Pattern = Any  # regex.Pattern[str] | re.Pattern[str]


def compile_patterns(rule: Rule, patterns: Sequence[str] | str, *, key: str = "patterns",
                     ignore_case: bool = False) -> Pattern:
    """Join ``patterns`` with ``|`` and compile with the ``regex`` module (or stdlib ``re``
    when a bundled rule asks for ``engine = "re"``, which is faster for backreference scans)."""
    if isinstance(patterns, str):
        patterns = [patterns]
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise RuleError(f"{rule.path}: rule {rule.id}: '{key}' must be a non-empty list of regexes")
    source = patterns[0] if len(patterns) == 1 else "|".join(f"(?:{p})" for p in patterns)
    engine = rule.params.get("engine", "regex")
    try:
        if engine == "re":
            if not _is_bundled(rule):
                raise RuleError(f"{rule.path}: rule {rule.id}: engine 're' is reserved for bundled rules")
            return re.compile(source, re.IGNORECASE if ignore_case else 0)
        flags = regex.V0 | (regex.IGNORECASE if ignore_case else 0)
        return regex.compile(source, flags)
    except (re.error, regex.error) as exc:
        raise RuleError(f"{rule.path}: rule {rule.id}: invalid regex in '{key}': {exc}") from None


def _is_bundled(rule: Rule) -> bool:
    try:
        return Path(rule.path).resolve().is_relative_to(bundled_rules_dir().resolve())
    except OSError:  # pragma: no cover - unreadable paths are never bundled
        return False


def finditer(rule: Rule, pattern: Pattern, text: str, budget: float, pos: int = 0,
             endpos: int | None = None) -> Iterator[Any]:
    """``pattern.finditer`` that turns a regex timeout into a ``RuleError`` naming the rule."""
    end = len(text) if endpos is None else endpos
    if isinstance(pattern, re.Pattern):
        yield from pattern.finditer(text, pos, end)
        return
    try:
        yield from pattern.finditer(text, pos, end, timeout=budget)
    except TimeoutError:
        raise RuleError(
            f"rule {rule.id} ({rule.path}): regex matching took longer than {budget:.0f} s; "
            "simplify the pattern"
        ) from None


def search(rule: Rule, pattern: Pattern, text: str, budget: float) -> Any:
    """``pattern.search`` under the same time limit."""
    if isinstance(pattern, re.Pattern):
        return pattern.search(text)
    try:
        return pattern.search(text, timeout=budget)
    except TimeoutError:
        raise RuleError(
            f"rule {rule.id} ({rule.path}): regex matching took longer than {budget:.0f} s; "
            "simplify the pattern"
        ) from None
