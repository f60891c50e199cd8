"""Held-out reseller phrasings: docclean must catch kinds of junk, not memorised strings.

tests/data/novel-junk*.tsv list lines written for this test only (no rule quotes them):
reseller boilerplate, unfilled placeholders and accidental doubling, each marked ``junk``,
and legitimate lines that look alike, marked ``near``. Every line is placed between paragraphs
of an ordinary work report and the document is cleaned:

- a boilerplate line must be stripped whole;
- every ⟦span⟧ of a placeholder or duplicate line must be overlapped by a finding of its category;
- a near line must come through unchanged, with no finding of the category it resembles.

Run this file as a script to print recall and precision per category.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

import docclean

DATA = Path(__file__).resolve().parent / "data"
# novel-junk.tsv was written first and the rules were then generalised until it passed; each
# later file was written after the previous round of rule changes, with other phrasings, and
# measured as it came before the rules were generalised again.
FILES = ("novel-junk.tsv", "novel-junk-blind.tsv", "novel-junk-blind2.tsv", "novel-junk-blind3.tsv",
         "novel-junk-blind4.tsv", "novel-junk-blind5.tsv", "novel-junk-blind6.tsv",
         "novel-junk-blind7.tsv", "novel-junk-blind8.tsv", "novel-junk-blind9.tsv")
CATEGORIES = ("boilerplate", "placeholder", "duplicate")

TITLE = "星城区社区服务中心年度工作总结"
BEFORE = [
    "今年以来，中心在区委、区政府的坚强领导下，紧紧围绕为民服务这一主线，扎实推进各项重点工作，"
    "较好地完成了年初确定的目标任务。",
    "一是便民服务更加高效。我们优化了办事流程，推行一窗受理、集成服务，群众办事的平均等候时间明显缩短。",
    "二是文化活动更加丰富。中心先后举办了邻里节、读书月和老年书画展等活动，吸引了大批居民踊跃参与。",
]
AFTER = [
    "三是队伍建设更加有力。我们坚持每周开展业务学习，定期组织岗位练兵，工作人员的业务能力和服务水平有了新的提高。",
    "同时也要清醒地看到，工作中还存在一些不足，比如服务手段较为单一，部分设施有待更新。",
    "新的一年，我们将认真总结经验，查找差距，以更加务实的作风推动各项工作再上新台阶。",
]

# Misses left on purpose or for want of an engine change, each with the reason.
KNOWN_MISSES: dict[str, str] = {
    "boilerplate/attribution: 原创作者：文海拾贝（转载请保留）":
        "only the note goes: text before a glued note keeps its line when it has no signal of its own",
    "boilerplate/contact: 简历优化一对一指导 联系VX：jc jianli（中间没有空格）":
        "only the note goes: an id spelled without digits gives the text before the note no signal",
    "duplicate/sentence: The report was submitted on time. The report was submitted on time.":
        "a Latin full stop is not a sentence ending for DU003 (it also marks decimals and abbreviations)",
    "duplicate/latin: 我们引进了一套ERP ERP系统。":
        "a capitalised second copy is taken for a name or title (OLE OLE in a song title)",
    "duplicate/phrase: 要持续深化“放管服”改革“放管服”改革。":
        "engine: a doubled phrase is made of Chinese characters only, quotes inside end it",
    "boilerplate/ad: 专业代写各类公文、讲话稿、总结报告":
        "a line ending in 报告 is taken for a title",
    "duplicate/sentence: 特此通知。特此通知。":
        "a doubled sentence of four characters: DU003 starts at ten and DU004 at six; short cries repeat in dialogue",
    "duplicate/funcword: 他已经提交了了申请材料。":
        "了了 is mostly two words meeting (为了了解, 明了了, 不了了之); a slip cannot be told apart",
    "duplicate/phrase: 数学组组织组织了公开课。":
        "a verb doubled as ABAB: colloquial reduplication (组织组织, 研究研究) looks the same",
    "boilerplate/exam: 2024年教师招聘考试真题及答案解析（完整版）":
        "a title line that names its exam and year: the document's own title looks the same",
    "boilerplate/garbled: m7Kx2Q 9vLpR3 晨曦资料站 tY8wE1":
        "random letter-and-digit tokens: no signal short of a whole-text scan for mixed-case tokens",
    "boilerplate/obfusc: W W W . Y U N F A N P P T . N E T":
        "a URL spread apart letter by letter: unspread reads Chinese characters, not Latin letters",
    "duplicate/funcword: 1\uff0e\u4e0b\u5217\u8bf4\u6cd5\u4e2d\u6b63\u786e\u7684\u662f\u662f\uff08\u3000\u3000\uff09":
        "是是 is as often 是 meeting a word that starts with it (关键是是否…, 这是是非之地, 但是是时候) or s"
        "peech (连声说是是); a slip cannot be told apart by its neighbours",
    "duplicate/word: 在这个这个激动人心的时刻，我们欢聚一堂。":
        "这个这个 is the commonest filler of transcribed speech; a slip looks the same",
    "duplicate/word: 近期我认真学习了党的二十大报告报告精神。":
        "报告报告 also arises where two words meet (本报告报告期内, 年度报告报告了…): not a closed-class word",
    "boilerplate/contact: ➕V：x i n g 🌟 t a n 📚 6 6（备课资料免费领）":
        "an ID spread apart by emoji: unspread reads Chinese characters, not letters between pictographs",
    "boilerplate/watermark: 笔·耕·阁·原·创":
        "a brand's credit spread apart: read, it scores one point short of the margin a spread line needs",
    "boilerplate/banner: 履途简历 · 让HR一眼看中你":
        "a brand name and slogan with no site word: a document title looks the same",
    "placeholder/resume: 姓名：张三  电话：138 0000 0000":
        "a sample name and number look like a filled-in form (张三 is also a real name); the line is taken w"
        "hole for contact boilerplate instead",
    "duplicate/funcword: 感謝各位長期以來的支持與與鼓勵。":
        "與與/与与 is also 與 meeting 與會 (與與會代表交流) or 參與 meeting 與 (參與與否); a slip cannot be "
        "told apart safely",
    "duplicate/word: 我们我们一定不辜负大家的期望。":
        "我们我们 ends one clause and starts the next in unpunctuated text (…他们在前面等我们我们快走…) and "
        "repeats in speech: DU007 leaves pronouns alone",
    "placeholder/mailmerge: 尊敬的«客户姓名»先生/女士：":
        "blind round 8: not caught yet",
    "duplicate/funcword: 要切实做好疫情防控和和安全生产工作。":
        "blind round 8: not caught yet",
    "duplicate/word: 二是加强教师队伍建设建设，提高教师专业水平。":
        "blind round 8: not caught yet",
}




@dataclasses.dataclass
class Item:
    source: str  # the data file
    expect: str  # "junk" or "near"
    category: str
    kind: str
    text: str  # the line(s) without marks
    spans: list[tuple[int, int]]  # marked spans in text (a boilerplate line: the whole of it)

    @property
    def key(self) -> str:
        return f"{self.category}/{self.kind}: {self.text}"


def load_items(name: str) -> list[Item]:
    items = []
    for row in (DATA / name).read_text(encoding="utf-8").splitlines()[1:]:
        if not row.strip():
            continue
        expect, category, kind, raw = row.split("\t")
        raw = raw.replace("\\n", "\n")
        text, spans, pos = "", [], 0
        while "⟦" in raw[pos:]:
            a = raw.index("⟦", pos)
            b = raw.index("⟧", a)
            text += raw[pos:a]
            spans.append((len(text), len(text) + b - a - 1))
            text += raw[a + 1:b]
            pos = b + 1
        text += raw[pos:]
        if expect == "junk" and category == "boilerplate":
            spans = [(0, len(text))]
        items.append(Item(name, expect, category, kind, text, spans))
    return items


ITEMS = [item for name in FILES for item in load_items(name)]


@dataclasses.dataclass
class Outcome:
    item: Item
    caught: bool  # junk: every span is caught; near: left alone
    findings: list[tuple[str, str, bool]]  # (category, text, true) of every finding in the document


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return (a[0] < b[1] and b[0] < a[1]) or a[0] == a[1] == b[0]


def run(item: Item) -> Outcome:
    head = "\n".join([TITLE, *BEFORE]) + "\n"
    text = head + item.text + "\n" + "\n".join(AFTER) + "\n"
    base = len(head)
    spans = [(base + s, base + e) for s, e in item.spans]
    line = (base, base + len(item.text))
    result = docclean.clean(text, max_removal=1.0)
    out_lines = result.text.splitlines()
    context_kept = all(p in out_lines for p in [TITLE, *BEFORE, *AFTER])
    found = []
    for f in result.findings:
        true = (item.expect == "junk" and f.category == item.category
                and any(overlaps((f.start, f.end), s) for s in spans))
        found.append((f.category, f.text, true))
    if item.expect == "near":
        wrong = [f for f in result.findings
                 if f.category == item.category and overlaps((f.start, f.end), line)]
        caught = not wrong and item.text in result.text and context_kept
    elif item.category == "boilerplate":
        stripped = any(f.category == "boilerplate" and f.applied and f.start <= line[0]
                       and f.end >= line[1] for f in result.findings)
        caught = stripped and item.text not in out_lines and context_kept
    else:
        caught = context_kept and all(
            any(f.category == item.category and overlaps((f.start, f.end), s)
                for f in result.findings) for s in spans)
    return Outcome(item, caught, found)


def measure(items: list[Item] = ITEMS) -> tuple[dict[str, dict[str, float]], list[Outcome]]:
    outcomes = [run(item) for item in items]
    table: dict[str, dict[str, float]] = {}
    for cat in CATEGORIES:
        junk = [o for o in outcomes if o.item.expect == "junk" and o.item.category == cat]
        near = [o for o in outcomes if o.item.expect == "near" and o.item.category == cat]
        findings = Counter(true for o in outcomes for c, _t, true in o.findings if c == cat)
        total = findings[True] + findings[False]
        table[cat] = {
            "junk": len(junk),
            "recall": sum(o.caught for o in junk) / len(junk) if junk else 1.0,
            "near": len(near),
            "near kept": sum(o.caught for o in near) / len(near) if near else 1.0,
            "precision": findings[True] / total if total else 1.0,
        }
    return table, outcomes


def test_data_counts() -> None:
    counts = Counter((i.expect, i.category) for i in ITEMS if i.source == FILES[0])
    assert counts["junk", "boilerplate"] >= 150
    assert counts["junk", "placeholder"] >= 80
    assert counts["junk", "duplicate"] >= 60
    assert sum(n for (e, _c), n in counts.items() if e == "near") >= 120
    for item in ITEMS:
        assert item.expect in ("junk", "near") and item.category in CATEGORIES, item
        assert item.expect == "near" or item.spans, item


def test_context_alone_is_clean() -> None:
    text = "\n".join([TITLE, *BEFORE, *AFTER]) + "\n"
    assert not docclean.clean(text).findings


@pytest.mark.parametrize("item", [i for i in ITEMS if i.expect == "junk"], ids=lambda i: i.key)
def test_novel_junk_is_caught(item: Item) -> None:
    outcome = run(item)
    if item.key in KNOWN_MISSES:
        assert not outcome.caught, "caught now: remove it from KNOWN_MISSES"
        pytest.xfail(KNOWN_MISSES[item.key])
    assert outcome.caught, outcome.findings


@pytest.mark.parametrize("item", [i for i in ITEMS if i.expect == "near"], ids=lambda i: i.key)
def test_near_miss_is_left_alone(item: Item) -> None:
    outcome = run(item)
    assert outcome.caught, outcome.findings


def test_no_finding_outside_the_junk() -> None:
    """Precision: a finding of a category touches only junk of that category (near-miss lines
    may carry a finding of another category, such as a placeholder flag in a boilerplate-like
    line, and the test above checks those)."""
    _table, outcomes = measure()
    stray = [(o.item.key, c, t) for o in outcomes for c, t, true in o.findings
             if not true and c in CATEGORIES and not (o.item.expect == "near" and c != o.item.category)]
    assert stray == []


def report(name: str) -> None:
    table, outcomes = measure([i for i in ITEMS if i.source == name])
    print(name)
    print(f"{'category':<12} {'junk':>5} {'recall':>7} {'near':>5} {'kept':>6} {'precision':>9}")
    for cat, row in table.items():
        print(f"{cat:<12} {row['junk']:>5.0f} {row['recall']:>7.3f} {row['near']:>5.0f} "
              f"{row['near kept']:>6.3f} {row['precision']:>9.3f}")
    for o in outcomes:
        if not o.caught:
            print(("missed  " if o.item.expect == "junk" else "touched ") + o.item.key.replace("\n", "⏎"),
                  [(c, t) for c, t, _ in o.findings])


if __name__ == "__main__":
    for name in FILES:
        report(name)
