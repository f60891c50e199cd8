"""The canonical example comes out exactly as expected (when ../shared is present)."""

from __future__ import annotations

import csv
from pathlib import Path

import docclean


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_seed_cleans_to_expected_text(shared: Path) -> None:
    seed = shared / "examples" / "seed"
    result = docclean.clean((seed / "report.txt").read_text(encoding="utf-8"))
    assert result.text == (seed / "expected-clean.txt").read_text(encoding="utf-8")


def test_seed_reports_every_expected_finding(shared: Path) -> None:
    seed = shared / "examples" / "seed"
    text = (seed / "report.txt").read_text(encoding="utf-8")
    result = docclean.clean(text)
    got = {(f.category, f.line, f.column) for f in result.findings}
    for row in _rows(seed / "expected-findings.tsv"):
        key = (row["category"], int(row["line"]), int(row["column"]))
        assert key in got, f"missing {row}"
        match = [f for f in result.findings if (f.category, f.line, f.column) == key]
        assert any(f.text.rstrip("\n") == row["text"].rstrip() or f.text.startswith(row["text"]) for f in match)
        if row["action"].startswith("flag (suggest"):
            suggestion = row["action"].split("suggest ", 1)[1].rstrip(")")
            assert any(f.suggestion == suggestion for f in match)


def test_seed_strips_nothing_else(shared: Path) -> None:
    seed = shared / "examples" / "seed"
    text = (seed / "report.txt").read_text(encoding="utf-8")
    result = docclean.clean(text)
    expected = {(int(r["line"]), int(r["column"])) for r in _rows(seed / "expected-findings.tsv")}
    for f in result.applied:
        if (f.line, f.column) not in expected:
            assert f.text.strip() == "", f"unexpected edit {f.to_dict()}"
    flags = [f for f in result.findings if not f.applied]
    assert {(f.line, f.column) for f in flags} <= expected
