"""The human-readable ``text`` format: one line per finding, a source excerpt with carets, a summary."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Protocol

from ..model import FileReport, Finding, Severity
from ._base import (
    RuleTable,
    SourceIndex,
    display_width,
    finding_part,
    located,
    source_index,
    summarize,
)

# Display columns of context shown on each side of a finding in a long line.
CONTEXT_WIDTH = 30
# Display columns of the finding itself shown before it is cut with "…".
MAX_SPAN_WIDTH = 60
ELLIPSIS = "…"

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLOUR = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}
_GREEN = "\x1b[32m"
_BLUE = "\x1b[34m"
_RED = "\x1b[1;31m"

# Bidirectional controls could reorder an excerpt on screen; they are shown as U+FFFD.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class _TTYStream(Protocol):
    def isatty(self) -> bool: ...


def use_color(stream: _TTYStream, env: Mapping[str, str] | None = None) -> bool:
    """Whether to colour output written to ``stream``.

    ``NO_COLOR`` set to any non-empty value turns colour off; otherwise ``FORCE_COLOR`` set to a
    non-empty value other than ``0``/``false`` turns it on; otherwise colour is used when the
    stream is a terminal and ``TERM`` is not ``dumb``.
    """
    environ = os.environ if env is None else env
    if environ.get("NO_COLOR", ""):
        return False
    force = environ.get("FORCE_COLOR", "")
    if force and force.lower() not in ("0", "false"):
        return True
    if environ.get("TERM", "") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed or not a real stream
        return False


class _Palette:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def paint(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.enabled and text else text


def _escape_controls(text: str) -> str:
    """Show control characters of a header line as escapes so they cannot drive the terminal."""
    return "".join(
        f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" else ch for ch in text.replace("\n", " ")
    )


def _visible(text: str) -> str:
    """Excerpt text with one visible, one-column character in place of each control character."""
    out = []
    for ch in text:
        if unicodedata.category(ch) == "Cc":
            out.append(" ")
        elif ch in _BIDI_CONTROLS:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def _take_left(text: str, width: int) -> str:
    used = 0
    for i, ch in enumerate(text):
        used += display_width(ch)
        if used > width:
            return text[:i]
    return text


def _take_right(text: str, width: int) -> str:
    used = 0
    for i in range(len(text) - 1, -1, -1):
        used += display_width(text[i])
        if used > width:
            return text[i + 1 :]
    return text


def excerpt_window(line: str, start: int, end: int) -> tuple[str, int, int]:
    """The shown part of ``line`` for a span ``[start, end)`` of it, the caret offset and caret width.

    Context beyond ``CONTEXT_WIDTH`` display columns on either side is replaced by ``…``, as is the
    span itself past ``MAX_SPAN_WIDTH``; offset and width are in display columns of the shown text.
    """
    line = _visible(line)
    before, span, after = line[:start], line[start:end], line[end:]
    if display_width(span) > MAX_SPAN_WIDTH:
        span = _take_left(span, MAX_SPAN_WIDTH - 1) + ELLIPSIS
    if display_width(before) > CONTEXT_WIDTH:
        before = ELLIPSIS + _take_right(before, CONTEXT_WIDTH - 1)
    if display_width(after) > CONTEXT_WIDTH:
        after = _take_left(after, CONTEXT_WIDTH - 1) + ELLIPSIS
    return before + span + after, display_width(before), max(1, display_width(span))


def _excerpt(index: SourceIndex, finding: Finding, palette: _Palette) -> list[str]:
    line = index.line_text(finding.line)
    start = finding.column - 1
    last_line = finding.line
    if finding.end_line == finding.line:
        end = finding.end_column - 1
    else:
        end = len(line)  # the span runs past this line: mark to its end
        last_line = finding.end_line - 1 if finding.end_column == 1 else finding.end_line
    end = min(max(end, start), len(line))
    start = min(start, len(line))
    shown, offset, width = excerpt_window(line, start, end)
    number = str(finding.line)
    gutter = palette.paint(_BLUE, f"{number} |")
    blank = palette.paint(_BLUE, f"{' ' * len(number)} |")
    carets = palette.paint(_SEVERITY_COLOUR[finding.severity], "^" * width)
    note = f" continues to line {last_line}" if last_line > finding.line else ""
    return [f"{gutter} {shown}", f"{blank} {' ' * offset}{carets}{note}"]


def _header(path: str, finding: Finding, palette: _Palette) -> str:
    severity = palette.paint(_SEVERITY_COLOUR[finding.severity], finding.severity.value)
    location = palette.paint(_BOLD, f"{_escape_controls(path)}:{finding.line}:{finding.column}:")
    parts = [location, severity, palette.paint(_BOLD, finding.rule)]
    if finding.fixable:
        parts.append(palette.paint(_GREEN, "[*]"))
    parts.append(_escape_controls(finding.message))
    part = finding_part(finding)
    if part is not None:
        parts.append(f"(in {_escape_controls(part)})")
    if finding.applied:
        parts.append(palette.paint(_DIM, "(applied)"))
    return " ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(reports: Sequence[FileReport]) -> str:
    """``N findings (x error, y warning, z info) in M files; K fixable`` plus applied/unreadable counts."""
    totals = summarize(reports)
    sev = totals.by_severity
    line = (
        f"{_plural(totals.findings, 'finding')} "
        f"({sev['error']} error, {sev['warning']} warning, {sev['info']} info) "
        f"in {_plural(totals.files, 'file')}; {totals.fixable} fixable"
    )
    if totals.applied:
        line += f" ({totals.applied} applied)"
    if totals.unreadable:
        line += f"; {_plural(totals.unreadable, 'file')} not checked"
    return line


def render_text(reports: Sequence[FileReport], rules: RuleTable, *, color: bool = False) -> str:
    """The ``text`` format (see docs/output.md); ``rules`` is accepted for a uniform signature."""
    del rules
    palette = _Palette(color)
    lines: list[str] = []
    for report in reports:
        if report.error is not None:
            lines.append(
                f"{palette.paint(_BOLD, _escape_controls(report.path) + ':')} "
                f"{palette.paint(_RED, 'error')}: {_escape_controls(report.error)}"
            )
        index = source_index(report)
        for finding in report.findings:
            lines.append(_header(report.path, finding, palette))
            trusted = located(index, finding)
            if trusted is not None:
                lines.extend(_excerpt(trusted, finding, palette))
            if finding.suggestion:
                indent = " " * (len(str(finding.line)) + 1) if trusted is not None else ""
                lines.append(
                    f"{indent}{palette.paint(_BLUE, '=')} suggestion: {_escape_controls(finding.suggestion)}"
                )
    if lines:
        lines.append("")
    lines.append(palette.paint(_BOLD, summary_line(reports)))
    return "\n".join(lines) + "\n"
