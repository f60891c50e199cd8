"""Property tests of the run-by-run editor: random runs, random edits, exact text and formatting."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from docclean.docx.edit import Edit, StoryEditor
from docclean.docx.ns import flavour
from docclean.docx.textview import build_story, story_paragraphs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = flavour(strict=False)
ALPHABET = "甲乙丙丁戊己庚辛 ab"
NEW = "新"  # replacement text uses characters the original never has

runs_st = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=6), min_size=0, max_size=4)
doc_st = st.lists(runs_st, min_size=1, max_size=6)


def build(paragraphs: list[list[str]]) -> etree._Element:
    size = 0
    xml = [f'<w:body xmlns:w="{W}">']
    for runs in paragraphs:
        xml.append("<w:p>")
        for text in runs:
            size += 1
            xml.append(f'<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>')
        xml.append("</w:p>")
    xml.append("<w:p/><w:sectPr/></w:body>")  # a last paragraph that always stays
    return etree.fromstring("".join(xml))


def styled_chars(body: etree._Element) -> list[list[tuple[str, str]]]:
    """Per paragraph: (character, run size) for every original character still there."""
    out = []
    for para in body.iter(f"{{{W}}}p"):
        chars = []
        for run in para.iter(f"{{{W}}}r"):
            size = run.find(f"{{{W}}}rPr/{{{W}}}sz")
            val = size.get(f"{{{W}}}val") if size is not None else "?"
            for t in run.iter(f"{{{W}}}t"):
                chars += [(c, val) for c in (t.text or "") if c != NEW]
        out.append(chars)
    return out


@st.composite
def case(draw: st.DrawFn) -> tuple[list[list[str]], list[Edit]]:
    paragraphs = draw(doc_st)
    body = build(paragraphs)
    text = build_story("t", story_paragraphs([body], NS), NS).text
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    edits = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        edits.append(Edit(a, b, draw(st.sampled_from(["", NEW, NEW * 2]))))
    return paragraphs, edits


@settings(max_examples=300, deadline=None)
@given(case())
def test_edits_give_the_edited_text_and_keep_each_characters_run(data: tuple[list[list[str]], list[Edit]]) -> None:
    paragraphs, edits = data
    body = build(paragraphs)
    story = build_story("t", story_paragraphs([body], NS), NS)
    text = story.text
    before = styled_chars(body)
    flat_before = [pair for para in before for pair in para]
    report = StoryEditor(story).apply(edits)

    # the text read back is the text with the applied edits, up to blank paragraphs
    expected, last = [], 0
    for edit, ok in sorted(zip(edits, report.applied, strict=True), key=lambda e: e[0].start):
        if ok:
            expected += [text[last : edit.start], edit.replacement]
            last = edit.end
    expected.append(text[last:])
    after_text = build_story("t", story_paragraphs([body], NS), NS).text
    assert [x for x in "".join(expected).split("\n") if x] == [x for x in after_text.split("\n") if x]

    # every surviving original character keeps the run formatting it had
    deleted: set[int] = set()
    for edit, ok in zip(edits, report.applied, strict=True):
        if ok:
            deleted.update(range(edit.start, edit.end))
    offsets = [i for i, ch in enumerate(text) if ch != "\n"]
    kept = [flat_before[k] for k, i in enumerate(offsets) if i not in deleted]
    assert [pair for para in styled_chars(body) for pair in para] == kept

    # edits are refused only when they would merge two paragraphs
    for edit, ok in zip(edits, report.applied, strict=True):
        if not ok:
            assert "\n" in text[edit.start : edit.end]
    assert body[-1].tag == f"{{{W}}}sectPr" and body[-2].tag == f"{{{W}}}p"
