"""Gates, the prescan and anchored scans change where rules look, never what they find."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
from docclean.kinds.anchored import anchor_plan, anchored, checked_gate
from docclean.kinds.pattern import PatternMatcher
from docclean.rules import RuleSet, parse_rule
from docclean.selftest import check_rule, parse_marked

RULES = default_rules()
PATTERN_RULES = [r for r in RULES.rules if r.kind == "pattern"]


def _findings(text: str, *, prescanned: bool) -> list[tuple[object, ...]]:
    def run() -> list[tuple[object, ...]]:
        r = docclean.clean(text, fix="safe", max_removal=1.0)
        return [(f.rule, f.start, f.end, f.replacement, f.applied, f.message) for f in r.findings]

    with prescan.always() if prescanned else prescan.never():
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


def test_every_positive_signal_of_a_bundled_scorer_scans_only_part_of_a_long_text() -> None:
    """A reseller-line signal is tried only near the literal strings its matches contain, or on
    the lines its gate lets through. One whose only literals are frequent single characters
    (digits, a regex starting with ``[0-9]+``) or that has none scans the whole text instead
    (seconds per 10 MB): write it to start with a literal and look back
    (``元/份(?<=[0-9]元/份)``), or declare a gate."""
    from docclean.kinds.linescore import _AnchorScan

    text = "".join(f"第{i}条 2024年第{i % 12 + 1}季度，全市完成投资{i * 37}亿元，同比增长{i % 9}.{i % 7}%。\n"
                   f"| 项目_{i} | {i}/{i + 1} | *重点* — #{i} · ~{i}~ |\n"
                   f"The quick vivid query {i} moves via a valve; versions vary.\n" for i in range(1, 3000))
    whole = []
    for rule in default_rules().rules:
        if rule.kind == "line-score":
            signals = compile_rule(rule).signals  # type: ignore[attr-defined]
            whole += [(rule.id, sig.name) for _n, sig in _AnchorScan(signals).plan(text).native if sig.gate is None]
    assert whole == []


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


def test_texts_of_any_length_are_prescanned_by_default_with_hyperscan() -> None:
    key = prescan.register(("关注",))
    short = Document("短文。\n关注公众号\n")
    if prescan._hyperscan() is not None:
        assert prescan.MIN_SIZE == 0
        assert prescan.gated_lines(short, key) == [(4, 9)]
    else:  # without it, short texts are quicker scanned whole than through re scans of the gates
        assert prescan.gated_lines(short, key) is None
    with prescan.never():
        assert prescan.gated_lines(short, key) is None


def test_without_hyperscan_the_same_lines_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("\n".join(EXAMPLES) + "\n") * 3  # long enough for the scorer's anchor scan too
    want = _findings(text, prescanned=True)
    monkeypatch.setattr(prescan, "_hyperscan", lambda: None)
    monkeypatch.setattr(prescan, "_database", {})
    assert _findings(text, prescanned=True) == want


def test_every_gate_of_the_bundled_rules_compiles_in_hyperscan() -> None:
    """A gate Hyperscan rejects (a backreference, or a pattern too large for it) is scanned with
    ``re`` instead: correct, but the union of one rule's gates then costs seconds on 10 MB."""
    hyperscan = prescan._hyperscan()
    if hyperscan is None:
        pytest.skip("Hyperscan is not installed on this platform")
    for rule in RULES.rules:
        matcher = compile_rule(rule)
        if rule.enabled and hasattr(matcher, "register_gates"):
            matcher.register_gates()
    rejected = [source for key in range(len(prescan._gates)) for source in prescan.rejected(key)]
    assert rejected == []


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


def test_a_gate_hyperscan_rejects_fails_the_rule_s_self_test() -> None:
    if prescan._hyperscan() is None:
        pytest.skip("Hyperscan is not installed on this platform")
    data = {"id": "TS904", "name": "t", "category": "boilerplate", "kind": "pattern", "message": "m",
            "action": "flag", "doc": {"summary": "s"},
            "params": {"patterns": ["好好学习"], "gate": [r"(好)\1", "天天"]},
            "tests": [{"text": "要⟦好好学习⟧\n"}, {"text": "好学\n"}]}
    rule = parse_rule(data)
    failures = check_rule(rule, RuleSet((*RULES.rules, rule)))
    assert [f.problem for f in failures] == [
        "Hyperscan rejects its gate '(好)\\\\1' (it would be scanned with re, slowly)"]


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
    path = prescan._store_path(hyperscan, prescan._gates[:count], prescan._flags(hyperscan))
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
    assert prescan._load(hyperscan, prescan._gates[:count], prescan._flags(hyperscan)) is not None  # and stored again


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


def test_pruning_copes_with_files_another_process_deletes_meanwhile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for k in range(prescan.KEEP + 2):
        (tmp_path / f"prescan-{k:02d}.bin").write_bytes(b"x")
    gone = tmp_path / "prescan-03.bin"
    real_stat = Path.stat

    def stat(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == gone:  # listed, then deleted by a concurrent run before it is looked at
            gone.unlink(missing_ok=True)
            raise FileNotFoundError(str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    prescan._prune(tmp_path)
    assert len(list(tmp_path.glob("prescan-*.bin"))) == prescan.KEEP


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


# Regression tests for the gates' fixes: case variants, refused gate syntax, threads, disabled
# rules, and the cache files that keep compiled databases.

FILLER = "".join(f"第{i}次会议讨论了社区绿化和停车管理的具体安排，居民代表发表了意见。\n" for i in range(1, 600))


def _deep(line: str) -> tuple[str, int]:
    """``line`` (with its break) in the middle of a text long enough to be prescanned, and its offset."""
    head = FILLER[: FILLER.index("\n", len(FILLER) // 2) + 1]
    text = head + line + FILLER[len(head) :]
    assert len(text) >= prescan.MIN_SIZE
    return text, len(head)


@pytest.mark.parametrize("ad", ["（VİP专享）", "【VİP专享版】", "〔VİP专享〕"])
def test_an_inline_ad_with_a_dotted_capital_i_is_found_when_prescanned(
        ad: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """BP005 reads "vip" case-insensitively, so VİP (U+0130) is one: its gate must let it through."""
    line = f"居民委员会应当遵守居民会议作出的决议。{ad}\n"
    alone = _findings(line, prescanned=False)
    assert [(f[0], f[1], f[2]) for f in alone] == [("BP005", 19, 19 + len(ad))]
    text, offset = _deep(line)
    shifted = [(f[0], f[1] + offset, f[2] + offset, *f[3:]) for f in alone]  # type: ignore[operator]
    assert _findings(text, prescanned=True) == shifted
    monkeypatch.setattr(prescan, "MIN_SIZE", len(text) + 1)  # no prescan: every line scanned
    assert _findings(text, prescanned=False) == shifted


def _rule_file(folder: Path, gate: str) -> Path:
    """A user's rule file: one rule that strips a made-up site's note, with ``gate`` declared."""
    path = folder / "house.toml"
    path.write_text(
        "[[rules]]\nid = 'ZZ101'\nname = 'house-note'\ncategory = 'boilerplate'\nkind = 'pattern'\n"
        "action = 'strip'\nsafety = 'safe'\nmessage = 'house note'\n"
        "doc = { summary = 's', why = 'w', example = 'e', instead = 'i', fix_safety = 'f' }\n"
        f"params = {{ patterns = ['（星河文档网[^）\\n]{{0,8}}）'], gate = ['{gate}'] }}\n"
        "tests = [ { text = '正文。⟦（星河文档网收录）⟧\\n', fixed = '正文。\\n' }, { text = '正文。\\n' } ]\n",
        encoding="utf-8")
    return path


REFUSED_GATES = [("星*", "may match nothing at all"), ("(?:星河)?", "may match nothing at all"),
                 ("星{,3}河", "write case variants and repeat counts out"),
                 ("(?i)星河", "write case variants and repeat counts out"),
                 ("(?i:星河)", "write case variants and repeat counts out"),
                 ("(?mi)星河", "write case variants and repeat counts out"),
                 ("(?ai:vip)", "write case variants and repeat counts out"),
                 ("星(?:河|(?i:vip))", "write case variants and repeat counts out"),
                 ("[{,]星{,2}河", "write case variants and repeat counts out")]


@pytest.mark.parametrize(("gate", "message"), REFUSED_GATES)
def test_a_gate_hyperscan_would_read_differently_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], gate: str, message: str) -> None:
    """Hyperscan reports no empty matches, reads {,n} as literal text and (?i) differently from
    ``re``: such a gate would let a different set of lines through, so it is an error."""
    from docclean.cli import main

    rules = _rule_file(tmp_path, gate)
    ruleset = docclean.load_rules(rules)
    with pytest.raises(RuleError) as err:  # the rule's self-test (docclean rules test)
        check_rule(ruleset.get("ZZ101"), ruleset)
    assert message in str(err.value) and "ZZ101" in str(err.value) and f"gate {gate!r}" in str(err.value)
    assert str(rules) in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(RuleError, match="ZZ101"):  # a text long enough to be prescanned
        docclean.clean(FILLER + "正文。（星河文档网收录）\n", rules=ruleset, max_removal=1.0)
    doc = tmp_path / "long.txt"
    doc.write_text(FILLER, encoding="utf-8")
    assert main(["check", "--rules", str(rules), str(doc)]) == 2
    captured = capsys.readouterr()
    errors = [line for line in (captured.out + captured.err).splitlines() if message in line]
    assert len(errors) == 1 and "ZZ101" in errors[0] and "gate" in errors[0]


def test_a_proper_gate_is_accepted(tmp_path: Path) -> None:
    ruleset = docclean.load_rules(_rule_file(tmp_path, "星河文档网"))
    assert check_rule(ruleset.get("ZZ101"), ruleset) == []
    # a note no bundled rule strips (BP005 takes a site's 出品 credit itself)
    text, offset = _deep("正文。（星河文档网收录）\n")
    result = docclean.clean(text, rules=ruleset, max_removal=1.0)
    assert [(f.rule, f.start - offset, f.end - offset) for f in result.findings] == [("ZZ101", 3, 12)]
    assert result.text == text.replace("（星河文档网收录）", "")


@pytest.mark.parametrize(("gate", "message"), REFUSED_GATES)
def test_checked_gate_refuses_what_hyperscan_reads_differently(gate: str, message: str) -> None:
    matcher = _pattern_rule({"patterns": ["星河文档网"], "gate": [gate]})
    with pytest.raises(RuleError, match=re.escape(message)):
        matcher.gate_key()
    ok = ("星河", "文档{0,3}网", "[Vv][Iiİı][Pp]", "[{,]星河", r"星\{,河")  # a brace in a class or escaped is text
    assert checked_gate(matcher.rule, ok, matcher.pattern, "gate") == ok


JUNK = ["居民委员会应当遵守居民会议作出的决议。（本文由墨香范文整理）", "更多范文请关注公众号【学海资料站】",
        "工会组织依法维护职工的年休假权利。（更多范文请加微信：fw2024）", "对X家企业开展排查，确保各项工作落实到位。",
        "我们要清楚地认识清楚地认识到问题所在。", "本课重点是比例的意义。🎁想要配套习题的私信我"]


def test_threads_cleaning_long_texts_at_once_get_what_one_at_a_time_gives() -> None:
    """Long texts share the prescan's compiled database (and its scratch space) across threads."""
    if prescan._hyperscan() is None:  # pragma: no cover - platforms without a hyperscan wheel
        pytest.skip("hyperscan is not installed")
    from concurrent.futures import ThreadPoolExecutor

    lines = FILLER.splitlines(keepends=True)
    texts = []
    for k in range(6):  # junk at other places in each text
        mixed = list(lines)
        for j, junk in enumerate(JUNK[k:] + JUNK[:k]):
            mixed.insert(40 + 97 * j + 13 * k, junk + "\n")
        texts.append("".join(mixed))

    def run(text: str) -> tuple[str, list[tuple[object, ...]]]:
        r = docclean.clean(text, fix="safe", max_removal=1.0)
        return r.text, [(f.rule, f.start, f.end, f.replacement, f.applied, f.message) for f in r.findings]

    want = [run(t) for t in texts]
    assert all(len(t) >= prescan.MIN_SIZE and found for t, (_, found) in zip(texts, want, strict=True))
    with ThreadPoolExecutor(max_workers=3) as pool:
        for _ in range(2):
            assert list(pool.map(run, texts)) == want


def test_threads_prescanning_at_once_get_what_one_at_a_time_gives() -> None:
    """The prescan itself, many times over from several threads: the lines of every gate, and
    the occurrences of literal strings, are those a scan in one thread gives."""
    if prescan._hyperscan() is None:  # pragma: no cover - platforms without a hyperscan wheel
        pytest.skip("hyperscan is not installed")
    from concurrent.futures import ThreadPoolExecutor

    joined = "\n".join(EXAMPLES) + "\n"
    texts = [joined * 2, FILLER + joined, joined + FILLER, "\n".join(reversed(EXAMPLES)) * 2]
    strings = ("公众号", "关注", "整理", "下载", "X", "。")
    for text in texts:  # every rule's gate is registered
        docclean.clean(text, max_removal=1.0)
    count = len(prescan._gates)

    def scan(text: str) -> tuple[list[object], list[int] | None]:
        doc = Document(text)
        return [prescan.gated_lines(doc, key) for key in range(count)], prescan.literal_occurrences(text, strings)

    want = [scan(t) for t in texts]
    assert all(found for _, found in want)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(10):
            assert list(pool.map(scan, texts)) == want


def test_disabled_rules_are_not_compiled_for_the_prescan(tmp_path: Path) -> None:
    """A disabled rule registers no gate, and calls on long texts do not pile up compiled copies
    of rules (the numbering pass runs on copies with every other rule disabled)."""
    from docclean import kinds

    ruleset = docclean.load_rules(_rule_file(tmp_path, "（星河文档网"))
    text, _ = _deep("正文。（星河文档网收录）\n")
    assert not docclean.clean(text, rules=ruleset, ignore=["ZZ101", "BP012"], max_removal=1.0).findings
    assert ("（星河文档网",) not in prescan._keys
    docclean.clean(text, rules=ruleset, max_removal=1.0)
    compiled = (len(kinds._CACHE), len(prescan._gates))
    for _ in range(3):
        result = docclean.clean(text, rules=ruleset, ignore=["ZZ101"], max_removal=1.0)
        assert len(result.text) >= prescan.MIN_SIZE  # the numbering pass on the cleaned text is prescanned too
        docclean.clean(text, rules=ruleset, max_removal=1.0)
    assert (len(kinds._CACHE), len(prescan._gates)) == compiled


BLOB_MAGIC = b"docclean-test-blob-1\n"


def test_a_cut_or_changed_cache_file_reads_as_missing(tmp_path: Path) -> None:
    """The files that keep compiled regexes and prescan databases: whatever is wrong with one
    (cut short by a full disk, changed, another program's) reads as no file, never as an error."""
    from docclean import regexcache

    path = tmp_path / "made" / "blob.bin"
    payload = bytes(range(256)) + "公众号".encode()
    assert regexcache.write_blob(path, BLOB_MAGIC, payload)  # the folder is made
    got = regexcache.read_blob(path, BLOB_MAGIC)
    assert got is not None and bytes(got) == payload
    blob = path.read_bytes()
    for cut in range(len(blob)):
        path.write_bytes(blob[:cut])
        assert regexcache.read_blob(path, BLOB_MAGIC) is None, cut
    for k in range(0, len(blob), 7):
        path.write_bytes(blob[:k] + bytes([blob[k] ^ 1]) + blob[k + 1 :])
        assert regexcache.read_blob(path, BLOB_MAGIC) is None, k
    path.write_bytes(blob)
    assert regexcache.read_blob(path, b"docclean-other-1\n") is None
    assert regexcache.read_blob(tmp_path / "missing.bin", BLOB_MAGIC) is None
    assert regexcache.read_blob(tmp_path, BLOB_MAGIC) is None  # a folder


def test_a_cut_cache_file_means_compiling_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docclean import regexcache

    monkeypatch.setenv("DOCCLEAN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("DOCCLEAN_NO_CACHE", raising=False)
    monkeypatch.setattr(regexcache, "_loaded", None)
    monkeypatch.setattr(regexcache, "_added", False)
    monkeypatch.setattr(prescan, "_database", {})
    text = "\n".join(EXAMPLES) + "\n"
    want = _findings(text, prescanned=True)
    regexcache.compile_regex("星河(?:文档)?网", regex.V0)
    regexcache.save()
    regex_file, databases = regexcache.cache_file(), list(tmp_path.glob("prescan-*.bin"))
    assert regex_file is not None and regexcache._read(regex_file) and databases
    for f in [regex_file, *databases]:
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    assert regexcache._read(regex_file) == {}
    compiled: list[int] = []
    real = prescan._database_of

    def counted(*args: Any) -> Any:
        compiled.append(1)
        return real(*args)

    monkeypatch.setattr(prescan, "_database_of", counted)
    monkeypatch.setattr(regexcache, "_loaded", None)
    monkeypatch.setattr(prescan, "_database", {})
    assert _findings(text, prescanned=True) == want
    assert compiled  # the cut database was not used


class _FailingFile:
    """A file that takes half of what is written, then fails as a full disk does."""

    def __init__(self, f: object, error: BaseException) -> None:
        self.f, self.error = f, error

    def write(self, data: bytes) -> int:
        self.f.write(data[: len(data) // 2])  # type: ignore[attr-defined]
        raise self.error

    def __enter__(self) -> _FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.f.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "interrupted"])
def test_a_failed_cache_write_leaves_the_old_file_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    import os

    from docclean import regexcache

    path = tmp_path / "blob.bin"
    assert regexcache.write_blob(path, BLOB_MAGIC, b"old payload")
    real = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, mode: _FailingFile(real(fd, mode), error))
    if isinstance(error, OSError):
        assert regexcache.write_blob(path, BLOB_MAGIC, b"new payload" * 100) is False
    else:
        with pytest.raises(KeyboardInterrupt):
            regexcache.write_blob(path, BLOB_MAGIC, b"new payload" * 100)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["blob.bin"]  # no temporary file left behind
    got = regexcache.read_blob(path, BLOB_MAGIC)
    assert got is not None and bytes(got) == b"old payload"


def test_a_cache_file_that_cannot_be_put_in_place_leaves_no_scraps(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docclean import regexcache

    path = tmp_path / "blob.bin"
    assert regexcache.write_blob(path, BLOB_MAGIC, b"old payload")

    def refuse(self: Path, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)
    assert regexcache.write_blob(path, BLOB_MAGIC, b"new payload") is False
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["blob.bin"]
    got = regexcache.read_blob(path, BLOB_MAGIC)
    assert got is not None and bytes(got) == b"old payload"
