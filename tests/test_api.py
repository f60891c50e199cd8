"""The public API: types, keys, options, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import docclean
from docclean.model import FINDING_KEYS

RESOLD = (
    "仅供学习 禁止外传 用后删除\n"
    "年度工作总结\n"
    "今年我们对辖区X家企业逐一开展排查，我也清楚地认识清楚地认识到不足。\n"
    "一、主要成绩\n"
    "二、存在问题\n"
    "二、下一步打算\n"
)


def test_clean_returns_text_and_findings() -> None:
    result = docclean.clean(RESOLD)
    assert result.text == (
        "年度工作总结\n今年我们对辖区X家企业逐一开展排查，我也清楚地认识到不足。\n一、主要成绩\n二、存在问题\n二、下一步打算\n"
    )
    by_cat = {f.category for f in result.findings}
    assert by_cat == {"boilerplate", "placeholder", "duplicate", "numbering"}
    numbering = [f for f in result.findings if f.category == "numbering"]
    assert [f.suggestion for f in numbering] == ["三、"]


def test_finding_to_dict_has_exactly_the_documented_keys() -> None:
    for f in docclean.clean(RESOLD).findings:
        d = f.to_dict()
        assert tuple(d) == FINDING_KEYS
        assert d["action"] in ("strip", "replace", "flag")
        assert d["severity"] in ("info", "warning", "error")
        assert (d["replacement"] is None) == (d["action"] == "flag")
        if d["action"] == "strip":
            assert d["replacement"] == ""


def test_a_str_is_text_never_a_path(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text("仅供学习 禁止外传\n", encoding="utf-8")
    result = docclean.clean(str(file))
    assert result.text == str(file) and not result.findings
    with pytest.raises(TypeError):
        docclean.clean(file)  # type: ignore[arg-type]


def test_fix_modes() -> None:
    assert docclean.clean(RESOLD, fix="none").text == RESOLD
    assert not any(f.applied for f in docclean.clean(RESOLD, fix="none").findings)
    safe = docclean.clean(RESOLD, fix="safe")
    assert safe.text != RESOLD
    with pytest.raises(ValueError):
        docclean.clean(RESOLD, fix="bogus")


def test_flags_are_never_applied_even_with_unsafe_fixes() -> None:
    result = docclean.clean(RESOLD, fix="unsafe")
    assert all(not f.applied for f in result.findings if f.action is docclean.Action.FLAG)
    assert "X家" in result.text


def test_select_and_ignore_by_id_prefix_and_category() -> None:
    only_dup = docclean.clean(RESOLD, select=["duplicate"])
    assert {f.category for f in only_dup.findings} == {"duplicate"}
    no_bp = docclean.clean(RESOLD, ignore=["BP"])
    assert "boilerplate" not in {f.category for f in no_bp.findings}
    assert no_bp.text.startswith("仅供学习")


def test_allow_list_suppresses_a_word() -> None:
    text = "公司与X科技园签订合作协议。\n"
    assert docclean.clean(text).findings
    assert not docclean.clean(text, allow=["X科技园"]).findings


def test_removal_guard_refuses_a_cleaning_that_removes_too_much() -> None:
    junk = "仅供学习 禁止外传 用后删除\n本文档来源于网络，如有侵权请联系删除\n正文。\n"
    with pytest.raises(docclean.RemovalLimitError) as err:
        docclean.clean(junk)
    assert "above the limit of 30%" in str(err.value)
    assert docclean.clean(junk, max_removal=0.95).text == "正文。\n"


def test_user_rules_add_and_override(tmp_path: Path) -> None:
    rule_file = tmp_path / "house.toml"
    rule_file.write_text(
        """
[overrides.PH004]
severity = "error"

[[rules]]
id = "HR001"
name = "house-slogan"
category = "boilerplate"
kind = "pattern"
action = "strip"
safety = "safe"
message = "house slogan"
doc = { summary = "s", why = "w", example = "e", instead = "i", fix_safety = "f" }
params = { patterns = ['(?m)^本公司口号.*\\n?'] }
tests = [ { text = "⟦本公司口号：加油⟧\\n正文", fixed = "正文" }, { text = "正文" } ]
""",
        encoding="utf-8",
    )
    rules = docclean.load_rules(rule_file)
    assert rules.get("PH004").severity is docclean.Severity.ERROR
    result = docclean.clean("本公司口号：加油\n对X家企业开展排查，确保各项工作落实到位，取得明显成效。\n", rules=rules,
                            max_removal=1.0)
    assert result.text.startswith("对X家企业")
    assert [f.severity.value for f in result.findings if f.rule == "PH004"] == ["error"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id = 'BAD'\n", "'category' must be a non-empty string"),
        ("[[rules]]\nid='ZZ001'\nname='x'\ncategory='boilerplate'\nkind='nope'\nmessage='m'\n", "kind must be one of"),
        ("[[rules]]\nid='ZZ001'\nname='x'\ncategory='boilerplate'\nkind='pattern'\nmessage='m'\n"
         "doc={summary='s'}\nparams={patterns=['(']}\n", "invalid regex"),
        ("[overrides.NOPE999]\nseverity='error'\n", "names no known rule"),
        ("[[rules]]\nid='BP001'\nname='x'\ncategory='boilerplate'\nkind='pattern'\nmessage='m'\n"
         "doc={summary='s'}\nparams={patterns=['a']}\n", "already defined"),
        ("not toml = = =", "invalid TOML"),
    ],
)
def test_bad_rule_files_raise_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(docclean.RuleError) as err:
        docclean.load_rules(path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_catastrophic_user_pattern_times_out_with_the_rule_named(tmp_path: Path) -> None:
    path = tmp_path / "slow.toml"
    path.write_text(
        "[[rules]]\nid='ZZ009'\nname='slow'\ncategory='boilerplate'\nkind='pattern'\nmessage='m'\n"
        "doc={summary='s'}\nparams={patterns=['(a|aa)+$']}\n",
        encoding="utf-8",
    )
    rules = docclean.load_rules(path)
    doc = docclean.clean  # noqa: F841 - keep the call below readable
    from docclean.document import Document

    original = Document.__init__

    def short_budget(self: Document, text: str) -> None:
        original(self, text)
        self.time_budget = 0.2

    pytest.MonkeyPatch().setattr(Document, "__init__", short_budget)
    try:
        with pytest.raises(docclean.RuleError, match=re.escape("rule ZZ009")):
            docclean.clean("a" * 40 + "!", rules=rules)
    finally:
        pytest.MonkeyPatch().undo()
        Document.__init__ = original  # type: ignore[method-assign]


def test_clean_file_round_trips_gb18030_and_crlf(tmp_path: Path) -> None:
    text = "仅供学习 禁止外传 用后删除\r\n年度工作总结𠀀\r\n我也清楚地认识清楚地认识到不足。\r\n"
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode("gb18030"))
    cleaned = docclean.clean_file(path, max_removal=1.0)
    assert cleaned.encoding == "gb18030"
    out = tmp_path / "out.txt"
    cleaned.write(out)
    assert out.read_bytes() == "年度工作总结𠀀\r\n我也清楚地认识到不足。\r\n".encode("gb18030")
    assert path.read_bytes() == text.encode("gb18030")


def test_clean_file_rejects_unknown_types(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(docclean.InputError, match="unsupported file type"):
        docclean.clean_file(path)


def test_public_api_is_explicit() -> None:
    assert "clean" in docclean.__all__ and "clean_file" in docclean.__all__ and "load_rules" in docclean.__all__
    for name in docclean.__all__:
        assert hasattr(docclean, name)


def test_select_is_case_insensitive_and_rejects_unknown_keys() -> None:
    assert {f.rule for f in docclean.clean(RESOLD, select=["du001"]).findings} == {"DU001"}
    with pytest.raises(docclean.RuleError, match="no rule matches 'NOPE'"):
        docclean.clean(RESOLD, select=["NOPE"])


def test_crlf_and_cr_files_get_the_same_findings_as_lf() -> None:
    text = (
        "仅供学习 禁止外传 用后删除\n【限时优惠】开通年度会员送全套范文\n第 3 页 共 20 页\n年度工作总结\n"
        "今年我们对辖区X家企业逐一开展排查，确保各项工作落实到位，取得明显成效，群众满意度进一步提升。\n"
        "一、主要成绩\n二、存在问题\n二、下一步打算\n第 4 页 共 20 页\n"
    ) * 2
    lf = [(f.rule, f.line, f.column, f.applied) for f in docclean.clean(text, max_removal=1).findings]
    for newline in ("\r\n", "\r"):
        other = docclean.clean(text.replace("\n", newline), max_removal=1)
        assert [(f.rule, f.line, f.column, f.applied) for f in other.findings] == lf
        assert other.text == docclean.clean(text, max_removal=1).text.replace("\n", newline)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("kind='pattern'\nparams={patterns=['a'], group=2}", "group refers to group 2"),
        ("kind='pattern'\naction='replace'\nsafety='safe'\nparams={patterns=['(a)'], replacement='\\\\3'}",
         "replacement refers to group 3"),
        ("kind='block'\naction='strip'\nsafety='safe'\nparams={scorer='NOPE1', anchor=3}", "scorer 'NOPE1'"),
    ],
)
def test_rule_params_are_checked_when_loading(tmp_path: Path, params: str, message: str) -> None:
    path = tmp_path / "r.toml"
    path.write_text(f"[[rules]]\nid='ZZ001'\nname='x'\ncategory='boilerplate'\nmessage='m'\ndoc={{summary='s'}}\n{params}\n",
                    encoding="utf-8")
    with pytest.raises(docclean.RuleError, match=re.escape(message)):
        docclean.load_rules(path)


def test_message_templates_are_checked_when_loading(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text("[[rules]]\nid='ZZ001'\nname='x'\ncategory='boilerplate'\nmessage='{match!z}'\n"
                    "doc={summary='s'}\nkind='pattern'\nparams={patterns=['a']}\n", encoding="utf-8")
    with pytest.raises(docclean.RuleError, match="invalid message template"):
        docclean.load_rules(path)
