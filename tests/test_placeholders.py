"""Placeholder rules on whole documents: what is flagged, how, and what stays quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

import docclean
from docclean.model import Action, Severity

REPO_ROOT = Path(__file__).resolve().parents[1]
CLEAN_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "clean"
RULES = docclean.load_rules()

TEMPLATE = """\
XX市XX区人民政府办公室
关于开展20XX年度安全生产大检查的通知

各街道办事处、区直各单位：
为切实做好安全生产工作，区政府定于20XX年X月X日召开动员会。现将有关事项通知如下：
一、今年以来，全区共排查企业X家、发现隐患XX处，整改完成率达XX%。
二、请×××同志负责协调，某某公司负责后勤保障。
三、第X届安全生产月活动在X科技园举行，会上将观看《X》警示教育片。
四、联系人：＿＿＿＿＿＿  联系电话：[填写联系电话]
五、会议地点：待定
尊敬的{{单位名称}}：请于${截止日期}前报送材料。
Lorem ipsum dolor sit amet, consectetur adipiscing elit.
开展“    ”主题活动，参加人数（    ）人。
"""

# (text of the finding, rule, word in the message that names the kind of slot)
EXPECTED = [
    ("XX", "PH001", "name"),
    ("XX", "PH001", "name"),
    ("20XX年", "PH002", "date"),
    ("20XX年X月X日", "PH002", "date"),
    ("X", "PH004", "number"),
    ("XX", "PH004", "number"),
    ("XX", "PH004", "number"),
    ("×××", "PH001", "name"),
    ("某某", "PH003", "name"),
    ("X", "PH004", "number"),
    ("X", "PH005", "name"),
    ("X", "PH001", "name"),
    ("＿＿＿＿＿＿", "PH006", "blank"),
    ("[填写联系电话]", "PH008", "prompt"),
    ("待定", "PH011", "prompt"),
    ("{{单位名称}}", "PH009", "prompt"),
    ("${截止日期}", "PH009", "prompt"),
    ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "PH010", "prompt"),
    ("“    ”", "PH007", "blank"),
    ("（    ）", "PH007", "blank"),
]


def placeholders(text: str, **kwargs: object) -> list[docclean.Finding]:
    result = docclean.clean(text, **kwargs)  # type: ignore[arg-type]
    return [f for f in result.findings if f.category == "placeholder"]


def test_a_template_reports_every_placeholder_in_order() -> None:
    found = placeholders(TEMPLATE)
    assert [(f.text, f.rule) for f in found] == [(t, r) for t, r, _ in EXPECTED]


def test_each_message_names_the_kind_of_slot() -> None:
    for f, (_, _, slot) in zip(placeholders(TEMPLATE), EXPECTED, strict=True):
        assert slot in f.message, f.message
        assert f.text in f.message or f.rule == "PH010"  # filler text is shortened in the message


def test_placeholders_are_flagged_never_removed() -> None:
    result = docclean.clean(TEMPLATE)
    assert result.text == TEMPLATE
    for f in result.findings:
        if f.category == "placeholder":
            assert f.action is Action.FLAG and not f.applied and f.replacement is None


def test_every_placeholder_rule_flags() -> None:
    rules = [r for r in RULES.rules if r.category == "placeholder"]
    assert {r.id for r in rules} >= {f"PH{n:03d}" for n in range(1, 14)}
    assert all(r.action is Action.FLAG for r in rules)


def test_severity_follows_certainty() -> None:
    by_id = {f.rule: f.severity for f in placeholders(TEMPLATE)}
    assert by_id["PH009"] is Severity.ERROR  # {{ }} can only be an unfilled field
    assert by_id["PH010"] is Severity.ERROR  # Lorem ipsum
    assert by_id["PH008"] is Severity.ERROR  # a prompt printed as content
    assert by_id["PH003"] is Severity.WARNING  # 某某 can be deliberate
    assert by_id["PH001"] is Severity.WARNING


FILLED = [
    ("XX市XX区", "洛阳市西工区"), ("20XX年度", "2024年度"), ("20XX年X月X日", "2024年5月8日"),
    ("企业X家", "企业36家"), ("隐患XX处", "隐患12处"), ("XX%", "85%"), ("×××同志", "王强同志"),
    ("某某公司", "宏达公司"), ("第X届", "第23届"), ("X科技园", "洛阳科技园"), ("《X》", "《警钟》"),
    ("＿＿＿＿＿＿", "李明"), ("[填写联系电话]", "0379-63351234"), ("待定", "区政府三楼会议室"),
    ("{{单位名称}}", "各单位"), ("${截止日期}", "5月20日"),
    ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "特此通知。"),
    ("“    ”", "“安全生产月”"), ("（    ）", "（320）"),
]


def test_a_finished_version_of_the_template_is_quiet() -> None:
    finished = TEMPLATE
    for blank, value in FILLED:
        assert blank in finished
        finished = finished.replace(blank, value)
    assert placeholders(finished) == []


TECH_DOC = """\
# 多头注意力

给定查询、键和值，我们把输入X的形状变换为(batch_size, num_steps)。设$\\mathbf{X}_1$为第一个矩阵，
形状为$a\\times b$，x轴表示时间步，X光与X射线无关。

```python
def transpose_qkv(X, num_heads):
    # 输入X的形状:(batch_size，查询的个数，num_hiddens)
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)
    return npx.softmax(X)
```

模板字符串写作`${name}`，Vue的插值写作`{{ message }}`；`List<T>`是泛型。

- [ ] 补充实验
- [x] 完成初稿

```js
const s = `Hello ${name}, you are visitor ${count}`;
// TODO: cache the result
```
"""


def test_technical_markdown_and_code_stay_quiet() -> None:
    assert placeholders(TECH_DOC) == []


def test_chinese_prose_in_a_code_comment_still_counts() -> None:
    doc = "```javascript\n// 将XX号位复制到0号位\n[1, 2, 3].copyWithin(0, 3)\n```\n"
    assert [(f.text, f.rule) for f in placeholders(doc)] == [("XX", "PH004")]


COURT_CASE = """\
# 张某诉某科技公司劳动争议案
## 基本案情
张某于2020年6月入职某科技公司。李某某作为部门负责人安排张某加班，王某到场作证。
某某公司未支付加班费，张某遂向劳动人事争议仲裁委员会申请仲裁。
## 裁判结果
一审法院判决某科技公司支付张某加班费18120元。
"""


def test_an_anonymised_court_case_is_quiet() -> None:
    assert placeholders(COURT_CASE) == []


def test_anonymised_names_can_be_flagged_on_request() -> None:
    alone = placeholders(COURT_CASE, select=["PH012"])
    assert {f.text for f in alone} >= {"张某", "李某某", "王某"}
    assert all(f.rule == "PH012" and f.severity is Severity.INFO for f in alone)
    rules = RULES.override({"PH012": {"enabled": True}})
    together = placeholders(COURT_CASE, rules=rules)
    assert {f.rule for f in together} == {"PH012"}  # the other rules stay quiet on this text
    assert len(together) == len(alone)


def test_letters_used_to_anonymise_parties_are_not_placeholders() -> None:
    case = "A公司与B公司签订合同后，X公司提出异议，法院判决A公司赔偿。案件由X市中级人民法院审理。\n"
    assert [(f.text, f.rule) for f in placeholders(case)] == [("X", "PH005")]
    template = "X公司与供应商签订合同后，由X市中级人民法院审理。\n"
    assert [(f.text, f.rule) for f in placeholders(template)] == [("X", "PH013"), ("X", "PH005")]


LAW_WITH_FORM = """\
# 最高人民法院关于办理行政申请再审案件若干问题的规定
第一条 当事人不服高级人民法院作出的判决，可以向最高人民法院申请再审。
第二条 本规定自2021年4月1日起施行。

附件1

中华人民共和国最高人民法院
决定书
（××××）最高法行决×号
××××高级人民法院：
现将再审申请人×××诉×××（机关名称）一案，交由你院审查。
审判员×××
××××年××月××日

# 下一部规定
第一条 由×××负责解释。
"""


def test_a_form_annexed_to_a_law_keeps_its_blanks() -> None:
    found = placeholders(LAW_WITH_FORM)
    assert [(f.text, f.line) for f in found] == [("×××", 16)]  # only the one outside the annex


def test_a_wording_specimen_in_a_regulation_is_quiet() -> None:
    text = ("第九条 交通警察应当使用的规范用语是：依据《道路交通安全法》第XX条的规定，对你处以XX元的罚款。\n"
            "第十条 拟设立的代表机构的名称应当为“××律师事务所驻××代表处”。\n"
            "第十一条 本办法由XX部负责解释。\n")
    assert [(f.text, f.line) for f in placeholders(text)] == [("XX", 3)]


def test_legitimate_x_words_multiplication_and_numerals() -> None:
    text = ("患者行X光检查、X射线透视和X线摄影，X型腿，X染色体异常；新款iPhone X发布，Windows XP停止支持，"
            "SpaceX发射成功，Xbox销量上升，X-ray设备到货。A区对应规划建设局，B区对应招商局。"
            "3×4的矩阵乘以4×2的矩阵；二〇〇八年在北京举办奥运会；路易十四（Louis XIV）；九龙巴士（91XX）。\n")
    assert placeholders(text) == []


def test_a_lone_x_is_a_hint_in_prose_and_a_variable_in_technical_text() -> None:
    prose = "2018新财富X富人榜榜单来啦！\n"
    found = placeholders(prose)
    assert [(f.text, f.rule, f.severity) for f in found] == [("X", "PH014", Severity.INFO)]
    technical = "".join(f"```python\nX{i} = {i}\n```\n" for i in range(3)) + prose
    assert placeholders(technical) == []


def test_clean_corpus_raises_few_placeholder_flags() -> None:
    if not CLEAN_CORPUS.is_dir():
        pytest.skip("the clean corpus is not available here")
    flagged = []
    for path in sorted(CLEAN_CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")[:300_000]
        flagged += [(path.name, f.text) for f in placeholders(text)]
    assert len(flagged) <= 3, flagged


def test_a_slot_inside_a_flagged_placeholder_is_not_reported_again() -> None:
    """One unfilled date is one finding, though rules for single slots match inside it."""
    result = docclean.clean("王馆长X年9月1日调任，活动将于7月17日至X日举办。")
    found = sorted((f.start, f.end, f.rule) for f in result.findings if f.category == "placeholder")
    assert found == [(3, 9, "PH002"), (22, 24, "PH002")]


def test_a_letter_for_a_place_name_is_a_hint_unless_letters_anonymise() -> None:
    template = "第六条 H县人民政府负责实施。\n（二）H县教育局、甲村村委会具体承办，由H县财政拨款。\n"
    found = placeholders(template)
    assert [(f.text, f.rule, f.severity) for f in found] == [
        ("H", "PH020", Severity.INFO), ("H", "PH020", Severity.INFO), ("甲", "PH020", Severity.INFO)]
    exam = "甲市居民王某在乙区购房，后与丙公司发生纠纷，甲市中级人民法院受理。\n"
    assert placeholders(exam) == []
    pair = "仓储中心在A市和C县各设一个分拨点，A市分拨点负责华北。\n"
    assert placeholders(pair) == []
    words = "新股在A市场挂牌，入选甲级资质名单，C区停车场已满，原告认为A公司违约。\n"
    assert placeholders(words) == []


def test_a_run_of_asterisks_opening_a_clause_is_a_hint_but_emphasis_is_not() -> None:
    template = "经研究决定，**办公室牵头，各单位配合。\n"
    found = placeholders(template)
    assert [(f.text, f.rule, f.severity) for f in found] == [("**", "PH021", Severity.INFO)]
    emphasis = "经研究决定，**办公室牵头**，各单位配合。\n注：**表示差异显著。\n"
    assert placeholders(emphasis) == []


def test_n_for_a_deadline_or_an_hour_is_a_number_slot() -> None:
    text = "请于收到通知后N日内答复，会议定于上午N时开始，须提前N个月申报。\n"
    assert [(f.text, f.rule) for f in placeholders(text)] == [("N", "PH019")] * 3
    variable = "取最后N天内的记录，前N个月的均值，近N年数据。\n"
    assert placeholders(variable) == []
