"""Run a rule's own examples: ⟦ ⟧ mark every span it must report; ``fixed`` is the text after fixes.

A marked span matches a finding of the rule whose span, without its trailing line break and
white space, is the same. A test without markers must produce no finding of the rule. Examples of
``pattern``, ``line-score`` and ``repetition`` rules are also run through a prescan (see
``prescan``), which must change nothing: a gate that misses a line where the rule matches shows
here. Rules run with every other rule switched off (rules they read scores from still provide
them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import engine, prescan
from .kinds import compile_rule
from .model import Action, FixMode
from .rules import Rule, RuleSet, RuleTest

OPEN, CLOSE = "⟦", "⟧"


@dataclass(frozen=True, slots=True)
class Failure:
    """One way a rule's examples failed."""

    rule: str
    test: int
    problem: str

    def __str__(self) -> str:
        return f"{self.rule} test {self.test}: {self.problem}"


def parse_marked(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Strip ⟦ ⟧ markers; return the plain text and the marked spans (code points)."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    start: int | None = None
    for ch in marked:
        if ch == OPEN:
            if start is not None:
                raise ValueError("nested ⟦")
            start = pos
        elif ch == CLOSE:
            if start is None:
                raise ValueError("⟧ without ⟦")
            spans.append((start, pos))
            start = None
        else:
            plain.append(ch)
            pos += 1
    if start is not None:
        raise ValueError("⟦ without ⟧")
    return "".join(plain), spans


def _isolated(ruleset: RuleSet, rule: Rule) -> RuleSet:
    """Only ``rule`` enabled, even when it is off by default (its examples show what it does)."""
    return RuleSet(tuple(replace(r, enabled=r.id == rule.id) for r in ruleset.rules))


def check_rule(rule: Rule, ruleset: RuleSet) -> list[Failure]:
    """Every failure of ``rule``'s examples, including missing kinds of example."""
    failures: list[Failure] = []
    if not any(OPEN in t.text and not t.todo for t in rule.tests):
        failures.append(Failure(rule.id, 0, "no example where the rule must report (⟦ ⟧)"))
    if not any(OPEN not in t.text for t in rule.tests):
        failures.append(Failure(rule.id, 0, "no near-miss example where the rule must stay quiet"))
    if rule.action is not Action.FLAG and not any(t.fixed is not None for t in rule.tests):
        failures.append(Failure(rule.id, 0, "a fixable rule needs an example with 'fixed'"))
    failures += [Failure(rule.id, 0, f"Hyperscan rejects its gate {source!r} (it would be scanned with re, slowly)")
                 for source in _rejected_gates(rule)]
    only = _isolated(ruleset, rule)
    for i, test in enumerate(rule.tests, 1):
        problem = _run_test(rule, only, test)
        if test.todo:
            if problem is None:
                failures.append(Failure(rule.id, i, f"todo example passes now; drop 'todo' ({test.todo})"))
        elif problem is not None:
            failures.append(Failure(rule.id, i, problem))
    return failures


def _rejected_gates(rule: Rule) -> list[str]:
    register = getattr(compile_rule(rule), "register_gates", None)
    keys: tuple[int, ...] = register() if register is not None else ()
    return [source for key in keys for source in prescan.rejected(key)]


def _run_test(rule: Rule, only: RuleSet, test: RuleTest) -> str | None:
    try:
        plain, expected = parse_marked(test.text)
    except ValueError as exc:
        return f"bad markers: {exc}"
    with prescan.never():
        result = engine.run(plain, only, mode=FixMode.SAFE, max_removal=1.0)
    got = sorted(_trimmed(plain, f.start, f.end) for f in result.findings if f.rule == rule.id)
    want = sorted(expected)
    if got != want:
        return f"reported {_show(plain, got)}, expected {_show(plain, want)}"
    if rule.kind in ("pattern", "line-score", "repetition"):  # the same when scanning only gated lines
        with prescan.always():
            gated = engine.run(plain, only, mode=FixMode.SAFE, max_removal=1.0)
        if gated.findings != result.findings:
            lost = sorted({(f.start, f.end) for f in result.findings} - {(f.start, f.end) for f in gated.findings})
            return f"its gate misses {_show(plain, lost)} (a prescanned run reports something else)"
    if test.fixed is not None and result.text != test.fixed:
        return f"fixed text is {result.text!r}, expected {test.fixed!r}"
    if test.unsafe_fixed is not None:
        unsafe = engine.run(plain, only, mode=FixMode.UNSAFE, max_removal=1.0)
        if unsafe.text != test.unsafe_fixed:
            return f"text after unsafe fixes is {unsafe.text!r}, expected {test.unsafe_fixed!r}"
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in "\r\n \t\u3000":
        end -= 1
    return start, end


def _show(text: str, spans: list[tuple[int, int]]) -> str:
    return "[" + ", ".join(repr(text[s:e]) for s, e in spans) + "]"
