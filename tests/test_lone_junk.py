"""Junk found by where it sits, not by its words: a lone note after a paragraph's last sentence
(BP012), the lines a reseller block leaves next to the text (BP013, BP014), a stray English line
(BP015), and the kind params behind them (``after_sentence``, ``after_form``, ``max_texts``,
``needs``)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import docclean

PROSE = [
    "今年以来，中心扎实推进各项重点工作，取得了明显成效，群众满意度持续提升。",
    "新的一年，我们将认真总结经验，查找差距，进一步完善制度，抓好各项任务落实。",
    "各部门要统一思想，提高认识，切实把安全生产的各项工作抓紧抓实抓好。",
]
BANNER = "仅供学习 禁止外传 用后删除\n更多范文请关注公众号：某某文库\n"


def flagged(text: str, rule: str) -> list[str]:
    result = docclean.clean(text, select=[rule], max_removal=1.0)
    assert result.text == text  # these rules only report
    assert all(f.action == "flag" and not f.applied for f in result.findings)
    return [f.text for f in result.findings]


def test_a_lone_note_after_the_last_sentence_is_flagged_once() -> None:
    text = PROSE[0] + "(Certified Translation Available)\n" + PROSE[1] + "\n"
    assert flagged(text, "BP012") == ["(Certified Translation Available)"]


def test_a_lone_note_needs_a_finished_sentence_of_some_length_before_it() -> None:
    heading = "一、工作目标(Certified Translation Available)\n"
    headline = "没上车的如何吃肉？(Certified Translation Available)\n"
    clause = PROSE[0].rstrip("。") + "；(Certified Translation Available)\n"
    assert flagged(heading, "BP012") == []
    assert flagged(headline, "BP012") == []
    assert flagged(clause, "BP012") == ["(Certified Translation Available)"]


def test_a_pictograph_note_counts_after_a_heading_but_not_after_a_label() -> None:
    assert flagged("一、工作目标✅Updated 最新版\n", "BP012") == ["✅Updated 最新版"]
    assert flagged("姓名：[Your Name]\n", "BP012") == []


def test_a_recurring_note_is_reported_once_per_line_by_the_recurring_rule() -> None:
    """BP009 and BP012 both see a note that recurs; the engine keeps one flag per span."""
    text = "".join(p + "（直接套用👍）\n" for p in PROSE)
    result = docclean.clean(text, select=["BP009", "BP012"])
    assert [(f.rule, f.text) for f in result.findings] == [("BP009", "（直接套用👍）")] * 3


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PROSE), st.text(alphabet="（）【】✨~—Ab 码住0！。", min_size=0, max_size=10))
def test_lone_notes_are_line_ends_after_the_prose(prose: str, note: str) -> None:
    text = prose + note + "\n"
    for f in docclean.clean(text, select=["BP012"]).findings:
        assert f.start >= len(prose) - 1 and text[f.end:].strip() == ""


def test_a_marked_line_between_the_head_block_and_the_title_is_flagged() -> None:
    text = BANNER + "本周打卡主题：每天拆解一篇范文 Day8\n年度工作总结\n" + PROSE[0] + "\n"
    assert flagged(text, "BP013") == ["本周打卡主题：每天拆解一篇范文 Day8"]


def test_the_run_after_the_block_stops_at_the_first_line_without_a_mark() -> None:
    text = BANNER + "决胜全面建成小康社会\n☆资料群满240人啦☆ 新群二维码找团长要\n" + PROSE[0] + "\n"
    assert flagged(text, "BP013") == []


def test_without_a_reseller_block_nothing_is_flagged_after_it() -> None:
    text = "本周打卡主题：每天拆解一篇范文 Day8\n年度工作总结\n" + PROSE[0] + "\n"
    assert flagged(text, "BP013") == []


def test_a_marked_line_between_the_text_and_the_tail_block_is_flagged() -> None:
    text = PROSE[0] + "\n再忙也别忘了每月报税哦～\n" + BANNER
    assert flagged(text, "BP014") == ["再忙也别忘了每月报税哦～"]


def test_a_stray_english_line_is_flagged_only_in_a_chinese_document() -> None:
    line = "Template only — for reference purposes, not legal advice"
    chinese = PROSE[0] + "\n" + line + "\n" + PROSE[1] + "\n"
    english = "We wrote this report in May.\n" + line + "\nIt covers the whole year.\n"
    assert flagged(chinese, "BP015") == [line]
    assert flagged(english, "BP015") == []


def test_english_lines_are_the_documents_own_when_there_are_many() -> None:
    lines = [f"Section {n} of the English version follows here" for n in "ABCDEFGHI"]
    text = PROSE[0] + "\n" + "\n".join(lines) + "\n" + PROSE[1] + "\n"
    assert flagged(text, "BP015") == []
    few = PROSE[0] + "\n" + "\n".join(lines[:8]) + "\n" + PROSE[1] + "\n"
    assert flagged(few, "BP015") == lines[:8]


def _pattern_rule(folder: Path, params: str) -> docclean.RuleSet:
    path = folder / "house.toml"
    path.write_text(
        "[[rules]]\nid = 'ZZ201'\nname = 'house-stamp'\ncategory = 'boilerplate'\nkind = 'pattern'\n"
        "action = 'flag'\nmessage = 'stamp'\n"
        "doc = { summary = 's', why = 'w', example = 'e', instead = 'i', fix_safety = 'f' }\n"
        f"params = {{ patterns = ['【[A-Z]{{2}}】'], {params} }}\n",
        encoding="utf-8")
    return docclean.load_rules(path)


def test_max_texts_silences_a_shape_that_is_common_in_the_document(tmp_path: Path) -> None:
    rules = _pattern_rule(tmp_path, "max_texts = 2")
    two = "甲【AB】\n乙【CD】\n丙【AB】\n"
    three = two + "丁【EF】\n"
    found = docclean.clean(two, rules=rules, select=["ZZ201"]).findings
    assert [f.text for f in found] == ["【AB】", "【CD】", "【AB】"]
    assert docclean.clean(three, rules=rules, select=["ZZ201"]).findings == ()


def test_needs_runs_a_rule_only_where_its_patterns_match_often_enough(tmp_path: Path) -> None:
    rules = _pattern_rule(tmp_path, "needs = { patterns = ['[甲乙丙]'], count = 3 }")
    assert len(docclean.clean("甲【AB】\n乙丙\n", rules=rules, select=["ZZ201"]).findings) == 1
    assert docclean.clean("甲【AB】\n乙\n", rules=rules, select=["ZZ201"]).findings == ()


def test_a_short_kana_or_hangul_line_is_flagged_only_where_such_lines_are_few() -> None:
    greeting = "いらっしゃいませ！欢迎来到某某日语学社～"
    text = PROSE[0] + "\n" + greeting + "\n" + PROSE[1] + "\n"
    assert flagged(text, "BP016") == [greeting]
    many = [f"第{n}課 よろしくお願いします" for n in range(1, 10)]
    japanese = PROSE[0] + "\n" + "\n".join(many) + "\n" + PROSE[1] + "\n"
    assert flagged(japanese, "BP016") == []
