"""Adopting docclean on an existing corpus: baselines, changed lines only, ignore files, .gitignore."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docclean.cli import main
from docclean.gitdiff import BINARY, _parse, changed_lines, default_base
from docclean.walk import IgnoreFile, walk

ROOT = Path(__file__).resolve().parent.parent
BANNER = "仅供学习 禁止外传 用后删除"
WECHAT = "更多精品资料请加微信 abc12345 下载后可编辑"
HEAD = ("社区年度工作总结\n\n"
        "今年社区走访了三百余户居民，收集意见建议五十多条，全部按时答复。\n"
        "我们组织了十二次志愿服务活动，参与居民累计超过六百人次。\n"
        "社区环境整治取得明显成效，背街小巷的卫生状况有了很大改善。\n")
TAIL = ("在老年人服务方面，我们开设了日间照料中心，为八十多位老人提供午餐。\n"
        "在青少年工作方面，暑期开办了四期兴趣课堂，深受家长欢迎。\n"
        "明年将继续完善走访制度，把群众的意见落到实处，提升服务水平。\n"
        "我们还将加强网格化管理，确保每一户居民都有专人联系。\n"
        "社区党委将进一步发挥引领作用，推动各项工作再上新台阶。\n")

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def doc(*middle: str) -> str:
    return HEAD + "".join(m + "\n" for m in middle) + TAIL


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def findings(capsys: pytest.CaptureFixture[str]) -> list[dict]:  # type: ignore[type-arg]
    data = json.loads(capsys.readouterr().out)
    return [f | {"path": r["path"]} for r in data["files"] for f in r["findings"]]


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    code = main(["check", "--format", "json", "--no-config", *args])
    return code, findings(capsys)


# --- baseline --------------------------------------------------------------------------------

def test_baseline_suppresses_recorded_findings_and_reports_new_ones(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(doc(BANNER), encoding="utf-8")
    (corpus / "b.md").write_text(doc("我们在第X届运动会上取得了好成绩。"), encoding="utf-8")
    code, before = check_json(capsys, "corpus")
    assert code == 1 and {f["rule"] for f in before} >= {"BP001", "PH004"}

    assert main(["check", "--no-config", "--write-baseline", "docclean-baseline.json", "corpus"]) == 0
    assert f"recorded {len(before)} findings" in capsys.readouterr().err
    data = json.loads((tmp_path / "docclean-baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert {(e["path"], e["rule"]) for e in data["findings"]} == {(f"corpus/{Path(f['path']).name}", f["rule"])
                                                                 for f in before}
    assert all("line" not in e["fingerprint"] and len(e["fingerprint"]) == 32 for e in data["findings"])

    code, after = check_json(capsys, "--baseline", "docclean-baseline.json", "corpus")
    assert code == 0 and after == []

    # moving the old junk down (new lines above it) keeps it baselined; a new junk line is reported
    moved = "新增的一段说明文字，介绍本年度的总体情况。\n\n" + doc(BANNER, WECHAT)
    (corpus / "a.txt").write_text(moved, encoding="utf-8")
    code, new = check_json(capsys, "--baseline", "docclean-baseline.json", "corpus")
    assert code == 1
    assert [(f["rule"], f["text"].rstrip("\n")) for f in new] == [("BP001", WECHAT)]


def test_baseline_counts_occurrences(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(doc(BANNER), encoding="utf-8")
    assert main(["check", "--no-config", "--write-baseline", "base.json", "a.txt"]) == 0
    capsys.readouterr()
    (tmp_path / "a.txt").write_text(doc(BANNER, "我们组织了多次培训活动，效果良好。", BANNER), encoding="utf-8")
    code, new = check_json(capsys, "--baseline", "base.json", "a.txt")
    banner_hits = [f for f in new if f["text"].startswith(BANNER)]
    assert code == 1 and len(banner_hits) == 1  # the second copy is new


def test_bad_baseline_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(doc(), encoding="utf-8")
    bad = tmp_path / "base.json"
    bad.write_text(json.dumps({"version": 99, "findings": []}), encoding="utf-8")
    assert main(["check", "--no-config", "--baseline", str(bad), str(tmp_path / "a.txt")]) == 2
    assert "unsupported baseline version 99" in capsys.readouterr().err
    assert main(["check", "--no-config", "--baseline", str(tmp_path / "missing.json"), str(tmp_path)]) == 2


# --- ignore files ----------------------------------------------------------------------------

@pytest.mark.parametrize(("lines", "path", "is_dir", "ignored"), [
    (["*.txt"], "a/b/c.txt", False, True),
    (["*.txt", "!keep.txt"], "a/keep.txt", False, False),
    (["/top.txt"], "top.txt", False, True),
    (["/top.txt"], "sub/top.txt", False, False),
    (["drafts/"], "x/drafts/a.md", False, True),
    (["drafts/"], "drafts", False, False),
    (["docs/**/old-*.md"], "docs/a/b/old-1.md", False, True),
    (["docs/**/old-*.md"], "other/docs/a/old-1.md", False, False),
    (["# comment", "", "a?.md"], "ab.md", False, True),
    (["[ab].md"], "c.md", False, False),
])
def test_ignore_file_follows_gitignore_rules(tmp_path: Path, lines: list[str], path: str, is_dir: bool,
                                             ignored: bool) -> None:
    ign = IgnoreFile(tmp_path, lines)
    assert ign.ignores(tmp_path / path) is ignored


def test_doccleanignore_skips_walked_and_named_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "third.txt").write_text(doc(BANNER), encoding="utf-8")
    (tmp_path / "mine.txt").write_text(doc(BANNER), encoding="utf-8")
    (tmp_path / "old.md").write_text(doc(BANNER), encoding="utf-8")
    (tmp_path / ".doccleanignore").write_text("vendor/\nold.md\n", encoding="utf-8")
    code, found = check_json(capsys, ".")
    assert code == 1 and {Path(f["path"]).name for f in found} == {"mine.txt"}
    code, found = check_json(capsys, "old.md")
    assert code == 0 and found == []


@needs_git
def test_gitignore_is_respected_in_a_git_work_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("build/\n*.bak.txt\n", encoding="utf-8")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.txt").write_text(doc(BANNER), encoding="utf-8")
    (tmp_path / "x.bak.txt").write_text(doc(BANNER), encoding="utf-8")
    (tmp_path / "report.txt").write_text(doc(BANNER), encoding="utf-8")
    assert [Path(p).name for p in walk([str(tmp_path)], ["*.txt"], [])] == ["report.txt"]
    code, found = check_json(capsys, str(tmp_path))
    assert code == 1 and {Path(f["path"]).name for f in found} == {"report.txt"}
    code, found = check_json(capsys, "--no-gitignore", str(tmp_path))
    assert code == 1
    assert {Path(f["path"]).name for f in found} == {"out.txt", "x.bak.txt", "report.txt"}


def test_gitignore_is_read_outside_git(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("build/\n*.bak.txt\n!keep.bak.txt\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text("local.txt\n", encoding="utf-8")
    for name in ("build/out.txt", "x.bak.txt", "keep.bak.txt", "report.txt", "sub/local.txt", "sub/ok.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("正文。\n", encoding="utf-8")
    if subprocess.run(["git", "-C", str(tmp_path), "rev-parse"], capture_output=True).returncode == 0:
        pytest.skip("the temporary folder is inside a git work tree")
    got = sorted(Path(p).relative_to(tmp_path).as_posix() for p in walk([str(tmp_path)], ["*.txt"], []))
    assert got == ["keep.bak.txt", "report.txt", "sub/ok.txt"]
    every = sorted(Path(p).relative_to(tmp_path).as_posix()
                   for p in walk([str(tmp_path)], ["*.txt"], [], gitignore=False))
    assert len(every) == 6


# --- changed lines only ----------------------------------------------------------------------

def test_parse_unified_zero_diff() -> None:
    diff = ("diff --git a/a.txt b/a.txt\nindex 1..2 100644\n--- a/a.txt\n+++ b/a.txt\n"
            "@@ -3,0 +4,2 @@\n+x\n+y\n@@ -9 +11 @@\n-old\n+new\n@@ -20,3 +21,0 @@\n-gone\n"
            "diff --git a/图 片.docx b/图 片.docx\nindex 1..2 100644\n"
            "Binary files a/图 片.docx and b/图 片.docx differ\n")
    parsed = _parse(diff)
    assert parsed["a.txt"] == {4, 5, 11}
    assert parsed["图 片.docx"] is BINARY


@needs_git
def test_diff_base_reports_only_changed_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "old.txt").write_text(doc(BANNER), encoding="utf-8")
    (tmp_path / "same.txt").write_text(doc(BANNER), encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "corpus")
    (tmp_path / "old.txt").write_text(doc(BANNER, "我们组织了多次培训活动，效果良好。", WECHAT), encoding="utf-8")
    (tmp_path / "new.txt").write_text(doc(BANNER), encoding="utf-8")  # untracked: every line counts
    code, all_found = check_json(capsys, ".")
    assert {Path(f["path"]).name for f in all_found} == {"old.txt", "same.txt", "new.txt"}
    code, found = check_json(capsys, "--diff-base", "HEAD", ".")
    assert code == 1
    got = sorted((Path(f["path"]).name, f["text"].rstrip("\n")) for f in found if f["rule"] == "BP001")
    assert got == [("new.txt", BANNER), ("old.txt", WECHAT)]
    assert changed_lines(["same.txt"], "HEAD")["same.txt"] == frozenset()

    # --changed-only: on a branch, against the merge-base with main
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "more")
    git(tmp_path, "checkout", "-qb", "topic")
    assert default_base(tmp_path) == git(tmp_path, "rev-parse", "HEAD").strip()
    (tmp_path / "same.txt").write_text(doc(BANNER, WECHAT), encoding="utf-8")
    code, found = check_json(capsys, "--changed-only", ".")
    assert [(Path(f["path"]).name, f["text"].rstrip("\n")) for f in found if f["rule"] == "BP001"] == [
        ("same.txt", WECHAT)]

    assert main(["check", "--no-config", "--diff-base", "no-such-rev", "."]) == 2
    assert "unknown git revision" in capsys.readouterr().err


@needs_git
def test_diff_base_compares_binary_files_by_content(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # a .docx differs as a binary file; marking .txt binary exercises the same path without Word
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitattributes").write_text("*.txt binary\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(doc(BANNER), encoding="utf-8")
    (tmp_path / "same.txt").write_text(doc(BANNER), encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "corpus")
    (tmp_path / "a.txt").write_text("新增的一段说明文字。\n\n" + doc(WECHAT, "我们组织了多次培训活动。", BANNER),
                                    encoding="utf-8")
    assert "Binary files" in git(tmp_path, "diff", "HEAD", "--", "a.txt")
    code, found = check_json(capsys, "--diff-base", "HEAD", ".")
    assert code == 1
    assert [(Path(f["path"]).name, f["text"].rstrip("\n")) for f in found if f["rule"] == "BP001"] == [
        ("a.txt", WECHAT)]


def test_diff_base_outside_git_counts_every_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("git") and subprocess.run(["git", "-C", str(tmp_path), "rev-parse"],
                                              capture_output=True).returncode == 0:
        pytest.skip("the temporary folder is inside a git work tree")
    (tmp_path / "a.txt").write_text(doc(BANNER), encoding="utf-8")
    code, found = check_json(capsys, "--diff-base", "HEAD", str(tmp_path / "a.txt"))
    assert code == 1 and found


# --- the command as a user runs it -----------------------------------------------------------

@needs_git
def test_python_m_docclean_with_baseline_and_diff_base(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "a.md").write_text(doc(BANNER), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "docclean", "check", "--no-config", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, check=False)

    assert run("a.md").returncode == 1
    assert run("--write-baseline", "b.json", ".").returncode == 0
    ok = run("--baseline", "b.json", ".")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "1 findings in baseline" in ok.stderr or "findings in baseline" in ok.stderr
    git(tmp_path, "add", "a.md")
    git(tmp_path, "commit", "-qm", "x")
    assert run("--diff-base", "HEAD", "a.md").returncode == 0


def test_fingerprints_do_not_depend_on_line_breaks_or_lines_elsewhere() -> None:
    import docclean
    from docclean.fingerprint import fingerprint

    lf = "第一行\n" + WECHAT + "\n第三行\n"
    prints = []
    for source in (lf, lf.replace("\n", "\r\n"), lf.replace("\n", "\r"), "新加的一行\r" + lf.replace("\n", "\r")):
        result = docclean.clean(source, select=["BP001"], fix="none")
        (finding,) = [f for f in result.findings if WECHAT in f.text]
        prints.append(fingerprint(finding, source))
    assert len(set(prints)) == 1
