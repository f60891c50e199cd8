"""Every bundled rule's own examples pass, and every rule is complete."""

from __future__ import annotations

import pytest

import docclean
from docclean.selftest import check_rule, parse_marked

RULES = docclean.load_rules()


@pytest.mark.parametrize("rule", RULES.rules, ids=[r.id for r in RULES.rules])
def test_rule_examples(rule: docclean.Rule) -> None:
    failures = check_rule(rule, RULES)
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("rule", RULES.rules, ids=[r.id for r in RULES.rules])
def test_rule_is_documented(rule: docclean.Rule) -> None:
    assert rule.doc.summary and rule.doc.why and rule.doc.example and rule.doc.instead
    assert rule.doc.fix_safety, f"{rule.id} must say why its fix is (not) safe"
    assert rule.name == rule.name.lower() and " " not in rule.name


def test_rule_ids_are_unique_and_files_named_after_them() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.path.rsplit("/", 1)[-1].startswith(rule.id + "-"), rule.path


def test_every_category_has_rules() -> None:
    assert {r.category for r in RULES} >= {"boilerplate", "placeholder", "duplicate", "numbering"}


def test_markers_are_parsed_into_spans() -> None:
    assert parse_marked("a⟦bc⟧d⟦e⟧") == ("abcde", [(1, 3), (4, 5)])
    for bad in ("⟦a", "a⟧", "⟦⟦a⟧⟧"):
        with pytest.raises(ValueError):
            parse_marked(bad)


def test_a_failing_example_is_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rule_file = tmp_path / "mine.toml"
    rule_file.write_text(
        """
[[rules]]
id = "ZZ001"
name = "find-foo"
category = "boilerplate"
kind = "pattern"
action = "strip"
safety = "safe"
message = "foo"
doc = { summary = "foo", why = "w", example = "e", instead = "i", fix_safety = "s" }
params = { patterns = ["foo"] }
tests = [ { text = "⟦bar⟧ foo", fixed = " " }, { text = "nothing" } ]
""",
        encoding="utf-8",
    )
    ruleset = docclean.load_rules(rule_file)
    failures = check_rule(ruleset.get("ZZ001"), ruleset)
    assert len(failures) == 1 and "expected ['bar']" in failures[0].problem
