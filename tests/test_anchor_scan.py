"""Line-score signals scanned by literal anchor find the same lines as a plain finditer."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from docclean.document import Document
from docclean.kinds import linescore
from docclean.kinds.linescore import LineScorer
from docclean.kinds.regexes import LINE_START, RUN_START, literal_anchor, literal_anchors
from docclean.rules import parse_rule

# Pattern pieces over a small alphabet so that matches, near-misses and overlaps are frequent.
ATOMS = ["a", "b", "ab", "ba", "aa", "[ab]", "[^a\\s]", "\\s", "\\d", ".", "x", "(?i:ab)", "A", "整理", "整",
         "[ab1]", "[a-c]", "\\p{Han}", "[\\p{Han}a]", "\\P{Han}", "[^\\p{Han}b]", "\\p{Cc}"]
QUANT = ["", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{3,}", "{2,20}"]
WRAP = ["{}", "(?:{})", "(?<=b){}", "(?<![a]){}", "(?m)^{}", "^{}", "{}$", "(?=a){}", "\\b{}", "(?:{})+"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        atom = draw(st.sampled_from(ATOMS)) + draw(st.sampled_from(QUANT))
        parts.append(draw(st.sampled_from(WRAP)).format(atom))
    seq = "".join(parts)
    if draw(st.booleans()):
        seq = f"{seq}|{draw(st.sampled_from(ATOMS))}{draw(st.sampled_from(ATOMS))}"
    return seq


texts = st.lists(st.sampled_from(["a", "b", "ab", "ba", "aa", "A", "B", "整理", "整", "x", "1", " ", "\n", "\t"]),
                max_size=30).map("".join)


def _rule(pats: list[str], ignore_case: bool) -> LineScorer:
    signals = [{"name": f"s{i}", "weight": 1, "patterns": [p], "ignore_case": ignore_case}
               for i, p in enumerate(pats)]
    data = {"id": "TS001", "name": "t", "category": "boilerplate", "kind": "line-score",
            "message": "m", "doc": {"summary": "s"},
            "params": {"threshold": 1, "max_len": 1000, "signals": signals}}
    return LineScorer(parse_rule(data))


def _plain(scorer: LineScorer, doc: Document) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for k, sig in enumerate(scorer.signals):
        for m in sig.pattern.finditer(doc.text):
            out.setdefault(doc.lines.line_of(m.start()), set()).add(k)
    return out


@settings(max_examples=600, deadline=None)
@given(st.lists(patterns(), min_size=1, max_size=3), st.booleans(), texts)
def test_anchored_scan_matches_finditer(pats: list[str], ignore_case: bool, text: str) -> None:
    try:
        scorer = _rule(pats, ignore_case)
    except Exception:  # an invalid random pattern says nothing about the scan
        return
    saved = linescore.MIN_ANCHOR_LEN, linescore.SPLIT_TEXT
    # Exercise one-character anchors too, and the anchor strings split over several tries (by
    # character frequency) as well as in one.
    linescore.MIN_ANCHOR_LEN = 1
    try:
        for split_text in (0, 10**9):
            linescore.SPLIT_TEXT = split_text
            doc = Document(text)
            assert scorer._found(doc) == _plain(scorer, doc)
    finally:
        linescore.MIN_ANCHOR_LEN, linescore.SPLIT_TEXT = saved


def test_anchor_examples() -> None:
    anchor = literal_anchor(regex.compile("仅供(?:学习|参考)"))
    assert anchor == (0, 0, frozenset({"仅供学", "仅供参"}))
    anchor = literal_anchor(regex.compile(r"(?m)(?<=^|[（(])[^\s，]{2,10}(?:整理|收集)"))
    assert anchor == (2, 10, frozenset({"整理", "收集"}))
    assert literal_anchor(regex.compile(r"\s*foo")) is None  # unbounded offset
    # Matches of a line-anchored pattern start where the anchor's line starts.
    anchor = literal_anchor(regex.compile(r"(?m)^[ \t]*[^\s：]{1,10}：[ \t]{3,}"))
    assert anchor == (0, LINE_START, frozenset({"：\t", "： "}))
    assert literal_anchor(regex.compile(r"(?m)^\s*foo")) is None  # \s may cross lines
    assert literal_anchor(regex.compile(r"\p{Han}{2}某")) == (2, 2, frozenset({"某"}))  # regex syntax
    assert literal_anchor(regex.compile(r"(?:foo){e<=1}")) is None  # fuzzy matching
    # Unbounded runs of a class before the literal: matches start in the run.
    anchors = literal_anchors(regex.compile(r"(?<![a-z])[a-z0-9]{3,}\.(?:com|cn)"))
    assert anchors == [(3, RUN_START, frozenset({".com", ".cn"}), frozenset("abcdefghijklmnopqrstuvwxyz0123456789"))]
    # ASCII strings are cut at six characters (three letters, like "the", are everywhere), others at three
    upgrade = literal_anchors(regex.compile("[Uu]pgrade to (?:Pro|VIP)"))
    assert upgrade == [(0, 0, frozenset({"Upgrad", "upgrad"}), None)]
    assert literal_anchors(regex.compile("下载本文档后可编辑")) == [(0, 0, frozenset({"下载本"}), None)]
    assert literal_anchor(regex.compile("vx", regex.IGNORECASE)) == (
        0, 0, frozenset({"vx", "vX", "Vx", "VX"}))


def test_split_tries_find_every_anchor_string(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split over tries by frequency, the anchor strings are found where one trie finds them."""
    monkeypatch.setattr(linescore, "_SPLIT", (1, 3))
    strings = ["仅供学习", "仅供参考", "下载", "下载后", "微信", "公众号", "QQ", "如有侵权"]
    plan = linescore._ScanPlan([], [])
    plan.by_string = {s: () for s in strings}
    plan.strings = tuple(sorted(strings))  # the one-trie finder is built from them
    plan.overlapping = linescore._overlapping(strings)
    text = "本文仅供学习，下载后请于24小时内删除。微信公众号：星河文档；QQ群见下。如有侵权请联系。下载下载后" * 30
    assert len(plan.finders(text)) == 3
    saved = linescore.SPLIT_TEXT
    try:
        linescore.SPLIT_TEXT = 10**9
        whole = linescore._scanned_occurrences(text, plan)
        linescore.SPLIT_TEXT = 0
        split = linescore._scanned_occurrences(text, plan)
    finally:
        linescore.SPLIT_TEXT = saved
    starts = {p for p in range(len(text)) if any(text.startswith(s, p) for s in strings)}
    assert starts <= set(split) and starts <= set(whole)
    assert split == sorted(set(split))


def test_every_choice_of_anchored_signals_shares_one_literal_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Which signals are scanned by anchor depends on the text (a signal whose one-character
    anchors are frequent there runs natively); the anchor strings are found by one database for
    all of them, so a folder of varied documents compiles it once, not once per choice."""
    from docclean import prescan
    from docclean.api import default_rules
    from docclean.kinds import compile_rule

    if prescan._hyperscan() is None:  # pragma: no cover - platforms without a hyperscan wheel
        pytest.skip("hyperscan is not installed")
    scorer = compile_rule(default_rules().get("BP001"))
    scan = linescore._AnchorScan(scorer.signals)
    plain = "今年以来，中心扎实推进各项重点工作，较好地完成了年初确定的目标任务。\n" * 600
    busy = "全市新建网点一百个，网络覆盖率稳步提高，群众满意度持续上升。\n" * 600
    plans = [scan.plan(plain), scan.plan(busy)]
    assert plans[0] is not plans[1] and len(plans[0].anchored) != len(plans[1].anchored)
    monkeypatch.setattr(prescan, "_literal_databases", {})
    for text, plan in zip((plain, busy), plans, strict=True):
        assert len(text) >= prescan.MIN_SIZE
        found = linescore._scanned_occurrences(text, plan)
        every = {m.start() for s in plan.strings for m in regex.finditer(regex.escape(s), text, overlapped=True)}
        assert every <= set(found)  # every occurrence of the plan's strings (others may come too)
    assert len(prescan._literal_databases) == 1
