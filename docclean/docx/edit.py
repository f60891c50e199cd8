"""Applying text edits to a story run by run, keeping every run's formatting.

An edit ``(start, end, replacement)`` is in story offsets (see :mod:`docclean.docx.textview`).
Characters are cut out of the ``w:t`` elements they live in; one-character elements (tabs, line
breaks) covered by an edit are removed; objects (drawings, note references, field codes…) stay.
The replacement goes into the ``w:t`` at the edit's start, so it takes that run's formatting.

An edit is applied whole or not at all. It is refused (reported back as not applied) when it
would merge two paragraphs, cut through the visible result of a field that lies within one
paragraph, or needs a replacement where there is no text to hold it.

Afterwards, emptied ``w:t`` elements, runs and wrappers (hyperlinks, smart tags, content controls…)
are removed, and a paragraph left with nothing visible is removed too, unless it must stay: it
holds section properties, it is the last block of its cell/body/header/note/text box, or removing
it would make two tables touch. Empty paragraphs lying between two removed paragraphs (the blank
lines of an ad block) are removed with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from docclean.docx.ns import XML_SPACE, Ns, local
from docclean.docx.textview import DISPOSABLE, MARKERS, PROPERTIES, WRAPPERS, Field, Para, Seg, Story

BLOCK_WRAPPERS = frozenset({"sdt", "sdtContent", "customXml"})
_CONTROL = frozenset(chr(c) for c in range(32)) | {"\x7f"}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace story text ``[start, end)`` by ``replacement``."""

    start: int
    end: int
    replacement: str = ""


@dataclass
class EditReport:
    """What applying a list of edits did."""

    applied: list[bool]
    removed_rids: list[str] = field(default_factory=list)  # r:id of removed wrappers (hyperlinks)
    removed_paragraphs: int = 0

    @property
    def changed(self) -> bool:
        return any(self.applied) or self.removed_paragraphs > 0


def has_content(elem: etree._Element, ns: Ns) -> bool:
    """True when ``elem`` still shows something (text, tab, break, drawing, field, reference…)."""
    ns_w = "{" + ns.map["w"] + "}"
    for child in elem:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if not tag.startswith(ns_w):
            return True
        name = local(tag)
        if name in PROPERTIES or name in MARKERS or name in DISPOSABLE:
            continue
        if name == "t":
            if child.text:
                return True
            continue
        if name == "r" or (name in WRAPPERS and name != "fldSimple"):
            if has_content(child, ns):
                return True
            continue
        return True
    return False


def _is_block_wrapper(elem: etree._Element) -> bool:
    return isinstance(elem.tag, str) and local(elem.tag) in BLOCK_WRAPPERS


def _edge_block(wrapper: etree._Element, ns: Ns, *, last: bool) -> etree._Element | None:
    """The first (or last) paragraph/table inside a block-level wrapper."""
    children = reversed(wrapper) if last else iter(wrapper)
    for child in children:
        if child.tag in (ns.q("w:p"), ns.q("w:tbl")):
            return child
        if _is_block_wrapper(child):
            found = _edge_block(child, ns, last=last)
            if found is not None:
                return found
    return None


def neighbour_block(elem: etree._Element, ns: Ns, *, after: bool) -> etree._Element | None:
    """The paragraph or table next to ``elem`` in reading order, looking through content controls,
    but never leaving ``elem``'s cell, body, header, note or text box."""
    blocks = (ns.q("w:p"), ns.q("w:tbl"))
    node: etree._Element | None = elem
    while node is not None:
        sibling = node.getnext() if after else node.getprevious()
        while sibling is not None:
            if sibling.tag in blocks:
                return sibling
            if _is_block_wrapper(sibling):
                found = _edge_block(sibling, ns, last=not after)
                if found is not None:
                    return found
            sibling = sibling.getnext() if after else sibling.getprevious()
        parent = node.getparent()
        node = parent if parent is not None and _is_block_wrapper(parent) else None
    return None


def removable(para: etree._Element, ns: Ns) -> bool:
    """True when the paragraph may be deleted without breaking the document's structure."""
    if ns.xpath(para, "./w:pPr/w:sectPr"):
        return False
    after = neighbour_block(para, ns, after=True)
    if after is None:
        return False  # the last block of a cell/body/header/note/text box must stay a paragraph
    before = neighbour_block(para, ns, after=False)
    tbl = ns.q("w:tbl")
    return not (before is not None and before.tag == tbl and after.tag == tbl)


def remove_paragraph(para: etree._Element, ns: Ns) -> bool:
    """Delete a paragraph, moving its bookmarks/comment ranges to a neighbour. False if not allowed."""
    if not removable(para, ns):
        return False
    w_p = ns.q("w:p")
    markers = [n for n in para.iter() if isinstance(n.tag, str) and local(n.tag) in MARKERS]
    if markers:
        after = neighbour_block(para, ns, after=True)
        before = neighbour_block(para, ns, after=False)
        if after is not None and after.tag == w_p:
            ppr = after.find(ns.q("w:pPr"))
            pos = 1 if ppr is not None else 0
            for offset, marker in enumerate(markers):
                after.insert(pos + offset, marker)
        elif before is not None and before.tag == w_p:
            for marker in markers:
                before.append(marker)
        else:
            return False
    parent = para.getparent()
    _remove_keep_tail(para)
    # an emptied block-level content control goes too
    while parent is not None and _is_block_wrapper(parent) and _edge_block(parent, ns, last=False) is None:
        if local(parent.tag) == "sdtContent":
            outer = parent.getparent()
            if outer is None or local(outer.tag) != "sdt":
                break
            parent = outer
        up = parent.getparent()
        if up is None:
            break
        _remove_keep_tail(parent)
        parent = up
    return True


def _remove_keep_tail(elem: etree._Element) -> None:
    parent = elem.getparent()
    if parent is None:
        return
    if elem.tail and elem.tail.strip() == "":
        elem.tail = None
    parent.remove(elem)


def set_text(t_elem: etree._Element, text: str) -> None:
    """Set a ``w:t``'s text, keeping spaces with ``xml:space="preserve"`` when they need it."""
    t_elem.text = text
    if text and (text != text.strip() or "  " in text):
        t_elem.set(XML_SPACE, "preserve")


class StoryEditor:
    """Applies non-overlapping edits to one story's XML."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.ns = story.ns
        self.emptied: list[etree._Element] = []
        self.touched_runs: list[etree._Element] = []
        self.touched_paras: set[int] = set()
        self.doomed_paras: set[int] = set()

    # -- planning --------
    def _plan(self, edit: Edit) -> tuple[Edit, Para, list[Para], list[Field]] | None:
        story = self.story
        a, b = edit.start, edit.end
        total = story.paras[-1].end if story.paras else 0
        if a < 0 or b < a or b > total or not story.paras:
            return None
        if any(c in _CONTROL for c in edit.replacement):
            return None
        first = story.para_at(a)
        last = story.para_at(b)
        fp, lp = story.paras[first], story.paras[last]
        between = story.paras[first + 1 : last]
        if first == last:
            survivor, doomed = fp, list(between)
        elif a == fp.start:
            survivor, doomed = lp, [fp, *between]
        elif b == lp.end:
            survivor, doomed = fp, [*between, lp]
        elif last == first + 1 and b == lp.start and self._soft_break_before(fp, a):
            # "text<br/>junk" + separator: deleting the break instead of the separator is the same text
            return self._plan(Edit(a - 1, b - 1, edit.replacement))
        else:
            return None  # would merge two paragraphs
        whole: list[Field] = []
        for fld in story.fields:
            if fld.result_start < 0 or fld.result_end <= a or fld.result_start >= b:
                continue
            covered = a <= fld.result_start and fld.result_end <= b
            local_field = fld.simple is not None or fld.single_paragraph
            if not local_field:
                continue  # text of a multi-paragraph field (a TOC) is edited like plain text
            if not covered:
                return None  # cutting through a field result
            if _generated(fld):
                return None  # a page number or date the word processor fills in is the document's own
            whole.append(fld)
        return edit, survivor, doomed, whole

    @staticmethod
    def _soft_break_before(para: Para, offset: int) -> bool:
        return any(seg.atom and seg.end == offset and local(seg.elem.tag) in ("br", "cr") for seg in para.segs)

    def _insertion_seg(self, para: Para, pos: int, whole: list[Field]) -> Seg | None:
        candidates = [s for s in para.segs if not s.atom and not any(f in whole for f in s.fields)]
        for seg in candidates:
            if seg.start <= pos < seg.end:
                return seg
        for seg in candidates:
            if seg.end == pos:
                return seg
        for seg in candidates:
            if seg.start == pos:
                return seg
        return None

    # -- applying --------
    def apply(self, edits: list[Edit]) -> EditReport:
        order = sorted(range(len(edits)), key=lambda i: (edits[i].start, edits[i].end), reverse=True)
        applied = [False] * len(edits)
        last_start: int | None = None
        for i in order:
            edit = edits[i]
            if last_start is not None and edit.end > last_start:
                continue  # overlapping edits are never applied twice
            if self._apply_one(edit):
                applied[i] = True
                last_start = edit.start
        report = EditReport(applied)
        if any(applied):
            self._cleanup(report)
        return report

    def _apply_one(self, edit: Edit) -> bool:
        plan = self._plan(edit)
        if plan is None:
            return False
        edit, survivor, doomed, whole = plan
        a, b, text = edit.start, edit.end, edit.replacement
        insert_at = a if survivor.start <= a else survivor.start
        target: Seg | None = None
        if text:
            target = self._insertion_seg(survivor, insert_at, whole)
            if target is None:
                return False
        for para in [survivor, *doomed]:
            for seg in para.segs:
                if seg.start >= b or seg.end <= a:
                    if seg is target:
                        cur = seg.elem.text or ""
                        k = insert_at - seg.start
                        set_text(seg.elem, cur[:k] + text + cur[k:])
                        self.touched_runs.append(seg.run)
                    continue
                self.touched_runs.append(seg.run)
                if seg.atom:
                    parent = seg.elem.getparent()
                    if parent is not None:
                        parent.remove(seg.elem)
                    continue
                cur = seg.elem.text or ""
                x, y = max(a, seg.start) - seg.start, min(b, seg.end) - seg.start
                new = cur[:x] + (text if seg is target else "") + cur[y:]
                set_text(seg.elem, new)
                if not new:
                    self.emptied.append(seg.elem)
        for fld in whole:
            self._drop_field(fld)
        if a < b or text:
            self.touched_paras.add(survivor.index)
        for para in doomed:
            self.doomed_paras.add(para.index)
            self.touched_paras.add(para.index)
        return True

    def _drop_field(self, fld: Field) -> None:
        for part in fld.parts:
            run = part.getparent()
            if run is not None:
                run.remove(part)
                self.touched_runs.append(run)
        if fld.simple is not None:
            parent = fld.simple.getparent()
            if parent is not None:
                pos = parent.index(fld.simple)
                for child in list(fld.simple):
                    if local(child.tag) == "fldSimplePr":
                        continue
                    parent.insert(pos, child)
                    pos += 1
                _remove_keep_tail(fld.simple)

    # -- tidying up --------
    def _cleanup(self, report: EditReport) -> None:
        ns = self.ns
        for t_elem in self.emptied:
            parent = t_elem.getparent()
            if parent is not None and not t_elem.text:
                parent.remove(t_elem)
        seen: set[int] = set()
        for run in self.touched_runs:
            if id(run) in seen:
                continue
            seen.add(id(run))
            parent = run.getparent()
            if parent is None or has_content(run, ns):
                continue
            _remove_keep_tail(run)
            self._prune_wrappers(parent, report)
        paras = self.story.paras
        removed: set[int] = set()
        for index in sorted(self.touched_paras | self.doomed_paras):
            elem = paras[index].elem
            if elem.getparent() is not None and not has_content(elem, ns) and remove_paragraph(elem, ns):
                removed.add(index)
        # blank paragraphs inside a removed block go with it
        i = 0
        while i < len(paras):
            if i in removed or paras[i].had_content:
                i += 1
                continue
            j = i
            while j < len(paras) and j not in removed and not paras[j].had_content:
                j += 1
            if i > 0 and (i - 1) in removed and j < len(paras) and j in removed:
                for k in range(i, j):
                    elem = paras[k].elem
                    if not has_content(elem, ns) and remove_paragraph(elem, ns):
                        removed.add(k)
            i = j
        report.removed_paragraphs = len(removed)

    def _prune_wrappers(self, node: etree._Element | None, report: EditReport) -> None:
        ns = self.ns
        w_p = ns.q("w:p")
        r_id = ns.q("r:id")
        while node is not None and node.tag != w_p and local(node.tag) in WRAPPERS:
            target = node.getparent() if local(node.tag) in ("sdtContent", "rubyBase") else node
            if target is None or has_content(target, ns):
                return
            parent = target.getparent()
            if parent is None:
                return
            pos = parent.index(target)
            for marker in [n for n in target.iter() if isinstance(n.tag, str) and local(n.tag) in MARKERS]:
                parent.insert(pos, marker)
                pos += 1
            rid = target.get(r_id)
            if rid:
                report.removed_rids.append(rid)
            _remove_keep_tail(target)
            node = parent


# Fields whose result the word processor computes (page numbers, dates, file names): a line made
# of them, such as "- 6 -" around a PAGE field in a footer, is never reseller text.
_GENERATED_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "CREATEDATE",
                               "SAVEDATE", "PRINTDATE", "FILENAME", "NUMWORDS", "NUMCHARS"})


def _generated(fld: Field) -> bool:
    words = fld.instr.split()
    return bool(words) and words[0].upper() in _GENERATED_FIELDS
