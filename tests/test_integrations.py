"""The GitHub Action, the pre-commit hook manifest and the README's snippets."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
JUNK = "仅供学习 禁止外传 用后删除\n"
BODY = ("社区年度工作总结\n\n"
        "今年社区走访了三百余户居民，收集意见建议五十多条，全部按时答复。\n"
        "我们组织了十二次志愿服务活动，参与居民累计超过六百人次。\n"
        "在老年人服务方面，我们开设了日间照料中心，为八十多位老人提供午餐。\n"
        "明年将继续完善走访制度，把群众的意见落到实处，提升服务水平。\n"
        "社区党委将进一步发挥引领作用，推动各项工作再上新台阶。\n")


@pytest.fixture
def shim(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH has a ``docclean`` command running this checkout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "docclean"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m docclean "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": str(ROOT)}


def _action() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_action_declares_inputs_and_uploads_sarif() -> None:
    action = _action()
    assert set(action["inputs"]) >= {"paths", "fail-on", "args"}
    assert action["runs"]["using"] == "composite"
    uses = [s.get("uses", "") for s in action["runs"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    upload = next(s for s in action["runs"]["steps"] if s.get("uses", "").startswith("github/codeql-action/upload"))
    assert upload["with"]["sarif_file"] == "docclean.sarif"


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize(("files", "args", "code", "annotate"), [
    ({"docs/a.txt": JUNK + BODY}, "", "1", "false"),
    ({"docs/a.txt": JUNK + BODY}, "", "1", "true"),
    ({"docs/a.txt": BODY}, "", "0", "true"),
    ({"docs/a.txt": JUNK + BODY}, "--select PH", "0", "false"),
])
def test_action_check_step_writes_sarif_and_reports_the_exit_code(
        tmp_path: Path, shim: dict[str, str], files: dict[str, str], args: str, code: str, annotate: str) -> None:
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "check")
    work = tmp_path / "repo"
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    output = tmp_path / "github_output"
    output.write_text("", encoding="utf-8")
    env = {**shim, "PATHS": "docs", "FAIL_ON": "warning", "ARGS": args + " --no-config",
           "GITHUB_OUTPUT": str(output), "ANNOTATIONS": annotate}
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=work, env=env, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert f"exit-code={code}" in output.read_text(encoding="utf-8").splitlines()
    sarif = json.loads((work / "docclean.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert bool(results) == (code == "1")
    if results:
        assert results[0]["ruleId"] == "BP001"
    annotated = "::warning file=docs/a.txt,line=1" in proc.stdout
    assert annotated == (annotate == "true" and code == "1")


def test_pre_commit_manifest_hooks_run(tmp_path: Path, shim: dict[str, str]) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"docclean-check", "docclean-clean"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert re.search(hook["files"], "a/b.md") and re.search(hook["files"], "x.docx")
        assert not re.search(hook["files"], "setup.py")
    doc = tmp_path / "a.txt"
    doc.write_text(JUNK + BODY, encoding="utf-8")

    def run(hook: str) -> int:
        return subprocess.run([*hooks[hook]["entry"].split(), "--no-config", str(doc)], env=shim,
                              capture_output=True, check=False).returncode

    assert run("docclean-check") == 1
    assert run("docclean-clean") == 0
    assert doc.read_text(encoding="utf-8") == BODY
    assert run("docclean-check") == 0


def _blocks(lang: str) -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"^```{lang}\n(.*?)^```", readme, re.S | re.M)


def test_readme_yaml_snippets_parse_and_name_real_hooks_and_inputs() -> None:
    blocks = [yaml.safe_load(b) for b in _blocks("yaml")]
    assert len(blocks) >= 3
    hooks = [h["id"] for b in blocks if isinstance(b, dict) and "repos" in b for r in b["repos"] for h in r["hooks"]]
    assert "docclean-check" in hooks
    inputs = set(_action()["inputs"])
    steps = [s for b in blocks if isinstance(b, dict) and "jobs" in b for j in b["jobs"].values() for s in j["steps"]]
    action_steps = [s for s in steps if "docclean" in s.get("uses", "") and "checkout" not in s["uses"]]
    assert action_steps and all(set(s.get("with", {})) <= inputs for s in action_steps)
    gitlab = [b for b in blocks if isinstance(b, dict) and any(isinstance(v, dict) and "script" in v
                                                              for v in b.values())]
    assert gitlab and any("codequality" in json.dumps(b) for b in gitlab)


def test_readme_python_snippets_run(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "resold-summary.txt", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    blocks = _blocks("python")
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "年度工作总结\n" in out and "我也清楚地认识到不足。" in out and "仅供学习" not in out.split("BP001")[0]
    cleaned = (tmp_path / "resold-summary.clean.txt").read_text(encoding="utf-8")
    assert "2023年度社区工作总结" in cleaned and "请勿外传" not in cleaned
