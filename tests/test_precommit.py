"""The pre-commit hooks in .pre-commit-hooks.yaml, installed for real in a throwaway repository.

pre-commit clones this checkout at its current commit (HEAD: uncommitted changes are not part of
the test) and pip-installs docclean into its own environment, which needs the package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUNK = "仅供学习 禁止外传 用后删除\n"
BODY = ("社区年度工作总结\n\n"
        "今年社区走访了三百余户居民，收集意见建议五十多条，全部按时答复。\n"
        "我们组织了十二次志愿服务活动，参与居民累计超过六百人次。\n"
        "社区环境整治取得明显成效，背街小巷的卫生状况有了很大改善。\n"
        "在老年人服务方面，我们开设了日间照料中心，为八十多位老人提供午餐。\n"
        "在青少年工作方面，暑期开办了四期兴趣课堂，深受家长欢迎。\n"
        "明年将继续完善走访制度，把群众的意见落到实处，提升服务水平。\n"
        "我们还将加强网格化管理，确保每一户居民都有专人联系。\n"
        "社区党委将进一步发挥引领作用，推动各项工作再上新台阶。\n")


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1", "PRE_COMMIT_COLOR": "never"}


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900)


@pytest.mark.slow
def test_pre_commit_hooks_fail_on_junk_and_pass_on_clean_text(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--error-unmatch", ".pre-commit-hooks.yaml"],
                             capture_output=True, check=False)
    if head.returncode != 0 or tracked.returncode != 0:
        pytest.skip("not a git checkout of docclean with committed hooks")
    env = _env(tmp_path / "pre-commit-home")
    repo = tmp_path / "docs"
    repo.mkdir()
    assert _run(["git", "init", "-q"], repo, env).returncode == 0
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {ROOT.as_posix()}\n"
        f"    rev: {head.stdout.strip()}\n"
        "    hooks:\n"
        "      - id: docclean-check\n"
        "      - id: docclean-clean\n"
        "        stages: [manual]\n", encoding="utf-8")
    installed = _run([sys.executable, "-m", "pre_commit", "install"], repo, env)
    assert installed.returncode == 0, installed.stderr

    (repo / "report.txt").write_text(JUNK + BODY, encoding="utf-8")
    _run(["git", "add", "."], repo, env)
    started = time.monotonic()
    refused = _run(["git", "commit", "-m", "junk"], repo, env)
    first = time.monotonic() - started
    assert refused.returncode != 0, refused.stdout + refused.stderr
    said = refused.stdout + refused.stderr  # git shows hook output on stderr
    assert "docclean check" in said and "Failed" in said
    assert "report.txt:1:1" in said and "BP001" in said

    # the fixing hook (manual stage) cleans the file in place and reports that it changed it
    fixed = _run([sys.executable, "-m", "pre_commit", "run", "docclean-clean", "--hook-stage", "manual",
                  "--files", "report.txt"], repo, env)
    assert fixed.returncode == 1 and "files were modified by this hook" in fixed.stdout, fixed.stdout
    assert (repo / "report.txt").read_text(encoding="utf-8") == BODY

    _run(["git", "add", "report.txt"], repo, env)
    started = time.monotonic()
    accepted = _run(["git", "commit", "-m", "clean"], repo, env)
    second = time.monotonic() - started
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    said = accepted.stdout + accepted.stderr
    assert "docclean check" in said and "Passed" in said
    print(f"\npre-commit: first commit (environment install + check) {first:.1f}s, "
          f"second commit (check only) {second:.1f}s")
