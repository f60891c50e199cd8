"""Builds resold Word documents the way resellers make them (python-docx + raw WordprocessingML).

``reseller_document(path)`` writes the canonical kind: a banner paragraph at the top, a title,
real paragraphs whose text is split across bold/coloured/sized runs, a QQ credit line in the
footer, a "仅供学习 禁止外传" VML text watermark in the header, an ad in a text box (DrawingML with a
VML fallback), a hyperlink to a reseller site, and the reseller as author and company.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt, RGBColor

BANNER = "仅供学习 禁止外传 用后删除"
TITLE = "经开区副主任2020年述职述廉述学报告"
CREDIT = "酷乐文行整理，咨询QQ206157060"
FOOTER_AD = "某某文库整理，咨询QQ12345678"
WATERMARK = "仅供学习 禁止外传"
TEXTBOX_AD = "更多资料请加微信：wx12345"
RESELLER_URL = "http://www.kulewx.com/doc/123"
LINK_TEXT = "述职报告写作要点"
PARA1 = ("2020年，在经开区党工委的正确领导下，", "我紧紧围绕", "中心工作", "，较好地完成各项任务。")
PARA2 = "一、率先垂范，全力抓好疫情防控"
PARA3 = "二、加强学习，不断提高个人素质。"
PARA4 = (
    "一年来，我始终把加强政治理论、业务学习作为一项重要任务来抓，积极参加区委中心组和经开区党支部组织的各项学习活动，"
    "重点学习了党的十九届五中全会精神，不断加强党性修养和品德修养，增强政治定力和政治鉴别力，"
    "通过理论学习、现场体验、面对面宣讲等方式，让学习方式内容更加丰富，及时了解企业人员思想动态和企业需求。"
)
CELL_TEXT = "项目负责人"
NESTED_CELL_TEXT = "嵌套表格内容"

EXPECTED_BODY = "\n".join(
    [TITLE, "".join(PARA1), PARA2, f"详见{LINK_TEXT}。", CELL_TEXT, NESTED_CELL_TEXT, "", PARA3, PARA4, ""]
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"


def vml_text_watermark(text: str, *, shape_id: str = "PowerPlusWaterMarkObject357922611", sdt: bool = True) -> str:
    """A Word-style VML WordArt watermark paragraph (optionally inside a "Watermarks" sdt)."""
    para = (
        f'<w:p {nsdecls("w")} xmlns:v="{V_NS}" xmlns:o="{O_NS}"><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
        "<w:r><w:rPr><w:noProof/></w:rPr><w:pict>"
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
        f'<v:shape id="{shape_id}" o:spid="_x0000_s2049" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:412.4pt;height:164.95pt;rotation:315;'
        "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
        'fillcolor="silver" stroked="f"><v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;宋体&quot;;font-size:1pt" string="{text}"/></v:shape>'
        "</w:pict></w:r></w:p>"
    )
    if not sdt:
        return para
    inner = para.replace(f'<w:p {nsdecls("w")} xmlns:v="{V_NS}" xmlns:o="{O_NS}">', "<w:p>")
    return (
        f'<w:sdt {nsdecls("w")} xmlns:v="{V_NS}" xmlns:o="{O_NS}"><w:sdtPr><w:id w:val="-1"/>'
        '<w:docPartObj><w:docPartGallery w:val="Watermarks"/><w:docPartUnique/></w:docPartObj></w:sdtPr>'
        f"<w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    )


def textbox_run(text: str, *, bold: bool = True) -> str:
    """A run holding a floating text box: DrawingML in mc:Choice, the same text as VML in mc:Fallback."""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    body = f"<w:p><w:r>{rpr}<w:t>{text}</w:t></w:r></w:p>"
    return (
        f'<w:r {nsdecls("w", "a", "wp")} xmlns:mc="{MC_NS}" xmlns:wps="{WPS_NS}" xmlns:v="{V_NS}" '
        f'xmlns:o="{O_NS}"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" '
        'relativeHeight="251659264" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2286000" cy="457200"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        '<wp:docPr id="101" name="文本框 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        '<a:xfrm><a:off x="0" y="0"/><a:ext cx="2286000" cy="457200"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{body}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape id="TextBox1" o:spid="_x0000_s1026" type="#_x0000_t202" '
        'style="position:absolute;width:180pt;height:36pt"><v:textbox>'
        f"<w:txbxContent>{body}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def add_hyperlink(paragraph: docx.text.paragraph.Paragraph, url: str, text: str) -> None:
    """Append an external hyperlink run (Hyperlink character style) to ``paragraph``."""
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/>'
        f'<w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr><w:t>{text}</w:t></w:r></w:hyperlink>'
    )
    paragraph._p.append(link)


def add_page_field(paragraph: docx.text.paragraph.Paragraph) -> None:
    """Append a complex PAGE field (begin / instr / separate / result / end)."""
    for xml in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>1</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml.replace("<w:r>", f"<w:r {nsdecls('w')}>", 1)))


def reseller_document(path: str | Path) -> Path:
    """Write the canonical resold document to ``path``."""
    document = docx.Document()
    body = document.add_paragraph()
    banner = body.add_run(BANNER)
    banner.bold = True
    banner.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    document.add_paragraph()
    document.add_heading(TITLE, level=1)
    credit = document.add_paragraph()
    for piece in ("酷乐", "文行整理，", "咨询QQ", "2061", "57060"):
        credit.add_run(piece).italic = True
    para = document.add_paragraph()
    first = para.add_run(PARA1[0])
    first.font.size = Pt(12)
    bold = para.add_run(PARA1[1])
    bold.bold = True
    coloured = para.add_run(PARA1[2])
    coloured.font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    coloured.font.name = "SimHei"
    coloured.font.highlight_color = WD_COLOR_INDEX.YELLOW
    para.add_run(PARA1[3])
    ad = document.add_paragraph()
    ad._p.append(parse_xml(textbox_run(TEXTBOX_AD)))
    document.add_paragraph(PARA2, style="Heading 2")
    linked = document.add_paragraph("详见")
    add_hyperlink(linked, RESELLER_URL, LINK_TEXT)
    linked.add_run("。")
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = CELL_TEXT
    cell = table.cell(1, 0)
    inner = cell.add_table(rows=1, cols=1)
    inner.cell(0, 0).text = NESTED_CELL_TEXT
    # a cell whose only paragraph is junk: the paragraph must stay (emptied)
    cell.paragraphs[0].text = "咨询QQ99887766"
    document.add_paragraph(PARA3)
    document.add_paragraph(PARA4)
    document.add_paragraph(CREDIT)
    section = document.sections[0]
    header = section.header
    header.paragraphs[0].text = "公司内部文件"
    header._element.append(parse_xml(vml_text_watermark(WATERMARK)))
    footer = section.footer
    footer.paragraphs[0].text = FOOTER_AD
    page = footer.add_paragraph("第 ")
    add_page_field(page)
    page.add_run(" 页")
    core = document.core_properties
    core.author = "酷乐文行整理 QQ123456"
    core.last_modified_by = "酷乐文行整理 QQ123456"
    core.title = "述职报告"
    core.comments = "更多资料请加微信：wx12345"
    document.save(str(path))
    set_app_property(path, "Company", "某某文库 www.xxwenku.com")
    return Path(path)


def set_app_property(path: str | Path, name: str, value: str) -> None:
    """Set (or add) a text element of docProps/app.xml in a saved package."""
    rewrite_part(path, "docProps/app.xml", lambda xml: _set_app(xml, name, value))


def _set_app(xml: bytes, name: str, value: str) -> bytes:
    text = xml.decode("utf-8")
    import re

    if f"<{name}>" in text or f"<{name}/>" in text:
        text = re.sub(rf"<{name}>.*?</{name}>|<{name}/>", f"<{name}>{value}</{name}>", text)
    else:
        text = text.replace("</Properties>", f"<{name}>{value}</{name}></Properties>")
    return text.encode("utf-8")


def rewrite_part(path: str | Path, part: str, change: object) -> None:
    """Rewrite one entry of a zip in place, keeping the others (test helper)."""
    assert callable(change)
    src = Path(path)
    entries: list[tuple[zipfile.ZipInfo, bytes]] = []
    with zipfile.ZipFile(src) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == part:
                data = change(data)
            entries.append((info, data))
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)


def part_bytes(path: str | Path) -> dict[str, bytes]:
    """Every entry's uncompressed bytes."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def document_with_body(path: str | Path, paragraphs_xml: str, *, header_xml: str | None = None) -> Path:
    """A python-docx document whose body content (before sectPr) is ``paragraphs_xml``.

    ``paragraphs_xml`` may use the prefixes w, r, v, o, mc, wps, wp, a, pic.
    """
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    wrapper = parse_xml(
        f'<w:body {nsdecls("w", "r", "wp", "a", "pic")} xmlns:v="{V_NS}" xmlns:o="{O_NS}" '
        f'xmlns:mc="{MC_NS}" xmlns:wps="{WPS_NS}">{paragraphs_xml}</w:body>'
    )
    sect = body[-1]
    for child in list(wrapper):
        sect.addprevious(child)
    if header_xml is not None:
        header = document.sections[0].header
        header.paragraphs[0].text = ""
        hdr = header._element
        for child in list(hdr):
            hdr.remove(child)
        wrapper = parse_xml(
            f'<w:hdr {nsdecls("w", "r", "wp", "a", "pic")} xmlns:v="{V_NS}" xmlns:o="{O_NS}" '
            f'xmlns:mc="{MC_NS}" xmlns:wps="{WPS_NS}">{header_xml}</w:hdr>'
        )
        for child in list(wrapper):
            hdr.append(child)
    document.save(str(path))
    return Path(path)


def tiny_png() -> bytes:
    """A valid 1x1 PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


VML_PICTURE = (
    '<w:p><w:r><w:pict><v:shapetype id="_x0000_t75" o:spt="75" o:preferrelative="t" filled="f" stroked="f">'
    '<v:path o:extrusionok="f" gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
    '<v:shape id="WordPictureWatermark79762143" o:spid="_x0000_s2052" type="#_x0000_t75" '
    'style="position:absolute;margin-left:0;margin-top:0;width:415pt;height:311pt;z-index:-251656192;'
    "mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f">'
    '<v:imagedata r:id="{rid}" o:title="{title}" gain="19661f" blacklevel="22938f"/>'
    "</v:shape></w:pict></w:r></w:p>"
)

LO_PICTURE = (
    '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
    '<wp:anchor behindDoc="1" distT="0" distB="0" distL="0" distR="0" simplePos="0" locked="0" '
    'layoutInCell="0" '
    'allowOverlap="1" relativeHeight="2"><wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
    '<wp:positionV relativeFrom="margin"><wp:align>center</wp:align></wp:positionV>'
    '<wp:extent cx="5270500" cy="3949700"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
    '<wp:docPr id="1" name="WordPictureWatermark1" descr="{title}"/><wp:cNvGraphicFramePr/>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
    '<pic:nvPicPr><pic:cNvPr id="1" name="WordPictureWatermark1" descr="{title}"/>'
    "<pic:cNvPicPr/></pic:nvPicPr>"
    '<pic:blipFill><a:blip r:embed="{rid}"><a:lum bright="70000" contrast="-70000"/></a:blip>'
    '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="5270500" cy="3949700"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    "</pic:pic></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
    '<mc:Fallback><w:pict><v:shape id="WordPictureWatermark1" o:spid="shape_0" type="_x0000_t75" '
    'style="position:absolute;margin-left:0;margin-top:0;width:415pt;height:311pt;z-index:-1">'
    '<v:imagedata r:id="{rid2}" o:title="{title}"/></v:shape></w:pict></mc:Fallback></mc:AlternateContent>'
    "</w:r></w:p>"
)


def picture_watermark_document(path: str | Path, *, style: str = "vml", title: str = "背景图") -> Path:
    """A document with a picture watermark in its header (Word VML, or LibreOffice's two-branch form)."""
    import io

    document = docx.Document()
    document.add_paragraph("正文内容")
    header = document.sections[0].header
    run = header.paragraphs[0].add_run()
    run.add_picture(io.BytesIO(tiny_png()))
    rid = header._element.xpath(".//a:blip/@r:embed")[0]
    hdr = header._element
    for child in list(hdr):
        hdr.remove(child)
    template = VML_PICTURE if style == "vml" else LO_PICTURE
    xml = template.replace("{rid}", rid).replace("{rid2}", "rId99").replace("{title}", title)
    wrapper = parse_xml(
        f'<w:hdr {nsdecls("w", "r", "wp", "a", "pic")} xmlns:v="{V_NS}" xmlns:o="{O_NS}" '
        f'xmlns:mc="{MC_NS}" xmlns:wps="{WPS_NS}">{xml}<w:p><w:r><w:t>页眉文字</w:t></w:r></w:p></w:hdr>'
    )
    for child in list(wrapper):
        hdr.append(child)
    document.save(str(path))
    if style != "vml":

        def add_rel(data: bytes) -> bytes:
            text = data.decode("utf-8")
            import re

            target = re.search(r'Target="(media/[^"]+)"', text)
            assert target
            rel = (
                '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/image" Target="{target.group(1)}"/>'
            )
            return text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")

        rewrite_part(path, "word/_rels/header1.xml.rels", add_rel)
    return Path(path)


CT_OVERRIDE = '<Override PartName="/{name}" ContentType="{ctype}"/>'
WML_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def add_part(path: str | Path, name: str, xml: str, ctype: str, *, source: str, rel_type: str, rid: str) -> None:
    """Add an XML part, its content-type override and a relationship from ``source`` ("" = package)."""
    rels = "_rels/.rels" if not source else f"{Path(source).parent}/_rels/{Path(source).name}.rels"
    target = name if not source else str(Path(name).relative_to(Path(source).parent))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(name, xml)
    rewrite_part(
        path,
        "[Content_Types].xml",
        lambda d: d.replace(b"</Types>", CT_OVERRIDE.format(name=name, ctype=ctype).encode() + b"</Types>"),
    )
    rel = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'
    rewrite_part(path, rels, lambda d: d.replace(b"</Relationships>", rel.encode() + b"</Relationships>"))


def add_custom_properties(path: str | Path, values: dict[str, str]) -> None:
    """Add docProps/custom.xml with text properties."""
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i + 2}" name="{k}"><vt:lpwstr>{v}'
        "</vt:lpwstr></property>"
        for i, (k, v) in enumerate(values.items())
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>'
    )
    add_part(
        path,
        "docProps/custom.xml",
        xml,
        "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        source="",
        rel_type=REL_BASE + "custom-properties",
        rid="rIdCustom1",
    )


NOTE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:{{kind}}s xmlns:w="{W_NS}">'
    '<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
    '<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
    '<w:{kind} w:id="1"><w:p><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:{kind}Ref/></w:r>'
    "<w:r><w:t>注释正文。</w:t></w:r></w:p><w:p><w:r><w:t>{junk}</w:t></w:r></w:p></w:{kind}></w:{kind}s>"
)
COMMENTS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:comments xmlns:w="{W_NS}"><w:comment w:id="0" w:author="审阅" w:initials="SY">'
    "<w:p><w:r><w:annotationRef/></w:r><w:r><w:t>{junk}</w:t></w:r></w:p></w:comment>"
    '<w:comment w:id="1" w:author="审阅" w:initials="SY"><w:p><w:r><w:t>请核对数字。</w:t></w:r></w:p></w:comment>'
    "</w:comments>"
)


def notes_document(path: str | Path, junk: str) -> Path:
    """A document with a footnote, an endnote and two comments; ``junk`` is in the notes and comment 0."""
    body = (
        '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>正文一</w:t></w:r><w:commentRangeEnd w:id="0"/>'
        '<w:r><w:commentReference w:id="0"/></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
        '<w:p><w:commentRangeStart w:id="1"/><w:r><w:t>正文二</w:t></w:r><w:commentRangeEnd w:id="1"/>'
        '<w:r><w:commentReference w:id="1"/></w:r><w:r><w:endnoteReference w:id="1"/></w:r></w:p>'
    )
    document_with_body(path, body)
    for kind, rid in (("footnote", "rIdFn1"), ("endnote", "rIdEn1")):
        xml = NOTE_XML.replace("{kind}", kind).replace("{junk}", junk)
        add_part(
            path,
            f"word/{kind}s.xml",
            xml,
            WML_CT + f"{kind}s+xml",
            source="word/document.xml",
            rel_type=REL_BASE + f"{kind}s",
            rid=rid,
        )
    add_part(
        path,
        "word/comments.xml",
        COMMENTS_XML.replace("{junk}", junk),
        WML_CT + "comments+xml",
        source="word/document.xml",
        rel_type=REL_BASE + "comments",
        rid="rIdCm1",
    )
    return Path(path)
