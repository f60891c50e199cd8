"""Properties that hold for every input: edits reproduce the text, cleaning is idempotent,
offsets and line/columns agree, and nothing raises on arbitrary Unicode."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import docclean
from docclean.engine import apply_edits

RULES = docclean.load_rules()

FRAGMENTS = [
    "仅供学习 禁止外传 用后删除", "某某文库", "自建平台、实时分享", "现在订阅立享全部会员资料",
    "会员群：        免费QQ群：      ", "青云文库整理，咨询QQ12345678", "本文档来源于网络，如有侵权请联系删除",
    "精品文档，欢迎下载", "第 3 页 共 20 页", "关注微信公众号【某某范文】获取更多资料", "www.example-wenku.com",
    "一、总体要求", "二、主要任务", "二、保障措施", "（一）指导思想", "（三）基本原则",
    "对辖区X家企业、X户住户逐一开展排查，完成工程总量的X%。", "20XX年工作总结", "×××同志", "某某市",
    "我也清楚地认识清楚地认识到不足。", "进一步加强进一步加强", "研究研究", "紧紧围绕", "一级抓一级",
    "坚持稳中求进工作总基调，全面推进各项工作落实落地。", "患者行X光检查。", "iPhone X发布", "the the cat",
    "联系人：王磊　联系电话：0371-65512345", "", " ", "　", "清楚清楚清楚", "认识到认识到认识",
]
NEWLINES = ["\n", "\r\n", "\r", "\n\n"]

soup = st.lists(
    st.tuples(st.sampled_from(FRAGMENTS) | st.text(max_size=8), st.sampled_from(NEWLINES)),
    max_size=30,
).map(lambda parts: "".join(a + b for a, b in parts))
anything = st.text(alphabet=st.characters(exclude_categories=()), max_size=200)


def _location(text: str, offset: int) -> tuple[int, int]:
    line_start = 0
    line = 1
    for m in re.finditer(r"\r\n|\r|\n", text):
        if m.end() > offset or (m.end() == len(text) and offset == len(text)):
            break
        line += 1
        line_start = m.end()
    return line, offset - line_start + 1


def _check(text: str) -> None:
    result = docclean.clean(text, rules=RULES, max_removal=1.0, fix="unsafe")
    applied = [f for f in result.findings if f.applied]
    edits = sorted((f.start, f.end, f.replacement or "") for f in applied)
    for (_, e1, _), (s2, _, _) in itertools.pairwise(edits):
        assert e1 <= s2, "applied edits overlap"
    assert apply_edits(text, edits) == result.text
    for f in result.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.text == text[f.start : f.end]
        assert (f.line, f.column) == _location(text, f.start)
        assert (f.end_line, f.end_column) == _location(text, f.end)
        assert (f.replacement is None) == (f.action is docclean.Action.FLAG)
    again = docclean.clean(result.text, rules=RULES, max_removal=1.0, fix="unsafe")
    assert again.text == result.text
    assert not any(f.applied for f in again.findings), "cleaning is not idempotent"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(soup)
def test_invariants_on_reseller_soup(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_invariants_on_arbitrary_unicode(text: str) -> None:
    _check(text)


def test_lone_surrogates_astral_and_nul_do_not_raise() -> None:
    for text in ("\ud800仅供学习 禁止外传\udfff\n", "𠀀𠀁X家\x00\n\r\n\r", "e\u0301\u0301X%\n", "\x00" * 10):
        _check(text)


def test_location_helper_agrees_on_mixed_newlines() -> None:
    assert _location("a\r\nb\rc\nd", 0) == (1, 1)
    assert _location("a\r\nb\rc\nd", 3) == (2, 1)
    assert _location("a\r\nb\rc\nd", 5) == (3, 1)


USER_RULES = """
[[rules]]
id = "ZZ010"
name = "inline-ad"
category = "boilerplate"
kind = "pattern"
action = "strip"
safety = "safe"
message = "inline ad"
doc = { summary = "s" }
params = { patterns = ["【广告】", "AD"] }

[[rules]]
id = "ZZ011"
name = "fix-typo"
category = "duplicate"
kind = "pattern"
action = "replace"
safety = "safe"
message = "typo"
doc = { summary = "s" }
params = { patterns = ["认只"], replacement = "认识" }
"""
MIXED = ["清楚", "地", "认识", "认只", "【广告】", "【广", "告】", "A", "D", "AD", "清楚地认识", "到", "\n", "\r\n",
         "仅供学习 禁止外传 用后删除\n", "进一步加强"]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(MIXED), max_size=30).map("".join))
def test_invariants_when_later_passes_meet_earlier_edits(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    """Edits found only after others were applied (a doubled phrase that an ad separated, a fixed
    typo that completes a double) are folded back into offsets of the input without overlaps."""
    path = tmp_path_factory.getbasetemp() / "zz-rules.toml"
    if not path.exists():
        path.write_text(USER_RULES, encoding="utf-8")
    rules = docclean.load_rules(path)
    result = docclean.clean(text, rules=rules, max_removal=1.0)
    edits = sorted((f.start, f.end, f.replacement or "") for f in result.findings if f.applied)
    for (_, e1, _), (s2, _, _) in itertools.pairwise(edits):
        assert e1 <= s2
    assert apply_edits(text, edits) == result.text
    assert all(f.text == text[f.start : f.end] for f in result.findings)
    assert not any(f.applied for f in docclean.clean(result.text, rules=rules, max_removal=1.0).findings)


def test_a_double_separated_by_an_ad_is_one_edit_of_the_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "zz.toml"
    path.write_text(USER_RULES, encoding="utf-8")
    rules = docclean.load_rules(path)
    text = "清楚地认识【广告】清楚地认识ADAD"
    result = docclean.clean(text, rules=rules, max_removal=1.0)
    assert result.text == "清楚地认识"
    applied = [(f.rule, f.start, f.end, f.replacement) for f in result.findings if f.applied]
    assert applied == [("DU001", 0, 14, "清楚地认识"), ("ZZ010", 14, 16, ""), ("ZZ010", 16, 18, "")]


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(["天", "地", "天地", "地天天", "\n", "仅供学习 禁止外传\n", "。"]), max_size=60)
       .map("".join), st.sampled_from(["safe", "unsafe"]))
def test_long_chains_of_repeats_fold_back_without_overlaps(text: str, fix: str) -> None:
    """Runs over two characters make repeats inside repeats, so fixes keep exposing new ones."""
    result = docclean.clean(text, rules=RULES, max_removal=1.0, fix=fix)
    edits = sorted((f.start, f.end, f.replacement or "") for f in result.findings if f.applied)
    for (_, e1, _), (s2, _, _) in itertools.pairwise(edits):
        assert e1 <= s2
    assert apply_edits(text, edits) == result.text
    again = docclean.clean(result.text, rules=RULES, max_removal=1.0, fix=fix)
    assert not any(f.applied for f in again.findings)


RUN_UNITS = ["★", "☆", " ", "\t", "的", "研究", "微信", "—", "X", "。", "QQ", "【", "_", "↓下载", "哈",
             "#", "|", "·", "⊙", "\u3000", "\u200b", "─", "✨", "元/份", "公 ", "字 ", "八", "#标签 ", "第1页共2页 ",
             "www.example.com ", "文库 ", "❶", "V信", "往期回顾", "q:", "ab,", "好，", "#话题# ", "[机智]",
             "【标签】", "→点击续写", "…完整内容请登录会员查看"]

# Notes that BP005 strips when one is glued to a sentence: a run of them must go in one pass.
GLUED_RUN_UNITS = ["#标签 ", " #标签", "#话题# ", "[机智]", "【标签】", "→点击续写", "…完整内容请登录会员查看",
                   "✅已打卡", "（word版可编辑）", " （word版可编辑）", "（背下来！！）", "(需要原文件请私信) ",
                   "　【建议收藏】", "#打工人必备"]


@pytest.mark.parametrize("unit", GLUED_RUN_UNITS)
def test_runs_of_a_glued_note_are_cleaned_in_one_go(unit: str) -> None:
    """A note repeated many times after a sentence is stripped whole in one cleaning, and
    cleaning the result again changes nothing (each pass taking the last few copies broke
    idempotence)."""
    text = "前言。\n我们要坚持问题导向，推动工作落实。" + unit * 60 + "\n后记。\n"
    result = docclean.clean(text, fix="safe", max_removal=1.0)
    assert result.text == "前言。\n我们要坚持问题导向，推动工作落实。\n后记。\n"
    assert docclean.clean(result.text, fix="safe", max_removal=1.0).text == result.text


@pytest.mark.parametrize("unit", RUN_UNITS)
def test_long_runs_of_one_token_are_cleaned_without_error(unit: str) -> None:
    """A long run of one character or token (a separator, a laugh, anti-copy filler) must not
    make a rule's regex backtrack until its time limit (that raised RuleError before)."""
    text = "前言。\n" + unit * (40_000 // len(unit)) + "\n后记。\n"
    result = docclean.clean(text, fix="safe", max_removal=1.0)
    assert result.text.startswith("前言。\n") and result.text.endswith("后记。\n")
    assert docclean.clean(result.text, fix="safe", max_removal=1.0).text == result.text
