"""Edits applied run by run: formatting, wrappers, fields, markers and paragraph removal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx_builder import document_with_body, part_bytes
from docx_stub import _finding, make_cleaner
from lxml import etree

import docclean
from docclean.docx import DocxResult, clean_docx
from docclean.model import Action, Finding, Result

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def run_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, cleaner: Callable[..., Result]
) -> tuple[DocxResult, etree._Element]:
    monkeypatch.setattr(docclean, "clean", cleaner, raising=False)
    src = document_with_body(tmp_path / "in.docx", body)
    result = clean_docx(src, max_removal=1.0)
    out = tmp_path / "out.docx"
    result.save(out)
    docx.Document(str(out))  # reopens
    root = etree.fromstring(part_bytes(out)["word/document.xml"])
    return result, root


def texts(root: etree._Element) -> list[str]:
    body = root.find(f"{{{W}}}body")
    assert body is not None
    out = []
    for para in body.iter(f"{{{W}}}p"):
        out.append("".join(t.text or "" for t in para.iter(f"{{{W}}}t")))
    return out


def fixed(*edits: tuple[int, int, str]) -> Callable[..., Result]:
    """A cleaner returning exactly these applied edits."""

    def clean(text: str, **_: Any) -> Result:
        found = []
        for start, end, repl in edits:
            f = _finding("RES904", "boilerplate", text, start, end, Action.REPLACE if repl else Action.STRIP, True)
            found.append(Finding(**{**{k: getattr(f, k) for k in f.__dataclass_fields__}, "replacement": repl}))
        return Result(text=text, findings=tuple(found), original=text)

    return clean


SPLIT = (
    "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>正文开头</w:t></w:r>"
    '<w:r><w:rPr><w:color w:val="FF0000"/></w:rPr><w:t>酷乐</w:t></w:r>'
    '<w:r><w:rPr><w:sz w:val="30"/></w:rPr><w:t>文行整理</w:t></w:r>'
    "<w:r><w:rPr><w:i/></w:rPr><w:t>结尾</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>下一段</w:t></w:r></w:p>"
)


def test_text_split_across_runs_is_cut_and_formatting_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, root = run_clean(tmp_path, monkeypatch, SPLIT, make_cleaner(spans={"酷乐文行整理": ""}))
    assert texts(root)[0] == "正文开头结尾"
    runs = root.findall(".//w:body/w:p", NS)[0].findall("w:r", NS)
    assert len(runs) == 2
    assert runs[0].find("w:rPr/w:b", NS) is not None
    assert runs[1].find("w:rPr/w:i", NS) is not None
    assert all(f.applied for f in result.findings)


def test_replacement_goes_into_the_first_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, root = run_clean(tmp_path, monkeypatch, SPLIT, make_cleaner(spans={"乐文": "〔某〕"}))
    runs = root.findall(".//w:body/w:p", NS)[0].findall("w:r", NS)
    assert [r.findtext("w:t", namespaces=NS) for r in runs] == ["正文开头", "酷〔某〕", "行整理", "结尾"]
    assert runs[1].find("w:rPr/w:color", NS) is not None


def test_spaces_left_at_run_edges_are_preserved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = '<w:p><w:r><w:t xml:space="preserve">甲 QQ12345678 乙</w:t></w:r></w:p><w:p/>'
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(spans={r"QQ\d+ ": ""}))
    t = root.find(".//w:t", NS)
    assert t is not None and t.text == "甲 乙"
    body = (
        "<w:p><w:r><w:t>甲</w:t></w:r><w:r><w:t>QQ12345678</w:t>"
        '</w:r><w:r><w:t xml:space="preserve"> 乙</w:t></w:r></w:p><w:p/>'
    )
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(spans={r"甲QQ\d+": ""}))
    ts = root.findall(".//w:t", NS)
    assert [t.text for t in ts] == [" 乙"]
    assert ts[0].get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_text_inside_hyperlink_and_smart_tag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        '<w:p><w:r><w:t>见</w:t></w:r><w:hyperlink w:anchor="top"><w:r><w:t>QQ群</w:t></w:r>'
        "<w:r><w:t>12345678</w:t></w:r></w:hyperlink>"
        '<w:smartTag w:uri="urn:x" w:element="place"><w:r><w:t>微信：abc123</w:t></w:r></w:smartTag>'
        "<w:r><w:t>。</w:t></w:r></w:p><w:p/>"
    )
    cleaner = make_cleaner(spans={r"QQ群\d+": "", "微信：abc123": ""})
    _, root = run_clean(tmp_path, monkeypatch, body, cleaner)
    assert texts(root)[0] == "见。"
    assert root.find(".//w:hyperlink", NS) is None
    assert root.find(".//w:smartTag", NS) is None


def test_partial_edit_of_a_hyperlink_keeps_the_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = '<w:p><w:hyperlink w:anchor="top"><w:r><w:t>目录QQ12345678</w:t></w:r></w:hyperlink></w:p><w:p/>'
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(spans={r"QQ\d+": ""}))
    link = root.find(".//w:hyperlink", NS)
    assert link is not None and link.findtext(".//w:t", namespaces=NS) == "目录"


PAGE_FIELD = (
    '<w:p><w:r><w:t>第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>12</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r>'
    "<w:t>页</w:t></w:r></w:p><w:p><w:r><w:t>正文</w:t></w:r></w:p>"
)


def test_edit_cutting_through_a_field_result_is_not_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, root = run_clean(tmp_path, monkeypatch, PAGE_FIELD, make_cleaner(spans={"2页": ""}))
    assert [f.applied for f in result.findings] == [False]
    assert not result.changed
    assert texts(root)[0] == "第12页"


AUTHOR_FIELD = PAGE_FIELD.replace(" PAGE ", " AUTHOR ")


def test_edit_covering_a_whole_field_removes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, root = run_clean(tmp_path, monkeypatch, AUTHOR_FIELD, make_cleaner(spans={"第12页": ""}))
    assert all(f.applied for f in result.findings)
    assert root.find(".//w:fldChar", NS) is None
    assert root.find(".//w:instrText", NS) is None
    assert texts(root)[0] == "正文"


def test_edit_covering_a_page_number_field_is_not_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, root = run_clean(tmp_path, monkeypatch, PAGE_FIELD, make_cleaner(spans={"第12页": ""}))
    assert result.findings and not any(f.applied for f in result.findings)
    assert root.find(".//w:instrText", NS) is not None


def test_simple_field_and_run_level_content_control(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        '<w:p><w:r><w:t>作者：</w:t></w:r><w:fldSimple w:instr=" AUTHOR ">'
        "<w:r><w:t>酷乐文行</w:t></w:r></w:fldSimple>"
        '<w:sdt><w:sdtPr><w:id w:val="5"/></w:sdtPr><w:sdtContent>'
        "<w:r><w:t>QQ12345678</w:t></w:r></w:sdtContent></w:sdt>"
        "</w:p><w:p/>"
    )
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(spans={r"酷乐文行QQ\d+": ""}))
    assert texts(root)[0] == "作者："
    assert root.find(".//w:fldSimple", NS) is None
    assert root.find(".//w:sdt", NS) is None


def test_bookmarks_inside_a_cut_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        '<w:p><w:r><w:t>AB</w:t></w:r><w:bookmarkStart w:id="0" w:name="mark"/><w:r><w:t>CD</w:t></w:r>'
        '<w:bookmarkEnd w:id="0"/></w:p><w:p/>'
    )
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(spans={"BC": ""}))
    assert texts(root)[0] == "AD"
    assert root.find(".//w:bookmarkStart", NS) is not None and root.find(".//w:bookmarkEnd", NS) is not None


def test_removed_paragraph_hands_its_bookmarks_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        '<w:p><w:bookmarkStart w:id="3" w:name="_GoBack"/><w:r><w:t>咨询QQ12345678</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>正文</w:t></w:r><w:bookmarkEnd w:id="3"/></w:p><w:p/>'
    )
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(lines=("QQ",)))
    assert texts(root)[0] == "正文"
    assert len(root.findall(".//w:bookmarkStart", NS)) == 1


def test_edit_that_would_merge_paragraphs_is_not_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "<w:p><w:r><w:t>甲乙</w:t></w:r></w:p><w:p><w:r><w:t>丙丁</w:t></w:r></w:p><w:p/>"
    result, root = run_clean(tmp_path, monkeypatch, body, fixed((1, 4, "")))  # "乙\n丙"
    assert [f.applied for f in result.findings if f.part == "word/document.xml"] == [False]
    assert texts(root)[:2] == ["甲乙", "丙丁"]


def test_junk_after_a_soft_line_break(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        "<w:p><w:r><w:t>正文第一行</w:t><w:br/><w:t>咨询QQ12345678</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>下一段</w:t></w:r></w:p>"
    )
    result, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(lines=("QQ",)))
    assert all(f.applied for f in result.findings)
    assert texts(root)[:2] == ["正文第一行", "下一段"]
    assert root.find(".//w:br", NS) is None
    assert result.findings[0].line == 1  # paragraph number, not text line


def test_paragraphs_that_must_stay_are_emptied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc><w:tcPr/>'
        "<w:p><w:r><w:t>咨询QQ12345678</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:t>微信：wx12345</w:t></w:r></w:p>"
        '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc><w:tcPr/>'
        "<w:p><w:r><w:t>表二</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        '<w:p><w:pPr><w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        "</w:sectPr></w:pPr><w:r><w:t>QQ87654321</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>第二节</w:t></w:r></w:p>"
    )
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(lines=("QQ", "微信")))
    body_el = root.find("w:body", NS)
    assert body_el is not None
    kinds = [etree.QName(c).localname for c in body_el]
    assert kinds == ["tbl", "p", "tbl", "p", "p", "sectPr"]  # cell paragraph, table separator, sectPr stay
    assert texts(root) == ["", "", "表二", "", "第二节"]


def test_blank_paragraphs_inside_an_ad_block_go_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        '<w:p><w:r><w:t>仅供学习</w:t></w:r></w:p><w:p/><w:p><w:pPr><w:jc w:val="center"/></w:pPr></w:p>'
        "<w:p><w:r><w:t>咨询QQ12345678</w:t></w:r></w:p><w:p><w:r><w:t>标题</w:t></w:r></w:p><w:p/>"
        "<w:p><w:r><w:t>正文</w:t></w:r></w:p>"
    )
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(lines=("QQ", "仅供学习")))
    assert texts(root) == ["标题", "", "正文"]


def test_block_content_control_holding_only_junk_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        '<w:sdt><w:sdtPr><w:id w:val="9"/></w:sdtPr>'
        "<w:sdtContent><w:p><w:r><w:t>咨询QQ12345678</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt><w:p><w:r><w:t>正文</w:t></w:r></w:p>"
    )
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(lines=("QQ",)))
    assert root.find(".//w:sdt", NS) is None
    assert texts(root)[0] == "正文"


def test_tracked_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        '<w:p><w:r><w:t>正文</w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>QQ12345678</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>旧文字</w:delText></w:r></w:del></w:p><w:p/>'
    )
    result, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(spans={r"QQ\d+": ""}))
    assert result.text.startswith("正文\n")
    assert root.find(".//w:ins", NS) is None
    assert root.find(".//w:del", NS) is not None  # deleted text is not shown and not touched


def test_tabs_and_breaks_are_single_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "<w:p><w:r><w:t>甲</w:t><w:tab/><w:t>QQ12345678</w:t><w:tab/><w:t>乙</w:t></w:r></w:p><w:p/>"
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(spans={"\tQQ\\d+": ""}))
    run = root.find(".//w:r", NS)
    assert run is not None
    assert [etree.QName(c).localname for c in run] == ["t", "tab", "t"]


def test_control_characters_in_a_replacement_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "<w:p><w:r><w:t>甲乙</w:t></w:r></w:p><w:p/>"
    result, root = run_clean(tmp_path, monkeypatch, body, fixed((0, 1, "a\nb")))
    assert [f.applied for f in result.findings if f.part == "word/document.xml"] == [False]
    assert texts(root)[0] == "甲乙"


def test_drawing_in_a_junk_paragraph_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        '<w:p><w:r><w:t>扫码加QQ12345678</w:t></w:r><w:r><w:drawing><wp:inline><wp:extent cx="1" cy="1"/>'
        '<wp:docPr id="1" name="二维码"/></wp:inline></w:drawing></w:r></w:p>'
        "<w:p><w:r><w:t>正文</w:t></w:r></w:p>"
    )
    _, root = run_clean(tmp_path, monkeypatch, body, make_cleaner(lines=("QQ",)))
    assert root.find(".//w:drawing", NS) is not None
    assert texts(root)[:2] == ["", "正文"]


def test_a_page_number_field_in_a_footer_is_never_stripped(tmp_path: Path) -> None:
    """A footer line "- 6 -" around a PAGE field looks like page furniture, but the word
    processor fills the number in: the edit is reported as not applied and the field stays."""
    from docclean.docx import clean_docx

    fld = ('<w:r><w:t>-</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
           '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
           '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>6</w:t></w:r>'
           '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>-</w:t></w:r>')
    body = "".join(f"<w:p><w:r><w:t>第{i}段正文，记录全年工作情况。</w:t></w:r></w:p>" for i in range(6))
    path = document_with_body(tmp_path / "page.docx", body, header_xml=f"<w:p>{fld}</w:p>")
    result = clean_docx(path, max_removal=1.0)
    page = [f for f in result.findings if f.text == "-6-"]
    assert page and not any(f.applied for f in page)
    assert not result.changed
