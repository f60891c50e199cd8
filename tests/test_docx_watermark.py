"""Text and picture watermarks, page backgrounds."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from docx_builder import (
    document_with_body,
    part_bytes,
    picture_watermark_document,
    vml_text_watermark,
)
from docx_stub import make_cleaner, stub_clean

import docclean
from docclean.docx import clean_docx

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "docx"


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus file {name} not available")
    return path


@pytest.fixture(autouse=True)
def _stub_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docclean, "clean", stub_clean, raising=False)


@pytest.mark.parametrize(
    "name",
    [
        "wm-text-chinese-word2007.docx",
        "wm-text-confidential-word2007.docx",
        "wm-text-draft-horizontal-word2007.docx",
        "wm-text-in-body-letterhead-word2016.docx",
    ],
)
def test_legitimate_text_watermarks_stay(name: str) -> None:
    result = clean_docx(corpus(name))
    assert not result.changed
    assert not [f for f in result.findings if f.part and "#watermark" in f.part]


def test_junk_watermark_in_header_shares_its_paragraph(tmp_path: Path) -> None:
    body = "<w:p><w:r><w:t>正文</w:t></w:r></w:p>"
    mark = vml_text_watermark("仅供学习 禁止外传", sdt=False)
    header = mark.replace("</w:p>", "<w:r><w:t>页眉文字</w:t></w:r></w:p>", 1)
    header = header[header.index(">") + 1 :]  # drop the namespace-declaring start tag
    header = "<w:p>" + header
    src = document_with_body(tmp_path / "in.docx", body, header_xml=header)
    result = clean_docx(src, max_removal=1.0)
    assert result.changed
    out = tmp_path / "out.docx"
    result.save(out)
    xml = part_bytes(out)["word/header1.xml"].decode()
    assert "textpath" not in xml and "PowerPlusWaterMarkObject" not in xml
    assert "页眉文字" in xml
    assert [p.text for p in docx.Document(str(out)).sections[0].header.paragraphs] == ["页眉文字"]


def test_watermark_in_the_body_is_judged_too(tmp_path: Path) -> None:
    mark = vml_text_watermark("更多资料请加微信：wx12345")
    mark = "<w:sdt>" + mark[mark.index(">") + 1 :]
    src = document_with_body(tmp_path / "in.docx", mark + "<w:p><w:r><w:t>正文</w:t></w:r></w:p>")
    result = clean_docx(src, max_removal=1.0)
    out = tmp_path / "out.docx"
    result.save(out)
    xml = part_bytes(out)["word/document.xml"].decode()
    assert "textpath" not in xml
    assert "<w:sdt>" not in xml and "<w:sdt " not in xml  # the emptied Watermarks control went too
    assert any(f.part == "word/document.xml#watermark-1" and f.applied for f in result.findings)


def test_partly_junk_watermark_keeps_its_real_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docclean, "clean", make_cleaner(spans={r" ?QQ\d+": ""}), raising=False)
    mark = vml_text_watermark("保密 QQ12345678")
    mark = "<w:sdt>" + mark[mark.index(">") + 1 :]
    src = document_with_body(tmp_path / "in.docx", "<w:p/>", header_xml=mark)
    result = clean_docx(src)
    out = tmp_path / "out.docx"
    result.save(out)
    xml = part_bytes(out)["word/header1.xml"].decode()
    assert 'string="保密"' in xml


def test_body_wordart_is_not_a_watermark() -> None:
    result = clean_docx(corpus("wordart-textpath-body-attachments-word2007.docx"))
    assert not result.changed


@pytest.mark.parametrize("name", ["wm-picture-washout-word2007.docx", "wm-picture-nowashout-word2007.docx"])
def test_picture_watermarks_are_flagged_then_removed_on_request(name: str, tmp_path: Path) -> None:
    path = corpus(name)
    flagged = clean_docx(path)
    assert not flagged.changed
    marks = [f for f in flagged.findings if f.rule == "DOC002"]
    assert len(marks) == 3 and not any(f.applied for f in marks)
    removed = clean_docx(path, remove_picture_watermarks=True)
    assert removed.changed
    out = tmp_path / "out.docx"
    removed.save(out)
    parts = part_bytes(out)
    for name_, data in parts.items():
        if name_.startswith("word/header") and name_.endswith(".xml"):
            assert b"WordPictureWatermark" not in data
            assert b"imagedata" not in data
    assert not [n for n in parts if n.startswith("word/media/")]
    assert b"media/" not in parts["[Content_Types].xml"] or b"jpeg" in parts["[Content_Types].xml"]
    docx.Document(str(out))


def test_picture_watermark_with_reseller_title_goes_without_the_option(tmp_path: Path) -> None:
    src = picture_watermark_document(tmp_path / "in.docx", title="酷乐文行整理 QQ12345678")
    result = clean_docx(src)
    assert result.changed
    out = tmp_path / "out.docx"
    result.save(out)
    parts = part_bytes(out)
    assert "word/media/image1.png" not in parts
    assert b"image1.png" not in parts["word/_rels/header1.xml.rels"]
    assert b"image1.png" not in parts["[Content_Types].xml"]
    assert "页眉文字" in parts["word/header1.xml"].decode()
    docx.Document(str(out))


def test_libreoffice_picture_watermark_both_branches_and_rels_go(tmp_path: Path) -> None:
    src = picture_watermark_document(tmp_path / "in.docx", style="lo")
    kept = clean_docx(src)
    assert not kept.changed
    assert len([f for f in kept.findings if f.rule == "DOC002"]) == 1  # Choice and Fallback: one watermark
    result = clean_docx(src, remove_picture_watermarks=True)
    out = tmp_path / "out.docx"
    result.save(out)
    parts = part_bytes(out)
    header = parts["word/header1.xml"].decode()
    assert "AlternateContent" not in header and "WordPictureWatermark" not in header
    assert b"rId99" not in parts["word/_rels/header1.xml.rels"]
    assert b"image1.png" not in parts["word/_rels/header1.xml.rels"]
    assert "word/media/image1.png" not in parts
    docx.Document(str(out))


def test_page_background_image(tmp_path: Path) -> None:
    path = corpus("page-background-texture-word2007.docx")
    flagged = clean_docx(path)
    assert not flagged.changed
    assert [f.part for f in flagged.findings if f.rule == "DOC002"] == ["word/document.xml#page-background"]
    result = clean_docx(path, remove_picture_watermarks=True)
    out = tmp_path / "out.docx"
    result.save(out)
    parts = part_bytes(out)
    assert b"v:background" not in parts["word/document.xml"]
    before = {n for n in part_bytes(path) if n.startswith("word/media/")}
    after = {n for n in parts if n.startswith("word/media/")}
    assert len(after) < len(before)
    docx.Document(str(out))


def test_shapes_behind_text_are_not_picture_watermarks() -> None:
    result = clean_docx(corpus("header-behind-image-poi.docx"), remove_picture_watermarks=True)
    assert not result.changed  # letterhead lines/rectangles behind the text hold no picture
    assert not [f for f in result.findings if f.rule == "DOC002"]


def test_input_untouched_when_copy_is_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "copy.docx"
    shutil.copyfile(corpus("wm-picture-washout-word2007.docx"), path)
    before = path.read_bytes()
    clean_docx(path, remove_picture_watermarks=True).save(tmp_path / "o.docx")
    assert path.read_bytes() == before


def test_pictures_described_as_ads_are_removed(tmp_path: Path) -> None:
    import io

    from docx_builder import tiny_png

    src = tmp_path / "qr.docx"
    document = docx.Document()
    document.add_paragraph("正文")
    qr = document.add_paragraph().add_run().add_picture(io.BytesIO(tiny_png()))
    qr._inline.docPr.set("descr", "扫码加微信：wx12345 获取更多资料")
    chart = document.add_paragraph().add_run().add_picture(io.BytesIO(tiny_png() + b"\0"))
    chart._inline.docPr.set("descr", "组织架构图")
    document.add_paragraph("结尾")
    document.save(str(src))
    result = clean_docx(src, max_removal=1.0)
    assert [f.rule for f in result.findings if f.rule.startswith("DOC")] == ["DOC003"]
    out = tmp_path / "out.docx"
    result.save(out)
    reopened = docx.Document(str(out))
    assert [s._inline.docPr.get("descr") for s in reopened.inline_shapes] == ["组织架构图"]
    media = [n for n in part_bytes(out) if n.startswith("word/media/")]
    assert len(media) == 1
    assert [p.text for p in reopened.paragraphs] == ["正文", "", "结尾"]
