"""The command line on Word documents: check, clean to a new file, picture watermarks on request."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from docx_builder import part_bytes, picture_watermark_document, reseller_document

from docclean.cli import main


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_check_reports_docx_findings_with_their_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = reseller_document(tmp_path / "resold.docx")
    before = src.read_bytes()
    assert main(["check", "--format", "json", str(src)]) == 1
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    parts = {f["part"].split("#")[0] for f in findings}
    assert "word/document.xml" in parts
    assert any(p.startswith("word/footer") or p.startswith("word/header") for p in parts)
    assert src.read_bytes() == before


def test_clean_writes_a_valid_document_and_leaves_the_input(tmp_path: Path) -> None:
    src = reseller_document(tmp_path / "resold.docx")
    before = src.read_bytes()
    out = tmp_path / "clean.docx"
    assert main(["clean", str(src), "-o", str(out)]) == 0
    body = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "仅供学习" not in body and "QQ" not in body
    assert src.read_bytes() == before


def test_clean_docx_to_stdout_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = reseller_document(tmp_path / "resold.docx")
    assert main(["clean", str(src)]) == 2
    assert "needs -o OUT or --in-place" in capsys.readouterr().err


def test_picture_watermarks_go_only_on_request(tmp_path: Path) -> None:
    src = picture_watermark_document(tmp_path / "wm.docx")
    kept, removed = tmp_path / "kept.docx", tmp_path / "removed.docx"
    assert main(["clean", str(src), "-o", str(kept)]) == 0
    assert main(["clean", "--remove-picture-watermarks", str(src), "-o", str(removed)]) == 0
    images = lambda p: [n for n in part_bytes(p) if n.startswith("word/media/")]  # noqa: E731
    assert images(src) and images(kept) and not images(removed)
