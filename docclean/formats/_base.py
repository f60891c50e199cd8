"""Pieces shared by the report formats: rule metadata, counts, display widths, source lookup, fingerprints."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..fingerprint import numbered
from ..lines import LineIndex
from ..model import CATEGORIES, Action, FileReport, Finding, FixSafety, RuleDoc, Severity

TOOL_NAME = "docclean"
INFORMATION_URI = "https://pypi.org/project/docclean/"
# The code used by machine formats for a file that could not be checked at all.
INPUT_ERROR_CODE = "input-error"
# Severities from most to least serious.
SEVERITIES: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.INFO)


class RuleMeta(Protocol):
    """What the formats need to know about a rule (read-only, so frozen dataclasses fit)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def severity(self) -> Severity: ...

    @property
    def action(self) -> Action: ...

    @property
    def safety(self) -> FixSafety | None: ...

    @property
    def message(self) -> str: ...

    @property
    def doc(self) -> RuleDoc: ...


RuleTable = Mapping[str, RuleMeta]


# --------------------------------------------------------------------------- counts


@dataclass(frozen=True, slots=True)
class Summary:
    """Totals over a set of file reports."""

    files: int
    findings: int
    by_category: dict[str, int]
    by_severity: dict[str, int]
    fixable: int
    applied: int
    unreadable: int


def summarize(reports: Sequence[FileReport]) -> Summary:
    """Count findings by category and severity, fixable and applied ones, and unreadable files."""
    by_category = dict.fromkeys(CATEGORIES, 0)
    by_severity = {s.value: 0 for s in SEVERITIES}
    total = fixable = applied = 0
    for report in reports:
        for finding in report.findings:
            total += 1
            by_category[finding.category] = by_category.get(finding.category, 0) + 1
            by_severity[finding.severity.value] += 1
            fixable += finding.fixable
            applied += finding.applied
    return Summary(
        files=len(reports),
        findings=total,
        by_category=by_category,
        by_severity=by_severity,
        fixable=fixable,
        applied=applied,
        unreadable=sum(1 for r in reports if r.error is not None),
    )


# --------------------------------------------------------------------------- text helpers


def char_width(ch: str) -> int:
    """Terminal columns one code point takes: 2 for East Asian Wide/Fullwidth, 0 for marks, else 1."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (see :func:`char_width`); ambiguous-width characters count 1."""
    return sum(char_width(ch) for ch in text)


def full_message(finding: Finding) -> str:
    """The finding's message, with its suggestion (if any) on a second line."""
    if finding.suggestion:
        return f"{finding.message}\nsuggestion: {finding.suggestion}"
    return finding.message


def finding_part(finding: Finding) -> str | None:
    """The part of a container file (e.g. a .docx part) the finding is in, when the model records one."""
    part = getattr(finding, "part", None)
    return part if isinstance(part, str) else None


def effective_end_line(finding: Finding) -> int:
    """The last line holding a character of the span (a span ending just after a newline stops before)."""
    if finding.end_line > finding.line and finding.end_column == 1:
        return finding.end_line - 1
    return finding.end_line


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` code points (ending in ``…`` when cut), and whether it was cut."""
    if len(text) <= limit:
        return text, False
    return text[: max(limit - 1, 0)] + "…", True


def dump_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON text keeping Chinese readable; falls back to ASCII escapes if the data holds lone surrogates."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, indent=indent)
    return text + "\n"


# --------------------------------------------------------------------------- source lookup


class SourceIndex:
    """Line starts of a file's checked text, to find a finding's line and convert its columns.

    Lines end at ``\r\n``, ``\r`` or ``\n``, exactly as the engine counts them
    (``docclean.lines.LineIndex``), so report positions always agree with the findings'.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._index = LineIndex(source)

    def locate(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a 0-based code-point offset."""
        return self._index.location(offset)

    def line_start(self, line: int) -> int:
        """Offset of the first character of a 1-based line."""
        return self._index.starts[line - 1]

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        if not 1 <= line <= len(self._index):
            return ""
        return self._index.text_of(self._index.line(line - 1))

    def matches(self, finding: Finding) -> bool:
        """True when the finding's offsets lie in this text and agree with its line and column numbers."""
        if not 0 <= finding.start <= finding.end <= len(self.source):
            return False
        return self.locate(finding.start) == (finding.line, finding.column) and self.locate(finding.end) == (
            finding.end_line,
            finding.end_column,
        )

    def utf8_column(self, offset: int) -> int:
        """1-based column of an offset counted in UTF-8 bytes of its line."""
        line, _ = self.locate(offset)
        prefix = self.source[self.line_start(line) : offset]
        return len(prefix.encode("utf-8", "surrogatepass")) + 1


def source_index(report: FileReport) -> SourceIndex | None:
    """An index of the report's source text, or None when the report carries none."""
    return SourceIndex(report.source) if report.source is not None else None


def located(index: SourceIndex | None, finding: Finding) -> SourceIndex | None:
    """``index`` when it can be trusted for ``finding`` (it agrees with the finding's positions)."""
    return index if index is not None and index.matches(finding) else None


# --------------------------------------------------------------------------- fingerprints


def fingerprints(report: FileReport) -> list[str]:
    """A stable ``<fingerprint>:<n>`` per finding of the report, in order (see
    ``docclean.fingerprint``): no line numbers, so a finding keeps it when lines are added above
    it; ``n`` numbers findings sharing a fingerprint in the same file (1, 2, ...)."""
    return [f"{fp}:{n}" for fp, n in numbered(report.findings, report.source)]
