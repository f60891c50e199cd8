"""The canonical resold document, cleaned end to end (text engine replaced by a small stand-in)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import docx
import pytest
from docx.shared import Pt, RGBColor
from docx_builder import (
    BANNER,
    EXPECTED_BODY,
    FOOTER_AD,
    LINK_TEXT,
    PARA1,
    RESELLER_URL,
    TEXTBOX_AD,
    TITLE,
    WATERMARK,
    document_with_body,
    part_bytes,
    reseller_document,
)
from docx_stub import stub_clean

import docclean
from docclean.docx import DocxResult, clean_docx
from docclean.errors import RemovalLimitError


@pytest.fixture(autouse=True)
def _stub_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docclean, "clean", stub_clean, raising=False)


@pytest.fixture
def resold(tmp_path: Path) -> Path:
    return reseller_document(tmp_path / "resold.docx")


@pytest.fixture
def cleaned(resold: Path, tmp_path: Path) -> tuple[DocxResult, Path]:
    result = clean_docx(resold, max_removal=1.0)
    out = tmp_path / "clean.docx"
    result.save(out)
    return result, out


def test_body_text_is_the_expected_text(cleaned: tuple[DocxResult, Path]) -> None:
    result, out = cleaned
    assert result.changed
    assert result.text == EXPECTED_BODY
    reopened = docx.Document(str(out))
    texts = [p.text for p in reopened.paragraphs]
    assert BANNER not in texts
    assert texts[0] == TITLE
    assert not any("QQ" in t for t in texts)


def test_junk_is_gone_from_header_footer_and_text_box(cleaned: tuple[DocxResult, Path]) -> None:
    _, out = cleaned
    parts = part_bytes(out)
    everything = b"".join(v for k, v in parts.items() if k.endswith(".xml")).decode("utf-8")
    for junk in (FOOTER_AD, TEXTBOX_AD, WATERMARK, "咨询QQ", RESELLER_URL):
        assert junk not in everything
    assert "txbxContent" not in parts["word/document.xml"].decode()  # the ad-only text box went whole
    reopened = docx.Document(str(out))
    section = reopened.sections[0]
    assert [p.text for p in section.header.paragraphs if p.text] == ["公司内部文件"]
    assert [p.text for p in section.footer.paragraphs] == ["第 1 页"]


def test_no_watermark_shape_left(cleaned: tuple[DocxResult, Path]) -> None:
    _, out = cleaned
    header = part_bytes(out)["word/header1.xml"].decode()
    assert "PowerPlusWaterMarkObject" not in header
    assert "v:textpath" not in header
    assert "<w:pict" not in header
    assert "<w:sdt>" not in header and "<w:sdt " not in header  # the emptied Watermarks control went too


def test_surviving_runs_keep_their_formatting(resold: Path, cleaned: tuple[DocxResult, Path]) -> None:
    _, out = cleaned

    def runs(path: Path) -> dict[str, tuple[object, ...]]:
        document = docx.Document(str(path))
        found: dict[str, tuple[object, ...]] = {}
        for para in document.paragraphs:
            for run in para.runs:
                color = run.font.color.rgb if run.font.color and run.font.color.type else None
                found[run.text] = (
                    run.bold,
                    run.italic,
                    color,
                    run.font.name,
                    run.font.size,
                    run.font.highlight_color,
                    para.style.name if para.style else None,
                )
        return found

    before, after = runs(resold), runs(out)
    for piece in PARA1:
        assert after[piece] == before[piece]
    assert after[PARA1[1]][0] is True
    assert after[PARA1[2]][2] == RGBColor(0x12, 0x34, 0x56)
    assert after[PARA1[2]][3] == "SimHei"
    assert after[PARA1[0]][4] == Pt(12)
    assert after[TITLE][-1] == "Heading 1"


def test_link_to_reseller_site_is_unwrapped(cleaned: tuple[DocxResult, Path]) -> None:
    result, out = cleaned
    parts = part_bytes(out)
    assert b"w:hyperlink" not in parts["word/document.xml"]
    assert RESELLER_URL.encode() not in parts["word/_rels/document.xml.rels"]
    assert LINK_TEXT in result.text
    link = [f for f in result.findings if f.part and f.part.startswith("word/_rels/document.xml.rels#")]
    assert link and all(f.applied for f in link)
    reopened = docx.Document(str(out))
    para = next(p for p in reopened.paragraphs if LINK_TEXT in p.text)
    assert not para.hyperlinks
    assert all(r.style is None or r.style.name != "Hyperlink" for r in para.runs)


def test_properties_are_cleared(cleaned: tuple[DocxResult, Path]) -> None:
    result, out = cleaned
    core = docx.Document(str(out)).core_properties
    assert core.author == ""
    assert core.last_modified_by == ""
    assert core.comments == ""
    assert core.title == "述职报告"
    app = part_bytes(out)["docProps/app.xml"].decode()
    assert "xxwenku" not in app
    parts = {f.part for f in result.findings}
    assert {
        "docProps/core.xml#creator",
        "docProps/core.xml#lastModifiedBy",
        "docProps/app.xml#Company",
    } <= parts


def test_findings_name_part_and_paragraph(cleaned: tuple[DocxResult, Path]) -> None:
    result, _ = cleaned
    by_part: dict[str, list[int]] = {}
    for finding in result.findings:
        assert finding.part
        by_part.setdefault(finding.part, []).append(finding.line)
    assert by_part["word/document.xml"][0] == 1  # the banner is paragraph 1
    assert 4 in by_part["word/document.xml"]  # the credit line after the title
    assert by_part["word/footer1.xml"] == [1]
    assert by_part["word/header1.xml#watermark-1"] == [1]
    assert by_part["word/document.xml#textbox-1"] == [1]
    assert not any(p.endswith("-fallback") for p in by_part)  # the VML copy is not reported twice
    banner = next(f for f in result.findings if f.part == "word/document.xml")
    assert banner.text.startswith(BANNER) and banner.applied
    assert banner.to_dict()["part"] == "word/document.xml"


def test_untouched_parts_are_byte_identical(resold: Path, cleaned: tuple[DocxResult, Path]) -> None:
    result, out = cleaned
    before, after = part_bytes(resold), part_bytes(out)
    changed = {
        "word/document.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "docProps/core.xml",
        "docProps/app.xml",
        "word/_rels/document.xml.rels",
        "_rels/.rels",
        "[Content_Types].xml",
    }
    assert set(before) - set(after) == {"docProps/thumbnail.jpeg"}  # it showed the ads
    assert any("thumbnail" in n for n in result.notices)
    assert set(after) <= set(before)
    for name in after:
        if name not in changed:
            assert before[name] == after[name], name


def test_input_file_is_never_modified(resold: Path, tmp_path: Path) -> None:
    digest = hashlib.sha256(resold.read_bytes()).hexdigest()
    stat = resold.stat()
    result = clean_docx(resold, max_removal=1.0)
    result.save(tmp_path / "out.docx")
    assert hashlib.sha256(resold.read_bytes()).hexdigest() == digest
    assert resold.stat().st_mtime_ns == stat.st_mtime_ns


def test_save_is_atomic_and_leaves_no_temp_file(cleaned: tuple[DocxResult, Path], tmp_path: Path) -> None:
    result, _ = cleaned
    target = tmp_path / "again.docx"
    target.write_bytes(b"old")
    result.save(target)
    assert target.read_bytes()[:2] == b"PK"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".docclean-")]


def test_detection_only_changes_nothing(resold: Path, tmp_path: Path) -> None:
    result = clean_docx(resold, fix="none")
    assert not result.changed
    assert result.findings and not any(f.applied for f in result.findings)
    out = tmp_path / "same.docx"
    result.save(out)
    assert out.read_bytes() == resold.read_bytes()


def test_removal_limit_applies_to_the_body_only(tmp_path: Path) -> None:
    body = "<w:p><w:r><w:t>咨询QQ12345678</w:t></w:r></w:p><w:p><w:r><w:t>正文</w:t></w:r></w:p>"
    src = document_with_body(tmp_path / "short.docx", body)
    with pytest.raises(RemovalLimitError):
        clean_docx(src)
    assert clean_docx(src, max_removal=0.9).changed
    footer_only = document_with_body(tmp_path / "ok.docx", "<w:p><w:r><w:t>正文内容</w:t></w:r></w:p>")
    assert not clean_docx(footer_only).changed


def test_cleaning_twice_changes_nothing_more(cleaned: tuple[DocxResult, Path]) -> None:
    _, out = cleaned
    again = clean_docx(out, max_removal=1.0)
    assert not again.changed
    assert not [f for f in again.findings if f.category == "boilerplate"]


def test_bad_fix_mode_is_refused(resold: Path) -> None:
    with pytest.raises(ValueError):
        clean_docx(resold, fix="sometimes")
