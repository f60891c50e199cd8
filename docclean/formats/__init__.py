"""Report formats of ``docclean check --format``: pure functions from file reports to text.

``render(name, reports, rules)`` dispatches on the format name; every format is described in
docs/output.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..model import FileReport
from ._base import RuleMeta, RuleTable, display_width, summarize
from .codequality import codequality_issues, render_codequality
from .github import escape_data, escape_property, render_github
from .json_report import JSON_FORMAT_VERSION, json_report, render_json
from .rdjson import rdjson_result, render_rdjson
from .sarif import artifact_uri, render_sarif, sarif_log
from .text import render_text, summary_line, use_color

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github", "rdjson", "codequality")

_Renderer = Callable[[Sequence[FileReport], RuleTable, bool, str], str]

_RENDERERS: dict[str, _Renderer] = {
    "text": lambda reports, rules, color, version: render_text(reports, rules, color=color),
    "json": lambda reports, rules, color, version: render_json(reports, rules, tool_version=version),
    "sarif": lambda reports, rules, color, version: render_sarif(reports, rules, tool_version=version),
    "github": lambda reports, rules, color, version: render_github(reports, rules),
    "rdjson": lambda reports, rules, color, version: render_rdjson(reports, rules),
    "codequality": lambda reports, rules, color, version: render_codequality(reports, rules),
}


def render(
    name: str,
    reports: Sequence[FileReport],
    rules: RuleTable,
    *,
    color: bool = False,
    tool_version: str = "0.1.0",
) -> str:
    """Render ``reports`` in the format ``name`` (one of :data:`FORMATS`).

    ``rules`` maps rule ids to their metadata; ``color`` only affects ``text``. Raises
    ``ValueError`` for an unknown format name.
    """
    try:
        renderer = _RENDERERS[name]
    except KeyError:
        raise ValueError(f"unknown output format {name!r} (choose from {', '.join(FORMATS)})") from None
    return renderer(reports, rules, color, tool_version)


__all__ = [
    "FORMATS",
    "JSON_FORMAT_VERSION",
    "RuleMeta",
    "RuleTable",
    "artifact_uri",
    "codequality_issues",
    "display_width",
    "escape_data",
    "escape_property",
    "json_report",
    "rdjson_result",
    "render",
    "render_codequality",
    "render_github",
    "render_json",
    "render_rdjson",
    "render_sarif",
    "render_text",
    "sarif_log",
    "summarize",
    "summary_line",
    "use_color",
]
