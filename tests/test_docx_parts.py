"""Footnotes, endnotes, comments, text boxes in headers, and document properties."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx_builder import (
    add_custom_properties,
    document_with_body,
    notes_document,
    part_bytes,
    set_app_property,
    textbox_run,
)
from docx_stub import stub_clean

import docclean
from docclean.docx import clean_docx

JUNK = "咨询QQ12345678"


@pytest.fixture(autouse=True)
def _stub_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docclean, "clean", stub_clean, raising=False)


def test_notes_and_comments(tmp_path: Path) -> None:
    src = notes_document(tmp_path / "notes.docx", JUNK)
    result = clean_docx(src)
    parts = {(f.part, f.line) for f in result.findings if f.applied}
    assert ("word/footnotes.xml", 2) in parts
    assert ("word/endnotes.xml", 2) in parts
    assert ("word/comments.xml", 1) in parts
    out = tmp_path / "out.docx"
    result.save(out)
    files = part_bytes(out)
    for name in ("word/footnotes.xml", "word/endnotes.xml", "word/comments.xml"):
        xml = files[name].decode()
        assert JUNK not in xml
    assert "注释正文。" in files["word/footnotes.xml"].decode()
    assert "w:separator" in files["word/footnotes.xml"].decode()
    comments = docx.Document(str(out)).comments
    assert [c.text for c in comments] == ["请核对数字。"]  # the junk-only comment went whole
    body = files["word/document.xml"].decode()
    assert 'w:commentRangeStart w:id="0"' not in body and 'w:commentReference w:id="0"' not in body
    assert 'w:commentRangeStart w:id="1"' in body and 'w:commentReference w:id="1"' in body
    assert result.text == "正文一\n正文二"


def test_text_box_in_a_header(tmp_path: Path) -> None:
    box = textbox_run("更多资料请加微信：wx12345")
    box = "<w:r>" + box[box.index(">") + 1 :]
    header = f"<w:p><w:r><w:t>页眉</w:t></w:r>{box}</w:p>"
    src = document_with_body(tmp_path / "in.docx", "<w:p><w:r><w:t>正文</w:t></w:r></w:p>", header_xml=header)
    result = clean_docx(src)
    assert [f.part for f in result.findings] == ["word/header1.xml#textbox-1"]
    out = tmp_path / "out.docx"
    result.save(out)
    xml = part_bytes(out)["word/header1.xml"].decode()
    assert "txbxContent" not in xml and "AlternateContent" not in xml
    assert "页眉" in xml


def test_text_box_keeps_its_real_text(tmp_path: Path) -> None:
    box = textbox_run("更多资料请加微信：wx12345")
    box = box.replace(
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>更多",
        "<w:p><w:r><w:t>图1 组织架构</w:t></w:r></w:p><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>更多",
    )
    src = document_with_body(tmp_path / "in.docx", f"<w:p>{box}</w:p><w:p><w:r><w:t>正文</w:t></w:r></w:p>")
    result = clean_docx(src)
    out = tmp_path / "out.docx"
    result.save(out)
    xml = part_bytes(out)["word/document.xml"].decode()
    assert xml.count("图1 组织架构") == 2  # DrawingML and VML copies both keep it
    assert "微信" not in xml
    assert [f.part for f in result.findings] == ["word/document.xml#textbox-1"]


def test_properties_junk_cleared_legitimate_kept(tmp_path: Path) -> None:
    src = document_with_body(tmp_path / "in.docx", "<w:p><w:r><w:t>正文</w:t></w:r></w:p>")
    set_app_property(src, "Company", "某某文库整理 QQ12345678")
    set_app_property(src, "Manager", "张三")
    set_app_property(src, "HyperlinkBase", "http://www.kulewx.com/")
    add_custom_properties(src, {"来源": "酷乐文行整理 QQ123456", "部门": "办公室"})
    document = docx.Document(str(src))
    document.core_properties.author = "李四"
    document.core_properties.keywords = "述职;报告"
    document.core_properties.category = "更多资料请加微信：wx12345"
    document.save(str(src))
    result = clean_docx(src)
    labels = {f.part for f in result.findings}
    assert labels == {
        "docProps/app.xml#Company",
        "docProps/app.xml#HyperlinkBase",
        "docProps/custom.xml#来源",
        "docProps/core.xml#category",
    }
    out = tmp_path / "out.docx"
    result.save(out)
    files = part_bytes(out)
    app = files["docProps/app.xml"].decode()
    assert "<Manager>张三</Manager>" in app and "QQ" not in app and "kulewx" not in app
    custom = files["docProps/custom.xml"].decode()
    assert "办公室" in custom and "QQ" not in custom
    core = docx.Document(str(out)).core_properties
    assert (core.author, core.keywords, core.category) == ("李四", "述职;报告", "")
    assert files["word/document.xml"] == part_bytes(src)["word/document.xml"]


def test_hyperlink_fields_to_reseller_sites_are_unlinked(tmp_path: Path) -> None:
    body = (
        '<w:p><w:r><w:t>参见</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "http://www.kulewx.com/x" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="Hyperlink"/><w:b/></w:rPr><w:t>范文</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:fldSimple w:instr=" HYPERLINK &quot;http://www.kulewx.com/y&quot; ">'
        "<w:r><w:t>模板</w:t></w:r></w:fldSimple>"
        '<w:fldSimple w:instr=" HYPERLINK &quot;http://www.gov.cn/&quot; "><w:r><w:t>政府网</w:t></w:r></w:fldSimple>'
        "</w:p><w:p/>"
    )
    src = document_with_body(tmp_path / "in.docx", body)
    result = clean_docx(src)
    assert [f.part for f in result.findings] == ["word/document.xml#field"] * 2
    assert all(f.applied for f in result.findings)
    out = tmp_path / "out.docx"
    result.save(out)
    xml = part_bytes(out)["word/document.xml"].decode()
    assert "kulewx" not in xml and "fldChar" not in xml and "instrText" not in xml
    assert "gov.cn" in xml and xml.count("fldSimple") == 2  # one element, start and end tag
    assert result.text.startswith("参见范文模板政府网")
    assert "<w:b/>" in xml and 'w:val="Hyperlink"' not in xml


def test_hyperlinks_in_headers_and_footers(tmp_path: Path) -> None:
    src = document_with_body(tmp_path / "in.docx", "<w:p><w:r><w:t>正文</w:t></w:r></w:p>")
    document = docx.Document(str(src))
    footer = document.sections[0].footer.paragraphs[0]
    rid = footer.part.relate_to("http://www.kulewx.com/", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, True)
    footer._p.append(
        docx.oxml.parse_xml(
            f'<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="{rid}">'
            "<w:r><w:t>访问官网</w:t></w:r></w:hyperlink>"
        )
    )
    document.save(str(src))
    result = clean_docx(src)
    out = tmp_path / "out.docx"
    result.save(out)
    files = part_bytes(out)
    assert b"kulewx" not in files["word/_rels/footer1.xml.rels"]
    assert "访问官网" in files["word/footer1.xml"].decode()
    assert [f.part for f in result.findings] == [f"word/_rels/footer1.xml.rels#{rid}"]


def test_deleted_comment_takes_its_word2013_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docx_stub import make_cleaner

    path = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "docx" / "comments-poi.docx"
    if not path.exists():
        pytest.skip("corpus file not available")
    monkeypatch.setattr(docclean, "clean", make_cleaner(lines=("^comment content$",)), raising=False)
    result = clean_docx(path)
    assert result.changed
    out = tmp_path / "out.docx"
    result.save(out)
    files = part_bytes(out)
    for name in ("word/commentsExtended.xml", "word/commentsIds.xml", "word/commentsExtensible.xml"):
        xml = files[name].decode()
        assert "7AD47A87" not in xml and "2450BF26" not in xml, name
    assert "commentReference" not in files["word/document.xml"].decode()
    document = docx.Document(str(out))
    assert list(document.comments) == []
    assert document.paragraphs[0].text == "this is a comment paragraph!"
