"""Kind ``repeated-tail`` (BP009): one note glued to the end of several different lines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import docclean

PARAS = [
    "今年以来，中心扎实推进各项重点工作，取得了明显成效。",
    "新的一年，我们将认真总结经验，查找差距。",
    "各项任务均已落实到位，群众满意度持续提升。",
    "加强组织领导，压实工作责任。",
]


def notes(text: str) -> list[str]:
    return [f.text for f in docclean.clean(text, select=["BP009"]).findings]


def test_a_note_after_three_different_lines_is_flagged_not_removed() -> None:
    text = "".join(p + "（直接套用👍）\n" for p in PARAS[:3]) + PARAS[3] + "\n"
    result = docclean.clean(text, select=["BP009"])
    assert [f.text for f in result.findings] == ["（直接套用👍）"] * 3
    assert all(not f.applied and f.action == "flag" for f in result.findings)
    assert result.text == text


def test_digits_are_folded_and_the_longest_repeated_note_is_reported() -> None:
    text = "\n".join([PARAS[0] + "（图1）◆金币+5", PARAS[1] + "◆金币+12", PARAS[2] + "◆金币+300"]) + "\n"
    assert notes(text) == ["◆金币+5", "◆金币+12", "◆金币+300"]


def test_the_same_line_repeated_is_not_a_glued_note() -> None:
    """Three copies of one line give one host text: a watermark line is BP004's, not this."""
    text = (PARAS[0] + "✨✨\n") * 3
    assert notes(text) == []


def test_hosts_without_chinese_do_not_count() -> None:
    text = "alpha ✨✨\nbeta ✨✨\ngamma ✨✨\n"
    assert notes(text) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PARAS), min_size=0, max_size=6),
       st.text(alphabet="（）【】✨~金币码住抄0123 ！", min_size=1, max_size=8))
def test_flags_cover_only_line_ends(hosts: list[str], note: str) -> None:
    text = "".join(h + note + "\n" for h in hosts)
    for f in docclean.clean(text, select=["BP009"]).findings:
        assert text[f.start : f.end] == f.text
        assert text[f.end :].split("\n", 1)[0].strip() == ""  # only white space after it
        assert 0 < f.start < f.end <= len(text)


def test_notes_that_differ_only_in_an_account_or_a_site_name_are_one_note() -> None:
    text = "\n".join([PARAS[0] + "（标书代写：wx2093）", PARAS[1] + "（标书代写：gw7713）",
                      PARAS[2] + "（标书代写：fw51884）", PARAS[3] + "（资料来自阳光家长圈）"]) + "\n"
    assert notes(text) == ["（标书代写：wx2093）", "（标书代写：gw7713）", "（标书代写：fw51884）"]
    names = ["阳光家长圈", "小树苗学习群", "满天星家校站"]
    sites = "\n".join(p + f"（资料来自{s}）" for p, s in zip(PARAS[:3], names, strict=True))
    assert notes(sites + "\n") == ["（资料来自阳光家长圈）", "（资料来自小树苗学习群）", "（资料来自满天星家校站）"]


def test_short_notes_with_different_words_stay_apart() -> None:
    words = ["（注：以当地为准）", "（注：按实际填写）", "（注：参见附件）"]
    text = "\n".join(p + n for p, n in zip(PARAS[:3], words, strict=True)) + "\n"
    assert notes(text) == []


def test_a_note_that_recurs_after_prose_is_flagged_after_a_heading_and_code_too() -> None:
    """Headings and code are no evidence, but the note the prose lines prove is the same insert."""
    body = "".join(p + "（收到请回复1）\n" for p in PARAS[:3])
    text = body + "## 第八章 附则（收到请回复2）\n```js\nconst a = 1;（收到请回复3）\n```\n"
    assert notes(text) == ["（收到请回复1）"] * 3 + ["（收到请回复2）", "（收到请回复3）"]


def test_headings_and_code_alone_do_not_make_a_note_recur() -> None:
    text = "## 类装饰器（新语法）\n## 方法装饰器（新语法）\n```js\nlet x = 1;（新语法）\n```\n"
    text += PARAS[0] + "（新语法）\n"
    assert notes(text) == []


def test_a_worded_note_counts_after_two_lines_a_short_mark_needs_three() -> None:
    worded = PARAS[0] + "（这段直播讲过，回放第3分钟）\n" + PARAS[1] + "（这段直播讲过，回放第5分钟）\n"
    worded += PARAS[2] + "\n"
    assert notes(worded) == ["（这段直播讲过，回放第3分钟）", "（这段直播讲过，回放第5分钟）"]
    short = PARAS[0] + "（上）\n" + PARAS[1] + "（上）\n" + PARAS[2] + "\n"
    assert notes(short) == []
    unclosed = PARAS[0] + "（最高人民法院关于\n" + PARAS[1] + "（最高人民法院关于\n"
    assert notes(unclosed) == []


def test_an_ascii_bracket_glued_to_a_word_is_code_not_a_note() -> None:
    lines = ["print(f'可用设备 {len(devices)}')", "print(f'训练设备 {len(devices)}')",
             "print(f'测试设备 {len(devices)}')"]
    assert notes("\n".join(lines) + "\n") == []


def test_notes_that_share_a_frame_are_counted_together_and_report_the_group_count() -> None:
    names = ["智写喵", "妙笔AI", "千字秒出"]
    text = "".join(p + f"〔由{n}续写〕\n" for p, n in zip(PARAS[:3], names, strict=True)) + PARAS[3] + "\n"
    found = docclean.clean(text, select=["BP009"]).findings
    assert [f.text for f in found] == [f"〔由{n}续写〕" for n in names]
    assert all("3 different lines" in f.message for f in found)
    # two of them are not enough, however many Chinese characters they hold
    assert notes("".join(p + f"〔由{n}续写〕\n" for p, n in zip(PARAS[:2], names[:2], strict=True))) == []


def test_a_wide_note_after_code_counts_but_one_after_a_comment_does_not() -> None:
    prose = PARAS[0] + "【会员限定】\n"
    plain = "```js\nconst a = [];【会员限定】\nlet b = 1;【会员限定】\n```\n"
    commented = "```js\nconst a = []; // 数组【会员限定】\nlet b = 1; //【会员限定】\n```\n"
    assert notes(prose + plain) == ["【会员限定】"] * 3
    assert notes(prose + commented) == []
