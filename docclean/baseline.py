"""Baselines: record today's findings so that only new ones fail a check.

A finding is identified by its content fingerprint and occurrence number (``docclean.fingerprint``,
the same the report formats use), not by its position, so editing other parts of a file does not
invalidate the baseline. Paths are stored relative to the baseline file's folder, with ``/`` separators. The file
format is documented in docs/output.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .errors import DoccleanError
from .fingerprint import numbered
from .model import FileReport, Finding
from .sources import write_atomic

BASELINE_VERSION = 1


def _key_path(path: str, base: Path) -> str:
    if path == "-":
        return "-"
    absolute = str(Path(path).resolve())
    rel = os.path.relpath(absolute, str(Path(base).resolve()))
    return Path(absolute if rel.startswith("..") else rel).as_posix()


def _entries(report: FileReport, base: Path) -> Iterable[tuple[str, Finding, str, int]]:
    path = _key_path(report.path, base)
    for f, (fp, n) in zip(report.findings, numbered(report.findings, report.source), strict=True):
        yield path, f, fp, n


def write_baseline(target: Path, reports: Sequence[FileReport]) -> int:
    """Write every finding of ``reports`` to ``target``; returns how many were recorded."""
    base = target.parent
    rows: list[dict[str, Any]] = []
    for report in reports:
        for path, f, fp, n in _entries(report, base):
            rows.append({"path": path, "rule": f.rule, "fingerprint": fp, "occurrence": n,
                         "line": f.line, "text": f.text if len(f.text) <= 80 else f.text[:79] + "…"})
    rows.sort(key=lambda r: (r["path"], r["line"], r["rule"], r["occurrence"]))
    data = {"version": BASELINE_VERSION, "tool": "docclean", "findings": rows}
    write_atomic(target, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return len(rows)


class Baseline:
    """A loaded baseline file."""

    def __init__(self, path: Path, keys: set[tuple[str, str, int]]) -> None:
        self.path = path
        self.keys = keys

    @classmethod
    def from_reports(cls, reports: Sequence[FileReport], folder: Path) -> Baseline:
        """A baseline of ``reports`` held in memory, as if written to a file in ``folder``."""
        keys = {(path, fp, n) for report in reports for path, _f, fp, n in _entries(report, folder)}
        return cls(folder / "baseline.json", keys)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """Read ``path``; raises ``DoccleanError`` when it is missing or not a docclean baseline."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise DoccleanError(f"{path}: cannot read baseline ({exc.strerror or exc})") from None
        except json.JSONDecodeError as exc:
            raise DoccleanError(f"{path}: baseline is not valid JSON ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
            raise DoccleanError(f"{path}: not a docclean baseline")
        if data.get("version") != BASELINE_VERSION:
            raise DoccleanError(f"{path}: unsupported baseline version {data.get('version')!r} "
                                f"(this docclean reads version {BASELINE_VERSION})")
        keys: set[tuple[str, str, int]] = set()
        for row in data["findings"]:
            try:
                keys.add((str(row["path"]), str(row["fingerprint"]), int(row["occurrence"])))
            except (KeyError, TypeError, ValueError):
                raise DoccleanError(f"{path}: malformed baseline entry {row!r}") from None
        return cls(path, keys)

    def filter(self, reports: Sequence[FileReport]) -> tuple[list[FileReport], int]:
        """``reports`` without the findings this baseline records, and how many were dropped."""
        out: list[FileReport] = []
        dropped = 0
        for report in reports:
            keep = [f for path, f, fp, n in _entries(report, self.path.parent)
                    if (path, fp, n) not in self.keys]
            dropped += len(report.findings) - len(keep)
            out.append(replace(report, findings=tuple(keep)))
        return out, dropped
