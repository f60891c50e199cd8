"""The later passes of the engine look only where edits can create new hits; the result must
be what full passes give, a fixed point, and reproducible from the applied findings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import docclean
from docclean import engine

RULES = docclean.load_rules()

# Few characters, so that doubled phrases, cascades (a fix that makes a new doubling) and
# reseller lines next to them are common.
PIECES = ["天地", "天地人", "人和", "和天", "地人", "。", "，", "\n", "\n\n", "研究研究", "一步一步",
          "仅供学习 禁止外传\n", "咨询QQ12345678\n", "第一条", "哈哈哈"]
texts = st.one_of(st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
                  st.lists(st.sampled_from("天地人天地\n"), min_size=20, max_size=150).map("".join))


def _full(text: str, mode: str) -> docclean.Result:
    saved = engine._local_rules
    engine._local_rules = lambda ruleset: {}  # type: ignore[assignment]
    try:
        return docclean.clean(text, fix=mode, max_removal=1.0)
    finally:
        engine._local_rules = saved  # type: ignore[assignment]


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
