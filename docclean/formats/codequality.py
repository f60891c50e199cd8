"""The ``codequality`` format: a GitLab Code Quality report (a JSON array of issues)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from ..model import FileReport, Severity
from ._base import INPUT_ERROR_CODE, RuleTable, dump_json, effective_end_line, fingerprints, full_message

SEVERITY_NAMES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
# A file that could not be checked at all.
INPUT_ERROR_SEVERITY = "critical"


def issue_fingerprint(path: str, content_fingerprint: str) -> str:
    """A report-wide unique fingerprint: sha256 of the path and the finding's content fingerprint."""
    return hashlib.sha256(f"{path}\0{content_fingerprint}".encode("utf-8", "surrogatepass")).hexdigest()


def codequality_issues(reports: Sequence[FileReport]) -> list[dict[str, Any]]:
    """The report's issues as plain data."""
    issues: list[dict[str, Any]] = []
    for report in reports:
        if report.error is not None:
            issues.append(
                {
                    "description": report.error,
                    "check_name": INPUT_ERROR_CODE,
                    "fingerprint": issue_fingerprint(report.path, INPUT_ERROR_CODE),
                    "severity": INPUT_ERROR_SEVERITY,
                    "location": {"path": report.path, "lines": {"begin": 1}},
                }
            )
        for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True):
            issues.append(
                {
                    "description": full_message(finding),
                    "check_name": finding.rule,
                    "fingerprint": issue_fingerprint(report.path, fingerprint),
                    "severity": SEVERITY_NAMES[finding.severity],
                    "location": {
                        "path": report.path,
                        "lines": {"begin": finding.line, "end": effective_end_line(finding)},
                    },
                }
            )
    return issues


def render_codequality(reports: Sequence[FileReport], rules: RuleTable) -> str:
    """The ``codequality`` format as text; ``rules`` is accepted for a uniform signature."""
    del rules
    return dump_json(codequality_issues(reports))
