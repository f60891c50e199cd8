"""Legitimate text comes through untouched: on every file of the shared clean corpus docclean
strips or replaces nothing, except the one sentence that the source really pastes twice."""

from __future__ import annotations

from pathlib import Path

import docclean

# The only applied fix on the clean corpus: the Wikipedia paragraph on 伊舍那天 repeats its
# sentence about the name īśā twice in a row in the source data, so removing one copy is right.
KNOWN = {
    ("wiki-cmrc2018-trial-contexts.txt", "DU003", 389,
     "其名字“īśā”意为“出自神灵的”，“出自至高者的”或“精神的”（该词在佛教中的意思即“自在”）。"),
}


def test_clean_corpus_strips_nothing(shared: Path) -> None:
    applied = set()
    for path in sorted((shared / "corpus" / "clean").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        result = docclean.clean(text, max_removal=1.0)
        applied |= {(path.name, f.rule, f.line, f.text) for f in result.findings if f.applied}
        if not any(f.applied for f in result.findings):
            assert result.text == text
    assert applied == KNOWN
