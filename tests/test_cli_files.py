"""Where `docclean clean` writes, in which encoding, and how write failures are reported."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from docclean.cli import main

RESOLD = (
    "仅供学习 禁止外传 用后删除\n年度工作总结\n我们坚持稳中求进，全面推进各项工作落实落地。\n"
    "一、主要成绩\n全年共完成各项任务，群众满意度明显提升。\n二、存在问题\n服务方式还不够多样。\n"
)


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_output_folder_keeps_relative_paths_of_same_named_files(tmp_path: Path) -> None:
    for sub in ("d1", "d2"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.txt").write_text(RESOLD.replace("年度", sub), encoding="utf-8")
    assert main(["clean", "-o", "out", "d1/x.txt", "d2/x.txt"]) == 0
    assert (tmp_path / "out" / "d1" / "x.txt").read_text(encoding="utf-8").startswith("d1工作总结")
    assert (tmp_path / "out" / "d2" / "x.txt").read_text(encoding="utf-8").startswith("d2工作总结")


def test_same_file_twice_into_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.txt").write_text(RESOLD, encoding="utf-8")
    assert main(["clean", "-o", "out", "x.txt", "./x.txt"]) == 2
    assert "same output file" in capsys.readouterr().err


def test_stdout_keeps_the_input_encoding_unless_to_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "g.txt").write_bytes(RESOLD.encode("gb18030"))
    for args, encoding in ((["clean", "g.txt"], "gb18030"), (["clean", "--to-utf8", "g.txt"], "utf-8")):
        buffer = io.BytesIO()
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buffer, encoding="ascii"))
        assert main(args) == 0
        sys.stdout.flush()
        assert buffer.getvalue().decode(encoding).startswith("年度工作总结\n")


def test_output_into_a_missing_folder_is_created(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(RESOLD, encoding="utf-8")
    assert main(["clean", "-o", "new/dir/x.txt", "x.txt"]) == 0
    assert (tmp_path / "new" / "dir" / "x.txt").read_text(encoding="utf-8").startswith("年度工作总结")


def test_unwritable_report_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.txt").write_text(RESOLD, encoding="utf-8")
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    assert main(["check", "--output", "blocker/r.json", "--format", "json", "x.txt"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("docclean: error:") and "\n" not in err


def test_docx_diff_is_refused_and_header_only_junk_is_written(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    import docx

    path = tmp_path / "h.docx"
    document = docx.Document()
    document.sections[0].footer.paragraphs[0].text = "某某文库整理，咨询QQ12345678"
    document.save(str(path))
    assert main(["clean", "--diff", str(path)]) == 2
    assert "needs -o OUT" in capsys.readouterr().err
    assert main(["clean", "--in-place", str(path)]) == 0
    assert "(unchanged)" not in capsys.readouterr().err
    footer = docx.Document(str(path)).sections[0].footer.paragraphs
    assert all("QQ" not in p.text for p in footer)


@pytest.mark.parametrize("value", ["nan", "-1", "0", "1.5", "lots"])
def test_max_removal_must_be_a_share(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    (tmp_path / "x.txt").write_text(RESOLD, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["clean", "--max-removal", value, "x.txt"])
    assert exit_info.value.code == 2
    assert "--max-removal" in capsys.readouterr().err


def test_config_exclude_and_per_file_ignores_apply_to_named_files_from_any_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docclean.toml").write_text(
        'exclude = ["archive/*"]\n[per-file-ignores]\n"drafts/*" = "boilerplate"\n', encoding="utf-8")
    for sub in ("archive", "drafts", "docs"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.txt").write_text(RESOLD, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "docs")
    assert main(["check", "--format", "json", "../archive/x.txt", "../drafts/x.txt", "x.txt"]) == 1
    import json

    files = {f["path"]: {x["rule"][:2] for x in f["findings"]} for f in json.loads(capsys.readouterr().out)["files"]}
    assert "../archive/x.txt" not in files
    assert "BP" not in files["../drafts/x.txt"] and "BP" in files["x.txt"]


def _corpus(folder: Path) -> list[str]:
    """Six files: four resold copies, one clean, one that is not text."""
    folder.mkdir()
    names = []
    for n in range(4):
        (folder / f"r{n}.txt").write_text(RESOLD.replace("年度", f"第{n}季度"), encoding="utf-8")
        names.append(f"r{n}.txt")
    (folder / "plain.txt").write_text("我们坚持稳中求进，全面推进各项工作落实落地。\n", encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"not a zip file at all")
    return [*names, "plain.txt", "broken.docx"]


def test_jobs_clean_a_folder_as_one_process_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _corpus(tmp_path / "in")
    outputs = {}
    for jobs in ("1", "2"):
        code = main(["clean", "-j", jobs, "-o", f"out{jobs}", "in"])
        err = capsys.readouterr().err
        files = {p.relative_to(tmp_path / f"out{jobs}").as_posix(): p.read_bytes()
                 for p in sorted((tmp_path / f"out{jobs}").rglob("*")) if p.is_file()}
        outputs[jobs] = (code, err.replace(f"out{jobs}", "OUT"), files)
    assert outputs["1"] == outputs["2"]
    code, err, files = outputs["2"]
    assert code == 2  # the broken .docx
    assert len(files) == 5 and not files["r0.txt"].startswith("仅供学习".encode())
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines if "fixes applied" in line] == \
        [f"in/{name}" for name in ("plain.txt", "r0.txt", "r1.txt", "r2.txt", "r3.txt")]
    assert sum("error" in line and "broken.docx" in line for line in lines) == 1


def test_jobs_check_reports_as_one_process_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _corpus(tmp_path / "in")
    reports = {}
    for jobs in ("1", "0"):
        code = main(["check", "-j", jobs, "--format", "json", "in"])
        reports[jobs] = (code, capsys.readouterr().out)
    assert reports["1"] == reports["0"]
    code, out = reports["1"]
    assert code == 2  # the broken .docx
    assert "in/r3.txt" in out and "in/broken.docx" in out


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_jobs_must_be_a_whole_number(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    (tmp_path / "x.txt").write_text(RESOLD, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["check", "--jobs", value, "x.txt"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("docclean: error: argument -j/--jobs: expected a whole number of processes")
