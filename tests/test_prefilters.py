"""Shortcuts that skip most of a text find what a plain scan finds: first characters of a
pattern, numbering levels tried at line heads only, and the shared scan for doubled phrases."""

from __future__ import annotations

import dataclasses
import re

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import docclean
from docclean.api import default_rules
from docclean.document import Document
from docclean.kinds import compile_rule
from docclean.kinds.regexes import first_chars, run_chars, stdlib_twin
from docclean.kinds.repetition import RepetitionMatcher
from docclean.kinds.sequence import SequenceMatcher, _HeadScan
from docclean.rules import parse_rule

ATOMS = ["a", "b", "ab", "[ab]", "[a-c]", "\\d", ".", "x", "(?i:ab)", "整", "\\p{Han}", "[^a]", "\\s"]
QUANT = ["", "", "?", "*", "+", "{2}", "{0,2}"]
WRAP = ["{}", "(?:{})", "(?<=b){}", "(?<![a]){}", "(?m)^{}", "(?=a){}", "(?P<n>{})", "{}|x"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        atom = draw(st.sampled_from(ATOMS)) + draw(st.sampled_from(QUANT))
        parts.append(draw(st.sampled_from(WRAP)).format(atom))
    return "".join(parts).replace("(?P<n>", "(?:", max(0, "".join(parts).count("(?P<n>") - 1))


texts = st.lists(st.sampled_from(["a", "b", "ab", "A", "整", "x", "1", " ", "\n", "c"]), max_size=25).map("".join)


def test_first_chars_examples() -> None:
    assert first_chars("(?:#{1,6}[ \\t]*)?(?P<n>[一二])、") == frozenset("#一二")
    assert first_chars("(?<=b)(?=a)[ab]c") == frozenset("ab")
    assert first_chars("(?i)qq") == frozenset("qQ")
    assert first_chars("[（(](?P<n>[1-9])[）)]|(?P<n>[1-9])[）)]") == frozenset("（(123456789")
    assert first_chars("a?") is None  # may match nothing
    assert first_chars("\\p{Han}x") is None  # a property: characters unknown
    assert first_chars(".b") is None


def test_run_chars_examples() -> None:
    assert run_chars("[ \\t]+[\\u3000]*") == frozenset(" \t\u3000")
    assert run_chars("[\\u3000]*") == frozenset("\u3000")
    assert run_chars("\\s*") is None
    assert run_chars("a(?=b)") is None


@settings(max_examples=400, deadline=None)
@given(patterns(), texts)
def test_matches_start_with_a_first_char(source: str, text: str) -> None:
    try:
        pattern = regex.compile(source)
    except regex.error:
        return
    firsts = first_chars(source)
    if firsts is None:
        return
    for m in pattern.finditer(text):
        assert m.end() > m.start()
        assert text[m.start()] in firsts


def _plain_levels(matcher: SequenceMatcher, text: str) -> list[tuple[str, int, int, int, int]]:
    return sorted((lv.name, *m.span(), *m.span("n")) for lv in matcher.levels for m in lv.pattern.finditer(text))


RULES = {rule.id: rule for rule in docclean.load_rules()}
HEADINGS = ["一、", "二、", "（一）", "(二)", "第三条 ", "第一章 ", "1.", "2．", "3、", "（1）", "2）", "①", "②",
            "#", "## ", "附件1：", " ", "  ", "\u3000", "\t", "\n", "\n", "正文", "甲", "一是", "，"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HEADINGS), max_size=30).map("".join))
def test_levels_at_line_heads_match_finditer(text: str) -> None:
    for rule_id in ("NU001", "NU002"):
        matcher = compile_rule(RULES[rule_id])
        assert isinstance(matcher, SequenceMatcher)
        assert any(lv.head is not None for lv in matcher.levels)
        assert matcher._heads.levels  # the stdlib scan takes part
        got = sorted((lv.name, s, e, *n) for lv, (s, e), n in matcher._matches(Document(text)))
        assert got == _plain_levels(matcher, text)


def _plain_matcher(rule_id: str) -> SequenceMatcher:
    """The rule's matcher with every shortcut off: each level's regex over the whole text."""
    matcher = SequenceMatcher(RULES[rule_id])
    matcher.levels = tuple(dataclasses.replace(lv, head=None, anywhere_twin=None, anywhere_firsts=None)
                           for lv in matcher.levels)
    matcher._order = {id(level): k for k, level in enumerate(matcher.levels)}
    matcher._heads = _HeadScan.build([])
    return matcher


def _hits(matcher: SequenceMatcher, text: str) -> list[tuple[int, int, str | None, str]]:
    return [(h.start, h.end, h.replacement, str(sorted(h.args.items()))) for h in matcher.find(Document(text))]


SEQUENCE_TEXTS = [t.text.replace("⟦", "").replace("⟧", "") for rid in ("NU001", "NU002") for t in RULES[rid].tests]


@pytest.mark.parametrize("text", SEQUENCE_TEXTS)
def test_sequence_shortcuts_find_what_plain_scans_find_on_examples(text: str) -> None:
    for rule_id in ("NU001", "NU002"):
        assert _hits(compile_rule(RULES[rule_id]), text) == _hits(_plain_matcher(rule_id), text)


# Numbers inside lines too, so that the checks for numbers skipped at line starts run.
INLINE = [*HEADINGS, "甲罪", "4．", "5、", "(3)", "三、", "3）", "第二条", "第四章", "一是", "三是", "“", "”"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(INLINE), max_size=40).map("".join))
def test_sequence_shortcuts_find_what_plain_scans_find(text: str) -> None:
    for rule_id in ("NU001", "NU002"):
        assert _hits(compile_rule(RULES[rule_id]), text) == _hits(_plain_matcher(rule_id), text)


def test_stdlib_twin_examples() -> None:
    assert stdlib_twin("(?:#{1,6}[ \\t]*)?第(?P<n>[一二])条(?=[ \\t\u3000]|$)") is not None
    assert stdlib_twin("[（(](?P<a>[1-9])[）)]|[^\\n]x*?") is not None
    for source in ("\\p{Han}", "\\s", "\\d", "[^\\S\\n]", "\\bx", "(?i)x", "x(?i:y)", "(?>x)", "x*+", "(x)\\1",
                   "(?P<a>x)(?P=a)", "[[:alpha:]]", "(?:ab){e<=1}", "\\Ax", "x\\Z", "\\Kx", "\\x41", "(?|a)", "x(?#c)",
                   "(?s)x", "a(?i)b"):
        assert stdlib_twin(source) is None, source


TWIN_ATOMS = ["a", "b", "ab", "[ab]", "[^a\\n]", "[a-c]", ".", "x", "整", "\\.", "\\(", "\\u3000", "$", "^"]
TWIN_WRAP = ["{}", "(?m)^{}", "(?:{})", "(?<=b){}", "(?<![a]){}", "(?=a){}", "(?!b){}", "({})", "(?P<n>{})", "{}|x",
             "(?:{})+"]


@st.composite
def twin_patterns(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        atom = draw(st.sampled_from(TWIN_ATOMS)) + draw(st.sampled_from([*QUANT, "??", "*?", "{1,3}"]))
        parts.append(draw(st.sampled_from(TWIN_WRAP)).format(atom))
    source = "".join(parts)
    return source.replace("(?P<n>", "(?:", max(0, source.count("(?P<n>") - 1))


twin_texts = st.lists(st.sampled_from(["a", "b", "ab", "整", "x", ".", "(", "\u3000", " ", "\n", "c"]),
                      max_size=25).map("".join)


@settings(max_examples=500, deadline=None)
@given(twin_patterns(), twin_texts, st.booleans())
def test_stdlib_twin_finds_what_regex_finds(source: str, text: str, multiline: bool) -> None:
    try:
        pattern = regex.compile(source, regex.V0 | (regex.MULTILINE if multiline else 0))
    except regex.error:
        return
    twin = stdlib_twin(source, multiline=multiline)
    if twin is None:
        return
    assert [m.regs for m in twin.finditer(text)] == [m.regs for m in pattern.finditer(text)]
    for pos in range(len(text)):
        got, want = twin.match(text, pos), pattern.match(text, pos)
        assert (got and got.regs) == (want and want.regs)


def _phrase_rule(min_len: int) -> RepetitionMatcher:
    data = {"id": f"TS00{min_len}", "name": "t", "category": "duplicate", "kind": "repetition",
            "action": "replace", "safety": "safe", "message": "m", "doc": {"summary": "s"},
            "params": {"unit": "phrase", "min_len": min_len, "max_len": 6, "chars": "[甲乙丙丁]"}}
    return RepetitionMatcher(parse_rule(data))


PHRASE_PIECES = ["甲", "乙", "丙", "丁", "甲乙丙", "乙丙丁甲", "，",
                 "甲甲甲甲甲甲", "甲乙甲乙甲乙", "乙丙丁乙丙丁乙丙丁"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PHRASE_PIECES), max_size=40).map("".join))
def test_shared_phrase_scan_matches_search(text: str) -> None:
    """Also over long periodic runs (哈哈哈…), which the shared scan skips past."""
    for min_len in (3, 4):
        shared = _phrase_rule(min_len)
        assert shared.starts is not None
        plain = _phrase_rule(min_len)
        plain.starts = None  # the plain ``search`` loop
        doc = Document(text)
        assert [(h.start, h.end) for h in shared.find(doc)] == [(h.start, h.end) for h in plain.find(Document(text))]
    # Both rules of one document share the candidate scan.
    assert sum(1 for key in doc.cache if key[0] == "phrase-candidates") == 1


def test_braces_in_classes_do_not_stop_the_analyses() -> None:
    # A literal { inside a class is ordinary; a brace outside one that is not a count is
    # regex's fuzzy matching, which the stdlib parser would misread.
    assert first_chars(r"[X{]y") == frozenset("X{")
    assert first_chars(r"(?<![{(])X{2}") == frozenset("X")
    assert first_chars(r"(?:ab){e<=1}") is None
    assert first_chars(r"[[:alpha:]]x") is None


def _sentence_rule(ends: str, gap: str) -> RepetitionMatcher:
    data = {"id": "TS009", "name": "t", "category": "duplicate", "kind": "repetition",
            "action": "strip", "safety": "safe", "message": "m", "doc": {"summary": "s"},
            "params": {"unit": "sentence", "min_len": 2, "max_len": 20, "ends": ends, "gap": gap}}
    return RepetitionMatcher(parse_rule(data))


SENTENCE_PIECES = ["甲", "乙", "。", "，", "！", "”", "）", " ", "\u3000", "\n", "a"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SENTENCE_PIECES), max_size=25).map("".join),
       st.sampled_from(["。！", "。，！", "。”"]), st.integers(0, 3))
def test_sentence_boundaries_are_where_endings_and_their_quotes_stop(text: str, ends: str, first: int) -> None:
    """The boundary test gives the offsets the sentence scan's matches mark: the end of each run
    of ending characters and the end of the closing quotes after it."""
    matcher = _sentence_rule(ends, " \u3000")
    first = min(first, len(text))
    expected = {e for m in matcher.pattern.finditer(text, first) for e in (m.end(1), m.start(2))}
    boundary = matcher._boundary_test(text, first, len(text))
    assert {q for q in range(len(text) + 2) if boundary(q)} == expected


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["`", "```", "~~~", "````", " ", "\t", "\n", "a", "  ```"]), max_size=14).map("".join),
       st.integers(0, 20))
def test_fence_search_through_hints_matches_a_plain_search(text: str, pos: int) -> None:
    from docclean.kinds.codespans import _FENCE, _next_fence

    pos = min(pos, len(text))
    plain, hinted = _FENCE.search(text, pos), _next_fence(text, pos)
    assert (plain and (plain.span(), plain.group(1))) == (hinted and (hinted.span(), hinted.group(1)))

def _sentence_hits(matcher: RepetitionMatcher, doc: Document, shared: bool) -> list[tuple[int, int, str]]:
    hits = matcher.find(doc) if shared else matcher._sentences(doc)
    return [(h.start, h.end, h.args["match"]) for h in hits]


def _sentence_rules() -> list[RepetitionMatcher]:
    rules = [r for r in default_rules().rules if r.kind == "repetition" and r.params["unit"] == "sentence"]
    matchers = [RepetitionMatcher(r) for r in rules]
    for min_len, max_len, ends in ((1, 6, "。！？，、；!?;,"), (2, 12, "。！？!?")):
        data = {"id": "TS010", "name": "t", "category": "duplicate", "kind": "repetition",
                "action": "strip", "safety": "safe", "message": "m", "doc": {"summary": "s"},
                "params": {"unit": "sentence", "min_len": min_len, "max_len": max_len, "ends": ends,
                           "gap": " \u3000\t"}}
        matchers.append(RepetitionMatcher(parse_rule(data)))
    return matchers


SENTENCE_MATCHERS = _sentence_rules()


def test_sentence_rules_share_the_split() -> None:
    ids = {m.rule.id for m in SENTENCE_MATCHERS if m.shared}
    assert {"DU003", "DU004", "DU009"} <= ids
    doc = Document("加强理论学习，加强理论学习，提高政治站位。" * 3)
    for matcher in SENTENCE_MATCHERS:
        list(matcher.find(doc))
    assert sum(1 for key in doc.cache if key[0] == "sentence-candidates") == 1


def test_sentence_lines_find_what_the_whole_scan_finds_on_examples() -> None:
    from docclean.selftest import parse_marked

    texts = [parse_marked(t.text)[0] for m in SENTENCE_MATCHERS for t in m.rule.tests]
    assert len(texts) >= 20
    texts += [
        "甲乙，丙丁，   甲乙，丙丁，完",  # the longest unit of TS010, three gap characters apart
        "甲乙，。甲乙，。", "他说：“好。”，好。”，", "“甲乙丙丁戊己。”\n“甲乙丙丁戊己。”",
        "甲乙丙；丁戊己庚辛壬癸子丑寅；丁戊己庚辛壬癸子丑寅；\r\n",
    ]
    for text in texts:
        for matcher in SENTENCE_MATCHERS:
            assert _sentence_hits(matcher, Document(text), True) == _sentence_hits(matcher, Document(text), False)


CLAUSES = ["甲乙", "丙", "甲乙丙丁戊己", "乙丙丁戊己庚辛", "ab cd", "丁", "x1", "甲乙丙丁戊己庚辛壬癸子丑寅"]
MARKS = ["。", "，", "！", "？", "；", "、", "!", "?", ";", ",", "。。", "？！", "，，", "，。", "、！", "；。"]
CLOSES = ["", "", "", "”", "」", "』", "）", ")", "”」"]
GAPS = ["", "", "", " ", "\u3000", "\t", "  ", "    "]
OTHER = ["\n", "“", "：", "\r\n"]
_ENDING = re.compile("[。，！？；、!?;,]+[”」』）)]*")


@st.composite
def sentence_texts(draw: st.DrawFn) -> str:
    """Clauses with endings, closing quotes and gaps, then stretches ending at an ending written
    again right after (sometimes after a gap, sometimes changed a little), so that doubled units,
    near misses and units of many pieces are frequent."""
    units = st.one_of(st.tuples(st.sampled_from(CLAUSES), st.sampled_from(MARKS), st.sampled_from(CLOSES),
                                st.sampled_from(GAPS)).map("".join), st.sampled_from(OTHER))
    text = "".join(draw(st.lists(units, max_size=12)))
    for _ in range(draw(st.integers(0, 3))):
        ends = [m.end() for m in _ENDING.finditer(text)]
        if not ends:
            break
        j = draw(st.sampled_from(ends))
        i = draw(st.integers(max(0, j - 40), j - 1))
        copy = text[i:j]
        change = draw(st.integers(-1, len(copy) - 1))
        if change >= 0:  # a near miss
            copy = copy[:change] + draw(st.sampled_from(["丙", "，", "", "”"])) + copy[change + 1 :]
        text = text[:j] + draw(st.sampled_from(GAPS)) + copy + text[j:]
    return text


@settings(max_examples=1500, deadline=None)
@given(sentence_texts())
def test_sentence_lines_find_what_the_whole_scan_finds(text: str) -> None:
    for matcher in SENTENCE_MATCHERS:
        assert _sentence_hits(matcher, Document(text), True) == _sentence_hits(matcher, Document(text), False)


@settings(max_examples=500, deadline=None)
@given(sentence_texts(), st.integers(1, 30))
def test_sentence_lines_split_in_small_chunks_find_the_same(text: str, chunk: int) -> None:
    from docclean.kinds import repetition

    saved = repetition._CHUNK
    repetition._CHUNK = chunk  # cut after the first line break past every ``chunk`` characters
    try:
        for matcher in SENTENCE_MATCHERS:
            assert _sentence_hits(matcher, Document(text), True) == _sentence_hits(matcher, Document(text), False)
    finally:
        repetition._CHUNK = saved
