"""Paragraphs -> plain text, with a map from every text offset back to the XML that holds it.

A *story* is a flow of paragraphs that reads as one text: the body, one header, the footnotes
part, one text box. Its text is the paragraphs' texts joined with ``"\\n"`` (the separators belong
to no element), so a line of the text is usually a paragraph. Inside a paragraph:

* ``w:t`` gives its characters (editable one by one);
* ``w:tab``/``w:ptab`` give ``"\\t"``, a text-wrapping ``w:br`` and ``w:cr`` give ``"\\n"``,
  ``w:noBreakHyphen`` gives ``"-"`` (each one character, deletable as a whole);
* field instructions, deleted text (``w:del``, ``w:moveFrom``), ruby annotations, math, drawings,
  pictures, note and comment references give nothing: they are *objects* and are never deleted
  by a text edit;
* runs inside hyperlinks, smart tags, custom XML, run-level content controls, simple fields,
  insertions and ``w:dir``/``w:bdo`` are read like any other run.

Complex fields (``fldChar begin`` … ``separate`` … ``end``) are tracked across paragraphs; only
their result text is part of the view, and each segment knows the fields it sits in.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from docclean.docx.ns import Ns, local

# Elements between w:p and w:r whose runs are shown.
WRAPPERS = frozenset(
    {
        "hyperlink",
        "smartTag",
        "customXml",
        "sdt",
        "sdtContent",
        "fldSimple",
        "ins",
        "moveTo",
        "dir",
        "bdo",
        "ruby",
        "rubyBase",
    }
)
# Property children of wrappers / runs / paragraphs: never content.
PROPERTIES = frozenset({"pPr", "rPr", "sdtPr", "sdtEndPr", "smartTagPr", "customXmlPr", "rubyPr", "rt"})
# Zero-width markers: kept, moved with their paragraph, never content.
MARKERS = frozenset(
    {
        "bookmarkStart",
        "bookmarkEnd",
        "permStart",
        "permEnd",
        "commentRangeStart",
        "commentRangeEnd",
        "moveFromRangeStart",
        "moveFromRangeEnd",
        "moveToRangeStart",
        "moveToRangeEnd",
        "customXmlInsRangeStart",
        "customXmlInsRangeEnd",
        "customXmlDelRangeStart",
        "customXmlDelRangeEnd",
        "customXmlMoveFromRangeStart",
        "customXmlMoveFromRangeEnd",
        "customXmlMoveToRangeStart",
        "customXmlMoveToRangeEnd",
    }
)
# Run children that may be dropped with an emptied run (rendering hints, no content of their own).
DISPOSABLE = frozenset({"proofErr", "lastRenderedPageBreak", "softHyphen"})
ATOMS = {"tab": "\t", "ptab": "\t", "cr": "\n", "noBreakHyphen": "-"}


@dataclass(eq=False)
class Field:
    """A complex field (``fldChar`` begin … end) or a ``w:fldSimple``."""

    instr: str = ""
    simple: etree._Element | None = None  # the w:fldSimple element
    parts: list[etree._Element] = field(default_factory=list)  # fldChar/instrText elements (incl. nested)
    paragraphs: set[int] = field(default_factory=set)  # story paragraph indexes it touches
    result_start: int = -1  # story offsets of its visible result
    result_end: int = -1
    separated: bool = False
    closed: bool = False

    @property
    def single_paragraph(self) -> bool:
        return self.closed and len(self.paragraphs) == 1


@dataclass(eq=False)
class Seg:
    """One piece of visible text: a ``w:t`` (``atom`` False) or a one-character element."""

    start: int
    end: int
    elem: etree._Element
    run: etree._Element
    atom: bool
    fields: tuple[Field, ...]


@dataclass(eq=False)
class Para:
    """One paragraph of a story: its element, its text span and its segments."""

    index: int
    elem: etree._Element
    start: int
    end: int
    text: str
    segs: list[Seg]
    had_content: bool  # anything visible (text or object) before cleaning


@dataclass(eq=False)
class Story:
    """A flow of paragraphs that reads as one text."""

    label: str  # part name, plus "#textbox-N" etc.
    paras: list[Para]
    fields: list[Field]
    ns: Ns
    _starts: list[int] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras)

    def para_at(self, offset: int) -> int:
        """Index of the paragraph holding ``offset`` (a separator belongs to the paragraph before it)."""
        if len(self._starts) != len(self.paras):
            self._starts = [p.start for p in self.paras]
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def location(self, offset: int) -> tuple[int, int]:
        """1-based (paragraph number, column) of ``offset``."""
        index = self.para_at(offset)
        return index + 1, offset - self.paras[index].start + 1


def is_tag(elem: etree._Element, ns: Ns, name: str) -> bool:
    return bool(elem.tag == ns.q(name))


def story_paragraphs(roots: Iterable[etree._Element], ns: Ns) -> list[etree._Element]:
    """Paragraphs of a story below ``roots``: not inside a nested text box or an ``mc:Fallback``."""
    w_p = ns.q("w:p")
    stop = {ns.q("w:txbxContent"), ns.q("mc:Fallback"), ns.q("w:del"), ns.q("w:moveFrom")}
    out: list[etree._Element] = []
    for root in roots:
        for para in root.iter(w_p):
            node = para.getparent()
            ok = True
            while node is not None and node is not root:
                if node.tag in stop:
                    ok = False
                    break
                node = node.getparent()
            if ok:
                out.append(para)
    return out


class _Builder:
    def __init__(self, ns: Ns) -> None:
        self.ns = ns
        self.stack: list[Field] = []
        self.fields: list[Field] = []
        self.offset = 0
        self.segs: list[Seg] = []
        self.chunks: list[str] = []
        self.para_index = 0
        self.has_object = False
        self.t = ns.q("w:t")
        self.r = ns.q("w:r")
        self.br = ns.q("w:br")
        self.fld_char = ns.q("w:fldChar")
        self.instr = ns.q("w:instrText")
        self.fld_type = ns.q("w:fldCharType")
        self.br_type = ns.q("w:type")
        self.w_instr = ns.q("w:instr")
        self.ns_w = "{" + ns.map["w"] + "}"

    @property
    def visible(self) -> bool:
        return all(f.separated for f in self.stack)

    def add(self, text: str, elem: etree._Element, run: etree._Element, *, atom: bool) -> None:
        if not text:
            return
        start = self.offset
        self.offset += len(text)
        self.chunks.append(text)
        fields = tuple(self.stack)
        for fld in fields:
            if fld.result_start < 0:
                fld.result_start = start
            fld.result_end = self.offset
        self.segs.append(Seg(start, self.offset, elem, run, atom, fields))

    def walk(self, node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == self.r:
                self.run(child)
                continue
            name = local(tag)
            is_w = tag.startswith(self.ns_w)
            if is_w and (name in PROPERTIES or name in MARKERS or name in DISPOSABLE):
                continue
            if is_w and name == "fldSimple":
                fld = Field(instr=child.get(self.w_instr, ""), simple=child, separated=True, closed=True)
                fld.paragraphs.add(self.para_index)
                self.fields.append(fld)
                self.stack.append(fld)
                self.walk(child)
                self.stack.pop()
                continue
            if is_w and name in WRAPPERS:
                self.walk(child)
                continue
            # anything else (w:del, w:moveFrom, m:oMath, mc:AlternateContent, w:object…) is an object
            self.has_object = True

    def run(self, run: etree._Element) -> None:
        for child in run:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            name = local(tag) if tag.startswith(self.ns_w) else ""
            if tag == self.t:
                if self.visible:
                    self.add(child.text or "", child, run, atom=False)
            elif tag == self.fld_char:
                self.field_char(child)
            elif tag == self.instr:
                if self.stack:
                    self.stack[-1].instr += child.text or ""
                    for fld in self.stack:
                        fld.parts.append(child)
            elif tag == self.br:
                if child.get(self.br_type) in (None, "textWrapping"):
                    if self.visible:
                        self.add("\n", child, run, atom=True)
                else:
                    self.has_object = True
            elif name in ATOMS:
                if self.visible:
                    self.add(ATOMS[name], child, run, atom=True)
            elif name in PROPERTIES or name in DISPOSABLE or name == "delText":
                continue
            else:
                self.has_object = True

    def field_char(self, elem: etree._Element) -> None:
        kind = elem.get(self.fld_type)
        self.has_object = True
        if kind == "begin":
            fld = Field()
            fld.paragraphs.add(self.para_index)
            self.fields.append(fld)
            self.stack.append(fld)
            for open_field in self.stack:
                open_field.parts.append(elem)
        elif kind == "separate" and self.stack:
            for open_field in self.stack:
                open_field.parts.append(elem)
            self.stack[-1].separated = True
        elif kind == "end" and self.stack:
            for open_field in self.stack:
                open_field.parts.append(elem)
            done = self.stack.pop()
            done.closed = True
            done.separated = True


def build_story(label: str, paragraphs: list[etree._Element], ns: Ns) -> Story:
    """The text view of ``paragraphs`` (in order) as one story."""
    builder = _Builder(ns)
    paras: list[Para] = []
    for index, elem in enumerate(paragraphs):
        if index:
            builder.offset += 1  # the synthetic separator
        builder.para_index = index
        for fld in builder.stack:
            fld.paragraphs.add(index)
        start = builder.offset
        builder.segs = []
        builder.chunks = []
        builder.has_object = False
        builder.walk(elem)
        text = "".join(builder.chunks)
        paras.append(Para(index, elem, start, builder.offset, text, builder.segs, bool(text) or builder.has_object))
    return Story(label, paras, builder.fields, ns)


def iter_segs(story: Story, start: int, end: int) -> Iterator[Seg]:
    """Segments overlapping ``[start, end)``."""
    first = story.para_at(start)
    last = story.para_at(max(start, end - 1)) if end > start else first
    for para in story.paras[first : last + 1]:
        for seg in para.segs:
            if seg.start < end and seg.end > start:
                yield seg
