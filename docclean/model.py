"""Value types shared by every part of docclean: severities, actions, findings, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    """How serious a finding is; ordered so thresholds are one comparison."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _SEVERITY_RANK[self.value]


_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class Action(str, Enum):
    """What a finding's fix does to the text."""

    STRIP = "strip"  # delete the span
    REPLACE = "replace"  # put `replacement` in place of the span
    FLAG = "flag"  # report only; a human decides


class FixSafety(str, Enum):
    """Whether a fix may be applied without the user's opt-in."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class FixMode(str, Enum):
    """Which fixes `clean()` applies: none, safe ones (default), or safe and unsafe ones."""

    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"

    def allows(self, safety: FixSafety) -> bool:
        """True when a fix of this safety is applied under this mode."""
        if self is FixMode.NONE:
            return False
        return safety is FixSafety.SAFE or self is FixMode.UNSAFE


CATEGORIES = ("boilerplate", "placeholder", "duplicate", "numbering")

FINDING_KEYS = (
    "rule",
    "category",
    "severity",
    "message",
    "start",
    "end",
    "line",
    "column",
    "end_line",
    "end_column",
    "text",
    "action",
    "replacement",
    "applied",
    "suggestion",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found.

    ``start``/``end`` are 0-based code-point offsets into the input (end exclusive);
    ``line``/``column``/``end_line``/``end_column`` are 1-based and count code points.
    ``replacement`` is ``""`` for a strip, the new text for a replace and ``None`` for a flag.
    ``applied`` tells whether the edit is part of the cleaned text.
    """

    rule: str
    category: str
    severity: Severity
    message: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    action: Action
    replacement: str | None
    applied: bool
    suggestion: str | None = None
    safety: FixSafety | None = field(default=None, compare=False)
    part: str | None = field(default=None, compare=False)  # where in a container file (.docx part)

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON-ready data: the keys of ``FINDING_KEYS`` (plus ``part`` for .docx)."""
        data: dict[str, Any] = {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity.value,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "text": self.text,
            "action": self.action.value,
            "replacement": self.replacement,
            "applied": self.applied,
            "suggestion": self.suggestion,
        }
        if self.part is not None:
            data["part"] = self.part
        return data

    @property
    def fixable(self) -> bool:
        """True when the finding carries an edit (strip or replace)."""
        return self.action is not Action.FLAG


@dataclass(frozen=True, slots=True)
class Result:
    """What ``clean()`` returns: the cleaned text and every finding, applied or not."""

    text: str
    findings: tuple[Finding, ...]
    original: str

    @property
    def applied(self) -> tuple[Finding, ...]:
        """The findings whose edits produced ``text``, in offset order."""
        return tuple(f for f in self.findings if f.applied)

    @property
    def changed(self) -> bool:
        """True when the cleaned text differs from the input."""
        return self.text != self.original

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data: cleaned text and findings."""
        return {"text": self.text, "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """A rule's documentation, written to one template."""

    summary: str  # what it finds, one line
    why: str = ""  # why it matters
    example: str = ""  # text that triggers it
    instead: str = ""  # what to write instead
    fix_safety: str = ""  # why the fix is (or is not) safe


@dataclass(frozen=True, slots=True)
class FileReport:
    """Findings for one file (or stdin), as the CLI and the report formats see them."""

    path: str
    findings: tuple[Finding, ...] = ()
    encoding: str | None = None
    source: str | None = None  # the checked text, for excerpts; None when unavailable
    error: str | None = None  # one-line reason the file could not be checked
