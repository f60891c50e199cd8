"""Run rules over a text, resolve overlapping edits, apply them and build the findings.

Overlaps are resolved like this, and the order is deterministic:

1. Candidate edits (strip/replace findings whose fix the mode allows) are sorted by start,
   longest first, then by rule order. An edit is applied whole when it starts at or after the
   end of the previously applied edit; otherwise it is skipped whole and reported with
   ``applied=False``.
2. A finding that lies entirely inside an applied strip is absorbed (not reported): the text it
   points at is gone, and the strip's finding accounts for it. Of several flag findings of one
   category on the same span only the first rule's is kept.
3. The edited text is checked again; edits found then are mapped back to offsets in the input
   (merged with the earlier edits they touch) until nothing more applies, so the result is a
   fixed point: cleaning it again changes nothing. These later passes run only the rules whose
   fixes apply, and a rule with a local matcher (doubled phrases) looks only near the edits and
   where it found something in the first pass: elsewhere the text is unchanged, and it found
   nothing there before.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .document import Document
from .errors import RemovalLimitError
from .kinds import Hit, compile_rule
from .kinds.block import BlockMatcher, bind_scorers
from .kinds.linescore import LineScorer
from .kinds.recurring import RecurringMatcher
from .lines import LineIndex
from .model import Action, Finding, FixMode, Result
from .rules import Rule, RuleSet

MAX_PASSES = 6


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
           near: Mapping[str, list[tuple[int, int]]] | None = None) -> list[Candidate]:
    """Every hit of every enabled rule, as candidates in rule order.

    With ``edits_for``, only rules whose fixes that mode applies are run (the later passes need
    nothing else: flags never decide which edits apply). ``near`` maps the id of a rule with a
    local matcher (one with ``local_window`` and ``find_near``) to the only spans where its hits
    can start; that matcher then looks there only."""
    lookup = {r.id: r for r in ruleset}
    out: list[Candidate] = []
    for order, rule in enumerate(ruleset.rules):
        if not rule.enabled:
            continue
        if edits_for is not None and (rule.action is Action.FLAG or rule.safety is None
                                      or not edits_for.allows(rule.safety)):
            continue
        matcher = compile_rule(rule)
        if isinstance(matcher, (BlockMatcher, RecurringMatcher)):
            bind_scorers(matcher, lookup)
        spans = near.get(rule.id) if near is not None else None
        hits = matcher.find(doc) if spans is None else matcher.find_near(doc, spans)  # type: ignore[attr-defined]
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
    seen_flags: set[tuple[str, int, int]] = set()
    for c in sorted(cands, key=lambda c: (c.start, -(c.end - c.start), c.order)):
        if not c.applied and strips:
            k = bisect_right(strip_starts, c.start) - 1
            if k >= 0 and strips[k][0] <= c.start and c.end <= strips[k][1]:
                continue
        if c.replacement is None or not c.applied:
            key = (c.rule.category, c.start, c.end)
            if key in seen_flags:
                continue
            seen_flags.add(key)
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


def _one_pass(text: str, ruleset: RuleSet, mode: FixMode, allow: Sequence[str], edits_only: bool = False,
              near: Mapping[str, list[tuple[int, int]]] | None = None,
              ) -> tuple[list[Candidate], list[tuple[int, int, str]], list[Candidate]]:
    doc = Document(text)
    found = detect(doc, ruleset, edits_for=mode if edits_only else None, near=near)
    cands = resolve(_allowed(list(found), text, allow), mode)
    edits = [(c.start, c.end, c.replacement or "") for c in cands if c.applied]
    return cands, edits, found


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
    images: list[tuple[int, int]] = []  # each edit's replacement, in edited offsets
    delta = 0
    for s, e, r in edits:
        images.append((s + delta, s + delta + len(r)))
        delta += len(r) - (e - s)

    def edited(x: int, right: bool) -> int:
        k = bisect_right(starts, x) - 1
        if k < 0:
            return x
        a, b = images[k]
        if x < edits[k][1]:  # inside the edit
            return b if right else a
        return x + b - edits[k][1]

    spans = sorted([(a - window, b + 1) for a, b in images]
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
    """Fold edits found on the edited text back into offsets of ``original``."""
    applied = sorted((c for c in first if c.applied), key=lambda c: c.start)
    # Offsets of each applied edit in the edited text.
    new_starts: list[int] = []
    delta = 0
    for c in applied:
        new_starts.append(c.start + delta)
        delta += len(c.replacement or "") - (c.end - c.start)

    def to_original(p: int, right: bool) -> tuple[int, int | None]:
        """Map an edited-text offset; also say which edit it falls strictly inside, if any."""
        k = bisect_right(new_starts, p) - 1
        if k < 0:
            return p, None
        c = applied[k]
        ns = new_starts[k]
        ne = ns + len(c.replacement or "")
        shift = c.end - ne
        if p < ne:  # inside inserted text
            return c.start + (p - ns), k
        if p == ne and ns == ne and not right:  # at a pure deletion, left side
            return c.start, None
        return p + shift, None

    merged = list(first)
    for c in later:
        if not c.applied:
            continue
        s, ks = to_original(c.start, right=True)
        e, ke = to_original(c.end, right=False)
        touched = [i for i, a in enumerate(applied) if a.start < e and s < a.end]
        touched += [k for k in (ks, ke) if k is not None and k not in touched]
        if not touched:
            merged.append(replace(c, start=s, end=e))
            continue
        lo = min([s] + [applied[i].start for i in touched])
        hi = max([e] + [applied[i].end for i in touched])
        inner = sorted((applied[i] for i in touched), key=lambda a: a.start)
        middle = apply_edits(original[lo:hi], [(a.start - lo, a.end - lo, a.replacement or "")
                                               for a in inner])
        # Now apply the later edit inside ``middle``: locate it relative to the edited text.
        new_lo = _to_edited(lo, applied, new_starts)
        rel_s, rel_e = c.start - new_lo, c.end - new_lo
        middle = middle[:rel_s] + (c.replacement or "") + middle[rel_e:]
        for a in inner:
            a.applied = False
        merged.append(replace(c, start=lo, end=hi, replacement=middle))
    return merged


def _to_edited(p: int, applied: list[Candidate], new_starts: list[int]) -> int:
    """Offset in the edited text of original offset ``p`` (p is not inside an edit)."""
    delta = 0
    for c in applied:
        if c.end <= p:
            delta += len(c.replacement or "") - (c.end - c.start)
        else:
            break
    return p + delta


def run(text: str, ruleset: RuleSet, *, mode: FixMode = FixMode.SAFE, max_removal: float = 0.3,
        allow: Sequence[str] = ()) -> Result:
    """Detect, fix and report; see the module docstring for how edits are chosen."""
    cands, edits, found = _one_pass(text, ruleset, mode, allow)
    current = apply_edits(text, edits)
    if mode is not FixMode.NONE and edits:
        local = _local_rules(ruleset)
        first_hits = {rid: [(c.start, c.end) for c in found if c.rule.id == rid] for rid in local}
        for _ in range(MAX_PASSES):
            near = None
            if all(edits[k][1] <= edits[k + 1][0] for k in range(len(edits) - 1)):
                near = {rid: _near_spans(first_hits[rid], edits, w, len(current)) for rid, w in local.items()}
            later, more, _ = _one_pass(current, ruleset, mode, allow, edits_only=True, near=near)
            if not more:
                break
            cands = _compose(text, cands, later)
            edits = sorted((c.start, c.end, c.replacement or "") for c in cands if c.applied)
            current = apply_edits(text, edits)
    removed = sum(e - s - len(r) for s, e, r in edits)
    if text and removed / len(text) > max_removal:
        raise RemovalLimitError(removed / len(text), max_removal)
    return Result(text=current, findings=_findings(text, cands), original=text)


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


def scorer_of(matcher: object) -> LineScorer | None:
    """The line scorer behind a matcher, when it has one (used by ``docclean rules``)."""
    return matcher if isinstance(matcher, LineScorer) else None
