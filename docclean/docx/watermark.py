"""Watermarks: VML WordArt text, VML and DrawingML pictures behind the text, page backgrounds.

* **Text** (``v:shape`` with ``v:textpath/@string``; Word's ``PowerPlusWaterMarkObject…``, in
  headers and sometimes in the body): the string is judged by the text engine like any other
  line. When the cleaned string is empty the shape is removed; when only part of it was junk the
  string is replaced by the cleaned text; "DRAFT", "CONFIDENTIAL", "保密" stay untouched.
* **Pictures** (``WordPictureWatermark…`` shapes, VML pictures placed behind the text in headers and
  footers, DrawingML ``wp:anchor behindDoc="1"`` pictures, ``w:background`` fill images): reported
  as flags. They are removed only with ``remove_picture_watermarks=True``, or when the engine finds
  boilerplate in their alt text, title or name.

Removing a shape removes the ``mc:AlternateContent`` around it (both branches), or the shape and
then its ``w:pict``/``w:drawing`` and ``w:r`` once they are empty, and a ``Watermarks`` content
control once it shows nothing. Relationships the removed XML referred to are dropped when nothing
else in the part uses them; image parts nothing reaches any more are left out of the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from docclean.docx.edit import has_content, neighbour_block, remove_paragraph
from docclean.docx.engine import Cleaner, docx_finding, is_junk, placed
from docclean.docx.ns import Ns, local
from docclean.docx.package import Package
from docclean.docx.textview import MARKERS
from docclean.model import Action, Finding, Severity

TEXT_WATERMARK_ID = "PowerPlusWaterMarkObject"
PICTURE_WATERMARK_ID = "WordPictureWatermark"
_NEG_Z = re.compile(r"z-index:\s*-\d")
_ABSOLUTE = re.compile(r"position:\s*absolute")


@dataclass
class WatermarkOutcome:
    findings: list[Finding] = field(default_factory=list)
    changed: bool = False


def _run_of(node: etree._Element, ns: Ns) -> etree._Element | None:
    w_r = ns.q("w:r")
    parent = node.getparent()
    while parent is not None and parent.tag != w_r:
        parent = parent.getparent()
    return parent


def _container(node: etree._Element, ns: Ns) -> etree._Element:
    """The element to delete for a shape: its mc:AlternateContent, else its w:pict / w:drawing."""
    alt = ns.q("mc:AlternateContent")
    holders = {ns.q("w:pict"), ns.q("w:drawing"), ns.q("w:object")}
    best: etree._Element | None = None
    parent = node.getparent()
    w_r = ns.q("w:r")
    while parent is not None and parent.tag != w_r:
        if parent.tag == alt or (parent.tag in holders and best is None):
            best = parent
        parent = parent.getparent()
    return best if best is not None else node


def _in_watermark_sdt(node: etree._Element, ns: Ns) -> etree._Element | None:
    """The enclosing content control of Word's "Watermarks" gallery, if any."""
    for sdt in node.iterancestors(ns.q("w:sdt")):
        for gallery in ns.xpath(sdt, "./w:sdtPr/w:docPartObj/w:docPartGallery"):
            if gallery.get(ns.q("w:val")) == "Watermarks":
                return sdt
    return None


def _rids(node: etree._Element, ns: Ns) -> list[str]:
    r_uri = "{" + ns.r_uri + "}"
    relid = ns.q("o:relid")
    out: list[str] = []
    for elem in node.iter():
        for key, value in elem.attrib.items():
            if key.startswith(r_uri) or key == relid:
                out.append(value)
    return out


def remove_shape(pkg: Package, part: str, shape: etree._Element) -> None:
    """Delete a shape and whatever held only it; drop relationships left unused."""
    ns = pkg.ns
    run = _run_of(shape, ns)
    sdt = _in_watermark_sdt(shape, ns)
    target = _container(shape, ns)
    if target is shape and local(shape.tag) == "shape":
        pict = shape.getparent()
        if pict is not None and local(pict.tag) == "pict":
            others = [c for c in pict if isinstance(c.tag, str) and local(c.tag) != "shapetype" and c is not shape]
            if not others:
                target = pict
    rids = _rids(target, ns)
    parent = target.getparent()
    if parent is None:
        return
    parent.remove(target)
    para = next(iter(run.iterancestors(ns.q("w:p"))), None) if run is not None else None
    if run is not None and run.getparent() is not None and not has_content(run, ns):
        holder = run.getparent()
        assert holder is not None
        holder.remove(run)
    if para is not None and para.getparent() is not None and not has_content(para, ns):
        remove_paragraph(para, ns)
    if sdt is not None and sdt.getparent() is not None and not has_content_block(sdt, ns):
        after = neighbour_block(sdt, ns, after=True)
        before = neighbour_block(sdt, ns, after=False)
        markers = [n for n in sdt.iter() if isinstance(n.tag, str) and local(n.tag) in MARKERS]
        if not markers and (after is not None or (before is not None and before.tag == ns.q("w:p"))):
            holder = sdt.getparent()
            assert holder is not None
            holder.remove(sdt)  # the container still ends with a paragraph
        else:
            for para in list(sdt.iter(ns.q("w:p"))):
                if not has_content(para, ns):
                    remove_paragraph(para, ns)
    for rid in dict.fromkeys(rids):
        pkg.drop_rel_if_unused(part, rid)


def has_content_block(sdt: etree._Element, ns: Ns) -> bool:
    """True when any paragraph of a block-level content control still shows something."""
    return any(has_content(p, ns) for p in sdt.iter(ns.q("w:p")))


def _is_header_part(root: etree._Element) -> bool:
    return local(root.tag) in ("hdr", "ftr")


def clean_watermarks(
    pkg: Package, part: str, root: etree._Element, cleaner: Cleaner, *, edit: bool, remove_pictures: bool
) -> WatermarkOutcome:
    """Judge and (on fix) remove the watermarks of one part."""
    ns = pkg.ns
    out = WatermarkOutcome()
    header = _is_header_part(root)
    fallback = ns.q("mc:Fallback")
    o_title = ns.q("o:title")
    text_count = 0
    seen: set[etree._Element] = set()
    # -- VML text (WordArt) --------
    for textpath in list(root.iter(ns.q("v:textpath"))):
        shape = textpath.getparent()
        string = textpath.get("string")
        if shape is None or not string or any(a.tag == fallback for a in textpath.iterancestors()):
            continue
        sid = shape.get("id", "")
        watermark = header or sid.startswith(TEXT_WATERMARK_ID) or _in_watermark_sdt(shape, ns) is not None
        text_count += 1
        label = f"{part}#{'watermark' if watermark else 'wordart'}-{text_count}"
        result = cleaner(string, 1.0)
        applied_any = any(f.applied and f.fixable for f in result.findings)
        done = False
        if edit and applied_any and shape.getparent() is not None:
            remaining = " ".join(result.text.split())
            if remaining:
                textpath.set("string", remaining)
            else:
                remove_shape(pkg, part, shape)
            done = out.changed = True
        out.findings.extend(placed(f, label, applied=f.applied and done) for f in result.findings)
    # -- picture watermarks: VML pictures, then DrawingML pictures behind the text --------
    watermarks: list[tuple[etree._Element, list[str]]] = []
    for imagedata in list(root.iter(ns.q("v:imagedata"))):
        shape = imagedata.getparent()
        if shape is None or any(a.tag == fallback for a in imagedata.iterancestors()):
            continue
        sid = shape.get("id", "")
        style = shape.get("style", "")
        behind = bool(_ABSOLUTE.search(style) and _NEG_Z.search(style))
        if sid.startswith(PICTURE_WATERMARK_ID) or (header and behind):
            watermarks.append((shape, [shape.get("alt", ""), imagedata.get(o_title, "")]))
    for anchor in list(root.iter(ns.q("wp:anchor"))):
        if any(a.tag == fallback for a in anchor.iterancestors()):
            continue
        docpr = anchor.find(ns.q("wp:docPr"))
        name = docpr.get("name", "") if docpr is not None else ""
        if not ns.xpath(anchor, ".//pic:pic"):
            continue
        if not (anchor.get("behindDoc") in ("1", "true") or name.startswith(PICTURE_WATERMARK_ID)):
            continue
        names = [name]
        if docpr is not None:
            names += [docpr.get("descr", ""), docpr.get("title", "")]
        for cnv in ns.xpath(anchor, ".//pic:cNvPr"):
            names += [cnv.get("name", ""), cnv.get("descr", "")]
        watermarks.append((anchor, names))
    for picture_count, (node, names) in enumerate(watermarks, 1):
        seen.add(node)
        out_f, changed = _judge_picture(
            pkg,
            part,
            node,
            f"{part}#picture-watermark-{picture_count}",
            names,
            cleaner,
            edit=edit,
            remove_pictures=remove_pictures,
        )
        out.findings.extend(out_f)
        out.changed = out.changed or changed
    # -- other pictures: removed only when their description is reseller text --------
    out_f, changed = _junk_pictures(pkg, part, root, cleaner, seen, edit=edit)
    out.findings.extend(out_f)
    out.changed = out.changed or changed
    # -- page background --------
    if local(root.tag) == "document":
        background = root.find(ns.q("w:background"))
        if background is not None and _rids(background, ns):
            names = [n.get(o_title, "") for n in background.iter() if n.get(o_title)]
            out_f, changed = _judge_picture(
                pkg,
                part,
                background,
                f"{part}#page-background",
                names,
                cleaner,
                edit=edit,
                remove_pictures=remove_pictures,
                background=True,
            )
            out.findings.extend(out_f)
            out.changed = out.changed or changed
    return out


def _junk_pictures(
    pkg: Package, part: str, root: etree._Element, cleaner: Cleaner, seen: set[etree._Element], *, edit: bool
) -> tuple[list[Finding], bool]:
    """Pictures (a QR code, a banner) whose alt text, title or name the engine finds boilerplate."""
    ns = pkg.ns
    fallback = ns.q("mc:Fallback")
    o_title = ns.q("o:title")
    candidates: list[tuple[etree._Element, list[str]]] = []
    for holder in root.iter(ns.q("wp:inline"), ns.q("wp:anchor")):
        if holder in seen or not ns.xpath(holder, ".//pic:pic"):
            continue
        names = []
        for node in [*ns.xpath(holder, "./wp:docPr"), *ns.xpath(holder, ".//pic:cNvPr")]:
            names += [node.get("name", ""), node.get("descr", ""), node.get("title", "")]
        candidates.append((holder, names))
    for imagedata in root.iter(ns.q("v:imagedata")):
        shape = imagedata.getparent()
        if shape is None or shape in seen or any(a.tag == fallback for a in imagedata.iterancestors()):
            continue
        candidates.append((shape, [shape.get("alt", ""), shape.get("title", ""), imagedata.get(o_title, "")]))
    findings: list[Finding] = []
    changed = False
    count = 0
    for node, names in candidates:
        results = [cleaner(n.strip(), 1.0) for n in dict.fromkeys(names) if n and n.strip()]
        junk = [r for r in results if is_junk(r)]
        if not junk:
            continue
        count += 1
        label = f"{part}#picture-{count}"
        removed = edit and node.getparent() is not None
        if removed:
            remove_shape(pkg, part, node)
            changed = True
        for result in junk:
            findings.extend(placed(f, label, applied=removed and f.category == "boilerplate") for f in result.findings)
        findings.append(
            docx_finding(
                "DOC003",
                "picture described as reseller material " + ("removed" if removed else "found"),
                junk[0].original,
                label,
                action=Action.STRIP,
                applied=removed,
            )
        )
    return findings, changed


def _judge_picture(
    pkg: Package,
    part: str,
    node: etree._Element,
    label: str,
    names: list[str],
    cleaner: Cleaner,
    *,
    edit: bool,
    remove_pictures: bool,
    background: bool = False,
) -> tuple[list[Finding], bool]:
    findings: list[Finding] = []
    junk = False
    for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
        result = cleaner(name, 1.0)
        if is_junk(result):
            junk = True
            findings.extend(placed(f, label, applied=False) for f in result.findings)
    remove = edit and (remove_pictures or junk)
    kind = "page background picture" if background else "picture watermark"
    description = next((n for n in names if n), kind)
    if remove:
        if background:
            _remove_background(pkg, part, node)
        else:
            remove_shape(pkg, part, node)
        findings = [placed(f, label, applied=f.category == "boilerplate") for f in findings]
        findings.append(
            docx_finding(
                "DOC002",
                f"{kind} removed",
                description,
                label,
                action=Action.STRIP,
                applied=True,
                severity=Severity.INFO,
            )
        )
        return findings, True
    findings.append(
        docx_finding(
            "DOC002",
            f"{kind} kept (remove_picture_watermarks=True removes it)",
            description,
            label,
            severity=Severity.INFO,
        )
    )
    return findings, False


def _remove_background(pkg: Package, part: str, background: etree._Element) -> None:
    ns = pkg.ns
    rids = _rids(background, ns)
    for child in list(background):
        background.remove(child)
    if not background.attrib:
        parent = background.getparent()
        if parent is not None:
            parent.remove(background)
    for rid in dict.fromkeys(rids):
        pkg.drop_rel_if_unused(part, rid)
