"""Tests of the report formats of ``docclean check --format``."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from docclean.formats import (
    FORMATS,
    artifact_uri,
    codequality_issues,
    display_width,
    escape_data,
    escape_property,
    json_report,
    rdjson_result,
    render,
    sarif_log,
    use_color,
)
from docclean.formats._base import dump_json
from docclean.formats.text import CONTEXT_WIDTH, excerpt_window
from docclean.model import Action, FileReport, Finding, FixSafety, RuleDoc, Severity

REPO_ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = REPO_ROOT / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"
OUTPUT_SCHEMA = REPO_ROOT / "docs" / "output.schema.json"


@dataclass(frozen=True)
class Meta:
    id: str
    name: str
    category: str
    severity: Severity
    action: Action
    safety: FixSafety | None
    message: str
    doc: RuleDoc


RULES: dict[str, Meta] = {
    "DC101": Meta(
        "DC101",
        "reseller-notice",
        "boilerplate",
        Severity.ERROR,
        Action.STRIP,
        FixSafety.SAFE,
        "转售平台的声明文字",
        RuleDoc(
            summary="Reseller notices such as 本文档由某某文库整理",
            why="They advertise the reseller and do not belong in the contract.",
            example="本文档由某某文库网整理发布，仅供参考。",
            instead="Delete the sentence.",
            fix_safety="The sentence is self-contained.",
        ),
    ),
    "DC201": Meta(
        "DC201",
        "bracket-placeholder",
        "placeholder",
        Severity.WARNING,
        Action.FLAG,
        None,
        "未填写的占位符",
        RuleDoc(summary="Unfilled placeholders such as 【甲方名称】", instead="Fill in the real value."),
    ),
    "DC301": Meta(
        "DC301",
        "doubled-phrase",
        "duplicate",
        Severity.WARNING,
        Action.REPLACE,
        FixSafety.UNSAFE,
        "词语重复",
        RuleDoc(summary="A phrase written twice in a row", why="Usually a copy slip."),
    ),
    "DC401": Meta(
        "DC401",
        "numbering-gap",
        "numbering",
        Severity.INFO,
        Action.FLAG,
        None,
        "条款编号跳号",
        RuleDoc(summary="Clause numbers that skip a number"),
    ),
    "DC999": Meta(
        "DC999",
        "never-reported",
        "boilerplate",
        Severity.INFO,
        Action.FLAG,
        None,
        "unused",
        RuleDoc(summary="A rule that finds nothing here"),
    ),
}

CONTRACT = (
    "采购合同\n"
    "甲方：【甲方名称】  乙方：【乙方名称】\n"
    "𠀀字号说明：本文档由某某文库网整理发布，仅供参考。第一条 标的物\n"
    "第二条 价格价格条款\n"
    "第四条 付款方式\n"
    "更多精品文档请访问\n"
    "www.example-wenku.com 下载\n"
)
CONTRACT_PATH = "合同 模板/采购合同.txt"


def make(
    source: str,
    text: str,
    rule: str,
    *,
    message: str,
    nth: int = 0,
    replacement: str | None = None,
    applied: bool = False,
    suggestion: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding for the ``nth`` occurrence of ``text`` in ``source``, positioned as the engine does."""
    start = -1
    for _ in range(nth + 1):
        start = source.index(text, start + 1)
    end = start + len(text)

    def position(offset: int) -> tuple[int, int]:
        return source.count("\n", 0, offset) + 1, offset - (source.rfind("\n", 0, offset) + 1) + 1

    (line, column), (end_line, end_column) = position(start), position(end)
    meta = RULES[rule]
    return Finding(
        rule=rule,
        category=meta.category,
        severity=severity or meta.severity,
        message=message,
        start=start,
        end=end,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        text=text,
        action=meta.action,
        replacement=replacement if meta.action is not Action.STRIP else "",
        applied=applied,
        suggestion=suggestion,
        safety=meta.safety,
    )


PLACEHOLDER = make(
    CONTRACT, "【甲方名称】", "DC201", message="未填写的占位符：【甲方名称】", suggestion="填写甲方的法定名称"
)
NOTICE = make(
    CONTRACT, "本文档由某某文库网整理发布，仅供参考。", "DC101", message="转售平台的声明文字", applied=True
)
DOUBLED = make(CONTRACT, "价格价格", "DC301", message="“价格”重复了两次", replacement="价格")
GAP = make(CONTRACT, "第四条", "DC401", message="条款编号从第二条跳到第四条")
FOOTER = make(
    CONTRACT,
    "更多精品文档请访问\nwww.example-wenku.com 下载",
    "DC101",
    message="转售平台的声明文字",
    applied=True,
)
CONTRACT_REPORT = FileReport(
    path=CONTRACT_PATH,
    findings=(PLACEHOLDER, NOTICE, DOUBLED, GAP, FOOTER),
    encoding="gb18030",
    source=CONTRACT,
)
BROKEN_REPORT = FileReport(path="损坏.docx", error="not a valid .docx file (bad zip archive)")
NO_SOURCE_TEXT = "乙方：【乙方名称】\n"
NO_SOURCE_REPORT = FileReport(
    path="notes/说明.md",
    findings=(make(NO_SOURCE_TEXT, "【乙方名称】", "DC201", message="未填写的占位符：【乙方名称】"),),
    encoding="utf-8",
)
REPORTS = (CONTRACT_REPORT, BROKEN_REPORT, NO_SOURCE_REPORT)


def shifted(report: FileReport, lines: int = 1) -> FileReport:
    """The same report for the file with ``lines`` blank lines added at the top."""
    source = "\n" * lines + (report.source or "")
    moved = tuple(
        Finding(
            **{
                **{k: getattr(f, k) for k in f.__dataclass_fields__},
                "start": f.start + lines,
                "end": f.end + lines,
                "line": f.line + lines,
                "end_line": f.end_line + lines,
            }
        )
        for f in report.findings
    )
    return FileReport(report.path, moved, report.encoding, source, report.error)


# --------------------------------------------------------------------------- positions used below


def test_fixture_positions_are_what_the_tests_assume() -> None:
    assert (PLACEHOLDER.line, PLACEHOLDER.column, PLACEHOLDER.end_column) == (2, 4, 10)
    assert (NOTICE.line, NOTICE.column, NOTICE.end_line, NOTICE.end_column) == (3, 7, 3, 26)
    assert (FOOTER.line, FOOTER.column, FOOTER.end_line, FOOTER.end_column) == (6, 1, 7, 25)


# --------------------------------------------------------------------------- dispatch


def test_formats_lists_every_format_and_render_rejects_unknown_names() -> None:
    assert FORMATS == ("text", "json", "sarif", "github", "rdjson", "codequality")
    with pytest.raises(ValueError, match=r"unknown output format 'xml' \(choose from text, json, sarif"):
        render("xml", REPORTS, RULES)


def test_render_dispatches_with_tool_version() -> None:
    assert json.loads(render("json", REPORTS, RULES, tool_version="9.9.9"))["tool"] == {
        "name": "docclean",
        "version": "9.9.9",
    }
    sarif = json.loads(render("sarif", REPORTS, RULES, tool_version="9.9.9"))
    assert sarif["runs"][0]["tool"]["driver"]["version"] == "9.9.9"
    assert render("github", (), RULES) == ""


# --------------------------------------------------------------------------- text


def test_display_width_counts_wide_and_astral_characters_as_two() -> None:
    assert display_width("abc") == 3
    assert display_width("采购合同") == 8
    assert display_width("𠀀") == 2
    assert display_width("：，") == 4  # fullwidth punctuation
    assert display_width("e\u0301") == 1  # combining accent takes no column
    assert display_width("…") == 1


def test_text_output_in_full() -> None:
    out = render("text", REPORTS, RULES)
    assert out == (
        "合同 模板/采购合同.txt:2:4: warning DC201 未填写的占位符：【甲方名称】\n"
        "2 | 甲方：【甲方名称】  乙方：【乙方名称】\n"
        "  |       ^^^^^^^^^^^^\n"
        "  = suggestion: 填写甲方的法定名称\n"
        "合同 模板/采购合同.txt:3:7: error DC101 [*] 转售平台的声明文字 (applied)\n"
        "3 | 𠀀字号说明：本文档由某某文库网整理发布，仅供参考。第一条 标的物\n"
        "  |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "合同 模板/采购合同.txt:4:5: warning DC301 [*] “价格”重复了两次\n"
        "4 | 第二条 价格价格条款\n"
        "  |        ^^^^^^^^\n"
        "合同 模板/采购合同.txt:5:1: info DC401 条款编号从第二条跳到第四条\n"
        "5 | 第四条 付款方式\n"
        "  | ^^^^^^\n"
        "合同 模板/采购合同.txt:6:1: error DC101 [*] 转售平台的声明文字 (applied)\n"
        "6 | 更多精品文档请访问\n"
        "  | ^^^^^^^^^^^^^^^^^^ continues to line 7\n"
        "损坏.docx: error: not a valid .docx file (bad zip archive)\n"
        "notes/说明.md:1:4: warning DC201 未填写的占位符：【乙方名称】\n"
        "\n"
        "6 findings (2 error, 3 warning, 1 info) in 3 files; 3 fixable (2 applied); 1 file not checked\n"
    )


def test_text_caret_column_is_display_width_before_the_span() -> None:
    lines = render("text", (CONTRACT_REPORT,), RULES).splitlines()
    source_line, caret_line = lines[5], lines[6]
    assert source_line == "3 | 𠀀字号说明：本文档由某某文库网整理发布，仅供参考。第一条 标的物"
    gutter = len("  | ")
    before = "𠀀字号说明："  # an astral-plane character and fullwidth punctuation precede the span
    assert caret_line.index("^") - gutter == display_width(before) == 12
    assert caret_line.count("^") == display_width(NOTICE.text) == 38


def test_text_trims_long_lines_to_a_window_around_the_finding() -> None:
    filler = "甲方应当按照本合同约定的时间和方式履行义务"  # 21 wide characters
    line = filler * 7 + "本文档由某某文库网整理发布" + filler * 7
    source = "标题\n" + line + "\n"
    found = make(source, "本文档由某某文库网整理发布", "DC101", message="转售平台的声明文字")
    out = render("text", (FileReport("long.txt", (found,), source=source),), RULES).splitlines()
    shown = out[1].removeprefix("2 | ")
    half = (CONTEXT_WIDTH - 1) // 2  # wide characters fitting beside the ellipsis
    assert shown == "…" + (filler * 7)[-half:] + "本文档由某某文库网整理发布" + (filler * 7)[:half] + "…"
    assert out[2] == "  | " + " " * (1 + 2 * half) + "^" * 26
    assert display_width(shown) == 1 + 28 + 26 + 28 + 1


def test_excerpt_window_cuts_very_long_spans() -> None:
    shown, offset, width = excerpt_window("前" + "广告" * 50 + "后", 1, 101)
    assert shown == "前" + ("广告" * 15)[:29] + "…" + "后"
    assert (offset, width) == (2, 59)


def test_text_replaces_control_characters_so_they_cannot_drive_the_terminal() -> None:
    source = "甲方\x1b[31m乙方\n"
    found = make(source, "乙方", "DC201", message="占位\x1b[2J符")
    out = render("text", (FileReport("a\tb.txt", (found,), source=source),), RULES)
    assert out.splitlines()[:3] == [
        "a\\x09b.txt:1:8: warning DC201 占位\\x1b[2J符",
        "1 | 甲方 [31m乙方",
        "  |          ^^^^",  # "甲方 [31m" is 9 columns wide
    ]
    assert "\x1b" not in out


def test_text_without_findings_still_summarises() -> None:
    assert render("text", (FileReport("干净.txt", source="干净的文本\n"),), RULES) == (
        "0 findings (0 error, 0 warning, 0 info) in 1 file; 0 fixable\n"
    )


def test_text_colour_only_when_asked() -> None:
    plain = render("text", (CONTRACT_REPORT,), RULES)
    coloured = render("text", (CONTRACT_REPORT,), RULES, color=True)
    assert "\x1b" not in plain
    assert coloured.splitlines()[4] == (
        "\x1b[1m合同 模板/采购合同.txt:3:7:\x1b[0m \x1b[1;31merror\x1b[0m \x1b[1mDC101\x1b[0m "
        "\x1b[32m[*]\x1b[0m 转售平台的声明文字 \x1b[2m(applied)\x1b[0m"
    )
    assert "\x1b[1;31m" + "^" * 38 + "\x1b[0m" in coloured


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(
    ("tty", "env", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # an empty NO_COLOR does not count
        (False, {"FORCE_COLOR": "1"}, True),
        (False, {"FORCE_COLOR": "0"}, False),
        (True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR wins
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_use_color(tty: bool, env: dict[str, str], expected: bool) -> None:
    assert use_color(_Stream(tty), env) is expected


def test_use_color_reads_the_environment_and_survives_closed_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "yes")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert use_color(_Stream(True)) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("TERM", raising=False)
    assert use_color(_Stream(True)) is True
    closed = io.StringIO()
    closed.close()
    assert use_color(closed) is False


# --------------------------------------------------------------------------- json


def _output_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(OUTPUT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_json_output_matches_the_documented_schema() -> None:
    data = json.loads(render("json", REPORTS, RULES))
    _output_validator().validate(data)
    assert data["version"] == 1
    assert [f["path"] for f in data["files"]] == [CONTRACT_PATH, "损坏.docx", "notes/说明.md"]
    assert data["files"][0]["encoding"] == "gb18030"
    assert data["files"][1] == {
        "path": "损坏.docx",
        "encoding": None,
        "error": "not a valid .docx file (bad zip archive)",
        "findings": [],
    }
    assert data["files"][0]["findings"][1] == NOTICE.to_dict()
    assert data["summary"] == {
        "files": 3,
        "findings": 6,
        "by_category": {"boilerplate": 2, "placeholder": 2, "duplicate": 1, "numbering": 1},
        "by_severity": {"error": 2, "warning": 3, "info": 1},
        "fixable": 3,
        "applied": 2,
    }


def test_json_keeps_chinese_readable() -> None:
    out = render("json", (CONTRACT_REPORT,), RULES)
    assert '"text": "本文档由某某文库网整理发布，仅供参考。"' in out
    assert out.endswith("}\n")


def test_json_schema_rejects_malformed_reports_and_accepts_container_parts() -> None:
    validator = _output_validator()
    good = json_report((CONTRACT_REPORT,))
    finding = good["files"][0]["findings"][0]
    for key, bad in [("severity", "fatal"), ("line", 0), ("category", "advert"), ("replacement", "x")]:
        broken = json.loads(json.dumps(good))
        broken["files"][0]["findings"][0][key] = bad
        assert not validator.is_valid(broken), key
    with_part = json.loads(json.dumps(good))
    with_part["files"][0]["findings"][0] = {**finding, "part": "word/footer1.xml"}
    validator.validate(with_part)


def test_dump_json_falls_back_to_escapes_for_lone_surrogates() -> None:
    assert dump_json({"t": "文\udc80"}, indent=None) == '{"t": "\\u6587\\udc80"}\n'
    assert dump_json({"t": "文"}, indent=None) == '{"t": "文"}\n'


# --------------------------------------------------------------------------- sarif


def test_sarif_validates_against_the_official_schema() -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA}")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(render("sarif", REPORTS, RULES))
    jsonschema.Draft7Validator(schema).validate(log)
    assert log["version"] == "2.1.0"


def test_sarif_driver_lists_only_reported_rules() -> None:
    run = sarif_log(REPORTS, RULES)["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["informationUri"]) == ("docclean", "https://pypi.org/project/docclean/")
    assert [r["id"] for r in driver["rules"]] == ["DC101", "DC201", "DC301", "DC401"]
    notice = driver["rules"][0]
    assert notice == {
        "id": "DC101",
        "name": "reseller-notice",
        "shortDescription": {"text": "Reseller notices such as 本文档由某某文库整理"},
        "fullDescription": {"text": "They advertise the reseller and do not belong in the contract."},
        "help": {
            "text": "Reseller notices such as 本文档由某某文库整理\n\n"
            "They advertise the reseller and do not belong in the contract.\n\n"
            "Instead: Delete the sentence.",
            "markdown": "**Reseller notices such as 本文档由某某文库整理**\n\n"
            "They advertise the reseller and do not belong in the contract.\n\n"
            "**Instead:** Delete the sentence.\n\n"
            "**Example:**\n\n```text\n本文档由某某文库网整理发布，仅供参考。\n```\n\n"
            "**Fix safety:** The sentence is self-contained.",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "category": "boilerplate",
            "tags": ["boilerplate"],
            "problem.severity": "error",
            "action": "strip",
            "fixSafety": "safe",
        },
    }
    assert driver["rules"][3]["fullDescription"] == {"text": "Clause numbers that skip a number"}
    assert driver["rules"][3]["defaultConfiguration"] == {"level": "note"}


def test_sarif_results_locations_and_fixes() -> None:
    run = sarif_log(REPORTS, RULES)["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    results = run["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("DC201", 1, "warning"),
        ("DC101", 0, "error"),
        ("DC301", 2, "warning"),
        ("DC401", 3, "note"),
        ("DC101", 0, "error"),
        ("DC201", 1, "warning"),
    ]
    notice = results[1]
    location = notice["locations"][0]["physicalLocation"]
    encoded = "%E5%90%88%E5%90%8C%20%E6%A8%A1%E6%9D%BF/%E9%87%87%E8%B4%AD%E5%90%88%E5%90%8C.txt"
    assert location["artifactLocation"] == {"uri": encoded}
    assert location["region"] == {
        "startLine": 3,
        "startColumn": 7,
        "endLine": 3,
        "endColumn": 26,
        "charOffset": NOTICE.start,
        "charLength": 19,
        "snippet": {"text": "本文档由某某文库网整理发布，仅供参考。"},
    }
    assert notice["fixes"] == [
        {
            "description": {"text": "Delete “本文档由某某文库网整理发布，仅供参考。”"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": encoded},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 3,
                                "startColumn": 7,
                                "endLine": 3,
                                "endColumn": 26,
                                "charOffset": NOTICE.start,
                                "charLength": 19,
                            },
                            "insertedContent": {"text": ""},
                        }
                    ],
                }
            ],
        }
    ]
    assert notice["properties"] == {
        "category": "boilerplate",
        "action": "strip",
        "applied": True,
        "fixSafety": "safe",
    }
    doubled = results[2]
    assert doubled["fixes"][0]["description"] == {"text": "Replace “价格价格” with “价格”"}
    assert doubled["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"] == {"text": "价格"}
    assert "fixes" not in results[0] and "fixes" not in results[3]  # flags carry no edit
    assert results[0]["message"] == {"text": "未填写的占位符：【甲方名称】\nsuggestion: 填写甲方的法定名称"}
    footer_region = results[4]["locations"][0]["physicalLocation"]["region"]
    assert (footer_region["startLine"], footer_region["endLine"], footer_region["endColumn"]) == (6, 7, 25)


def test_sarif_reports_unreadable_files_as_notifications() -> None:
    invocation = sarif_log(REPORTS, RULES)["runs"][0]["invocations"][0]
    assert invocation == {
        "executionSuccessful": False,
        "toolExecutionNotifications": [
            {
                "level": "error",
                "message": {"text": "损坏.docx: not a valid .docx file (bad zip archive)"},
                "descriptor": {"id": "input-error"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "%E6%8D%9F%E5%9D%8F.docx"}}}],
            }
        ],
    }
    clean_run = sarif_log((CONTRACT_REPORT,), RULES)["runs"][0]
    assert clean_run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_fingerprints_ignore_line_numbers_but_tell_repeats_apart() -> None:
    def prints(report: FileReport) -> list[str]:
        run = sarif_log((report,), RULES)["runs"][0]
        return [r["partialFingerprints"]["docclean/v1"] for r in run["results"]]

    before = prints(CONTRACT_REPORT)
    assert prints(shifted(CONTRACT_REPORT, 3)) == before
    assert all(p.endswith(":1") and len(p) == 34 for p in before)
    source = "本文档由某某文库网整理\n本文档由某某文库网整理\n"
    twice = FileReport(
        "twice.txt",
        tuple(make(source, "本文档由某某文库网整理", "DC101", message="m", nth=n) for n in (0, 1)),
        source=source,
    )
    first, second = prints(twice)
    assert first.split(":")[0] == second.split(":")[0]
    assert (first[-2:], second[-2:]) == (":1", ":2")


def test_sarif_keeps_the_most_severe_results_within_the_limit_and_says_so() -> None:
    long_text = "本" * 600
    source = long_text + "\n"
    long_finding = make(source, long_text, "DC101", message="转售平台的声明文字")
    report = FileReport("many.txt", (*CONTRACT_REPORT.findings, long_finding), source=CONTRACT + source)
    run = sarif_log((report,), RULES, max_results=3)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["DC101", "DC101", "DC101"]
    assert run["properties"] == {
        "truncated": True,
        "omittedResults": 3,
        "truncatedMessages": 0,
        "truncatedSnippets": 1,
        "limits": {"maxResults": 3, "maxMessageChars": 1000, "maxSnippetChars": 500},
        "note": "3 of 6 results left out (limit 3 per run); the most severe were kept; "
        "1 snippets cut to 500 characters",
    }
    snippet = run["results"][2]["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
    assert snippet == "本" * 499 + "…"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["DC101"]


def test_sarif_run_properties_when_nothing_was_cut() -> None:
    props = sarif_log(REPORTS, RULES)["runs"][0]["properties"]
    assert props == {
        "truncated": False,
        "omittedResults": 0,
        "truncatedMessages": 0,
        "truncatedSnippets": 0,
        "limits": {"maxResults": 25000, "maxMessageChars": 1000, "maxSnippetChars": 500},
    }


def test_sarif_describes_rules_missing_from_the_table_from_the_finding() -> None:
    rules = {k: v for k, v in RULES.items() if k != "DC401"}
    descriptor = sarif_log((CONTRACT_REPORT,), rules)["runs"][0]["tool"]["driver"]["rules"][3]
    assert descriptor == {
        "id": "DC401",
        "shortDescription": {"text": "条款编号从第二条跳到第四条"},
        "defaultConfiguration": {"level": "note"},
        "properties": {"category": "numbering", "tags": ["numbering"]},
    }


def test_artifact_uri() -> None:
    assert artifact_uri("合同 模板/采购合同.txt") == (
        "%E5%90%88%E5%90%8C%20%E6%A8%A1%E6%9D%BF/%E9%87%87%E8%B4%AD%E5%90%88%E5%90%8C.txt"
    )
    assert artifact_uri("./docs/a#1?.txt") == "docs/a%231%3F.txt"
    assert artifact_uri("c:d.txt") == "c%3Ad.txt"
    assert artifact_uri("/srv/合同.txt") == "file:///srv/%E5%90%88%E5%90%8C.txt"


@dataclass(frozen=True)
class _PartFinding(Finding):
    """A finding that records its part of a container file (as .docx findings do)."""

    part: str | None = None


def test_findings_inside_a_container_part_name_it_and_carry_no_byte_edit() -> None:
    source = "页脚：本文档由某某文库网整理\n"
    base = make(source, "本文档由某某文库网整理", "DC101", message="转售平台的声明文字")
    fields = {k: getattr(base, k) for k in base.__dataclass_fields__ if k != "part"}
    inner = _PartFinding(**fields, part="word/footer1.xml")
    report = FileReport("合同.docx", (inner,), source=source)
    result = sarif_log((report,), RULES)["runs"][0]["results"][0]
    assert result["properties"]["part"] == "word/footer1.xml"
    assert "fixes" not in result
    assert "suggestions" not in rdjson_result((report,))["diagnostics"][0]
    assert render("text", (report,), RULES).splitlines()[0] == (
        "合同.docx:1:4: error DC101 [*] 转售平台的声明文字 (in word/footer1.xml)"
    )


# --------------------------------------------------------------------------- github


def test_github_escapes_messages_and_properties() -> None:
    assert escape_data("100% 完成\r\n第二行: a, b") == "100%25 完成%0D%0A第二行: a, b"
    assert escape_property("dir,x/a:b.txt") == "dir%2Cx/a%3Ab.txt"
    source = "第一条 价格价格\n"
    found = make(source, "价格价格", "DC301", message="重复 100%\r\n请检查: 价格, 数量", replacement="价格")
    out = render("github", (FileReport("dir,x/a:b.txt", (found,), source=source),), RULES)
    assert out == (
        "::warning file=dir%2Cx/a%3Ab.txt,line=1,col=5,endLine=1,endColumn=9,title=DC301"
        "::重复 100%25%0D%0A请检查: 价格, 数量\n"
    )


def test_github_annotations_for_every_finding_and_unreadable_file() -> None:
    assert render("github", REPORTS, RULES).splitlines() == [
        "::warning file=合同 模板/采购合同.txt,line=2,col=4,endLine=2,endColumn=10,title=DC201"
        "::未填写的占位符：【甲方名称】%0Asuggestion: 填写甲方的法定名称",
        "::error file=合同 模板/采购合同.txt,line=3,col=7,endLine=3,endColumn=26,title=DC101"
        "::转售平台的声明文字",
        "::warning file=合同 模板/采购合同.txt,line=4,col=5,endLine=4,endColumn=9,title=DC301"
        "::“价格”重复了两次",
        "::notice file=合同 模板/采购合同.txt,line=5,col=1,endLine=5,endColumn=4,title=DC401"
        "::条款编号从第二条跳到第四条",
        "::error file=合同 模板/采购合同.txt,line=6,endLine=7,title=DC101::转售平台的声明文字",
        "::error file=损坏.docx,title=docclean::not a valid .docx file (bad zip archive)",
        "::warning file=notes/说明.md,line=1,col=4,endLine=1,endColumn=10,title=DC201"
        "::未填写的占位符：【乙方名称】",
    ]


def test_github_span_ending_with_a_line_break_stays_on_its_line() -> None:
    source = "仅供参考。\n正文\n"
    found = make(source, "仅供参考。\n", "DC101", message="m")
    assert (found.end_line, found.end_column) == (2, 1)
    assert render("github", (FileReport("a.txt", (found,), source=source),), RULES) == (
        "::error file=a.txt,line=1,col=1,endLine=1,endColumn=6,title=DC101::m\n"
    )


# --------------------------------------------------------------------------- rdjson


def test_rdjson_structure_severities_and_byte_columns() -> None:
    data = json.loads(render("rdjson", REPORTS, RULES))
    assert data["source"] == {"name": "docclean", "url": "https://pypi.org/project/docclean/"}
    assert data["severity"] == "ERROR"
    diagnostics = data["diagnostics"]
    assert [(d["code"]["value"], d["severity"]) for d in diagnostics] == [
        ("DC201", "WARNING"),
        ("DC101", "ERROR"),
        ("DC301", "WARNING"),
        ("DC401", "INFO"),
        ("DC101", "ERROR"),
        ("input-error", "ERROR"),
        ("DC201", "WARNING"),
    ]
    notice = diagnostics[1]
    # "𠀀字号说明：" is 4 + 5 * 3 = 19 UTF-8 bytes, so the span starts at byte column 20.
    span = {"start": {"line": 3, "column": 20}, "end": {"line": 3, "column": 77}}
    assert notice == {
        "message": "转售平台的声明文字",
        "location": {"path": CONTRACT_PATH, "range": span},
        "severity": "ERROR",
        "code": {"value": "DC101"},
        "suggestions": [{"range": span, "text": ""}],
    }
    doubled = diagnostics[2]
    assert doubled["location"]["range"] == {
        "start": {"line": 4, "column": 11},
        "end": {"line": 4, "column": 23},
    }
    assert doubled["suggestions"] == [{"range": doubled["location"]["range"], "text": "价格"}]
    assert "suggestions" not in diagnostics[0] and "suggestions" not in diagnostics[3]
    assert diagnostics[0]["message"] == "未填写的占位符：【甲方名称】\nsuggestion: 填写甲方的法定名称"
    assert diagnostics[4]["location"]["range"] == {
        "start": {"line": 6, "column": 1},
        "end": {"line": 7, "column": 29},
    }
    assert diagnostics[5] == {
        "message": "not a valid .docx file (bad zip archive)",
        "location": {"path": "损坏.docx"},
        "severity": "ERROR",
        "code": {"value": "input-error"},
    }
    # Without source text, byte columns are unknown: lines only, and no suggestion.
    assert diagnostics[6]["location"]["range"] == {"start": {"line": 1}, "end": {"line": 1}}


def test_rdjson_overall_severity_is_the_highest_reported() -> None:
    assert rdjson_result((NO_SOURCE_REPORT,))["severity"] == "WARNING"
    gap_only = FileReport(CONTRACT_PATH, (GAP,), source=CONTRACT)
    assert rdjson_result((gap_only,))["severity"] == "INFO"
    assert rdjson_result(()) == {
        "source": {"name": "docclean", "url": "https://pypi.org/project/docclean/"},
        "diagnostics": [],
    }


def test_rdjson_ignores_source_text_that_disagrees_with_the_finding() -> None:
    stale = FileReport(CONTRACT_PATH, (NOTICE,), source="另一份文本\n")
    diag = rdjson_result((stale,))["diagnostics"][0]
    assert diag["location"]["range"] == {"start": {"line": 3}, "end": {"line": 3}}
    assert "suggestions" not in diag


# --------------------------------------------------------------------------- codequality


def test_codequality_issues() -> None:
    issues = json.loads(render("codequality", REPORTS, RULES))
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("DC201", "minor", {"path": CONTRACT_PATH, "lines": {"begin": 2, "end": 2}}),
        ("DC101", "major", {"path": CONTRACT_PATH, "lines": {"begin": 3, "end": 3}}),
        ("DC301", "minor", {"path": CONTRACT_PATH, "lines": {"begin": 4, "end": 4}}),
        ("DC401", "info", {"path": CONTRACT_PATH, "lines": {"begin": 5, "end": 5}}),
        ("DC101", "major", {"path": CONTRACT_PATH, "lines": {"begin": 6, "end": 7}}),
        ("input-error", "critical", {"path": "损坏.docx", "lines": {"begin": 1}}),
        ("DC201", "minor", {"path": "notes/说明.md", "lines": {"begin": 1, "end": 1}}),
    ]
    assert issues[0]["description"] == "未填写的占位符：【甲方名称】\nsuggestion: 填写甲方的法定名称"
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)
    assert all(len(p) == 64 and int(p, 16) >= 0 for p in prints)
    assert set(issues[0]) == {"description", "check_name", "fingerprint", "severity", "location"}


def test_codequality_fingerprints_survive_line_shifts() -> None:
    before = [i["fingerprint"] for i in codequality_issues((CONTRACT_REPORT,))]
    moved = shifted(CONTRACT_REPORT)
    assert moved.findings[1].line == NOTICE.line + 1
    after = codequality_issues((moved,))
    assert [i["fingerprint"] for i in after] == before
    assert after[1]["location"]["lines"] == {"begin": 4, "end": 4}
    # The same finding in another file is a different issue.
    elsewhere = FileReport("其他.txt", CONTRACT_REPORT.findings, source=CONTRACT)
    assert codequality_issues((elsewhere,))[1]["fingerprint"] != before[1]


def test_documented_json_example_matches_the_schema() -> None:
    doc = (REPO_ROOT / "docs" / "output.md").read_text(encoding="utf-8")
    example = doc.split("## `json`", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    data = json.loads(example)
    _output_validator().validate(data)
    assert data["files"][0]["findings"][0] == NOTICE.to_dict()


def test_cr_only_source_gets_excerpts_and_rdjson_columns() -> None:
    import docclean
    from docclean.formats import rdjson_result, render_text
    from docclean.model import FileReport

    text = "年度工作总结\r我也清楚地认识清楚地认识到不足。\r"
    result = docclean.clean(text, max_removal=1.0)
    report = FileReport("r.txt", result.findings, "utf-8", text)
    rules = {r.id: r for r in docclean.load_rules()}
    out = render_text([report], rules)
    assert "2 | 我也清楚地认识清楚地认识到不足。" in out
    diagnostics = rdjson_result([report])["diagnostics"]
    start = diagnostics[0]["location"]["range"]["start"]
    assert start == {"line": 2, "column": 1 + len("我也".encode())}


def test_reports_and_baselines_share_one_fingerprint(tmp_path: Path) -> None:
    from docclean.baseline import write_baseline

    source = "本文档由某某文库网整理\n正文\n本文档由某某文库网整理\n"
    report = FileReport(
        "twice.txt",
        tuple(make(source, "本文档由某某文库网整理", "DC101", message="m", nth=n) for n in (0, 1)),
        source=source,
    )
    run = sarif_log((report,), RULES)["runs"][0]
    sarif = [r["partialFingerprints"]["docclean/v1"] for r in run["results"]]
    write_baseline(tmp_path / "baseline.json", (report,))
    rows = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert sorted(sarif) == sorted(f"{r['fingerprint']}:{r['occurrence']}" for r in rows)
    assert sarif[0].split(":")[0] == sarif[1].split(":")[0]
