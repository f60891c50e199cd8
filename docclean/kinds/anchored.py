"""Scans that find exactly what ``finditer`` finds while trying a pattern at far fewer places.

Two ways of narrowing a scan, both exact:

- **Literal anchors** (automatic): when every match of a pattern contains one of a few literal
  strings at a bounded distance from its start (see ``regexes.literal_anchor``), the strings are
  found with one fast stdlib scan and the pattern is tried only at the starts they allow. Used
  when the strings are rare in the text; where they are frequent (digits, spaces) a plain scan is
  faster and is used instead.
- **Gates**: regexes of which one matches on every line where a pattern can match, so that only
  the lines they match are scanned (see ``prescan``, which runs the gates of all rules in one
  pass). A pattern that never reads past a line break (``regexes.line_confined``) gets one from
  its literal anchors, or declares one; a declared gate is a promise of the rule's author that
  the self-tests and ``tests/test_gates.py`` check against plain scans.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from .. import regexcache
from ..errors import RuleError
from ..rules import Rule
from .regexes import LINE_START, Pattern, finditer, line_confined, literal_anchor, match

# A plain scan is used when anchor strings occur more often than once per this many characters.
SPARSE = 200
_SAMPLE = 1 << 16


class AnchorPlan(NamedTuple):
    """Where matches can start relative to an occurrence ``p`` of one of the anchor strings:
    ``p - hi .. p - lo``, or the start of ``p``'s line when ``hi`` is ``LINE_START``."""

    lo: int
    hi: int
    finder: re.Pattern[str]
    strings: frozenset[str]


_plans: dict[tuple[str, int], AnchorPlan | None] = {}


def anchor_plan(pattern: Pattern) -> AnchorPlan | None:
    """The pattern's literal-anchor plan, worked out once per pattern; ``None`` when it has no
    anchor with a bounded start (e.g. it begins with an unbounded run, or uses ``\\K``)."""
    key = (pattern.pattern, int(pattern.flags))
    if key not in _plans:
        found = literal_anchor(pattern)
        plan = None
        if found is not None:
            lo, hi, strings = found
            alternation = "|".join(re.escape(s) for s in sorted(strings, key=lambda s: (-len(s), s)))
            plan = AnchorPlan(lo, hi, re.compile(alternation), strings)
        _plans[key] = plan
    return _plans[key]


def scan(rule: Rule, pattern: Pattern, text: str, budget: float, pos: int = 0,
         endpos: int | None = None, *, lines: list[tuple[int, int]] | None = None) -> Iterator[Any]:
    """The matches ``finditer(pattern, text, pos, endpos)`` yields, through the pattern's
    literal anchor when its strings are sparse in ``text`` or when ``lines`` (sorted ranges of
    text, from a prescan) are known to hold every occurrence of them."""
    end = len(text) if endpos is None else endpos
    plan = anchor_plan(pattern)
    if plan is None or (lines is None and not _sparse(plan, text, pos, end)):
        yield from finditer(rule, pattern, text, budget, pos, end)
        return
    yield from anchored(rule, pattern, plan, text, budget, pos, end, lines)


def _sparse(plan: AnchorPlan, text: str, pos: int, end: int) -> bool:
    """Whether the anchor strings are rare in a sample of ``text[pos:end]``."""
    stop = min(end, pos + _SAMPLE)
    if stop <= pos:
        return True
    return len(plan.finder.findall(text, pos, stop)) * SPARSE < stop - pos


def anchored(rule: Rule, pattern: Pattern, plan: AnchorPlan, text: str, budget: float, pos: int,
             end: int, lines: list[tuple[int, int]] | None = None) -> Iterator[Any]:
    """``finditer`` of ``pattern`` over ``text[pos:end]``, trying it only where ``plan`` allows.

    Occurrences of the anchor strings are found left to right (overlapping ones too); at each,
    the allowed starts not tried yet are tried in order with ``match``: the first start where the
    pattern matches is where ``finditer`` would find its next match, since no match starts
    anywhere else. The scan then goes on from the match's end. With ``lines``, occurrences are
    looked for only inside them."""
    search = plan.finder.search if lines is None else _searcher(plan.finder, lines)
    line_anchor = plan.hi == LINE_START
    tried = pos  # every start below this has been tried, or lies before ``pos``
    last_end = pos
    occurrence = search(text, pos, end)
    while occurrence is not None:
        p = occurrence.start()
        nxt = p + 1
        if line_anchor:
            s = text.rfind("\n", 0, p) + 1
            starts = range(s, s + 1) if s >= tried else range(0)
            line_end = text.find("\n", p, end)
            nxt = end if line_end < 0 else line_end + 1  # later occurrences on this line share ``s``
        else:
            starts = range(max(p - plan.hi, tried), p - plan.lo + 1)
        for s in starts:
            m = match(rule, pattern, text, s, budget, end)
            if m is None:
                continue
            if m.end() == s:  # an empty match: finditer's own rules for those take over
                yield from finditer(rule, pattern, text, budget, last_end, end)
                return
            yield m
            last_end = m.end()
            break
        tried = max(tried, starts.stop, last_end)
        if not line_anchor:
            nxt = max(nxt, tried + plan.lo)
        if nxt >= end:
            return
        occurrence = search(text, nxt, end)


def declared_gate(rule: Rule, declared: Any, key: str) -> tuple[str, ...] | None:
    """A declared gate (``key`` names it in messages): a non-empty list of regexes; ``None``
    when none is declared. The regexes themselves are checked by ``checked_gate`` when the gate
    is first used (parsing them would slow down every start)."""
    if declared is None:
        return None
    if not isinstance(declared, list) or not declared or not all(isinstance(g, str) and g for g in declared):
        raise RuleError(f"{rule.path}: rule {rule.id}: '{key}' must be a non-empty list of regexes")
    return tuple(declared)


def checked_gate(rule: Rule, gate: tuple[str, ...], pattern: Pattern, key: str) -> tuple[str, ...]:
    """``gate`` once its regexes compile (stdlib, multi-line) and neither they nor ``pattern``,
    the pattern the gate stands for, read past a line break. A gate that passed is remembered
    (see ``regexcache``): parsing its regexes again would slow down every start."""
    stored = ("checked-gate", _CHECKS_VERSION, gate, pattern.pattern, int(pattern.flags))
    if regexcache.recall(stored) is not regexcache.MISSING:
        return gate
    for source in gate:
        try:
            compiled = re.compile(source, re.MULTILINE)
        except re.error as exc:
            raise RuleError(f"{rule.path}: rule {rule.id}: invalid regex in '{key}': {exc}") from None
        if not line_confined(compiled):
            raise RuleError(f"{rule.path}: rule {rule.id}: {key} {source!r} may read past a line break")
        parsed = re._parser.parse(source, re.MULTILINE)  # type: ignore[attr-defined]
        if parsed.getwidth()[0] == 0:
            raise RuleError(f"{rule.path}: rule {rule.id}: {key} {source!r} may match nothing at all")
        if any(m.group(1) for m in _OPEN_COUNT.finditer(source)) or _ignores_case(parsed):
            raise RuleError(f"{rule.path}: rule {rule.id}: {key} {source!r}: write case variants and "
                            "repeat counts out ({0,n}, [Xx]); the prescan reads them differently")
    if not line_confined(pattern):
        raise RuleError(f"{rule.path}: rule {rule.id}: a '{key}' needs patterns that never read past a "
                        "line break")
    regexcache.remember(stored, True)
    return gate


_CHECKS_VERSION = 1  # raise when checked_gate checks more: gates remembered as checked are checked again


# Escapes, character classes and (group 1) a ``{,n}`` repeat, which Hyperscan reads as text.
_OPEN_COUNT = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|(\{,)", re.S)


def _ignores_case(parsed: Any) -> bool:
    """Whether a parsed stdlib pattern ignores case anywhere (global or scoped flags)."""
    if parsed.state.flags & re.IGNORECASE:
        return True
    c = re._constants  # type: ignore[attr-defined]
    stack = [list(parsed)]
    while stack:
        for op, av in stack.pop():
            if op is c.SUBPATTERN:
                if av[1] & re.IGNORECASE:
                    return True
                stack.append(list(av[3]))
            elif op is c.BRANCH:
                stack.extend(list(alt) for alt in av[1])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
                stack.append(list(av[2]))
            elif op in (c.ASSERT, c.ASSERT_NOT):
                stack.append(list(av[1]))
            elif op is getattr(c, "ATOMIC_GROUP", None):
                stack.append(list(av))
    return False


def _searcher(finder: re.Pattern[str], lines: list[tuple[int, int]]) -> Any:
    """``finder.search(text, pos, end)`` for calls with rising ``pos``, looking only inside
    ``lines``."""
    k = 0

    def search(text: str, pos: int, end: int) -> Any:
        nonlocal k
        while k < len(lines):
            a, b = lines[k]
            if b >= pos:
                m = finder.search(text, max(a, pos), min(b, end))
                if m is not None:
                    return m
                if b >= end:
                    return None
            k += 1
        return None

    return search
