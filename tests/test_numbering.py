"""Document-level behaviour of the numbering rules."""

from __future__ import annotations

from pathlib import Path

import pytest

import docclean

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "examples" / "seed" / "report.txt"


def _numbering(text: str) -> list[tuple[int, str, str | None]]:
    result = docclean.clean(text, max_removal=1.0)
    return [(f.line, f.text, f.suggestion) for f in result.findings if f.category == "numbering"]


def test_full_hierarchy_restarts_under_each_parent() -> None:
    text = ("一、总体要求\n（一）指导思想\n1. 坚持党的领导\n（1）提高站位\n①加强学习\n②强化落实\n"
            "（2）科学防控\n2. 坚持人民至上\n（二）基本原则\n1. 统筹兼顾\n二、主要任务\n"
            "（一）推进改革。一是深化改革，二是扩大开放；三是稳外贸。\n"
            "（二）保障措施\n一是加强领导。\n二是强化督导。\n")
    assert _numbering(text) == []


def test_repeat_skip_and_wrong_start_are_reported_with_suggestions() -> None:
    text = ("一、总体要求\n（一）指导思想\n（三）基本原则\n二、主要任务\n（二）推进改革\n"
            "三、保障措施\n三、组织实施\n"
            "（一）加强领导。一是提高站位，二是科学防控，二是做好排查。\n")
    assert _numbering(text) == [(3, "（三）", "（二）"), (5, "（二）", "（一）"), (7, "三、", "四、"),
                                (8, "二是", "三是")]


def test_law_articles_run_on_across_chapters_and_joined_laws_restart() -> None:
    text = ("第一章 总则\n第一条 目的\n第二条 范围\n第二章 管理\n第一节 一般规定\n第三条 职责\n"
            "第二节 程序\n第四条 程序\n第三章 附则\n第五条 施行\n"
            "第一章 总则\n第一条 目的\n第二条 范围\n第二条 施行\n")
    assert _numbering(text) == [(14, "第二条", "第三条")]


def test_markdown_lists_may_restart() -> None:
    text = ("1. 安装\n2. 配置\n\n说明文字。\n\n1. 运行\n1. 调用方法装饰器。\n1. 调用类装饰器。\n"
            "3.141 是圆周率\n")
    assert _numbering(text) == []


def test_nested_markdown_lists_are_levels_of_their_own() -> None:
    text = "1. 安装\n   1. 下载\n   2. 解压\n2. 配置\n   1. 修改文件\n   2. 重启\n3. 运行\n"
    assert _numbering(text) == []
    assert _numbering(text.replace("   2. 重启", "   3. 重启")) == [(6, "3.", "2.")]


def test_items_inside_lines_and_items_under_articles() -> None:
    text = ("1．背叛国家罪 2．分裂国家罪 3．武装叛乱罪\n4．投敌叛变罪\n"
            "第三十条 设置招牌应当符合下列要求：\n（一）安全\n（二）美观\n"
            "第三十一条 大型设施应当检测：（一）台风前；（二）暴雨前；\n（三）其他情形。\n")
    assert _numbering(text) == []


def test_numbers_inside_a_quoted_article_do_not_count() -> None:
    text = ("一、对第二条作如下修改：\n1.将第一款修改为：“人民法院管辖下列案件：\n"
            "1.专利纠纷案件；\n2.商标纠纷案件；\n3.其他案件。”\n2.删除第三条。\n二、本决定自公布之日起施行。\n")
    assert _numbering(text) == []


def test_numbered_through_the_document_is_fine() -> None:
    text = "一、总则\n1. 问题一\n2. 问题二\n二、细则\n3. 问题三\n4. 问题四\n"
    assert _numbering(text) == []


@pytest.mark.skipif(not SEED.is_file(), reason="seed example not available")
def test_seed_report_has_exactly_one_numbering_finding() -> None:
    result = docclean.clean(SEED.read_text(encoding="utf-8"))
    found = [(f.line, f.column, f.text, f.suggestion) for f in result.findings
             if f.category == "numbering"]
    assert found == [(40, 1, "四、", "五、")]


def test_numbering_is_judged_after_fixes_that_repair_a_number() -> None:
    """A doubled article number that DU001 repairs must not make the next article look skipped;
    a real repeat next to a stripped line is still reported at its place in the input."""
    repaired = "第二百二十二条 甲。\n第二百二十三条二百二十三条 乙。\n第二百二十四条 丙。\n"
    result = docclean.clean(repaired, max_removal=1.0)
    assert [f.rule for f in result.findings] == ["DU001"]
    repeat = "一、总体要求\n二、主要任务\n仅供学习 禁止外传\n二、保障措施\n"
    result = docclean.clean(repeat, max_removal=1.0)
    numbering = [(f.line, f.column, f.text, f.suggestion) for f in result.findings if f.category == "numbering"]
    assert numbering == [(4, 1, "二、", "三、")]


@pytest.mark.parametrize("first", ["一、总体要求\n", "　　一、总体要求\n", "一、总体要求\r\n"])
def test_a_heading_on_the_first_line_counts(first: str) -> None:
    """The first line has no break before it; its heading still counts, so 三、 skips 二、 (a
    document that starts at 三、 is an excerpt and is not reported)."""
    text = first + "三、主要任务\n四、保障措施\n"
    result = docclean.clean(text, max_removal=1.0)
    found = [(f.line, f.start, f.end, f.suggestion) for f in result.findings if f.category == "numbering"]
    at = text.index("三、")
    assert found == [(2, at, at + 2, "二、")]


@pytest.mark.parametrize(("numbers", "reported"), [
    ("一二二四五", [(3, "二、", "三、")]),  # the second 二、 stands for 三、
    ("一二四四五", [(3, "四、", "三、")]),  # the first 四、 stands for 三、
    ("一二二三四", [(3, "二、", "三、")]),  # an extra section: the rest runs on from 二、
    ("一二四五六", [(3, "四、", "三、")]),  # a skip: the rest runs on from 四、
    ("一二二五六", [(3, "二、", "三、"), (4, "五、", "三、")]),  # two slips
])
def test_a_slip_of_one_number_is_reported_once(numbers: str, reported: list[tuple[int, str, str]]) -> None:
    text = "".join(f"{n}、第{k}部分\n" for k, n in enumerate(numbers, 1))
    assert _numbering(text) == reported
