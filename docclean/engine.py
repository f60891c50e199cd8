"""Run rules over a text, resolve overlapping edits, apply them and build the findings.

Overlaps are resolved like this, and the order is deterministic:

1. Candidate edits (strip/replace findings whose fix the mode allows) are sorted by start,
   longest first, then by rule order. An edit is applied whole when it starts at or after the
   end of the previously applied edit; otherwise it is skipped whole and reported with
   ``applied=False``.
2. A finding that lies entirely inside an applied strip is absorbed (not reported): the text it
   points at is gone, and the strip's finding accounts for it. A flag finding that lies
   inside another flag finding of its category (the same span included: then the first rule's
   is kept) is dropped too: 20XX年X月 is one date left to fill in, not three slots.
3. The edited text is checked again; edits found then are mapped back to offsets in the input
   (merged with the earlier edits they touch) until nothing more applies, so the result is a
   fixed point: cleaning it again changes nothing. These later passes run only the rules whose
   fixes apply, and a rule with a local matcher (doubled phrases) looks only near the edits and
   where it found something in the first pass: elsewhere the text is unchanged, and it found
   nothing there before.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import prescan, regexcache
from .document import Document
from .edits import EditMap
from .errors import RemovalLimitError, RuleError
from .kinds import Hit, Matcher, compile_rule
from .kinds.block import BlockMatcher, bind_scorers
from .kinds.echo import EchoTailMatcher
from .kinds.recurring import RecurringMatcher
from .lines import LineIndex
from .model import Action, Finding, FixMode, Result
from .rules import Rule, RuleSet

MAX_PASSES = 6
CARRIED = ("anchor-occurrences", "signal-starts", "prescan")  # document cache entries that later passes may build on


@dataclass(slots=True)
class Candidate:
    """A hit tied to its rule, before line/column are known."""

    rule: Rule
    order: int
    start: int
    end: int
    replacement: str | None  # None for a flag
    message: str
    suggestion: str | None
    applied: bool = False


class _Fields(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _message(rule: Rule, hit: Hit, text: str) -> str:
    fields = _Fields(hit.args)
    match = str(fields.get("match", text[hit.start : hit.end]))
    fields["match"] = match if len(match) <= 40 else match[:39] + "…"
    fields.setdefault("rule_id", rule.id)
    msg = rule.message.format_map(fields)
    reasons = hit.args.get("reasons")
    if reasons and "{reasons}" not in rule.message:
        msg = f"{msg} ({reasons})"
    return msg


def detect(doc: Document, ruleset: RuleSet, *, edits_for: FixMode | None = None,
           near: Mapping[str, list[tuple[int, int]]] | None = None,
           skip_kind: str | None = None) -> list[Candidate]:
    """Every hit of every enabled rule, as candidates in rule order.

    With ``edits_for``, only rules whose fixes that mode applies are run (the later passes need
    nothing else: flags never decide which edits apply). ``near`` maps the id of a rule with a
    local matcher (one with ``local_window`` and ``find_near``) to the only spans where its hits
    can start; that matcher then looks there only. Rules of ``skip_kind`` are not run."""
    lookup = {r.id: r for r in ruleset}
    out: list[Candidate] = []
    stripped: dict[str, list[tuple[int, int]]] = {}  # what each rule run so far strips
    if len(doc.text) >= prescan.MIN_SIZE:
        # Register every enabled rule's gate first, so that one prescan of the text serves them
        # all (disabled copies of the rules, made for every numbering pass, are not compiled).
        for rule in ruleset.rules:
            register = getattr(compile_rule(rule), "register_gates", None) if rule.enabled else None
            if register is not None:
                register()
    for order, rule in enumerate(ruleset.rules):
        if not rule.enabled or rule.kind == skip_kind:
            continue
        if edits_for is not None and (rule.action is Action.FLAG or rule.safety is None
                                      or not edits_for.allows(rule.safety)):
            continue
        matcher = _bound(rule, lookup)
        spans = near.get(rule.id) if near is not None else None
        if isinstance(matcher, EchoTailMatcher):
            hits = _echo_hits(rule, matcher, doc, stripped, lookup)
        else:
            hits = _hits(rule, matcher, doc, spans)
        if rule.action is Action.STRIP:
            stripped[rule.id] = [(h.start, h.end) for h in hits if not h.replacement]
        for hit in hits:
            if rule.action is Action.FLAG:
                replacement = None
            elif hit.replacement is not None and rule.action is Action.REPLACE:
                replacement = hit.replacement
            else:
                replacement = ""
            out.append(Candidate(rule, order, hit.start, hit.end, replacement,
                                 _message(rule, hit, doc.text), hit.suggestion))
    return out


def _bound(rule: Rule, lookup: Mapping[str, Rule]) -> Matcher:
    """The rule's matcher, with the line scorer it reads scores from attached."""
    matcher = compile_rule(rule)
    if isinstance(matcher, (BlockMatcher, RecurringMatcher)):
        bind_scorers(matcher, lookup)
    return matcher


def _hits(rule: Rule, matcher: Matcher, doc: Document, near: list[tuple[int, int]] | None = None) -> list[Hit]:
    """A rule's hits (only those starting in ``near`` when given, for rules that can look
    locally); an unexpected failure inside a rule becomes a ``RuleError`` naming it."""
    if near is not None:
        return _collected(rule, lambda: matcher.find_near(doc, near))  # type: ignore[attr-defined]
    return _collected(rule, lambda: matcher.find(doc))


def _collected(rule: Rule, found: Callable[[], Iterable[Hit]]) -> list[Hit]:
    """The hits ``found`` yields, with an unexpected failure turned into a ``RuleError``."""
    try:
        return list(found())
    except RuleError:
        raise
    except (IndexError, KeyError, ValueError, TypeError, re.error) as exc:
        raise RuleError(f"rule {rule.id} ({rule.path}) failed: {type(exc).__name__}: {exc}") from None


def _echo_hits(rule: Rule, matcher: EchoTailMatcher, doc: Document, stripped: dict[str, list[tuple[int, int]]],
               lookup: Mapping[str, Rule]) -> list[Hit]:
    """An echo rule's hits, from what its evidence rules strip in ``doc``. An evidence rule that
    was not run (switched off, or left out of a later pass) is run here for its evidence only;
    one whose action is not to strip gives none."""
    spans: list[tuple[int, int]] = []
    for rid in matcher.evidence:
        source = lookup.get(rid)
        if source is None:
            raise RuleError(f"rule {rule.id} ({rule.path}): evidence rule {rid!r} is not a known rule")
        if source.action is not Action.STRIP:
            continue
        found = stripped.get(rid)
        if found is None:
            found = [(h.start, h.end) for h in _hits(source, _bound(source, lookup), doc) if not h.replacement]
        spans.extend(found)
    return _collected(rule, lambda: matcher.find_after(doc, spans))


def _allowed(cands: list[Candidate], text: str, allow: Sequence[str]) -> list[Candidate]:
    """Drop candidates that lie inside an occurrence of an allowlisted word."""
    spans: list[tuple[int, int]] = []
    for word in allow:
        if not word:
            continue
        pos = text.find(word)
        while pos != -1:
            spans.append((pos, pos + len(word)))
            pos = text.find(word, pos + 1)
    if not spans:
        return cands
    return [c for c in cands if not any(s <= c.start and c.end <= e for s, e in spans)]


def resolve(cands: list[Candidate], mode: FixMode) -> list[Candidate]:
    """Mark the edits to apply (see module docs) and drop absorbed findings; offset order."""
    editable = [c for c in cands if c.replacement is not None and c.rule.safety is not None
                and mode.allows(c.rule.safety)]
    editable.sort(key=lambda c: (c.start, -(c.end - c.start), c.order))
    last_end = -1
    strips: list[tuple[int, int]] = []
    for c in editable:
        if c.start >= last_end and c.end > c.start:
            c.applied = True
            last_end = c.end
            if c.replacement == "":
                strips.append((c.start, c.end))
    strip_starts = [s for s, _ in strips]
    kept: list[Candidate] = []
    flag_end: dict[str, int] = {}  # category → the furthest end of a flag kept so far
    for c in sorted(cands, key=lambda c: (c.start, -(c.end - c.start), c.order)):
        if not c.applied and strips:
            k = bisect_right(strip_starts, c.start) - 1
            if k >= 0 and strips[k][0] <= c.start and c.end <= strips[k][1]:
                continue
        if c.replacement is None or not c.applied:
            # a flag inside another flag of its category says nothing more (X in 20XX年X月)
            if c.end <= flag_end.get(c.rule.category, -1):
                continue
            flag_end[c.rule.category] = max(c.end, flag_end.get(c.rule.category, -1))
        kept.append(c)
    return kept


def apply_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """Apply sorted, non-overlapping ``(start, end, replacement)`` edits in one forward pass."""
    parts: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


Keep = Callable[[int, int, "str | None", str], bool]
Screen = Callable[[str], "tuple[str, Keep | None]"]
"""Given the current text: the text rules see (same length, e.g. Markdown code masked) and a
predicate ``keep(start, end, replacement, rule_id)`` that drops candidates before edits are chosen."""


def _one_pass(text: str, ruleset: RuleSet, mode: FixMode, allow: Sequence[str], screen: Screen | None = None,
              edits_only: bool = False, near: Mapping[str, list[tuple[int, int]]] | None = None,
              base: tuple[dict[Any, Any], list[tuple[int, int, str]]] | None = None,
              skip_kind: str | None = None,
              ) -> tuple[list[Candidate], list[tuple[int, int, str]], list[Candidate], Document]:
    seen, keep = screen(text) if screen is not None else (text, None)
    if len(seen) != len(text):
        raise ValueError("a screen must keep the text's length")
    if "\r" in seen:  # rules see LF line breaks; offsets stay those of the input
        seen = seen.replace("\r\n", " \n").replace("\r", "\n")
        base = None
    doc = Document(seen)
    doc.base = base
    found = _allowed(detect(doc, ruleset, edits_for=mode if edits_only else None, near=near,
                            skip_kind=skip_kind), text, allow)
    if keep is not None:
        found = [c for c in found if keep(c.start, c.end, c.replacement, c.rule.id)]
    cands = resolve(list(found), mode)
    edits = [(c.start, c.end, c.replacement or "") for c in cands if c.applied]
    return cands, edits, found, doc


def _local_rules(ruleset: RuleSet) -> dict[str, int]:
    """Enabled rules whose hits depend only on a bounded window of text after their start."""
    out: dict[str, int] = {}
    for rule in ruleset.rules:
        if rule.enabled:
            matcher = compile_rule(rule)
            window = getattr(matcher, "local_window", None)
            if isinstance(window, int) and window > 0 and hasattr(matcher, "find_near"):
                out[rule.id] = window
    return out


def _near_spans(hits: list[tuple[int, int]], edits: list[tuple[int, int, str]], window: int,
                size: int) -> list[tuple[int, int]]:
    """Where, in the text after ``edits`` (sorted, in original offsets), a local rule can have a
    hit. Away from the edits the text around a start is the original text, where the rule's
    only hits were ``hits`` and nothing started inside them; so a hit can start only within
    ``window`` before an edit or at one of the old hits."""
    starts = [s for s, _, _ in edits]
    images = EditMap(edits).spans  # each edit's replacement, in edited offsets

    def edited(x: int, right: bool) -> int:
        k = bisect_right(starts, x) - 1
        if k < 0:
            return x
        a, b = images[k]
        if x < edits[k][1]:  # inside the edit
            return b if right else a
        return x + b - edits[k][1]

    spans = sorted([(a - window, b + 16) for a, b in images]
                   + [(edited(s, False) - 1, edited(e, True) + 1) for s, e in hits])
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        lo, hi = max(0, lo), min(size, hi)
        if lo >= hi:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _compose(original: str, first: list[Candidate], later: list[Candidate]) -> list[Candidate]:
    """Fold the edits found on the edited text (``later``) back into offsets of ``original``.

    Each later edit is grouped with the earlier edits it touches (and, through them, with other
    later edits); a group becomes one edit of ``original`` whose replacement is the matching
    slice of the newly edited text, reported under the group's first later edit. Earlier edits
    absorbed into a group are reported with ``applied=False``.
    """
    earlier = sorted((c for c in first if c.applied), key=lambda c: c.start)
    fresh = sorted((c for c in later if c.applied), key=lambda c: c.start)
    moves = EditMap([(c.start, c.end, c.replacement or "") for c in earlier])
    spans, ends = moves.spans, moves.ends

    def touched(c: Candidate) -> list[int]:
        out = []
        for k in range(bisect_right(ends, c.start - 1), len(spans)):
            s, e = spans[k]
            if s > c.end:
                break
            if (c.start < e and s < c.end) if s < e else c.start < s < c.end:
                out.append(k)
        return out

    groups: list[tuple[list[int], list[Candidate]]] = []
    for c in fresh:
        hits = touched(c)
        if groups and set(hits) & set(groups[-1][0]):
            groups[-1][0].extend(k for k in hits if k not in groups[-1][0])
            groups[-1][1].append(c)
        else:
            groups.append((hits, [c]))

    edited = apply_edits(apply_edits(original, moves.edits), [(c.start, c.end, c.replacement or "") for c in fresh])
    shift = 0  # length change made by the later edits of the groups before this one
    for hits, members in groups:
        lo_c = min([m.start for m in members] + [spans[k][0] for k in hits])
        hi_c = max([m.end for m in members] + [spans[k][1] for k in hits])
        growth = sum(len(m.replacement or "") - (m.end - m.start) for m in members)
        lo = min([earlier[k].start for k in hits] + [moves.to_input(lo_c, right=True)])
        hi = max([earlier[k].end for k in hits] + [moves.to_input(hi_c, right=False)])
        for k in hits:
            earlier[k].applied = False
        first.append(replace(members[0], start=lo, end=hi,
                             replacement=edited[lo_c + shift : hi_c + shift + growth]))
        shift += growth
    return first


def run(text: str, ruleset: RuleSet, *, mode: FixMode = FixMode.SAFE, max_removal: float = 0.3,
        allow: Sequence[str] = (), screen: Screen | None = None,
        protected: Callable[[str], Sequence[tuple[int, int]]] | None = None) -> Result:
    """Detect, fix and report; see the module docstring for how edits are chosen.

    ``screen`` (see ``Screen``) lets a caller hide parts of the text from rules and veto
    candidates, e.g. Markdown code and suppression comments; it is applied on every pass.
    ``protected`` gives the spans of the input that no finding may touch (Markdown code blocks):
    the screen sees each pass's text anew, and an edit can change what it protects there (a
    line stripped before ``---`` makes front matter of what follows), so findings of later passes
    that fall, in input offsets, inside such a span are dropped.
    """
    # Numbering (``sequence`` rules) is judged once, on the cleaned text, when fixes are applied.
    judge_after = mode is not FixMode.NONE
    # only later passes and numbering flags need it, and they run only when fixes apply
    guard = sorted(protected(text)) if protected is not None and judge_after else []
    cands, edits, found, first_doc = _one_pass(text, ruleset, mode, allow, screen,
                                               skip_kind="sequence" if judge_after else None)
    current = apply_edits(text, edits)
    if mode is not FixMode.NONE and edits:
        # What later passes may carry over from the first (see ``Document.base``); the rest of
        # the first pass's document is let go.
        carried = {k: v for k, v in first_doc.cache.items() if isinstance(k, tuple) and k[0] in CARRIED}
        del first_doc
        local = _local_rules(ruleset)
        first_hits = {rid: [(c.start, c.end) for c in found if c.rule.id == rid] for rid in local}
        for _ in range(MAX_PASSES):
            near = None
            base = None
            # Local rules are re-run only near the edits; a screen may change what rules see far
            # from them (a stripped code fence), so screened texts are re-checked whole.
            if screen is None and all(edits[k][1] <= edits[k + 1][0] for k in range(len(edits) - 1)):
                near = {rid: _near_spans(first_hits[rid], edits, w, len(current)) for rid, w in local.items()}
                base = (carried, edits) if "\r" not in text else None
            later, more = _one_pass(current, ruleset, mode, allow, screen, edits_only=True, near=near,
                                    base=base)[:2]  # the pass's document is let go at once
            if guard:
                moves = EditMap(edits)
                later = [c for c in later if not _overlaps(guard, moves.to_input(c.start, right=True),
                                                           moves.to_input(c.end, right=False))]
                more = [(c.start, c.end, c.replacement or "") for c in later if c.applied]
            if not more:
                break
            cands = _compose(text, cands, later)
            edits = sorted((c.start, c.end, c.replacement or "") for c in cands if c.applied)
            del later, current  # not alive at once with the next text
            current = apply_edits(text, edits)
        del carried, first_hits  # what the first pass's document left: no later pass needs it
    del found
    if judge_after:
        cands = _sequence_flags_after_edits(text, current, cands, ruleset, allow, screen, guard)
    regexcache.save()  # keep what the rules worked out about their patterns for the next run
    removed = sum(e - s - len(r) for s, e, r in edits)
    if text and removed / len(text) > max_removal:
        raise RemovalLimitError(removed / len(text), max_removal)
    return Result(text=current, findings=_findings(text, cands), original=text)


def _overlaps(guard: Sequence[tuple[int, int]], lo: int, hi: int) -> bool:
    """Whether ``lo``..``hi`` touches one of the sorted, disjoint spans of ``guard`` (an empty
    ``lo``..``hi`` touches a span that starts there)."""
    lo, hi = min(lo, hi), max(lo, hi)
    k = bisect_right(guard, (hi, hi)) - 1
    while k >= 0 and guard[k][1] > lo:
        s, e = guard[k]
        if (s < hi and lo < e) or s == lo == hi:
            return True
        k -= 1
    return False


def _sequence_flags_after_edits(original: str, cleaned: str, cands: list[Candidate], ruleset: RuleSet,
                                allow: Sequence[str], screen: Screen | None,
                                guard: Sequence[tuple[int, int]] = ()) -> list[Candidate]:
    """Numbering flags judged on the cleaned text, mapped back to offsets of the input.

    A sequence depends on text far from a finding: a doubled article number that a fix repairs
    (第二百二十三条二百二十三条) makes the next article look skipped. So ``sequence`` rules are run
    on the cleaned text only (the first pass skips them) and mapped back. A flag inside a
    replacement maps back when the replacement is a copy of the input there (a doubled phrase
    kept once); otherwise it is dropped.
    """
    if not any(r.enabled and r.kind == "sequence" for r in ruleset):
        return cands
    only = RuleSet(tuple(r if r.kind == "sequence" else replace(r, enabled=False) for r in ruleset.rules))
    later = _one_pass(cleaned, only, FixMode.NONE, allow, screen)[0]
    moves = EditMap(sorted((c.start, c.end, c.replacement or "") for c in cands if c.applied))
    starts = [s for s, _ in moves.spans]

    def back(p: int, right: bool) -> int | None:
        """Input offset of cleaned-text offset ``p`` (``right``: a start, else an end)."""
        k = bisect_right(starts, p) - 1
        if k >= 0:
            s, e = moves.spans[k]
            if (s <= p < e) if right else (s < p <= e):  # inside a replacement
                start, _, repl = moves.edits[k]
                return start + (p - s) if original[start : start + len(repl)] == repl else None
        return moves.to_input(p, right)

    mapped = []
    for c in later:
        start, end = back(c.start, right=True), back(c.end, right=False)
        if start is None or end is None or end < start:
            continue
        if guard and _overlaps(guard, start, end):
            continue  # inside what the input protects (see ``run``)
        mapped.append(replace(c, start=start, end=end))
    return cands + mapped


def _findings(text: str, cands: list[Candidate]) -> tuple[Finding, ...]:
    index = LineIndex(text)
    out = []
    for c in sorted(cands, key=lambda c: (c.start, -(c.end - c.start), c.order)):
        line, column = index.location(c.start)
        end_line, end_column = index.location(c.end)
        action = c.rule.action
        if c.replacement is None:
            action = Action.FLAG
        elif c.replacement == "" and action is Action.REPLACE:
            action = Action.STRIP
        out.append(Finding(
            rule=c.rule.id, category=c.rule.category, severity=c.rule.severity, message=c.message,
            start=c.start, end=c.end, line=line, column=column, end_line=end_line,
            end_column=end_column, text=text[c.start : c.end], action=action,
            replacement=c.replacement, applied=c.applied, suggestion=c.suggestion,
            safety=c.rule.safety,
        ))
    return tuple(out)
