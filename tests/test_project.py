"""Project hygiene that users rely on: README commands, CI script, changelog, bundled example."""

from __future__ import annotations

import re
from pathlib import Path

import docclean

ROOT = Path(__file__).resolve().parents[1]


def _code_blocks(markdown: str) -> list[str]:
    return re.findall(r"```(?:sh|bash)?\n(.*?)```", markdown, flags=re.S)


def test_readme_starts_with_the_install_and_test_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first, second = _code_blocks(readme)[:2]
    assert first.strip().startswith("pip install . && docclean ")
    assert second.strip() == "pip install -e '.[test]' && python -m pytest"
    example = first.strip().split()[-1]
    assert (ROOT / example).is_file()


def test_ci_runs_the_readme_test_command_after_lint_and_types() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "grep -m1 -E \"^pip install -e '\\.\\[test\\]' \" README.md" in script
    assert script.index("ruff check") < script.index('bash -c "$test_command"')
    assert "mypy" in script


def test_changelog_has_an_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog and "Keep a Changelog" in changelog


def test_bundled_example_is_cleaned_and_flagged() -> None:
    text = (ROOT / "examples" / "resold-summary.txt").read_text(encoding="utf-8")
    result = docclean.clean(text)
    assert result.text.startswith("2023年度社区工作总结\n")
    assert "微信" not in result.text and "侵权" not in result.text
    assert "清醒地看到工作中" in result.text
    categories = {f.category for f in result.findings}
    assert categories == {"boilerplate", "placeholder", "duplicate", "numbering"}


def test_every_rule_file_is_shipped_as_package_data() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"rules" = "docclean/rules"' in pyproject
    assert len(list((ROOT / "rules").rglob("*.toml"))) == len(docclean.load_rules())


def test_rule_catalogue_is_up_to_date() -> None:
    from docclean.ruledoc import render_catalogue

    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == render_catalogue(docclean.load_rules()), "run: docclean rules doc > docs/rules.md"
