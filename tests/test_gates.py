"""Gates, the prescan and anchored scans change where rules look, never what they find."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from test_anchor_scan import patterns as random_patterns
from test_anchor_scan import texts as random_texts

import docclean
from docclean import prescan
from docclean.api import default_rules
from docclean.document import Document
from docclean.errors import RuleError
from docclean.kinds import compile_rule
from docclean.kinds.anchored import anchor_plan, anchored
from docclean.kinds.pattern import PatternMatcher
from docclean.rules import RuleSet, parse_rule
from docclean.selftest import check_rule, parse_marked

RULES = default_rules()
PATTERN_RULES = [r for r in RULES.rules if r.kind == "pattern"]


def _findings(text: str, *, prescanned: bool) -> list[tuple[object, ...]]:
    def run() -> list[tuple[object, ...]]:
        r = docclean.clean(text, fix="safe", max_removal=1.0)
        return [(f.rule, f.start, f.end, f.replacement, f.applied, f.message) for f in r.findings]

    if prescanned:
        with prescan.always():
            return run()
    return run()


def _examples() -> Iterator[str]:
    for rule in RULES.rules:
        for test in rule.tests:
            yield parse_marked(test.text)[0]


EXAMPLES = list(_examples())


def test_the_bundled_pattern_rules_have_gates() -> None:
    """Most pattern rules scan only some lines of a long text (the speed of clean() rests on it)."""
    gated = [r.id for r in PATTERN_RULES if compile_rule(r).gate_key() is not None]  # type: ignore[attr-defined]
    assert {"BP005", "BP008", "PH002", "PH008", "PH001"} <= set(gated)
    assert len(gated) >= len(PATTERN_RULES) - 4


def test_every_example_of_every_rule_is_found_the_same_when_prescanned() -> None:
    joined = "\n".join(EXAMPLES) + "\n"
    assert _findings(joined, prescanned=True) == _findings(joined, prescanned=False)
    assert _findings(joined, prescanned=True)  # the examples do hold junk


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(EXAMPLES), min_size=1, max_size=12), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_random_mixes_of_examples_are_found_the_same_when_prescanned(parts: list[str], sep: str) -> None:
    text = sep.join(parts)
    assert _findings(text, prescanned=True) == _findings(text, prescanned=False)


def test_the_shared_corpus_is_found_the_same_when_prescanned(shared: Path) -> None:
    texts = [p.read_text(encoding="utf-8")[:40_000] for p in sorted((shared / "corpus" / "clean").glob("*.txt"))]
    texts.append((shared / "examples" / "seed" / "report.txt").read_text(encoding="utf-8"))
    wild = [line.split("\t")[-1] for line in
            (shared / "corpus" / "boilerplate-wild.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    texts.append("\n".join(wild))
    for text in texts:
        assert _findings(text, prescanned=True) == _findings(text, prescanned=False)


def test_long_texts_are_prescanned_by_default() -> None:
    doc = Document("前言。\n" * (prescan.MIN_SIZE // 4) + "更多范文请关注公众号【学海资料站】\n")
    assert prescan.gated_lines(doc, 0) is not None
    assert prescan.gated_lines(Document("短文。\n"), 0) is None


def test_without_hyperscan_the_same_lines_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("\n".join(EXAMPLES) + "\n") * 3  # long enough for the scorer's anchor scan too
    want = _findings(text, prescanned=True)
    monkeypatch.setattr(prescan, "_hyperscan", lambda: None)
    monkeypatch.setattr(prescan, "_database", {})
    assert _findings(text, prescanned=True) == want


def test_a_gate_hyperscan_rejects_is_scanned_with_re() -> None:
    key = prescan.register((r"(好)\1",))  # a backreference: Hyperscan has none
    with prescan.always():
        doc = Document("第一行\n好好学习\n第三行\n好学\n")
        assert prescan.gated_lines(doc, key) == [(4, 8)]


def test_lines_with_lone_surrogates_are_still_found() -> None:
    key = prescan.register(("公众号",))
    with prescan.always():
        doc = Document("\ud800坏字符\n关注公众号\n")
        assert prescan.gated_lines(doc, key) == [(5, 10)]


def _pattern_rule(params: dict[str, object]) -> PatternMatcher:
    data = {"id": "TS901", "name": "t", "category": "boilerplate", "kind": "pattern", "message": "m",
            "doc": {"summary": "s"}, "params": params}
    return PatternMatcher(parse_rule(data))


def test_a_declared_gate_needs_line_confined_patterns() -> None:
    with pytest.raises(RuleError, match="never read past a line break"):
        _pattern_rule({"patterns": [r"关注\s+公众号"], "gate": ["关注"]}).gate_key()
    with pytest.raises(RuleError, match="invalid regex in 'gate'"):
        _pattern_rule({"patterns": ["关注"], "gate": ["关注("]}).gate_key()
    with pytest.raises(RuleError, match="may read past a line break"):
        _pattern_rule({"patterns": ["关注"], "gate": [r"关注\n"]}).gate_key()
    with pytest.raises(RuleError, match="non-empty list"):
        _pattern_rule({"patterns": ["关注"], "gate": []})


def test_a_gate_that_misses_fails_the_rule_s_self_test() -> None:
    data = {"id": "TS902", "name": "t", "category": "boilerplate", "kind": "pattern", "message": "m",
            "action": "flag", "doc": {"summary": "s"},
            "params": {"patterns": ["(?:关注|订阅)公众号"], "gate": ["关注"]},
            "tests": [{"text": "请⟦订阅公众号⟧\n"}, {"text": "公众号\n"}]}
    rule = parse_rule(data)
    failures = check_rule(rule, RuleSet((*RULES.rules, rule)))
    assert [f.problem for f in failures] == ["its gate misses ['订阅公众号'] (a prescanned run reports something else)"]


def test_derived_gates_skip_digits_and_spaces() -> None:
    assert _pattern_rule({"patterns": ["[0-9]{3}号"]}).gate_key() is None
    assert _pattern_rule({"patterns": ["X{2}号"]}).gate_key() is not None
    assert _pattern_rule({"patterns": [r"X{2}\s号"]}).gate_key() is None  # may cross a line


@settings(max_examples=600, deadline=None)
@given(random_patterns(), random_texts, st.integers(0, 3), st.booleans())
def test_anchored_scan_matches_finditer(source: str, text: str, pos: int, in_lines: bool) -> None:
    try:
        pattern = regex.compile(source)
    except regex.error:
        return
    plan = anchor_plan(pattern)
    if plan is None:
        return
    rule = parse_rule({"id": "TS903", "name": "t", "category": "boilerplate", "kind": "pattern",
                       "message": "m", "doc": {"summary": "s"}, "params": {"patterns": ["x"]}})
    pos = min(pos, len(text))
    lines = None
    if in_lines:  # the lines that hold an anchor string, as a prescan gives them
        doc = Document(text)
        held = sorted({doc.lines.line_of(m.start()) for m in plan.finder.finditer(text)})
        lines = [(doc.lines.line(i).start, doc.lines.line(i).end) for i in held]
    want = [m.span() for m in pattern.finditer(text, pos)]
    got = [m.span() for m in anchored(rule, pattern, plan, text, 60.0, pos, len(text), lines)]
    assert got == want


@pytest.mark.parametrize("rule", [r for r in PATTERN_RULES if "gate" in r.params], ids=lambda r: r.id)
def test_declared_gates_pass_their_rule_s_examples(rule: object) -> None:
    assert check_rule(rule, RULES) == []  # type: ignore[arg-type]


def test_compiled_gates_are_kept_between_runs_and_damage_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    hyperscan = prescan._hyperscan()
    if hyperscan is None:  # pragma: no cover - platforms without a hyperscan wheel
        pytest.skip("hyperscan is not installed")
    text = "\n".join(EXAMPLES) + "\n"
    want = _findings(text, prescanned=True)
    count = len(prescan._gates)
    flags = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE
    path = prescan._store_path(hyperscan, prescan._gates[:count], flags)
    assert path is not None and path.is_file()
    compiled: list[int] = []
    real = prescan._database_of
    monkeypatch.setattr(prescan, "_database_of", lambda *a: compiled.append(1) or real(*a))
    monkeypatch.setattr(prescan, "_database", {})
    assert _findings(text, prescanned=True) == want
    assert compiled == []  # loaded, not compiled
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")  # damaged
    monkeypatch.setattr(prescan, "_database", {})
    assert _findings(text, prescanned=True) == want
    assert compiled  # compiled afresh
    assert prescan._load(hyperscan, prescan._gates[:count], flags) is not None  # and stored again


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["仅供", "供学", "仅", "学习", "QQ", "\U0001f600", "a"]),
                min_size=1, max_size=5, unique=True),
       st.lists(st.sampled_from(["仅", "供", "学", "习", "Q", "\U0001f600", "a", "\n", "é"]), max_size=40).map("".join))
def test_literal_occurrences_are_every_start_of_every_string(strings: list[str], text: str) -> None:
    found = prescan.literal_occurrences(text, tuple(strings))
    if found is None:  # pragma: no cover - platforms without a hyperscan wheel
        pytest.skip("hyperscan is not installed")
    assert found == sorted({p for p in range(len(text)) for s in strings if text.startswith(s, p)})


def test_a_long_text_scores_the_same_lines_when_prescanned() -> None:
    """Long enough for the reseller-line scorer's anchor scan (and its Hyperscan occurrences)."""
    text = ("\n".join(EXAMPLES) + "\n") * 3
    assert len(text) > 30_000
    assert _findings(text, prescanned=True) == _findings(text, prescanned=False)


def test_a_signal_gate_needs_a_line_confined_signal() -> None:
    data = {"id": "TS904", "name": "t", "category": "boilerplate", "kind": "line-score", "message": "m",
            "doc": {"summary": "s"},
            "params": {"threshold": 1, "max_len": 100,
                       "signals": [{"name": "s", "weight": 1, "patterns": [r"关注\s+公众号"], "gate": ["关注"]}]}}
    with pytest.raises(RuleError, match="never read past a line break"):
        compile_rule(parse_rule(data)).register_gates()  # type: ignore[attr-defined]
    data["params"]["signals"][0]["gate"] = ["关注\\n"]  # type: ignore[index]
    with pytest.raises(RuleError, match="may read past a line break"):
        compile_rule(parse_rule(data)).register_gates()  # type: ignore[attr-defined]


def test_a_signal_gate_that_misses_fails_the_rule_s_self_test() -> None:
    data = {"id": "TS905", "name": "t", "category": "boilerplate", "kind": "line-score", "message": "m",
            "doc": {"summary": "s"},
            "params": {"threshold": 1, "max_len": 100,
                       "signals": [{"name": "s", "weight": 1, "patterns": ["(?:关注|订阅)公众号"], "gate": ["关注"]}]},
            "tests": [{"text": "⟦订阅公众号⟧\n", "fixed": ""}, {"text": "公众号\n"}]}
    rule = parse_rule(data)
    failures = check_rule(rule, RuleSet((*RULES.rules, rule)))
    assert [f.problem for f in failures] == [
        "its gate misses ['订阅公众号\\n'] (a prescanned run reports something else)"]


def test_texts_scanned_in_small_chunks_give_the_same_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("\n".join(EXAMPLES) + "\n") * 3
    want = _findings(text, prescanned=True)
    monkeypatch.setattr(prescan, "CHUNK", 97)  # chunks end at line breaks; occurrences may straddle
    assert _findings(text, prescanned=True) == want
    strings = ("仅供学习", "公众号", "QQ")
    assert prescan.literal_occurrences(text, strings) == sorted(
        {p for p in range(len(text)) for s in strings if text.startswith(s, p)})


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(EXAMPLES), min_size=2, max_size=8),
       st.lists(st.tuples(st.floats(0, 1), st.integers(0, 12),
                          st.sampled_from(["", "\n", "X", "公众号", "关注我们\n", "【】"])), max_size=6))
def test_an_edited_copy_carries_the_gated_lines_it_did_not_touch(
        parts: list[str], cuts: list[tuple[float, int, str]]) -> None:
    from docclean.engine import apply_edits

    text = "\n".join(parts) + "\n"
    edits: list[tuple[int, int, str]] = []
    for where, size, replacement in sorted(cuts):
        start = int(where * len(text))
        if edits and start < edits[-1][1]:
            continue
        edits.append((start, min(len(text), start + size), replacement))
    with prescan.always():
        first = Document(text)
        prescan.gated_lines(first, 0)
        edited = Document(apply_edits(text, edits))
        edited.base = ({k: v for k, v in first.cache.items() if k[0] == "prescan"}, edits)
        fresh = Document(edited.text)
        for key in range(len(prescan._gates)):
            assert prescan.gated_lines(edited, key) == prescan.gated_lines(fresh, key)


def test_only_the_newest_compiled_databases_are_kept(tmp_path: Path) -> None:
    import os

    for k in range(prescan.KEEP + 4):
        f = tmp_path / f"prescan-{k:02d}.bin"
        f.write_bytes(b"x")
        os.utime(f, (1_000_000 + k, 1_000_000 + k))
    (tmp_path / "regex-1.bin").write_bytes(b"kept")
    prescan._prune(tmp_path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [f"prescan-{k:02d}.bin" for k in range(4, prescan.KEEP + 4)] + ["regex-1.bin"]


def test_the_held_out_junk_lines_are_found_the_same_when_prescanned() -> None:
    """Reseller lines no rule was written from (tests/data): a gate must not miss them either."""
    lines = []
    for path in sorted((Path(__file__).parent / "data").glob("novel-junk*.tsv")):
        for row in path.read_text(encoding="utf-8").splitlines()[1:]:
            lines.append(row.split("\t")[-1])
    assert len(lines) > 500
    text = "\n".join(lines) + "\n"
    assert _findings(text, prescanned=True) == _findings(text, prescanned=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["the", "The", "THE", "so", "\u017fo", "is", "\u0130s", "\u0131s", "kin", "\u212ain",
                                 " ", "  ", "\t", "\n", "，", "中文", "a1", "x"]), max_size=30).map("".join))
def test_doubled_words_are_found_the_same_when_prescanned(text: str) -> None:
    """The doubled-word rule reads letters case-insensitively (ſ is s, K is k): its gate too."""
    assert _findings(text, prescanned=True) == _findings(text, prescanned=False)


def test_doubled_words_with_folded_letters_are_found_when_prescanned() -> None:
    text = "we saw the the sea\nthe \u212ain kin here\n"
    found = _findings(text, prescanned=True)
    assert [f[0] for f in found] == ["DU005", "DU005"]
    assert found == _findings(text, prescanned=False)


def test_a_repetition_gate_is_for_short_phrase_units_and_checked() -> None:
    def rule(params: dict[str, object]) -> object:
        data = {"id": "TS906", "name": "t", "category": "duplicate", "kind": "repetition", "action": "flag",
                "message": "m", "doc": {"summary": "s"}, "params": params}
        return compile_rule(parse_rule(data))

    with pytest.raises(RuleError, match="phrase units shorter than three"):
        rule({"unit": "sentence", "gate": ["。"]})
    with pytest.raises(RuleError, match="phrase units shorter than three"):
        rule({"unit": "phrase", "min_len": 3, "max_len": 6, "gate": ["好"]})
    with pytest.raises(RuleError, match="may read past a line break"):
        rule({"unit": "phrase", "min_len": 1, "max_len": 1, "chars": "的", "gate": ["的\\n"]}).register_gates()  # type: ignore[attr-defined]
    ok = rule({"unit": "phrase", "min_len": 1, "max_len": 1, "chars": "的", "gate": ["的的"]})
    ok.register_gates()  # type: ignore[attr-defined]
    with prescan.always():
        assert [h.start for h in ok.find(Document("好的\n他的的书\n"))] == [4]  # type: ignore[attr-defined]
