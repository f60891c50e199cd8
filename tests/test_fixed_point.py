"""The later passes of the engine look only where edits can create new hits; the result must
be what full passes give, a fixed point, and reproducible from the applied findings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import docclean
from docclean import engine
from docclean.kinds import linescore

RULES = docclean.load_rules()

# Few characters, so that doubled phrases, cascades (a fix that makes a new doubling) and
# reseller lines next to them are common.
PIECES = ["天地", "天地人", "人和", "和天", "地人", "。", "，", "\n", "\n\n", "研究研究", "一步一步",
          "仅供学习 禁止外传\n", "咨询QQ12345678\n", "第一条", "哈哈哈"]
texts = st.one_of(st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
                  st.lists(st.sampled_from("天地人天地\n"), min_size=20, max_size=150).map("".join))


def _full(text: str, mode: str) -> docclean.Result:
    """Every pass checks the whole text: no local re-checks, nothing carried over."""
    saved, carried = engine._local_rules, engine.CARRIED
    engine._local_rules = lambda ruleset: {}  # type: ignore[assignment]
    engine.CARRIED = ()  # type: ignore[misc]
    try:
        return docclean.clean(text, fix=mode, max_removal=1.0)
    finally:
        engine._local_rules = saved  # type: ignore[assignment]
        engine.CARRIED = carried  # type: ignore[misc]


def _key(r: docclean.Result) -> tuple[object, ...]:
    return r.text, [(f.rule, f.start, f.end, f.applied, f.replacement, f.message) for f in r.findings]


def _outcome(run: Callable[[], docclean.Result]) -> object:
    try:
        return _key(run())
    except docclean.DoccleanError as exc:
        return repr(exc)


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(["safe", "unsafe"]))
def test_local_passes_equal_full_passes(text: str, mode: str) -> None:
    local = _outcome(lambda: docclean.clean(text, fix=mode, max_removal=1.0))
    assert local == _outcome(lambda: _full(text, mode))


# Long texts (line scorers scan by anchors there, and later passes carry their matches over).
LINES = ["各单位要加强理论学习，提高政治站位。", "本办法自发布之日起施行。", "仅供学习 禁止外传", "咨询QQ12345678",
         "微信：abc_12345", "下载后可编辑", "第1页 共5页", "- 3 -", "如有侵权请联系删除", "【更多资料关注公众号】",
         "清楚地认识清楚地认识问题。", "按照按照规定办理。", "read the the manual", "", "研究研究",
         "第二条 为了规范管理，制定本规定。为了规范管理，制定本规定。", "（本文来源：某某网）",
         "\u3000\u3000一、总体要求"]
long_texts = st.lists(st.sampled_from(LINES), min_size=40, max_size=80).map(
    lambda lines: "\n".join(lines * (32_000 // max(1, len("\n".join(lines))) + 1)))


@settings(max_examples=15, deadline=None)
@given(long_texts, st.sampled_from(["safe", "unsafe"]))
def test_local_passes_equal_full_passes_on_long_texts(text: str, mode: str) -> None:
    assert len(text) >= 30_000
    local = _outcome(lambda: docclean.clean(text, fix=mode, max_removal=1.0))
    assert local == _outcome(lambda: _full(text, mode))


@settings(max_examples=8, deadline=None)
@given(long_texts)
def test_carried_signal_matches_equal_fresh_scans_however_many_places_were_edited(text: str) -> None:
    """A text edited all over is scanned afresh in the later passes (quicker than carrying
    matches over range by range); carrying them over anyway gives the same result."""
    saved = linescore.CARRY_RANGE_COST
    linescore.CARRY_RANGE_COST = 0  # always carry
    try:
        carried = _outcome(lambda: docclean.clean(text, max_removal=1.0))
    finally:
        linescore.CARRY_RANGE_COST = saved
    assert carried == _outcome(lambda: docclean.clean(text, max_removal=1.0))
    assert carried == _outcome(lambda: _full(text, "safe"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_result_is_a_fixed_point_reproduced_by_its_findings(text: str) -> None:
    r = docclean.clean(text, max_removal=1.0)
    again = docclean.clean(r.text, max_removal=1.0)
    assert not any(f.applied for f in again.findings)
    edits = sorted((f.start, f.end, f.replacement or "") for f in r.findings if f.applied)
    assert engine.apply_edits(text, edits) == r.text


@pytest.mark.parametrize("text", ["当倒洞当当倒洞洞当当倒洞当\n", "天地人天地人天地人和天地人和\n",
                                  "仅供学习 禁止外传\n天地人天地人\n天地人天地人\n"])
def test_cascades(text: str) -> None:
    assert _key(docclean.clean(text, max_removal=1.0)) == _key(_full(text, "safe"))
