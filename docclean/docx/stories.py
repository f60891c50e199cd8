"""Finding the stories of a part and cleaning each one.

Stories of a part: its main flow (the body; a header or footer; all footnotes, endnotes or
comments of the part, separators excluded) and each text box (``w:txbxContent``). Text boxes
inside ``mc:AlternateContent`` exist twice, once as DrawingML in ``mc:Choice`` and once as VML in
``mc:Fallback``. Both copies are cleaned the same way so every reader shows the same text, but the
findings are reported once (for the Choice copy) unless the two texts differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from docclean.docx.edit import Edit, StoryEditor
from docclean.docx.engine import Cleaner, placed
from docclean.docx.ns import Ns, local
from docclean.docx.textview import Story, build_story, story_paragraphs
from docclean.model import Finding

_FIELD_LINK = re.compile(r"\s*HYPERLINK\b", re.IGNORECASE)
NOTE_SEPARATORS = frozenset({"separator", "continuationSeparator", "continuationNotice"})


@dataclass
class StorySpec:
    """Where a story's paragraphs are and how it is reported."""

    label: str
    paragraphs: list[etree._Element]
    main: bool  # the part's main flow (as opposed to a text box)
    twin: str | None = None  # label of the mc:Choice copy this mc:Fallback text box duplicates
    box: etree._Element | None = None  # the w:txbxContent of a text box story


def main_roots(root: etree._Element, ns: Ns) -> list[etree._Element]:
    """Containers of the part's main flow."""
    name = local(root.tag)
    if name == "document":
        body = root.find(ns.q("w:body"))
        return [body] if body is not None else []
    if name in ("footnotes", "endnotes"):
        kind = ns.q("w:type")
        return [n for n in root if local(n.tag) in ("footnote", "endnote") and n.get(kind) not in NOTE_SEPARATORS]
    if name == "comments":
        return [n for n in root if local(n.tag) == "comment"]
    return [root]  # w:hdr, w:ftr


def part_stories(part: str, root: etree._Element, ns: Ns) -> list[StorySpec]:
    """The stories of one part, main flow first, then text boxes in document order."""
    specs = [StorySpec(part, story_paragraphs(main_roots(root, ns), ns), main=True)]
    fallback = ns.q("mc:Fallback")
    choice = ns.q("mc:Choice")
    alt = ns.q("mc:AlternateContent")
    txbx = ns.q("w:txbxContent")
    labels: dict[etree._Element, str] = {}
    count = 0
    for box in root.iter(txbx):
        branch = _nearest(box, {fallback, choice})
        twin: str | None = None
        if branch is not None and branch.tag == fallback:
            group = branch.getparent()
            if group is not None and group.tag == alt:
                position = [b for b in branch.iter(txbx)].index(box)
                for other in group:
                    if other.tag == choice:
                        boxes = list(other.iter(txbx))
                        if position < len(boxes):
                            twin = labels.get(boxes[position])
                        break
        if twin is None:
            count += 1
            label = f"{part}#textbox-{count}"
        else:
            label = f"{twin}-fallback"
        labels[box] = label
        specs.append(StorySpec(label, story_paragraphs([box], ns), main=False, twin=twin, box=box))
    return specs


def _nearest(node: etree._Element, tags: set[str]) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None:
        if parent.tag in tags:
            return parent
        parent = parent.getparent()
    return None


@dataclass
class StoryOutcome:
    """What cleaning one story did."""

    findings: list[Finding]
    changed: bool
    removed_rids: list[str]
    text: str
    emptied: bool = False  # a text box that had text and has none left
    has_link_fields: bool = False  # the story has HYPERLINK fields


def clean_story(
    spec: StorySpec,
    ns: Ns,
    cleaner: Cleaner,
    *,
    max_removal: float,
    edit: bool,
    twin_texts: dict[str, str],
) -> StoryOutcome:
    """Clean one story: run the engine on its text and apply the applied edits run by run."""
    story: Story = build_story(spec.label, spec.paragraphs, ns)
    text = story.text
    if spec.twin is None:
        twin_texts[spec.label] = text
    links = any(_FIELD_LINK.match(f.instr) for f in story.fields)
    if not text.strip():
        return StoryOutcome([], False, [], text, has_link_fields=links)
    result = cleaner(text, max_removal)
    applied_idx = [i for i, f in enumerate(result.findings) if f.applied and f.fixable]
    ok: dict[int, bool] = {}
    removed: list[str] = []
    changed = False
    if edit and applied_idx:
        edits = [
            Edit(result.findings[i].start, result.findings[i].end, result.findings[i].replacement or "")
            for i in applied_idx
        ]
        report = StoryEditor(story).apply(edits)
        ok = dict(zip(applied_idx, report.applied, strict=True))
        removed = report.removed_rids
        changed = report.changed
    findings: list[Finding] = []
    duplicate = spec.twin is not None and twin_texts.get(spec.twin) == text
    if not duplicate:
        part = spec.label
        for i, finding in enumerate(result.findings):
            line, column = story.location(finding.start)
            end_line, end_column = story.location(finding.end)
            applied = finding.applied and ok.get(i, False)
            findings.append(
                placed(
                    finding,
                    part,
                    line=line,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                    applied=applied,
                )
            )
    emptied = changed and not spec.main and not build_story(spec.label, _attached(spec.paragraphs), ns).text.strip()
    return StoryOutcome(findings, changed, removed, text, emptied, links)


def _attached(paragraphs: list[etree._Element]) -> list[etree._Element]:
    return [p for p in paragraphs if p.getparent() is not None]
