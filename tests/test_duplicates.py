"""Document-level behaviour of the duplicate rules: safe fixes, doubtful flags, legitimate repetition."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import docclean
from docclean.document import Document
from docclean.kinds import compile_rule

CLEAN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "clean"


def _dups(text: str, fix: str = "safe") -> tuple[str, list[docclean.Finding]]:
    result = docclean.clean(text, fix=fix, max_removal=1.0)
    return result.text, [f for f in result.findings if f.category == "duplicate"]


def test_doubtful_rule_covers_what_the_safe_rule_leaves() -> None:
    rules = docclean.load_rules()
    safe, doubtful = rules.get("DU001").params, rules.get("DU002").params
    assert set(safe["unless"]) <= set(doubtful["only"])
    assert doubtful["min_len"] < safe["min_len"]


def test_long_doubled_phrase_is_fixed() -> None:
    text, found = _dups("但我也清楚地认识清楚地认识到自身存在的不足。要进一步加强进一步加强理论武装。")
    assert text == "但我也清楚地认识到自身存在的不足。要进一步加强理论武装。"
    assert [f.rule for f in found] == ["DU001", "DU001"] and all(f.applied for f in found)


def test_doubtful_doubling_is_flagged_not_fixed() -> None:
    source = "行者道：“我晓得我晓得。”子类的原型的原型，是父类的原型。武则天完成了完成了过渡。"
    text, found = _dups(source)
    assert text == source
    assert {f.rule for f in found} == {"DU002"} and not any(f.applied for f in found)
    unsafe, _ = _dups(source, fix="unsafe")
    assert "完成了过渡" in unsafe


def test_legitimate_repetition_survives() -> None:
    source = ("我们紧紧围绕中心，层层压实责任，天天学习，常常反思，谢谢大家，看看再说，"
              "高高兴兴，踏踏实实，研究研究，讨论讨论，一步一步，一级抓一级，绿油油的，"
              "好，好，好！He said that that was fine and had had enough. 编号1111。")
    text, found = _dups(source)
    assert text == source and not found


def test_doubled_sentence_and_pasted_tail_are_stripped() -> None:
    source = ("取保候审最长不得超过十二个月，并应当定期报告。取保候审最长不得超过十二个月，并应当定期报告。\n"
              "为了保证公安机关在刑事诉讼中正确履行职权。在刑事诉讼中正确履行职权。\n")
    text, found = _dups(source)
    assert text == ("取保候审最长不得超过十二个月，并应当定期报告。\n"
                    "为了保证公安机关在刑事诉讼中正确履行职权。\n")
    assert {f.rule for f in found} == {"DU003"}


def test_short_doubled_clause_is_only_flagged() -> None:
    source = "各单位要加强理论学习，加强理论学习，提高政治站位。"
    text, found = _dups(source)
    assert text == source and [f.rule for f in found] == ["DU004"]


def test_latin_doubled_word() -> None:
    text, found = _dups("Please read the the terms. Liar Liar is a film.")
    assert text == "Please read the terms. Liar Liar is a film."
    assert [f.rule for f in found] == ["DU005"]


def test_a_fixed_text_is_a_fixed_point() -> None:
    once, _ = _dups("加快建设海洋强国加快建设海洋强国加快建设海洋强国。")
    assert once == "加快建设海洋强国。"
    assert _dups(once)[0] == once


@pytest.mark.skipif(not CLEAN.is_dir(), reason="clean corpus not available")
def test_clean_corpus_loses_no_phrase() -> None:
    # The one doubled sentence fixed on the clean corpus is really pasted twice in the source
    # (a Wikipedia paragraph that repeats its 60-character sentence about the name īśā).
    known = {("wiki-cmrc2018-trial-contexts.txt", "DU003")}
    for path in sorted(CLEAN.glob("*.txt")):
        result = docclean.clean(path.read_text(encoding="utf-8"), max_removal=1.0)
        applied = [f for f in result.findings if f.category == "duplicate" and f.applied
                   and (path.name, f.rule) not in known]
        assert not applied, (path.name, [(f.rule, f.line, f.text) for f in applied])


def test_doubled_paragraph_is_stripped() -> None:
    source = ("一、总体要求\n坚持稳中求进工作总基调，推动高质量发展。\n"
              "坚持稳中求进工作总基调，推动高质量发展。\n二、主要任务\n")
    text, found = _dups(source)
    assert text == "一、总体要求\n坚持稳中求进工作总基调，推动高质量发展。\n二、主要任务\n"
    assert [f.rule for f in found] == ["DU008"]


def test_doubled_grammatical_word_is_fixed_but_reduplicated_verbs_stay() -> None:
    text, found = _dups("按照按照有关规定，大家研究研究，商量商量，本规定规定的期限内处理。")
    assert text == "按照有关规定，大家研究研究，商量商量，本规定规定的期限内处理。"
    assert [f.rule for f in found] == ["DU007"]


def test_doubled_de_is_flagged() -> None:
    text, found = _dups("在科学城上班的的乘客，以繁殖为目的的加工，的的确确。")
    assert text == "在科学城上班的的乘客，以繁殖为目的的加工，的的确确。"
    assert [(f.rule, f.applied) for f in found] == [("DU006", False)]
    assert _dups("在科学城上班的的乘客", fix="unsafe")[0] == "在科学城上班的乘客"


_HAN = "的之了啊是研究往期回顾清楚地认识一二三"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(_HAN + "，。“：", max_size=6), st.text(_HAN, min_size=1, max_size=6),
                          st.integers(2, 30)), min_size=1, max_size=4))
@example([("", "一三一之", 14), ("", "一", 2), ("", "一三一之", 9), ("", "一", 2)])
def test_long_runs_of_copies_are_judged_as_every_start_would_be(parts: list[tuple[str, str, int]]) -> None:
    """Inside a long run of copies a rejected start is not judged again at every copy (that
    cost time quadratic in the run's length); the phrase rules find exactly what judging every
    start finds."""
    from docclean.kinds import repetition

    text = "".join(head + unit * n for head, unit, n in parts) + "。\n"
    rules = [r for r in docclean.load_rules().rules if r.kind == "repetition" and r.params.get("unit") == "phrase"]
    doc = Document(text)
    found = {r.id: [(h.start, h.end) for h in compile_rule(r).find(doc)] for r in rules}
    saved = repetition._Run.COPIES
    try:
        repetition._Run.COPIES = 10**9  # never settled: every start judged
        doc = Document(text)
        every = {r.id: [(h.start, h.end) for h in compile_rule(r).find(doc)] for r in rules}
    finally:
        repetition._Run.COPIES = saved
    assert found == every


def test_a_long_line_of_one_phrase_repeated_is_judged_a_bounded_number_of_times(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each judgement reads the whole run: judged at every copy, a 40,000-character line of one
    phrase repeated took over a minute."""
    from docclean.kinds import repetition

    judged = []
    original = repetition.RepetitionMatcher._accepted
    monkeypatch.setattr(repetition.RepetitionMatcher, "_accepted",
                        lambda self, text, m: judged.append(1) or original(self, text, m))
    text = "前言。\n" + "清楚地认识" * 8_000 + "\n后记。\n"
    result = docclean.clean(text, fix="safe", max_removal=1.0)
    assert result.text == "前言。\n清楚地认识\n后记。\n"
    assert len(judged) < 500  # about 40,000 before


def test_a_long_run_of_one_short_clause_is_judged_a_bounded_number_of_times(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """In a line of one short clause repeated (ab,ab,ab,…) every farther copy gives a longer unit
    that only repeats the short one; judging each cost time quadratic in the run's length."""
    from docclean.kinds import repetition

    judged = []
    original = repetition.RepetitionMatcher._fine
    monkeypatch.setattr(repetition.RepetitionMatcher, "_fine",
                        lambda self, unit: judged.append(1) or original(self, unit))
    text = "前言。\n" + "ab," * 3_000 + "\n后记。\n"
    rule = docclean.load_rules().get("DU004")
    assert list(compile_rule(rule).find(Document(text))) == []
    assert len(judged) < 3_000  # about 30 per copy before
