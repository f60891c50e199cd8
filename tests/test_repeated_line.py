"""Kind ``repeated-line`` (BP010): a stamp-like line repeated through a document."""

from __future__ import annotations

from pathlib import Path

import docclean
from docclean.docx import clean_docx

PARAS = [
    "今年以来，中心扎实推进各项重点工作，取得了明显成效。",
    "新的一年，我们将认真总结经验，查找差距。",
    "各项任务均已落实到位，群众满意度持续提升。",
    "加强组织领导，压实工作责任。",
]


def stamped(stamp: str, times: int) -> str:
    parts = []
    for k, p in enumerate(PARAS):
        parts.append(p)
        if k < times:
            parts.append(stamp)
    return "\n".join(parts) + "\n"


def test_a_stamp_seen_three_times_is_flagged_at_each_copy_and_kept() -> None:
    text = stamped("家校共育 · 小树苗家长圈", 3)
    result = docclean.clean(text)
    found = [f for f in result.findings if f.rule == "BP010"]
    assert [f.text for f in found] == ["家校共育 · 小树苗家长圈"] * 3
    assert all(f.action == "flag" and not f.applied for f in found)
    assert "3 times" in found[0].message
    assert result.text == text


def test_twice_is_not_enough_and_plain_headings_have_no_stamp_shape() -> None:
    assert not [f for f in docclean.clean(stamped("家校共育 · 小树苗家长圈", 2)).findings if f.rule == "BP010"]
    assert not [f for f in docclean.clean(stamped("消费者权益保护典型案例", 4)).findings if f.rule == "BP010"]


def test_a_stamp_the_line_scorer_knows_is_removed_not_flagged() -> None:
    text = stamped("云杉教育｜专注小学数学提分", 3)
    result = docclean.clean(text, max_removal=1.0)
    assert "云杉教育" not in result.text
    found = {f.rule for f in result.findings if "云杉教育" in f.text}
    assert found and "BP010" not in found


def test_no_stamp_is_reported_in_the_real_word_documents(shared: Path) -> None:
    """Word and LibreOffice files repeat their own short lines (Heading 1, Row 1 Col 1, 2004年,
    备  注, a form's blank date, a résumé's [起止年份]): none has a reseller's stamp."""
    found = []
    for path in sorted((shared / "corpus" / "docx").glob("*.docx")):
        if path.name.startswith("malformed-"):
            continue
        found += [(path.name, f.text) for f in clean_docx(path, max_removal=1.0).findings if f.rule == "BP010"]
    assert found == []
