"""The ``github`` format: GitHub Actions workflow commands that become annotations on a run."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import FileReport, Finding, Severity
from ._base import TOOL_NAME, RuleTable, effective_end_line, full_message

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message: ``%``, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command property value: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: list[tuple[str, str]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{name} {props}::{escape_data(message)}"


def annotation(path: str, finding: Finding) -> str:
    """One finding as a workflow command; columns are given only for single-line spans."""
    end_line = effective_end_line(finding)
    properties = [("file", path), ("line", str(finding.line))]
    if end_line == finding.line:
        if finding.end_line == finding.line:
            end_column = finding.end_column
        else:  # the span ends with this line's line break
            end_column = finding.column + len(finding.text.rstrip("\r\n"))
        properties += [
            ("col", str(finding.column)),
            ("endLine", str(end_line)),
            ("endColumn", str(end_column)),
        ]
    else:
        properties.append(("endLine", str(end_line)))
    properties.append(("title", finding.rule))
    return _command(COMMANDS[finding.severity], properties, full_message(finding))


def render_github(reports: Sequence[FileReport], rules: RuleTable) -> str:
    """The ``github`` format: one command per finding and per unreadable file ("" when none)."""
    del rules
    lines = []
    for report in reports:
        if report.error is not None:
            lines.append(_command("error", [("file", report.path), ("title", TOOL_NAME)], report.error))
        lines.extend(annotation(report.path, finding) for finding in report.findings)
    return "".join(line + "\n" for line in lines)
