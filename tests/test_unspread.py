"""Lines spread apart to get past keyword filters are scored as they read with the spreading
undone (``unspread`` params of a ``line-score`` rule, see docclean/kinds/unspread.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import docclean
from docclean import prescan
from docclean.errors import RuleError
from docclean.kinds.unspread import parse
from docclean.rules import parse_rule

FILLER = "".join(f"第{i}次会议讨论了社区绿化和停车管理的具体安排，居民代表发表了意见。\n" for i in range(1, 600))
SPREAD = ["仅\u3000供\u3000学\u3000习\u3000交\u3000流", "仅\u200b供\u200b学\u200b习", "仅⊙供⊙学⊙习⊙交⊙流",
          "仅 供 学 习 交 流 ， 请 勿 外 传"]


def _rule(unspread: object) -> docclean.RuleSet:
    data = {
        "id": "ZZ201", "name": "notice-line", "category": "boilerplate", "kind": "line-score",
        "action": "strip", "safety": "safe", "message": "notice: {reasons}",
        "doc": {"summary": "s", "why": "w", "example": "e", "instead": "i", "fix_safety": "f"},
        "params": {"threshold": 3, "signals": [{"name": "notice", "weight": 3, "patterns": ["仅供学习"]}],
                   "unspread": unspread},
    }
    return docclean.RuleSet((parse_rule(data, "house.toml"),))


UNSPREAD = {"lines": ["[\\u4e00-\\u9fff](?:[ \\u3000⊙]{1,2}[\\u4e00-\\u9fff]){3}", "[\\u200b-\\u200d]"],
            "between": "(?<=[\\u4e00-\\u9fff])[ \\u3000⊙]{1,2}(?=[\\u4e00-\\u9fff])",
            "remove": "[\\u200b-\\u200d]"}


def test_reading_undoes_the_spreading_only() -> None:
    rule = _rule(UNSPREAD).get("ZZ201")
    reader = parse(rule, UNSPREAD)
    assert reader is not None
    assert reader.read("仅\u3000供\u3000学\u3000习") == "仅供学习"
    assert reader.read("仅\u200b供 a b 学⊙习") == "仅供 a b 学习"  # spaces between letters stay
    assert reader.read("ＱＱ：１２３４５") == "QQ:12345"  # full-width letters and digits read plainly


@pytest.mark.parametrize("line", SPREAD)
def test_a_spread_line_is_stripped_short_or_long(line: str) -> None:
    rules = _rule(UNSPREAD)
    short = docclean.clean(f"正文第一段。\n{line}\n正文第二段。\n", rules=rules, max_removal=1.0)
    assert short.text == "正文第一段。\n正文第二段。\n"
    assert [f.rule for f in short.findings] == ["ZZ201"] and "spread out" in short.findings[0].message
    head = FILLER[: FILLER.index("\n", len(FILLER) // 2) + 1]
    text = head + line + "\n" + FILLER[len(head):]
    assert len(text) >= prescan.MIN_SIZE  # the lines come from the prescan
    long = docclean.clean(text, rules=rules, max_removal=1.0)
    assert long.text == FILLER
    assert [(f.rule, f.start) for f in long.findings] == [("ZZ201", len(head))]


def test_without_unspread_params_a_spread_line_stays() -> None:
    rules = _rule(None)
    text = f"正文。\n{SPREAD[0]}\n"
    assert docclean.clean(text, rules=rules).text == text


def test_spread_lines_that_say_nothing_stay() -> None:
    text = "中 华 人 民 共 和 国 国 务 院 令\n第\u200b一\u200b章　总则\n"
    assert docclean.clean(text, rules=_rule(UNSPREAD)).findings == ()


@pytest.mark.parametrize(("data", "message"), [
    ({"between": "x"}, "takes 'lines'"),
    ({"lines": [], "between": "x"}, "non-empty list"),
    ({"lines": ["[a-"]}, "invalid regex"),
    ({"lines": ["仅[\\s\\S]供"]}, "never read past a line break"),
    ({"lines": ["仅"], "other": 1}, "takes 'lines'"),
    ({"lines": ["仅"], "margin": -1}, "'margin' must be"),
    ({"lines": ["仅"], "margin": "1"}, "'margin' must be"),
])
def test_bad_unspread_params_are_one_line_errors(data: object, message: str, tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=message) as err:
        _rule(data)
        docclean.clean("仅 供 学 习\n", rules=_rule(data))
    assert "ZZ201" in str(err.value) and "\n" not in str(err.value)


def test_a_margin_asks_more_of_a_spread_line_than_of_a_plain_one() -> None:
    """Letter-spaced lines also come from justified layouts: with ``margin = 1`` a spread line
    that only just reaches the threshold stays, while the same words unspread go."""
    text = f"正文。\n{SPREAD[0]}\n仅供学习交流\n"
    assert docclean.clean(text, rules=_rule(UNSPREAD), max_removal=1.0).text == "正文。\n"
    kept = docclean.clean(text, rules=_rule({**UNSPREAD, "margin": 1}), max_removal=1.0)
    assert kept.text == f"正文。\n{SPREAD[0]}\n"
