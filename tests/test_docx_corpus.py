"""Every real file of ../shared/corpus/docx/: refused cleanly, or processed without damage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import docx
import pytest
from docx_builder import part_bytes
from docx_stub import stress_clean, stub_clean

import docclean
from docclean.docx import clean_docx
from docclean.docx.package import Package
from docclean.docx.stories import part_stories
from docclean.docx.textview import build_story
from docclean.errors import InputError

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "docx"
FILES = sorted(p.name for p in CORPUS.glob("*.doc*")) if CORPUS.is_dir() else []
MALFORMED = [n for n in FILES if n.startswith("malformed-")]
GOOD = [n for n in FILES if not n.startswith("malformed-")]
# python-docx itself cannot open these two (see corpus SOURCES.md), whatever docclean writes
PYTHON_DOCX_CANNOT_OPEN = {"macro-enabled.docm", "strict-ooxml-wm-word.docx"}
STORY_PARTS = ("header", "footer", "footnotes", "endnotes", "comments")

pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus/docx is not available")


def story_texts(path: Path) -> dict[str, str]:
    pkg = Package(path)
    parts = [pkg.main] + [n for kind in STORY_PARTS for n in pkg.related(pkg.main, kind)]
    out = {}
    for part in parts:
        for spec in part_stories(part, pkg.xml(part), pkg.ns):
            out[spec.label] = build_story(spec.label, spec.paragraphs, pkg.ns).text
    return out


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_files_raise_one_line_input_error(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docclean, "clean", stub_clean, raising=False)
    path = CORPUS / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(InputError) as info:
        clean_docx(path)
    message = str(info.value)
    assert "\n" not in message and name in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", GOOD)
def test_files_without_junk_are_left_alone(name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(docclean, "clean", stub_clean, raising=False)
    path = CORPUS / name
    result = clean_docx(path)
    assert not result.changed
    assert not [f for f in result.findings if f.applied]
    out = tmp_path / name
    result.save(out)
    assert out.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("name", GOOD)
def test_heavy_edits_keep_every_file_valid(name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Strip every third line and rewrite the others: the text read back is exactly the edited text
    (up to blank paragraphs), and the file still opens."""
    monkeypatch.setattr(docclean, "clean", stress_clean, raising=False)
    path = CORPUS / name
    before = story_texts(path)
    result = clean_docx(path, max_removal=1.0)
    out = tmp_path / name
    result.save(out)
    after = story_texts(out)
    for label, text in before.items():
        if label.endswith("-fallback"):
            continue
        applied = sorted((f for f in result.findings if f.part == label and f.applied), key=lambda f: f.start)
        pieces, last = [], 0
        for finding in applied:
            pieces += [text[last : finding.start], finding.replacement or ""]
            last = finding.end
        expected = "".join(pieces) + text[last:]
        assert lines(after.get(label, "")) == lines(expected), label
    if name not in PYTHON_DOCX_CANNOT_OPEN:
        docx.Document(str(out))
    old, new = part_bytes(path), part_bytes(out)
    for part in ("word/styles.xml", "word/numbering.xml", "word/settings.xml", "word/fontTable.xml"):
        if part in old:
            assert new[part] == old[part], part
    assert set(new) <= set(old)
