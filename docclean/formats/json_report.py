"""The ``json`` format: one versioned object, described field by field in docs/output.md."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import FileReport
from ._base import TOOL_NAME, RuleTable, dump_json, summarize

JSON_FORMAT_VERSION = 1


def json_report(reports: Sequence[FileReport], *, tool_version: str = "0.1.0") -> dict[str, Any]:
    """The ``json`` report as plain data (what :func:`render_json` serialises)."""
    totals = summarize(reports)
    return {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": tool_version},
        "files": [
            {
                "path": report.path,
                "encoding": report.encoding,
                "error": report.error,
                "findings": [finding.to_dict() for finding in report.findings],
            }
            for report in reports
        ],
        "summary": {
            "files": totals.files,
            "findings": totals.findings,
            "by_category": totals.by_category,
            "by_severity": totals.by_severity,
            "fixable": totals.fixable,
            "applied": totals.applied,
        },
    }


def render_json(reports: Sequence[FileReport], rules: RuleTable, *, tool_version: str = "0.1.0") -> str:
    """The ``json`` format as text (UTF-8, indented); ``rules`` is accepted for a uniform signature."""
    del rules
    return dump_json(json_report(reports, tool_version=tool_version))
