"""The bridge to the text engine: calling ``docclean.clean`` and placing its findings in a part."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import docclean
from docclean.model import Action, Finding, Result, Severity
from docclean.rules import RuleSet

Cleaner = Callable[[str, float], Result]
"""``cleaner(text, max_removal) -> Result``: ``docclean.clean`` with the caller's rules and fix mode."""


def text_cleaner(rules: RuleSet | None, fix: str, allow: Sequence[str] = ()) -> Cleaner:
    """A :data:`Cleaner` running ``docclean.clean(text, rules=…, fix=…, max_removal=…, allow=…)``.

    ``docclean.clean`` is looked up at call time, so it can be swapped for a stand-in.
    """

    def run(text: str, max_removal: float) -> Result:
        if allow:
            return docclean.clean(text, rules=rules, fix=fix, max_removal=max_removal, allow=allow)
        return docclean.clean(text, rules=rules, fix=fix, max_removal=max_removal)

    return run


def is_junk(result: Result) -> bool:
    """True when the engine reports reseller boilerplate in the text."""
    return any(f.category == "boilerplate" for f in result.findings)


def placed(
    finding: Finding,
    part: str,
    *,
    line: int | None = None,
    column: int | None = None,
    end_line: int | None = None,
    end_column: int | None = None,
    applied: bool | None = None,
) -> Finding:
    """``finding`` moved into ``part`` (and optionally to other coordinates / applied state)."""
    changes: dict[str, Any] = {"part": part}
    if line is not None:
        changes["line"] = line
    if column is not None:
        changes["column"] = column
    if end_line is not None:
        changes["end_line"] = end_line
    if end_column is not None:
        changes["end_column"] = end_column
    if applied is not None:
        changes["applied"] = applied
    return dataclasses.replace(finding, **changes)


def docx_finding(
    rule: str,
    message: str,
    text: str,
    part: str,
    *,
    action: Action = Action.FLAG,
    applied: bool = False,
    severity: Severity = Severity.WARNING,
    line: int = 1,
    suggestion: str | None = None,
) -> Finding:
    """A finding about a .docx object (a picture watermark, a link…) rather than a text span."""
    return Finding(
        rule=rule,
        category="boilerplate",
        severity=severity,
        message=message,
        start=0,
        end=len(text),
        line=line,
        column=1,
        end_line=line,
        end_column=len(text) + 1,
        text=text,
        action=action,
        replacement="" if action is not Action.FLAG else None,
        applied=applied,
        suggestion=suggestion,
        part=part,
    )
