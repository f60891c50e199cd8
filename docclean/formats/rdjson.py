"""The ``rdjson`` format: reviewdog's Diagnostic Format (a ``DiagnosticResult`` as JSON).

reviewdog counts columns in UTF-8 bytes of the line (1-based, end exclusive), so code-point
columns are converted using the report's source text. Without source text the range is given
by lines only, and no suggestion is offered (a line-only range would replace whole lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import FileReport, Finding, Severity
from ._base import (
    INFORMATION_URI,
    INPUT_ERROR_CODE,
    SEVERITIES,
    TOOL_NAME,
    RuleTable,
    SourceIndex,
    dump_json,
    effective_end_line,
    finding_part,
    full_message,
    located,
    source_index,
)

SEVERITY_NAMES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def byte_range(index: SourceIndex, finding: Finding) -> dict[str, Any]:
    """The finding's range with columns in UTF-8 bytes, from a source index that agrees with it."""
    return {
        "start": {"line": finding.line, "column": index.utf8_column(finding.start)},
        "end": {"line": finding.end_line, "column": index.utf8_column(finding.end)},
    }


def _line_range(finding: Finding) -> dict[str, Any]:
    return {"start": {"line": finding.line}, "end": {"line": effective_end_line(finding)}}


def diagnostic(path: str, finding: Finding, index: SourceIndex | None) -> dict[str, Any]:
    """One finding as an rdjson ``Diagnostic``."""
    trusted = located(index, finding)
    span = byte_range(trusted, finding) if trusted is not None else _line_range(finding)
    result: dict[str, Any] = {
        "message": full_message(finding),
        "location": {"path": path, "range": span},
        "severity": SEVERITY_NAMES[finding.severity],
        "code": {"value": finding.rule},
    }
    if finding.fixable and trusted is not None and finding_part(finding) is None:
        result["suggestions"] = [{"range": span, "text": finding.replacement or ""}]
    return result


def rdjson_result(reports: Sequence[FileReport]) -> dict[str, Any]:
    """The ``DiagnosticResult`` as plain data; its ``severity`` is the highest one reported."""
    diagnostics: list[dict[str, Any]] = []
    for report in reports:
        if report.error is not None:
            diagnostics.append(
                {
                    "message": report.error,
                    "location": {"path": report.path},
                    "severity": "ERROR",
                    "code": {"value": INPUT_ERROR_CODE},
                }
            )
        index = source_index(report)
        diagnostics.extend(diagnostic(report.path, finding, index) for finding in report.findings)
    result: dict[str, Any] = {"source": {"name": TOOL_NAME, "url": INFORMATION_URI}}
    present = {d["severity"] for d in diagnostics}
    for severity in SEVERITIES:
        if SEVERITY_NAMES[severity] in present:
            result["severity"] = SEVERITY_NAMES[severity]
            break
    result["diagnostics"] = diagnostics
    return result


def render_rdjson(reports: Sequence[FileReport], rules: RuleTable) -> str:
    """The ``rdjson`` format as text; ``rules`` is accepted for a uniform signature."""
    del rules
    return dump_json(rdjson_result(reports))
