"""The ``sarif`` format: SARIF 2.1.0, shaped for GitHub code scanning."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from ..model import Action, FileReport, Finding, Severity
from ._base import (
    INFORMATION_URI,
    INPUT_ERROR_CODE,
    TOOL_NAME,
    RuleMeta,
    RuleTable,
    dump_json,
    finding_part,
    fingerprints,
    full_message,
    truncate,
)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "docclean/v1"

# GitHub code scanning rejects a run with more results than this.
MAX_RESULTS = 25_000
# GitHub keeps at most 20 tags per rule (and shows 10); docclean emits at most two.
MAX_TAGS = 10
# docclean's own caps, keeping the log compact: GitHub shows a message's first sentence as the
# alert title and the upload is limited to 10 MB gzip-compressed.
MAX_MESSAGE_CHARS = 1_000
MAX_SNIPPET_CHARS = 500

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub's own rule property for how a problem is ranked.
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}


def artifact_uri(path: str) -> str:
    """A path as a SARIF artifact URI: relative paths stay relative (POSIX, percent-encoded UTF-8),
    absolute ones become ``file://`` URIs."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(pure.as_posix(), safe="/")


def _artifact_location(path: str) -> dict[str, Any]:
    return {"uri": artifact_uri(path)}


def _region(finding: Finding) -> dict[str, Any]:
    return {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
        "charOffset": finding.start,
        "charLength": finding.end - finding.start,
    }


def _quote_short(text: str) -> str:
    return "“" + truncate(text, 40)[0] + "”"


def _fix(path: str, finding: Finding) -> dict[str, Any]:
    replacement = finding.replacement or ""
    if finding.action is Action.STRIP or not replacement:
        description = f"Delete {_quote_short(finding.text)}"
    else:
        description = f"Replace {_quote_short(finding.text)} with {_quote_short(replacement)}"
    return {
        "description": {"text": description},
        "artifactChanges": [
            {
                "artifactLocation": _artifact_location(path),
                "replacements": [
                    {"deletedRegion": _region(finding), "insertedContent": {"text": replacement}}
                ],
            }
        ],
    }


def _markdown_fence(text: str) -> str:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _rule_descriptor(rule_id: str, meta: RuleMeta | None, finding: Finding) -> dict[str, Any]:
    if meta is None:  # a rule the caller did not describe: fall back on what the finding says
        return {
            "id": rule_id,
            "shortDescription": {"text": finding.message},
            "defaultConfiguration": {"level": LEVELS[finding.severity]},
            "properties": {"category": finding.category, "tags": [finding.category]},
        }
    doc = meta.doc
    text_parts = [doc.summary, doc.why, f"Instead: {doc.instead}" if doc.instead else ""]
    markdown_parts = [
        f"**{doc.summary}**",
        doc.why,
        f"**Instead:** {doc.instead}" if doc.instead else "",
        f"**Example:**\n\n{_markdown_fence(doc.example)}" if doc.example else "",
        f"**Fix safety:** {doc.fix_safety}" if doc.fix_safety else "",
    ]
    properties: dict[str, Any] = {
        "category": meta.category,
        "tags": [meta.category][:MAX_TAGS],
        "problem.severity": _PROBLEM_SEVERITY[meta.severity],
        "action": meta.action.value,
    }
    if meta.safety is not None:
        properties["fixSafety"] = meta.safety.value
    return {
        "id": rule_id,
        "name": meta.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.why or doc.summary},
        "help": {
            "text": "\n\n".join(p for p in text_parts if p),
            "markdown": "\n\n".join(p for p in markdown_parts if p),
        },
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": properties,
    }


class _Counters:
    def __init__(self) -> None:
        self.messages = 0
        self.snippets = 0


def _result(
    path: str, finding: Finding, rule_index: int, fingerprint: str, counters: _Counters
) -> dict[str, Any]:
    message, cut = truncate(full_message(finding), MAX_MESSAGE_CHARS)
    counters.messages += cut
    snippet, cut = truncate(finding.text, MAX_SNIPPET_CHARS)
    counters.snippets += cut
    region = _region(finding)
    region["snippet"] = {"text": snippet}
    properties: dict[str, Any] = {
        "category": finding.category,
        "action": finding.action.value,
        "applied": finding.applied,
    }
    if finding.safety is not None:
        properties["fixSafety"] = finding.safety.value
    part = finding_part(finding)
    if part is not None:
        properties["part"] = part
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(path), "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": properties,
    }
    # An edit inside a container part (.docx) cannot be expressed against the file's bytes.
    if finding.action in (Action.STRIP, Action.REPLACE) and part is None:
        result["fixes"] = [_fix(path, finding)]
    return result


def sarif_log(
    reports: Sequence[FileReport],
    rules: RuleTable,
    *,
    tool_version: str = "0.1.0",
    max_results: int = MAX_RESULTS,
) -> dict[str, Any]:
    """The SARIF log as plain data (what :func:`render_sarif` serialises).

    When there are more than ``max_results`` findings, the most severe ones are kept (ties in
    input order) and ``run.properties`` tells how many were left out.
    """
    entries: list[tuple[int, FileReport, Finding, str]] = []
    for report in reports:
        for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True):
            entries.append((len(entries), report, finding, fingerprint))
    kept = sorted(entries, key=lambda e: (-e[2].severity.rank, e[0]))[:max_results]
    kept.sort(key=lambda e: e[0])
    omitted = len(entries) - len(kept)

    rule_ids = sorted({finding.rule for _, _, finding, _ in kept})
    rule_index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    first_finding = {}
    for _, _, finding, _ in reversed(kept):
        first_finding[finding.rule] = finding
    descriptors = [_rule_descriptor(r, rules.get(r), first_finding[r]) for r in rule_ids]

    counters = _Counters()
    results = [
        _result(report.path, finding, rule_index[finding.rule], fingerprint, counters)
        for _, report, finding, fingerprint in kept
    ]

    notifications = [
        {
            "level": "error",
            "message": {"text": f"{report.path}: {report.error}"},
            "descriptor": {"id": INPUT_ERROR_CODE},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(report.path)}}],
        }
        for report in reports
        if report.error is not None
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications

    truncated = bool(omitted or counters.messages or counters.snippets)
    run_properties: dict[str, Any] = {
        "truncated": truncated,
        "omittedResults": omitted,
        "truncatedMessages": counters.messages,
        "truncatedSnippets": counters.snippets,
        "limits": {
            "maxResults": max_results,
            "maxMessageChars": MAX_MESSAGE_CHARS,
            "maxSnippetChars": MAX_SNIPPET_CHARS,
        },
    }
    if truncated:
        notes = []
        if omitted:
            notes.append(
                f"{omitted} of {len(entries)} results left out (limit {max_results} per run); "
                "the most severe were kept"
            )
        if counters.messages:
            notes.append(f"{counters.messages} messages cut to {MAX_MESSAGE_CHARS} characters")
        if counters.snippets:
            notes.append(f"{counters.snippets} snippets cut to {MAX_SNIPPET_CHARS} characters")
        run_properties["note"] = "; ".join(notes)

    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": run_properties,
            }
        ],
    }


def render_sarif(reports: Sequence[FileReport], rules: RuleTable, *, tool_version: str = "0.1.0") -> str:
    """The ``sarif`` format as text."""
    return dump_json(sarif_log(reports, rules, tool_version=tool_version))
