"""Kind ``echo-tail`` (BP011): a note glued to a paragraph in the words of the document's junk."""

from __future__ import annotations

from dataclasses import replace

import pytest

import docclean
from docclean.errors import RuleError
from docclean.kinds import compile_rule
from docclean.model import Action
from docclean.rules import RuleSet, load_rules

HEAD = "更多护理制度请私信暖医小课堂，微信：wx52341\n\n"
PARAS = [
    "各科室应当建立健全院感防控制度，明确各级人员的职责。",
    "护理人员应当按规定做好手卫生，规范使用防护用品。",
    "医院应当定期开展院感防控培训和考核，并做好记录。",
    "发现院感暴发应当立即报告，并按照预案及时处置。",
]


def bp011(text: str) -> list[str]:
    return [f.text for f in docclean.clean(text, max_removal=1.0).findings if f.rule == "BP011"]


def test_the_sellers_name_from_the_head_goes_where_it_is_glued_to_a_paragraph() -> None:
    text = HEAD + PARAS[0] + "——暖医小课堂\n" + PARAS[1] + "\n" + PARAS[2] + "（暖医小课堂）\n" + PARAS[3] + "\n"
    result = docclean.clean(text, max_removal=1.0)
    assert [f.text for f in result.findings if f.rule == "BP011"] == ["——暖医小课堂", "（暖医小课堂）"]
    assert result.text == "\n".join(PARAS) + "\n"
    assert docclean.clean(result.text, max_removal=1.0).text == result.text


def test_words_the_document_uses_itself_do_not_tell() -> None:
    """院感防控 is the document's subject: a note in those words stays, with the seller's lines gone."""
    head = "院感防控制度汇编免费领，加微信：wx52341\n\n"
    text = head + "\n".join(PARAS) + "（院感防控制度）\n"
    assert bp011(text) == []


def test_without_stripped_lines_there_is_no_vocabulary() -> None:
    text = "\n".join(p + "——暖医小课堂" for p in PARAS[:2]) + "\n"
    assert bp011(text) == []
    assert docclean.clean(text, max_removal=1.0).text == text


def test_the_note_starts_where_the_sellers_words_start() -> None:
    """What comes between the set-off and the seller's words is the line's own (code, a figure)."""
    head = "预约挂号请拨打服务热线，加微信：wx52341\n\n"
    text = head + PARAS[0] + "\n```javascript\nint8[0] // -128【预约挂号】\n```\n" + PARAS[1] + "\n"
    result = docclean.clean(text, max_removal=1.0)
    assert "int8[0] // -128\n" in result.text
    assert "【预约挂号】" not in result.text


def test_a_closing_quote_and_an_ellipsis_stay_with_their_sentence() -> None:
    head = "※此处需附记录表单，加微信：wx52341 领取全套\n\n"
    text = head + "“我想，过了节，我们倒不如去买一张彩票……”※此处需附记录表单\n" + PARAS[0] + "……※此处需附记录表单\n"
    result = docclean.clean(text, max_removal=1.0)
    assert bp011(text) == ["※此处需附记录表单", "※此处需附记录表单"]
    assert "彩票……”\n" in result.text and PARAS[0] + "……\n" in result.text


def test_evidence_rules_switched_off_still_give_their_evidence() -> None:
    """Like a block rule reading BP001's scores: selecting BP011 alone still strips the echo,
    and nothing else."""
    text = HEAD + PARAS[0] + "——暖医小课堂\n"
    result = docclean.clean(text, select=["BP011"], max_removal=1.0)
    assert [f.rule for f in result.findings] == ["BP011"]
    assert result.text == HEAD + PARAS[0] + "\n"


def test_an_unknown_evidence_rule_is_a_rule_error() -> None:
    rules = load_rules()
    echo = next(r for r in rules.rules if r.id == "BP011")
    bad = replace(echo, params={**echo.params, "evidence": ["BP999"]})
    broken = RuleSet(tuple(bad if r.id == "BP011" else r for r in rules.rules))
    with pytest.raises(RuleError, match="BP999"):
        docclean.clean(HEAD + PARAS[0] + "——暖医小课堂\n", rules=broken, max_removal=1.0)


def test_a_word_pattern_without_groups_is_refused() -> None:
    echo = next(r for r in load_rules().rules if r.id == "BP011")
    with pytest.raises(RuleError, match="word"):
        compile_rule(replace(echo, params={**echo.params, "word": "[\u4e00-\u9fff]{3}"}))


def test_rules_made_to_flag_give_no_evidence() -> None:
    """A user who turns the boilerplate rules into flags keeps every line they find: the notes
    echoing those lines stay too."""
    rules = load_rules()
    echo = next(r for r in rules.rules if r.id == "BP011")
    flagged = RuleSet(tuple(replace(r, action=Action.FLAG) if r.id in echo.params["evidence"] else r
                            for r in rules.rules))
    text = HEAD + PARAS[0] + "——暖医小课堂\n"
    assert "BP011" in bp011_rules(text, rules)
    result = docclean.clean(text, rules=flagged, max_removal=1.0)
    assert [f.rule for f in result.findings if f.rule == "BP011"] == []
    assert result.text == text


def bp011_rules(text: str, rules: RuleSet) -> list[str]:
    return [f.rule for f in docclean.clean(text, rules=rules, max_removal=1.0).findings]
