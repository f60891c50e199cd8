"""The command line contract: output lines, exit codes, writing files, config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from docclean.cli import main

RESOLD = (
    "仅供学习 禁止外传 用后删除\n"
    "年度工作总结\n"
    "今年我们坚持稳中求进，全面推进各项工作落实落地，我也清楚地认识清楚地认识到不足。\n"
    "一、主要成绩\n全年共完成各项任务，群众满意度明显提升。\n"
    "二、存在问题\n服务方式还不够多样，队伍专业化水平有待提高。\n"
    "三、下一步打算\n继续加强学习，提升能力。\n"
)
CLEAN = "年度工作总结\n我们坚持稳中求进，全面推进各项工作落实落地。\n"


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_check_prints_one_line_per_finding_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path / "r.txt", RESOLD)
    assert main(["check", str(f)]) == 1
    out = capsys.readouterr().out
    assert f"{f}:1:1: warning BP001" in out
    assert f"{f}:3:" in out and "DU001" in out
    assert "findings" in out.splitlines()[-1]


def test_check_exits_0_on_clean_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path / "c.txt", CLEAN)
    assert main(["check", str(f)]) == 0
    assert "0 findings" in capsys.readouterr().out


def test_fail_on_threshold_and_exit_zero(tmp_path: Path) -> None:
    f = _write(tmp_path / "r.txt", RESOLD)
    assert main(["check", "--fail-on", "error", str(f)]) == 0
    assert main(["check", "--fail-on", "info", str(f)]) == 1
    assert main(["check", "--exit-zero", str(f)]) == 0


def test_json_format_lists_findings_with_all_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path / "r.txt", RESOLD)
    assert main(["check", "--format", "json", str(f)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    findings = data["files"][0]["findings"]
    assert {x["rule"] for x in findings} >= {"BP001", "DU001"}
    assert all("suggestion" in x and "applied" in x for x in findings)


def test_select_and_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path / "r.txt", RESOLD)
    assert main(["check", "--select", "duplicate", "--format", "json", str(f)]) == 1
    rules = {x["rule"] for x in json.loads(capsys.readouterr().out)["files"][0]["findings"]}
    assert rules == {"DU001"}
    assert main(["check", "--ignore", "BP,DU", str(f)]) == 0


def test_stdin_is_read_with_dash(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(RESOLD.encode("gb18030"))))
    assert main(["check", "-"]) == 1
    assert "-:1:1: warning BP001" in capsys.readouterr().out


def test_clean_single_file_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path / "r.txt", RESOLD)
    assert main(["clean", str(f)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("年度工作总结\n") and "清楚地认识到不足" in out
    assert f.read_text(encoding="utf-8") == RESOLD


def test_clean_in_place_keeps_encoding_and_newlines(tmp_path: Path) -> None:
    text = RESOLD.replace("\n", "\r\n")
    f = _write(tmp_path / "r.txt", text, "gb18030")
    assert main(["clean", "--in-place", str(f)]) == 0
    data = f.read_bytes()
    assert data.decode("gb18030").startswith("年度工作总结\r\n")
    assert b"\r\n" in data and b"\n\n" not in data


def test_clean_to_output_folder_and_to_utf8(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _write(src / "a.txt", RESOLD.replace("会员", ""), "utf-16")
    _write(src / "b.md", CLEAN)
    out = tmp_path / "out"
    assert main(["clean", "-o", str(out), "--to-utf8", str(src)]) == 0
    assert (out / "a.txt").read_text(encoding="utf-8").startswith("年度工作总结")
    assert (out / "b.md").read_text(encoding="utf-8") == CLEAN


def test_diff_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path / "r.txt", RESOLD)
    assert main(["clean", "--diff", str(f)]) == 0
    out = capsys.readouterr().out
    assert "-仅供学习 禁止外传 用后删除" in out and "+我也清楚地认识到不足。" not in out
    assert "清楚地认识到不足。" in out
    assert f.read_text(encoding="utf-8") == RESOLD


def test_several_inputs_need_a_destination(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = _write(tmp_path / "a.txt", CLEAN), _write(tmp_path / "b.txt", CLEAN)
    assert main(["clean", str(a), str(b)]) == 2
    assert "several inputs" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (lambda p: None, ["check", "missing.txt"], "missing.txt"),
        (lambda p: _write(p / "bin.txt", "", "utf-8").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xfa"),
         ["check", "bin.txt"], "--encoding"),
        (lambda p: (p / "bad.toml").write_text("x = = 1", encoding="utf-8"),
         ["check", "--rules", "bad.toml", "-"], "invalid TOML"),
        (lambda p: None, ["check", "--format", "xml", "-"], "unknown format"),
        (lambda p: None, ["check", "--bogus", "-"], "unrecognized arguments"),
        (lambda p: None, ["rules", "show", "NOPE1"], "unknown rule"),
    ],
)
def test_errors_exit_2_with_one_line(  # type: ignore[no-untyped-def]
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup, args, message
) -> None:
    setup(tmp_path)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    assert code == 2
    captured = capsys.readouterr()
    assert message in captured.err + captured.out


def test_refused_cleaning_leaves_the_file_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "仅供学习 禁止外传 用后删除\n本文档来源于网络，如有侵权请联系删除\n精品文档，欢迎下载\n"
        "正文一。\n正文二。\n正文三。\n"
    )
    f = _write(tmp_path / "r.txt", text)
    assert main(["clean", "--in-place", str(f)]) == 2
    assert "above the limit" in capsys.readouterr().err
    assert f.read_text(encoding="utf-8") == text
    assert main(["clean", "--in-place", "--max-removal", "0.9", str(f)]) == 0
    assert f.read_text(encoding="utf-8") == "正文一。\n正文二。\n正文三。\n"


def test_config_in_pyproject_is_found_upwards(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.docclean]\nignore = ["boilerplate"]\nfail-on = "error"\n',
                                             encoding="utf-8")
    sub = tmp_path / "docs"
    sub.mkdir()
    f = _write(sub / "r.txt", RESOLD)
    monkeypatch.chdir(sub)
    assert main(["check", "--format", "json", str(f)]) == 0
    rules = {x["rule"] for x in json.loads(capsys.readouterr().out)["files"][0]["findings"]}
    assert "BP001" not in rules and "DU001" in rules
    assert main(["check", "--no-config", str(f)]) == 1


def test_bad_config_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docclean.toml").write_text('colour = "red"\n', encoding="utf-8")
    assert main(["check", "-"]) == 2
    assert "unknown docclean setting" in capsys.readouterr().err


def test_rules_list_show_and_test(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "BP001" in listing and "PH001" in listing and "DU001" in listing and "NU001" in listing
    assert main(["rules", "show", "DU001"]) == 0
    doc = capsys.readouterr().out
    assert doc.startswith("# DU001 doubled-phrase") and "## Fix safety" in doc
    assert main(["rules", "test"]) == 0
    assert " 0 failed" in capsys.readouterr().out


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    f = _write(tmp_path / "r.txt", RESOLD)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run([sys.executable, "-m", "docclean", "check", str(f)], capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 1 and "BP001" in proc.stdout
