"""The compiled-regex cache: rebuilt patterns behave like compiled ones, and a missing, broken
or unwritable cache only means compiling afresh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from docclean import regexcache

PATTERNS = [(r"(?<=\p{Han})[XＸ]{1,3}(?:科技园|家)", regex.V0),
            (r"(?i:qq)[:：]?\s*(?P<id>\d{5,11})", regex.V0),
            (r"(\p{Han}{2,4})\1", regex.V0 | regex.IGNORECASE)]
TEXT = "园区有X科技园和ＸＸ家企业，QQ：123456789，认真认真学习，qq 98765"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("DOCCLEAN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("DOCCLEAN_NO_CACHE", raising=False)
    monkeypatch.setattr(regexcache, "_loaded", None)
    monkeypatch.setattr(regexcache, "_added", False)
    path = regexcache.cache_file()
    assert path is not None and path.parent == tmp_path
    return path


def _spans(pattern: regex.Pattern[str]) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(TEXT)]


def test_patterns_come_back_from_the_cache_without_parsing(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = [regexcache.compile_regex(p, f) for p, f in PATTERNS]
    expected = [_spans(p) for p in compiled]
    assert all(expected)  # each pattern finds something in TEXT
    regexcache.save()
    assert fresh.is_file()
    monkeypatch.setattr(regexcache, "_loaded", None)  # as in a new process

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(regexcache.regex, "compile", no_parsing)
    rebuilt = [regexcache.compile_regex(p, f) for p, f in PATTERNS]
    assert [_spans(p) for p in rebuilt] == expected
    def shape(p: regex.Pattern[str]) -> tuple[str, int, object]:
        return p.pattern, p.flags, p.groupindex

    assert [shape(p) for p in rebuilt] == [shape(p) for p in compiled]


def test_a_broken_cache_file_is_ignored(fresh: Path) -> None:
    fresh.write_bytes(b"docclean-regex-cache-1\n" + b"\0" * 32 + b"not marshal data")
    pattern = regexcache.compile_regex(*PATTERNS[0])
    assert _spans(pattern)
    regexcache.save()
    assert fresh.read_bytes().startswith(b"docclean-regex-cache-1\n")
    assert regexcache._read(fresh) != {}  # rewritten whole and valid


def test_switched_off_or_unwritable(fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCCLEAN_NO_CACHE", "1")
    assert regexcache.cache_file() is None
    assert _spans(regexcache.compile_regex(*PATTERNS[1]))
    regexcache.save()
    assert not fresh.exists()
    monkeypatch.delenv("DOCCLEAN_NO_CACHE")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("DOCCLEAN_CACHE_DIR", str(blocker / "sub"))  # cannot be created
    monkeypatch.setattr(regexcache, "_loaded", None)
    regexcache.compile_regex(*PATTERNS[2])
    regexcache.save()  # quietly does nothing
    assert not (blocker / "sub").exists()


def test_a_second_run_gives_the_same_findings(tmp_path: Path) -> None:
    env = dict(os.environ, DOCCLEAN_CACHE_DIR=str(tmp_path))
    env.pop("DOCCLEAN_NO_CACHE", None)
    text = json.dumps(TEXT + "\n仅供学习交流，下载后请删除\n")
    code = (f"import json, docclean; r = docclean.clean({text}, max_removal=1.0);"
            "print(json.dumps([f.to_dict() for f in r.findings], ensure_ascii=False))")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert list(tmp_path.glob("regex-*.bin"))
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(first.stdout) and second.stdout == first.stdout


def test_a_full_cache_keeps_only_what_the_run_used(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regexcache, "MAX_ENTRIES", 2)
    monkeypatch.setattr(regexcache, "_used", set())
    for source, flags in PATTERNS:
        regexcache.compile_regex(source, flags)
    regexcache.save()
    assert len(regexcache._read(fresh)) == 3  # over the limit, but all used in this run
    monkeypatch.setattr(regexcache, "_loaded", None)  # a later run with other rules
    monkeypatch.setattr(regexcache, "_used", set())
    regexcache.compile_regex("(?:新的)规则", regex.V0)
    regexcache.save()
    assert set(regexcache._read(fresh)) == {("(?:新的)规则", int(regex.V0))}


def test_analyses_of_patterns_come_back_from_the_cache(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docclean.kinds import regexes

    monkeypatch.setattr(regexes, "_ANALYSES", {})
    pattern = regexcache.compile_regex(r"(?:加|添加)(?:微信|VX)[:：]?\w+", regex.V0)
    anchors = regexes.literal_anchors(pattern)
    assert anchors is not None and any("加微信" in a[2] for a in anchors)
    assert regexes.line_confined(pattern)
    regexcache.save()
    monkeypatch.setattr(regexcache, "_loaded", None)  # as in a new process
    monkeypatch.setattr(regexes, "_ANALYSES", {})

    def not_again(pattern: object) -> None:
        raise AssertionError("analysed again")

    monkeypatch.setattr(regexes, "_literal_anchors", not_again)
    monkeypatch.setattr(regexes, "_line_confined", not_again)
    assert regexes.literal_anchors(pattern) == anchors
    assert regexes.line_confined(pattern) is True


def test_stored_analyses_belong_to_one_version_of_the_code(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docclean.kinds import regexes

    pattern = regexcache.compile_regex(r"下载后可编辑", regex.V0)
    key = (pattern.pattern, int(pattern.flags), "confined")
    regexcache.remember(("analysis", regexes._analysis_version(), *key), False)  # a planted verdict
    monkeypatch.setattr(regexes, "_ANALYSES", {})
    assert regexes.line_confined(pattern) is False  # read back, not worked out
    monkeypatch.setattr(regexes, "_ANALYSES", {})
    monkeypatch.setattr(regexes, "_CODE", ["another version"])
    assert regexes.line_confined(pattern) is True  # another version of the code works it out afresh


RULE_FILE = """id = "ZZ901"
name = "cached-rule"
category = "boilerplate"
kind = "pattern"
severity = "warning"
action = "flag"
message = "found {match}"

[params]
patterns = ['星河文档']

[[tests]]
text = "来自⟦星河文档⟧。"

[[tests]]
text = "星河与文档。"
"""


def test_rule_files_read_before_are_not_parsed_again(fresh: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from docclean import rules

    path = tmp_path / "rules" / "zz.toml"
    path.parent.mkdir()
    path.write_text(RULE_FILE, encoding="utf-8")
    first = rules._read_toml(path)
    first["name"] = "changed by a caller"  # what a caller does to its copy stays there
    regexcache.save()
    monkeypatch.setattr(regexcache, "_loaded", None)  # as in a new process

    def no_parsing(text: str) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(rules.tomllib, "loads", no_parsing)
    again = rules._read_toml(path)
    assert again["name"] == "cached-rule" and again["params"] == {"patterns": ["星河文档"]}
    path.write_text(RULE_FILE.replace("星河文档", "学海资料"), encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed again"):  # new bytes: parsed afresh
        rules._read_toml(path)


def test_a_rule_file_that_is_not_utf8_is_a_rule_error(fresh: Path, tmp_path: Path) -> None:
    from docclean import rules
    from docclean.errors import RuleError

    path = tmp_path / "gbk.toml"
    path.write_bytes(RULE_FILE.replace("⟦", "").replace("⟧", "").encode("gbk"))
    with pytest.raises(RuleError, match=r"gbk\.toml: rule file is not UTF-8"):
        rules.load_rules(path, bundled=False)


def test_a_rule_file_s_old_text_leaves_the_cache(fresh: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from docclean import rules

    monkeypatch.setattr(regexcache, "_used", set())
    path = tmp_path / "zz.toml"
    path.write_text(RULE_FILE, encoding="utf-8")
    rules._read_toml(path)
    regexcache.compile_regex(*PATTERNS[0])
    regexcache.save()
    old = {k for k in regexcache._read(fresh) if k[0] == "toml"}
    assert len(old) == 1
    monkeypatch.setattr(regexcache, "_used", set())  # a later run, after the file was edited
    path.write_text(RULE_FILE.replace("星河文档", "学海资料"), encoding="utf-8")
    rules._read_toml(path)
    regexcache.save()
    kept = regexcache._read(fresh)
    assert {k for k in kept if k[0] == "toml"}.isdisjoint(old) and len([k for k in kept if k[0] == "toml"]) == 1
    assert (PATTERNS[0][0], int(PATTERNS[0][1])) in kept  # compiled patterns stay until the cache is full
