"""Hyperlinks whose target is a reseller's site.

A link is judged by its target URL, run through the text engine like any other line: when the
engine reports boilerplate in it, the link is junk even when its text is fine. On fix the link is
*unwrapped*: its runs stay where they are (minus the ``Hyperlink`` character style), the
``w:hyperlink`` element goes, and so does its relationship once nothing else refers to it.
``HYPERLINK`` fields (complex or simple) are unlinked the same way: instruction and field
characters go, the result text stays.
"""

from __future__ import annotations

import re

from lxml import etree

from docclean.docx.engine import Cleaner, is_junk, placed
from docclean.docx.ns import Ns, local
from docclean.docx.package import Package, rels_name
from docclean.docx.textview import Field, Story
from docclean.model import Finding, Result

_FIELD_URL = re.compile(r'^\s*HYPERLINK\s+(?:"([^"]*)"|(\S+))', re.IGNORECASE)


class LinkJudge:
    """Caches the engine's verdict per URL."""

    def __init__(self, cleaner: Cleaner) -> None:
        self.cleaner = cleaner
        self.cache: dict[str, Result] = {}

    def judge(self, url: str) -> Result:
        found = self.cache.get(url)
        if found is None:
            found = self.cleaner(url, 1.0)
            self.cache[url] = found
        return found


def hyperlink_style_ids(pkg: Package) -> set[str]:
    """Style ids of the character style named "Hyperlink" (any language's id)."""
    ids = {"Hyperlink"}
    for styles in pkg.related(pkg.main, "styles"):
        root = pkg.xml(styles)
        ns = pkg.ns
        for style in ns.xpath(root, "./w:style[w:name/@w:val='Hyperlink' or w:name/@w:val='hyperlink']"):
            sid = style.get(ns.q("w:styleId"))
            if sid:
                ids.add(sid)
    return ids


def _strip_link_style(run: etree._Element, ns: Ns, style_ids: set[str]) -> None:
    for rstyle in ns.xpath(run, "./w:rPr/w:rStyle"):
        if rstyle.get(ns.q("w:val")) in style_ids:
            parent = rstyle.getparent()
            if parent is not None:
                parent.remove(rstyle)


def clean_hyperlinks(
    pkg: Package, part: str, root: etree._Element, judge: LinkJudge, *, edit: bool, style_ids: set[str]
) -> tuple[list[Finding], bool]:
    """Report (and on fix unwrap) ``w:hyperlink`` elements pointing at junk URLs."""
    ns = pkg.ns
    findings: list[Finding] = []
    changed = False
    r_id = ns.q("r:id")
    w_r = ns.q("w:r")
    for link in list(root.iter(ns.q("w:hyperlink"))):
        rid = link.get(r_id)
        if not rid:
            continue
        rel = pkg.rel(part, rid)
        if rel is None or not rel.external:
            continue
        result = judge.judge(rel.target)
        if not is_junk(result):
            continue
        applied = False
        if edit and link.getparent() is not None:
            parent = link.getparent()
            assert parent is not None
            pos = parent.index(link)
            for child in list(link):
                if child.tag == w_r:
                    _strip_link_style(child, ns, style_ids)
                parent.insert(pos, child)
                pos += 1
            parent.remove(link)
            pkg.drop_rel_if_unused(part, rid)
            applied = changed = True
        label = f"{rels_name(part)}#{rid}"
        findings.extend(placed(f, label, applied=applied and f.category == "boilerplate") for f in result.findings)
    return findings, changed


def field_url(instr: str) -> str | None:
    """The target of a ``HYPERLINK`` field instruction, if it is one."""
    match = _FIELD_URL.match(instr)
    if not match:
        return None
    return match.group(1) if match.group(1) is not None else match.group(2)


def clean_link_fields(story: Story, judge: LinkJudge, *, edit: bool, style_ids: set[str]) -> tuple[list[Finding], bool]:
    """Report (and on fix unlink) ``HYPERLINK`` fields pointing at junk URLs; the result text stays."""
    ns = story.ns
    findings: list[Finding] = []
    changed = False
    w_r = ns.q("w:r")
    for fld in story.fields:
        url = field_url(fld.instr)
        if not url:
            continue
        result = judge.judge(url)
        if not is_junk(result):
            continue
        applied = False
        if edit and fld.closed:
            if fld.simple is not None:
                parent = fld.simple.getparent()
                if parent is not None:
                    pos = parent.index(fld.simple)
                    for child in list(fld.simple):
                        if child.tag == w_r:
                            _strip_link_style(child, ns, style_ids)
                        if isinstance(child.tag, str) and local(child.tag) != "fldSimplePr":
                            parent.insert(pos, child)
                            pos += 1
                    parent.remove(fld.simple)
                    applied = True
            else:
                own = _own_parts(fld, story)
                runs = []
                for elem in own:
                    run = elem.getparent()
                    if run is not None:
                        run.remove(elem)
                        runs.append(run)
                for run in runs:
                    if not any(isinstance(c.tag, str) and local(c.tag) not in ("rPr",) for c in run):
                        parent = run.getparent()
                        if parent is not None:
                            parent.remove(run)
                for seg in (s for p in story.paras for s in p.segs if fld in s.fields):
                    _strip_link_style(seg.run, ns, style_ids)
                applied = bool(own)
            changed = changed or applied
        line, column = story.location(max(fld.result_start, 0))
        findings.extend(
            placed(
                f,
                f"{story.label}#field",
                line=line,
                column=column,
                end_line=line,
                end_column=column,
                applied=applied and f.category == "boilerplate",
            )
            for f in result.findings
        )
    return findings, changed


def _own_parts(fld: Field, story: Story) -> list[etree._Element]:
    """The fldChar/instrText elements of ``fld`` that are not part of a nested field."""
    nested: set[int] = set()
    for other in story.fields:
        if other is not fld and other.parts and all(id(p) in {id(q) for q in fld.parts} for p in other.parts):
            nested.update(id(p) for p in other.parts)
    return [p for p in fld.parts if id(p) not in nested]
