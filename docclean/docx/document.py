"""``clean_docx``: the whole .docx pipeline, and its result."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from docclean.docx.comments import comment_texts, delete_comments
from docclean.docx.container import ZIP_MAGICS, sniff
from docclean.docx.engine import Cleaner, text_cleaner
from docclean.docx.legacy import convert_to_docx, is_legacy
from docclean.docx.links import LinkJudge, clean_hyperlinks, clean_link_fields, hyperlink_style_ids
from docclean.docx.package import Package
from docclean.docx.properties import clean_properties
from docclean.docx.stories import clean_story, main_roots, part_stories
from docclean.docx.textview import build_story, story_paragraphs
from docclean.docx.watermark import clean_watermarks, remove_shape
from docclean.model import Finding, FixMode
from docclean.rules import RuleSet

STORY_PART_KINDS = ("header", "footer", "footnotes", "endnotes", "comments")


@dataclass(frozen=True)
class DocxResult:
    """What :func:`clean_docx` found and did.

    ``findings``: every finding, each with ``part`` (``"word/document.xml"``, ``"word/footer1.xml"``,
    ``"word/document.xml#textbox-1"``, ``"docProps/core.xml#creator"``…) and ``line`` = paragraph
    number within that part (or text box). ``text``: the body text after cleaning, paragraphs joined
    with ``"\\n"``. ``changed``: True when :meth:`save` writes something other than the input.
    ``notices``: one-line remarks about the file as a whole (macros kept, signature invalidated…).
    """

    path: str
    findings: tuple[Finding, ...]
    text: str
    changed: bool
    notices: tuple[str, ...] = ()
    _package: Package | None = field(default=None, repr=False, compare=False)

    def save(self, out_path: str | os.PathLike[str]) -> None:
        """Write the cleaned document to ``out_path`` atomically (the input file is never touched)."""
        if self._package is None:  # pragma: no cover - results are always built with a package
            raise ValueError("this result has no document to save")
        self._package.write(out_path)


def clean_docx(
    path: str | os.PathLike[str],
    *,
    rules: RuleSet | None = None,
    fix: str = "safe",
    remove_picture_watermarks: bool = False,
    max_removal: float = 0.3,
    allow: Sequence[str] = (),
) -> DocxResult:
    """Clean a Word document: body, tables, headers, footers, text boxes, notes, comments, links,
    watermarks and document properties, keeping every run's formatting.

    ``rules``, ``fix`` (``"none"`` = report only, ``"safe"``, ``"unsafe"``) and ``allow`` mean what they
    mean for :func:`docclean.clean`.
    ``max_removal`` limits the share of the body text removed (headers, footers, text boxes, notes
    and properties may be removed entirely). Raises :class:`docclean.errors.InputError` (one line,
    naming the file) for files that are not Word documents, are encrypted, damaged, or unsafe
    (zip bombs, DTDs/entities). Legacy ``.doc``/``.wps`` files are converted with LibreOffice first.

    Macro-enabled documents (``.docm``) are cleaned like any other: their macros (``vbaProject.bin``)
    are kept byte for byte and never run or inspected, and a notice says so. Refusing them would
    leave their reseller text in place; removing macros would silently break the document.
    """
    mode = FixMode(fix)
    source = os.fspath(path)
    if is_legacy(source) and not sniff(source).startswith(ZIP_MAGICS):
        workdir = tempfile.mkdtemp(prefix="docclean-")
        try:
            converted = convert_to_docx(source, workdir)
            package = Package(converted, name=source)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        notices = [f"converted from legacy {Path(source).suffix.lower()} with LibreOffice; saved as .docx"]
    else:
        package = Package(source)
        notices = []
    cleaner = text_cleaner(rules, mode.value, allow)
    return clean_package(
        package,
        cleaner,
        edit=mode is not FixMode.NONE,
        remove_picture_watermarks=remove_picture_watermarks,
        max_removal=max_removal,
        notices=notices,
    )


def clean_package(
    pkg: Package,
    cleaner: Cleaner,
    *,
    edit: bool,
    remove_picture_watermarks: bool = False,
    max_removal: float = 0.3,
    notices: list[str] | None = None,
) -> DocxResult:
    """Clean an opened package with ``cleaner`` (see :func:`clean_docx`)."""
    notes = list(notices or [])
    findings: list[Finding] = []
    judge = LinkJudge(cleaner)
    style_ids = hyperlink_style_ids(pkg)
    parts = [pkg.main]
    for kind in STORY_PART_KINDS:
        for name in pkg.related(pkg.main, kind):
            if name not in parts:
                parts.append(name)
    comment_parts = pkg.related(pkg.main, "comments")
    before_comments = {part: comment_texts(pkg, part) for part in comment_parts}
    for part in parts:
        root = pkg.xml(part)
        changed = False
        twins: dict[str, str] = {}
        empty_boxes: list[etree._Element] = []
        for spec in part_stories(part, root, pkg.ns):
            limit = max_removal if (part == pkg.main and spec.main) else 1.0
            outcome = clean_story(spec, pkg.ns, cleaner, max_removal=limit, edit=edit, twin_texts=twins)
            findings.extend(outcome.findings)
            if outcome.emptied and spec.box is not None:
                empty_boxes.append(spec.box)
            if outcome.changed:
                changed = True
                for rid in outcome.removed_rids:
                    pkg.drop_rel_if_unused(part, rid)
            if outcome.has_link_fields:
                story = build_story(spec.label, [p for p in spec.paragraphs if p.getparent() is not None], pkg.ns)
                found, did = clean_link_fields(story, judge, edit=edit, style_ids=style_ids)
                if spec.twin is None:
                    findings.extend(found)
                changed = changed or did
        for box in empty_boxes:  # a text box that only held junk goes as a whole
            if box.getparent() is not None and _attached_to(box, root):
                remove_shape(pkg, part, box)
        found, did = clean_hyperlinks(pkg, part, root, judge, edit=edit, style_ids=style_ids)
        findings.extend(found)
        changed = changed or did
        marks = clean_watermarks(pkg, part, root, cleaner, edit=edit, remove_pictures=remove_picture_watermarks)
        findings.extend(marks.findings)
        changed = changed or marks.changed
        if changed:
            pkg.mark_dirty(part)
    for part, before in before_comments.items():  # comments that held nothing but junk go whole
        after = comment_texts(pkg, part)
        gone = {cid for cid, text in before.items() if text.strip() and not after.get(cid, "").strip()}
        delete_comments(pkg, part, gone, [p for p in parts if p not in comment_parts])
    findings.extend(clean_properties(pkg, cleaner, edit=edit))
    if pkg.changed:
        if _drop_thumbnail(pkg):
            notes.append("the first-page thumbnail (which showed the old content) was removed")
        pkg.prune()
    if pkg.macro_enabled:
        notes.append("macro-enabled document: its macros were kept unchanged (docclean neither runs nor edits them)")
    if pkg.changed and any(n.startswith("_xmlsignatures/") for n in pkg.data):
        notes.append("the document's digital signature no longer matches the cleaned content")
    root = pkg.xml(pkg.main)
    body = build_story(pkg.main, story_paragraphs(main_roots(root, pkg.ns), pkg.ns), pkg.ns)
    return DocxResult(pkg.path, tuple(findings), body.text, pkg.changed, tuple(notes), pkg)


def _attached_to(node: etree._Element, root: etree._Element) -> bool:
    """True while ``node`` is still inside the tree of ``root``."""
    top = node
    while top.getparent() is not None:
        parent = top.getparent()
        assert parent is not None
        top = parent
    return top is root


def _drop_thumbnail(pkg: Package) -> bool:
    """Remove the package thumbnail: a picture of the first page as it was, ads included."""
    root = pkg.rels_root("")
    if root is None:
        return False
    dropped = False
    for node in list(root):
        if node.get("Type", "").endswith("/thumbnail"):
            root.remove(node)
            dropped = True
    if dropped:
        pkg.mark_dirty("_rels/.rels")
    return dropped
