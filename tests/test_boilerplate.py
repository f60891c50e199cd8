"""Document-level checks of the boilerplate rules: real reseller lines go, real text stays."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

import docclean

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT.parent / "shared" / "corpus" / "boilerplate-wild.tsv"
CLEAN = ROOT.parent / "shared" / "corpus" / "clean"

# A short document of our own: a title, headings and paragraphs.
DOC = [
    "关于进一步加强安全生产工作的实施意见",
    "为深入贯彻落实上级关于安全生产工作的决策部署，切实防范化解重大安全风险，结合本地实际，提出如下意见。",
    "一、总体要求",
    "坚持人民至上、生命至上，统筹发展和安全，压实各方责任，全面提升本质安全水平。",
    "二、重点任务",
    "各地要建立健全隐患排查治理体系，定期开展专项检查，对发现的问题实行清单化管理、闭环式整改。",
    "三、保障措施",
    "加强组织领导，强化督导考核，确保各项任务落到实处。",
]
BODY = "\n".join(DOC) + "\n"


def clean(text: str) -> str:
    return docclean.clean(text, max_removal=1.0).text


def kept(line: str, out: str) -> bool:
    return any(line.strip() == o.strip() for o in out.splitlines())


def wild_rows() -> list[tuple[str, str, str]]:
    if not WILD.is_file():
        pytest.skip("boilerplate-wild.tsv is not available")
    rows = []
    for row in WILD.read_text(encoding="utf-8").splitlines()[1:]:
        line, kind, source = ([*row.split("\t"), "", ""])[:3]
        if line.strip():
            rows.append((line, kind, source))
    return rows


def test_wild_lines_alone_at_head_or_tail_are_stripped() -> None:
    rows = wild_rows()
    missed = []
    for line, _kind, _source in rows:
        for text in (line + "\n" + BODY, BODY + line + "\n"):
            out = clean(text)
            assert all(kept(d, out) for d in DOC), f"real text lost next to {line!r}"
            if kept(line, out):
                missed.append(line)
    # A few reseller lines say nothing reseller-specific on their own ("自建平台、实时分享");
    # they are caught inside a block of other reseller lines (next test), not alone.
    assert len(missed) <= 0.08 * 2 * len(rows), missed


def test_wild_lines_in_their_own_block_are_stripped() -> None:
    by_source: dict[str, list[str]] = defaultdict(list)
    for line, _kind, source in wild_rows():
        by_source[source].append(line)
    missed, total = [], 0
    for lines in by_source.values():
        block = "\n".join(lines) + "\n"
        for text in (block + "\n" + BODY, BODY + "\n" + block):
            out = clean(text)
            assert all(kept(d, out) for d in DOC), f"real text lost next to {lines!r}"
            total += len(lines)
            missed += [line for line in lines if kept(line, out)]
    assert len(missed) <= 0.02 * total, missed


def test_wild_watermarks_repeated_between_paragraphs_are_stripped() -> None:
    rows = [(line, kind) for line, kind, _ in wild_rows() if kind in ("watermark", "header-footer")]
    missed = []
    for line, _kind in rows:
        text = "\n".join([*DOC[:3], line, *DOC[3:6], line, *DOC[6:]]) + "\n"
        out = clean(text)
        assert all(kept(d, out) for d in DOC), f"real text lost next to {line!r}"
        if kept(line, out):
            missed.append(line)
    assert not missed, missed


@pytest.mark.parametrize("ad", [
    "（本文由墨香书屋整理）",
    "【更多资料关注公众号：笔耕文苑】",
    "（word版可编辑）",
    "（下载后可编辑）",
    "（图片来源于网络，侵删）",
    "（关注微信fw2024获取更多）",
    "【转载请注明出处】",
])
def test_an_ad_glued_to_a_paragraph_goes_and_the_paragraph_stays(ad: str) -> None:
    text = "\n".join([*DOC[:3], DOC[3] + ad, *DOC[4:]]) + "\n"
    assert clean(text) == BODY


def test_repeated_source_notes_go() -> None:
    notes = [*DOC[:3], DOC[3] + "（墨香书屋整理）", DOC[4], DOC[5] + "（来源：墨香书屋）", *DOC[6:]]
    text = "\n".join(notes) + "\n"
    assert clean(text) == BODY


@pytest.mark.parametrize("sentence", [
    "犯罪嫌疑人通过微信向被害人转账2万元，后又通过QQ联系被害人索要财物。",
    "各单位要通过微信公众号、QQ群等渠道及时发布政策解读，扩大宣传覆盖面。",
    "会员代表大会每五年召开一次，会员享有选举权、被选举权和表决权。",
    "侵权人应当承担停止侵害、赔偿损失等民事责任，如有侵权行为，权利人可以向人民法院起诉。",
    "本网站所载内容仅供参考，具体以正式文件为准。",
    "请各单位于5月10日前报送材料，联系人：王磊　联系电话：0371-65512345",
    "游客可以免费领取景区导览图，扫码即可收听讲解。",
    "同志们，今天的会议很重要。（根据录音整理）",
    "数据来源于国家统计局网站，部分数据经过四舍五入处理。",
    "消费者多次要求网店退款无果，遂向市场监管部门投诉。",
    "学生每天阅读打卡，连续打卡满30天可获得阅读之星称号。",
    "申请人积分达到规定分值的，可以申请办理落户。",
    "报名工作火热进行中，报名咨询请致电学校招生办：0371-65512345。",
    "文件编号：QT-HR-002　版本：V2.0　发放范围：全体员工",
    "学院主页设有招生专栏，考生可登录查询录取结果。",
])
def test_legitimate_sentences_survive(sentence: str) -> None:
    for text in (sentence + "\n" + BODY, BODY + sentence + "\n",
                 "\n".join([*DOC[:4], sentence, *DOC[4:]]) + "\n"):
        assert clean(text) == text


def test_a_notice_keeps_its_own_contact_block() -> None:
    text = BODY + "联系人：王磊\n联系电话：0371-65512345\n电子邮箱：wanglei@example.gov.cn\n"
    assert clean(text) == text


def test_the_clean_corpus_loses_no_boilerplate() -> None:
    if not CLEAN.is_dir():
        pytest.skip("the clean corpus is not available")
    found = []
    for path in sorted(CLEAN.glob("*.txt")):
        text = path.read_text(encoding="utf-8")[:120_000]
        result = docclean.clean(text, max_removal=1.0)
        found += [f"{path.name}:{f.line}: {f.message}" for f in result.findings
                  if f.category == "boilerplate" and not _download_page_mark(path.name, f)
                  and not _lone_note(path.name, f)]
    assert not found, "\n".join(found[:20])


def _download_page_mark(name: str, finding: docclean.Finding) -> bool:
    """The page marks a txt download site left in the copy of 呐喊 (_分节阅读_1 ...): reported as
    a repeated stamp, never removed (see test_clean_corpus)."""
    return (name == "literature-luxun-nahan.txt" and finding.rule == "BP010" and not finding.applied
            and finding.text.startswith("_分节阅读_"))


def _lone_note(name: str, finding: docclean.Finding) -> bool:
    """A dash that goes on with 鲁迅's story, which BP012 reports as a lone note after a sentence for
    a person to judge and never removes (listed in test_clean_corpus)."""
    return (name, finding.rule, finding.text, finding.applied) == (
        "literature-luxun-nahan.txt", "BP012", "——你仍旧只是", False)


PROSE = [
    "今年以来，我们坚持稳中求进工作总基调，各项工作取得了新的进展。",
    "社区组织志愿者开展了环境整治活动，居民的参与热情很高。",
    "县妇联牵头组织代理妈妈看望山乡结对贫困学生",
    "Results are reported for each configuration in the table below.",
]
CALLS = [
    "↓↓↓下载word可编辑版本请点击下方链接↓↓↓",
    "☛完整资料包可在星海素材网免费领取，点这里直达 xinghai88.com",
    "👉戳这里获取更多精品范文：www.wenmi365.cn",
    "★下载完整版请访问 www.qinghefanwen.com★",
    "【更多资料加VX：wenmi2024】",
]


@pytest.mark.parametrize("call", CALLS)
def test_a_call_glued_to_prose_costs_only_the_call(call: str) -> None:
    """Calls in phrasings no rule lists: the paragraph they are glued to is never lost whole."""
    for prose in PROSE:
        text = "前言。\n\n" + prose + call + "\n\n后记。\n"
        out = clean(text)
        assert prose in out, (prose, call)
        assert call not in out, (prose, call)
    # A numbered heading never scores as a reseller line: the call stays, and so does the heading.
    heading = "（二）完善服务机制，做到件件有回音、事事有着落。"
    assert heading in clean("前言。\n\n" + heading + call + "\n\n后记。\n")


SHORT_HOSTS = [
    "又诗曰：",
    "闪击英雄：古德里安",
    "7. 国内联播快讯：",
    "```bash",
    "}, false);",
    "＊＊＊＊＊",
    "世纪宝宝（图片）",
]
GLUED_NOTES = [
    "——松岚范文馆原创，转载请注明出处",
    "（更多资料加微：wx20245）",
    "——本资料由青禾文库收集整理",
    "【好评返现2元】",
    "（拍下即发，青柠文具铺）",
    "【签到+5积分】",
    "更多精彩内容请访问青禾文摘网节日频道",
    "…… 展开全文∨",
]


@pytest.mark.parametrize("note", GLUED_NOTES)
def test_a_note_glued_to_a_short_line_costs_only_the_note(note: str) -> None:
    """A headline, a verse's lead-in, a numbered item or a code line too short to be prose keeps
    its own text when a reseller's note is glued to it."""
    for host in SHORT_HOSTS:
        text = BODY + host + note + "\n" + BODY
        out = clean(text)
        assert out == BODY + host + "\n" + BODY, (host, note)


def test_a_line_that_is_junk_throughout_goes_whole() -> None:
    """No cut where the text before the note is junk itself or a signal spans the cut."""
    for line in ("☆☆☆ 2024新版 ☆ 独家首发 ☆☆☆", "★松岚学堂★ 周五晚直播课开讲",
                 "QQ群：31415926（备注：资料）", "— 5 — 星河文档网精品资料"):
        text = BODY + line + "\n" + BODY
        assert clean(text) == BODY + BODY, line


def test_of_two_notes_after_prose_only_the_ad_goes() -> None:
    dateline = "首都各界群众在天安门广场欢庆新世纪的到来。（本报北京1月1日电）"
    for ad in ("→更多范文请访问 www.xinghe88.com", "（更多资料加微：wx20245）", "——松岚范文馆原创，转载请注明出处"):
        assert clean(BODY + dateline + ad + "\n") == BODY + dateline + "\n", ad


def test_one_source_note_of_another_kind_survives_repeated_notes() -> None:
    lines = [DOC[0], DOC[1] + "（转自知乎）", DOC[2], DOC[3] + "（来源：墨香书屋）", DOC[4],
             DOC[5] + "（来源：听雨书屋）", *DOC[6:]]
    expected = [DOC[0], DOC[1] + "（转自知乎）", *DOC[2:]]
    assert clean("\n".join(lines) + "\n") == "\n".join(expected) + "\n"


# A paragraph longer than BP001's max_len (320 characters), with a weak signal (a name joined by
# a middle dot, like a site menu) early in its first sentence.
LONG_PARAGRAPH = (
    "李·卫东，全名李·卫东·安德森，是一位长期从事湿地保护研究的生态学者，早年毕业于南方一所农业大学，"
    "后赴海外攻读博士学位。回国后，他先后在三个省份的自然保护区工作，主持完成了候鸟迁徙通道监测、"
    "红树林恢复、滨海湿地退化评估等十余项课题，提出的分区修复方法被多地采用。二〇一五年起，他带领团队"
    "在河口地区建立长期观测样地，连续记录水文、植被和鸟类数据，为保护区调整功能分区提供了依据。"
    "他还编写了面向基层护林员的培训教材，组织开展了数十场野外识别培训，带出了一支能够独立完成调查任务的"
    "骨干队伍。在他的推动下，当地成立了湿地保护志愿者协会，吸引了大批高校学生和退休职工参与日常巡护和科普宣传。"
    "谈到今后的工作，他表示将继续扎根一线，把论文写在祖国的大地上，为子孙后代留下更多绿水青山。"
)
# the same paragraph cut after its third sentence: under max_len, but long enough that its
# length guards keep the whole line below the threshold
SHORTER_PARAGRAPH = LONG_PARAGRAPH[: LONG_PARAGRAPH.index("。", 150) + 1]


@pytest.mark.parametrize("paragraph", [LONG_PARAGRAPH, SHORTER_PARAGRAPH])
@pytest.mark.parametrize("ad", [
    "本资料可编辑修改，欢迎下载收藏！",
    "需要完整版的朋友请加威信：abc_2024",
    "更多精品范文请关注公众号：笔耕文苑",
])
def test_an_ad_appended_to_a_long_paragraph_goes_and_the_paragraph_stays(paragraph: str, ad: str) -> None:
    assert len(LONG_PARAGRAPH) > 320 > len(SHORTER_PARAGRAPH) > 150
    text = f"{paragraph}{ad}\n下一段正文。\n"
    assert clean(text) == f"{paragraph}\n下一段正文。\n"


@pytest.mark.parametrize("paragraph", [LONG_PARAGRAPH, SHORTER_PARAGRAPH])
def test_a_long_paragraph_without_an_ad_is_kept_whole(paragraph: str) -> None:
    text = f"{paragraph}\n下一段正文。\n"
    assert clean(text) == text


@pytest.mark.parametrize("note", [
    "——青杉图文整理排版",
    "（此页由青杉图文代印）",
    "【复印打印就找青杉图文，楼下即送】",
    "（完整解析在刷题小程序里）",
    "（群文件里有原稿）",
])
def test_a_print_shop_or_group_note_goes_in_a_long_document(note: str) -> None:
    # long enough that only the lines the rule's gate admits are scanned
    body = "\n".join(DOC * 90) + "\n"
    assert len(body) > 1 << 14
    lines = body.split("\n")
    lines[5] += note
    assert clean("\n".join(lines)) == body


def test_a_note_set_off_by_spaces_after_a_sentence_goes_with_its_spaces() -> None:
    prose = "今年以来，中心扎实推进各项重点工作，取得明显成效。"
    short = prose + "   星河资料网整理\n"
    long = prose + "   本文由星河资料网整理，更多资料请关注公众号星河资料，每日更新各类范文，欢迎下载使用\n"
    for text in (short, long):
        result = docclean.clean(text, max_removal=1.0)
        assert result.text == prose + "\n"
        assert [f.text.lstrip() for f in result.findings] == [text[len(prose):].strip()]


# titles and salutations in a document's own shapes (a kind of document, a Markdown heading, the
# addressees); a short line of no such shape before the first reseller line is taken as the site's
# name (see BP002's doc)
TITLES = ["年度工作总结", "关于加强安全生产工作的通知", "# 公安机关办理刑事案件程序规定",
          "尊敬的各位领导：", "各单位、各部门："]


@pytest.mark.parametrize("title", TITLES)
def test_a_title_before_a_reseller_block_stays(title: str) -> None:
    """Reseller lines right after a document's first line go; the first line stays (the head
    block once took everything before its first line as blank lines, and a salutation as the
    site's name)."""
    body = ("今年以来，我们认真落实各项部署，较好完成了全年目标任务。\n"
            "一、主要工作\n全年共完成各项任务，群众满意度明显提升。\n")
    text = f"{title}\n更多资料请加微信：cd67890\n仅供学习交流使用，请勿外传\n{body}"
    assert docclean.clean(text, max_removal=1.0).text == f"{title}\n{body}"


def test_blank_lines_before_a_head_block_go_with_it() -> None:
    body = "年度工作总结\n今年以来，我们认真落实各项部署，较好完成了全年目标任务。\n一、主要工作\n全年共完成任务。\n"
    assert docclean.clean("\n\n更多资料请加微信：cd67890\n" + body, max_removal=1.0).text == body


# a document's own short lines: attachments, copy-to, subject words, publication and end notes, a
# report's closing request, a contact of its own, a date, the issuing body, a signature
OWN_SHORT_LINES = ["附件：1.工作台账", "联系人：王磊　联系电话：0371-65512345", "（此件公开发布）", "抄送：市委办公室",
                   "2024年12月31日", "某某县人民政府办公室", "主题词：安全生产 通知", "来源：新华社", "（完）",
                   "Thank you.", "汇报人：张三", "以上报告，请审议。", "二〇二四年十二月"]
_BODY = ("今年以来，我们认真落实各项部署，较好完成了全年目标任务，群众满意度明显提升。\n一、主要工作\n"
         "全年共完成各项任务，服务质量稳步提高，各项指标均达到预期。\n二、存在问题\n服务方式还不够多样，队伍专业化水平有待提高。\n")
_ADS = "更多资料请加微信：cd67890\n仅供学习交流使用，请勿外传\n"
LAYOUTS = {
    "before the tail block": lambda own: f"{_BODY}{own}\n{_ADS}",
    "after the tail block": lambda own: f"{_BODY}{_ADS}{own}\n",
    "inside the tail block": lambda own: f"{_BODY}{_ADS.replace(chr(10), chr(10) + own + chr(10), 1)}",
    "before the head block": lambda own: f"{own}\n{_ADS}{_BODY}",
    "inside the head block": lambda own: f"{_ADS.replace(chr(10), chr(10) + own + chr(10), 1)}{_BODY}",
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("own", OWN_SHORT_LINES)
def test_a_documents_own_short_line_next_to_reseller_lines_stays(own: str, layout: str) -> None:
    """Head and tail blocks take the reseller lines around a document's own short line, never the
    line itself."""
    result = docclean.clean(LAYOUTS[layout](own), max_removal=1.0)
    assert result.text.replace("\n\n", "\n") == LAYOUTS[layout](own).replace(_ADS, "").replace(
        "更多资料请加微信：cd67890\n", "").replace("仅供学习交流使用，请勿外传\n", "").replace("\n\n", "\n")
