"""Kind ``pattern``: regexes over the whole text, with exceptions, a lexicon and line expansion.

Params: ``patterns`` (list, joined into one alternation: start each with a cheap lookahead at
its first character, e.g. ``(?=[XＸ])``, or the joined regex tries every lookbehind at every
position), ``ignore_case``, ``group`` (the reported group, default 0), ``replacement`` (a
template for action ``replace``: ``\\1``, ``\\g<name>``), ``exceptions`` (regexes: a hit
inside one of their matches on the same line is dropped), ``lexicon`` (matched texts that never
count), ``triggers`` (literals; the rule is skipped when none occurs), ``expand = "line"``
(report the whole line and strip its break too), ``unless`` (a table of ``patterns`` and
``count``: the rule is skipped for a text where they match ``count`` times or more, e.g.
placeholder 某某 in a text anonymised with 张某/李某), ``skip_code`` (true: drop hits inside
Markdown code, i.e. fenced blocks and backtick spans, where ``{{name}}`` or ``X`` are code,
unless a Chinese character stands right before and after the hit, as in a comment
``// 将XX号位复制到0号位``), ``quiet_zones`` (regexes run over the whole text: a hit inside one
of their matches is dropped, e.g. a blank form annexed to a law, whose fields are meant to stay
blank), ``min_lines`` (the rule reports nothing unless it matches on at least this many lines: a
shape that is junk only when a reseller repeats it; with ``min_lines_by``, a regex, only hits of
the same kind add up: the same first match of it, or the same text besides its matches),
``max_texts`` (the rule reports nothing when its hits hold more different texts than this: a
shape that is junk only where it is rare, such as a line of English in a Chinese document),
``needs`` (a table of ``patterns`` and ``count``: the rule reports nothing unless they match
``count`` times or more, e.g. a rule for Chinese documents only),
``whole_runs`` (true: a hit whose text is repeated right before it on its line, 【a】【a】【a】,
starts at the first copy, so that one cleaning takes the whole run),
``gate`` (stdlib regexes, one of which matches on every line where the patterns can match:
only those lines are scanned; the patterns must never read past a line break, see
``anchored``), ``engine``. Patterns with a literal anchor are scanned through it without any
declaration (see ``anchored``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import regex

from .. import prescan
from ..document import Document
from ..rules import Rule
from . import Hit
from .anchored import anchor_plan, checked_gate, declared_gate, scan
from .codespans import code_spans, inside, merged
from .marks import first_copy
from .regexes import Pattern, compile_patterns, finditer, line_confined, literal_anchors

# Brackets, dashes, colons and spaces around a note's name.
_LABEL_MARKS = re.compile(r"[\s（）()【】\[\]〔〕［］—\-:：]+")
_UNSET = -1  # a gate key not worked out yet


class PatternMatcher:
    """Matcher for kind ``pattern``."""

    def __init__(self, rule: Rule) -> None:
        p = rule.params
        self.rule = rule
        ignore_case = bool(p.get("ignore_case", False))
        self.pattern = compile_patterns(rule, p["patterns"], ignore_case=ignore_case)
        exceptions = p.get("exceptions", [])
        self.exceptions = (
            compile_patterns(rule, exceptions, key="exceptions", ignore_case=ignore_case)
            if exceptions else None
        )
        self.group: int | str = p.get("group", 0)
        _check_group(self.pattern, self.group, "group")
        for ref in re.findall(r"\\(\d+)|\\g<(\w+)>", str(p.get("replacement", ""))):
            _check_group(self.pattern, (ref[0] and int(ref[0])) or ref[1], "replacement")
        self.replacement: str | None = p.get("replacement")
        self.lexicon = frozenset(p.get("lexicon", []))
        self.triggers: tuple[str, ...] = tuple(p.get("triggers", []))
        unless = p.get("unless")
        self.unless = None
        self.unless_count = 0
        if unless is not None:
            self.unless = compile_patterns(rule, unless["patterns"], key="unless.patterns")
            self.unless_count = int(unless.get("count", 1))
        self.min_lines = int(p.get("min_lines", 1))
        # more different hit texts than this: the shape is the document's own (say, its English)
        self.max_texts = int(p.get("max_texts", 0))
        needs = p.get("needs")
        self.needs = compile_patterns(rule, needs["patterns"], key="needs.patterns") if needs else None
        self.needs_count = int(needs.get("count", 1)) if needs else 0
        by = p.get("min_lines_by")
        self.min_lines_by = compile_patterns(rule, [by], key="min_lines_by") if by else None
        self.skip_code = bool(p.get("skip_code", False))
        # each zone regex runs on its own: joined into one alternation they scan far slower
        self.zones = [compile_patterns(rule, [z], key="quiet_zones") for z in p.get("quiet_zones", [])]
        self.expand = p.get("expand", "")
        if self.expand not in ("", "line"):
            raise ValueError("expand must be 'line' or absent")
        self.whole_runs = bool(p.get("whole_runs", False))
        self._local: bool | None = None
        self._gate: int | None = _UNSET
        self._declared_gate = declared_gate(rule, rule.params.get("gate"), "gate")

    def register_gates(self) -> tuple[int, ...]:
        """Register this rule's gates with the prescan (see ``engine.detect``); their keys."""
        key = self.gate_key()
        return () if key is None else (key,)

    def gate_key(self) -> int | None:
        """The prescan key of this rule's gate (see ``prescan``), or ``None`` when it has none.
        Worked out on first use, like ``local_window``; the anchors of the quiet zones and of
        ``unless`` and ``needs`` are registered with it, so that one prescan serves them too."""
        if self._gate == _UNSET:
            sources = _gate_sources(self.rule, self.pattern, self._declared_gate)
            self._gate = prescan.register(sources) if sources else None
            for extra in [*self.zones, self.unless, self.needs]:
                if extra is not None:
                    _anchor_key(extra)
        return self._gate

    @property
    def local_window(self) -> int | None:
        """1 when the rule's hits depend on their own line only, so that it can be re-checked on
        the lines that edits touched (``find_near``): regexes that never read past a line break,
        and nothing that looks at the whole text (counts, zones, code spans). Worked out on first
        use (parsing the regexes takes a moment)."""
        if self._local is None:
            self._local = bool(
                self.unless is None and self.needs is None and self.min_lines == 1 and not self.max_texts
                and not self.zones and not self.skip_code
                and line_confined(self.pattern)
                and (self.exceptions is None or line_confined(self.exceptions)))
        return 1 if self._local else None

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield one hit per match that no exception or lexicon entry covers."""
        text = doc.text
        if self.triggers and not any(t in text for t in self.triggers):
            return
        if self.unless is not None and self._unless_met(doc):
            return
        if self.min_lines > 1:
            yield from self._repeated(doc, list(self._hits(doc)))
            return
        if self.max_texts or self.needs is not None:
            hits = self._rare_hits(doc)
            if hits and self._needs_met(doc):
                yield from hits
            return
        yield from self._hits(doc)

    def _repeated(self, doc: Document, hits: list[Hit]) -> list[Hit]:
        """The hits on at least ``min_lines`` lines. With ``min_lines_by``, hits add up only
        with hits of the same kind: the same first match of that regex (the same label, 来源 or
        转自), or the same text besides its matches, brackets and punctuation (the same name)."""
        if self.min_lines_by is None:
            lines = {doc.lines.line_of(h.start) for h in hits}
            return hits if len(lines) >= self.min_lines else []
        by = self.min_lines_by
        groups: dict[tuple[int, str], list[Hit]] = {}
        for h in hits:
            text = doc.text[h.start : h.end]
            m = by.search(text)
            groups.setdefault((0, m.group() if m else ""), []).append(h)
            groups.setdefault((1, _LABEL_MARKS.sub("", by.sub("", text))), []).append(h)
        kept = {h.start: h for group in groups.values()
                if len({doc.lines.line_of(h.start) for h in group}) >= self.min_lines for h in group}
        return [kept[k] for k in sorted(kept)]

    def find_near(self, doc: Document, spans: list[tuple[int, int]]) -> Iterator[Hit]:
        """``find(doc)`` when hits can only start inside ``spans``: for a rule with a
        ``local_window``, the lines the spans touch are checked whole."""
        if self.triggers and not any(t in doc.text for t in self.triggers):
            return
        for lo, hi in doc.lines.ranges_touching(spans):
            yield from self._hits(doc, lo, hi)

    def _hits(self, doc: Document, lo: int = 0, hi: int | None = None) -> Iterator[Hit]:
        text = doc.text
        quiet: list[tuple[int, int]] | None = None
        quiet_starts: list[int] = []
        code: list[tuple[int, int]] = []
        code_starts: list[int] = []
        for m in self._matches(doc, lo, hi):
            start, end = m.span(self.group)
            if start < 0 or start == end:
                continue
            if quiet is None:
                quiet = self._quiet(doc)
                quiet_starts = [s for s, _ in quiet]
                if self.skip_code:
                    code = merged(code_spans(doc))
                    code_starts = [s for s, _ in code]
            if quiet and inside(quiet, quiet_starts, start, end):
                continue
            if code and inside(code, code_starts, start, end) and not _in_chinese(text, start, end):
                continue
            matched = text[start:end]
            if matched in self.lexicon or self._excepted(doc, start, end):
                continue
            replacement = m.expand(self.replacement) if self.replacement is not None else None
            if self.whole_runs:
                start = _run_start(doc, start, end)
                matched = text[start:end]
            if self.expand == "line":
                line = doc.lines.line(doc.lines.line_of(start))
                if end > line.end:
                    continue
                start, end = line.start, line.next
                matched = doc.lines.text_of(line)
            yield Hit(start, end, replacement, {"match": matched})

    def _matches(self, doc: Document, lo: int, hi: int | None) -> Iterator[Any]:
        """The pattern's matches in ``doc.text[lo:hi]``, in order; through the gate when the
        whole text is scanned."""
        text, budget = doc.text, doc.time_budget
        lines = None
        if lo == 0 and hi is None and len(text) >= prescan.MIN_SIZE:
            key = self.gate_key()
            lines = None if key is None else prescan.gated_lines(doc, key)
        if lines is None:
            yield from scan(self.rule, self.pattern, text, budget, lo, hi)
            return
        for a, b in lines:
            yield from finditer(self.rule, self.pattern, text, budget, a, b)

    def _quiet(self, doc: Document) -> list[tuple[int, int]]:
        """The quiet zones of ``doc``, where this rule's hits are dropped, merged."""
        spans: list[tuple[int, int]] = []
        for zone in self.zones:
            key = ("quiet-zone", zone.pattern)
            found: list[tuple[int, int]] | None = doc.cache.get(key)
            if found is None:
                found = [m.span() for m in scan(self.rule, zone, doc.text, doc.time_budget,
                                                lines=_anchor_lines(doc, zone))]
                doc.cache[key] = found
            spans.extend(found)
        return merged(spans)

    def _rare_hits(self, doc: Document) -> list[Hit]:
        """All hits, or none once they hold more than ``max_texts`` different texts (the scan
        stops there: a document full of the shape holds it as its own)."""
        hits: list[Hit] = []
        texts: set[str] = set()
        for h in self._hits(doc):
            hits.append(h)
            texts.add(doc.text[h.start : h.end].strip())
            if self.max_texts and len(texts) > self.max_texts:
                return []
        return hits

    def _needs_met(self, doc: Document) -> bool:
        """Whether ``needs`` matches at least ``count`` times (always, without ``needs``)."""
        return self.needs is None or self._matches_at_least(doc, self.needs, self.needs_count)

    def _unless_met(self, doc: Document) -> bool:
        assert self.unless is not None
        return self._matches_at_least(doc, self.unless, self.unless_count)

    def _matches_at_least(self, doc: Document, pattern: Pattern, count: int) -> bool:
        """Whether ``pattern`` matches ``doc``'s text ``count`` times or more (through its literal
        anchor where it has one, within the time budget)."""
        matches = scan(self.rule, pattern, doc.text, doc.time_budget, lines=_anchor_lines(doc, pattern))
        return any(seen >= count for seen, _ in enumerate(matches, 1))

    def _excepted(self, doc: Document, start: int, end: int) -> bool:
        if self.exceptions is None:
            return False
        line = doc.lines.line(doc.lines.line_of(start))
        lo = max(line.start, start - 40)
        hi = min(line.end, end + 40)
        for m in finditer(self.rule, self.exceptions, doc.text, doc.time_budget, lo, hi):
            if m.start() <= start and end <= m.end():
                return True
        return False


def _anchor_key(pattern: Pattern) -> int | None:
    """The prescan key of the lines holding ``pattern``'s anchor strings (see ``anchored``)."""
    plan = anchor_plan(pattern)
    if plan is None or any("\n" in s for s in plan.strings):
        return None
    return prescan.register((plan.finder.pattern,))


def _anchor_lines(doc: Document, pattern: Pattern) -> list[tuple[int, int]] | None:
    """The lines of ``doc`` that hold ``pattern``'s anchor strings, when a prescan knows them."""
    if len(doc.text) < prescan.MIN_SIZE:
        return None
    key = _anchor_key(pattern)
    return None if key is None else prescan.gated_lines(doc, key)


def _run_start(doc: Document, start: int, end: int) -> int:
    """Where the run of copies of the hit ``start``..``end`` (its text without the spaces around
    it, the copies side by side or set apart by spaces) that ends with the hit begins on its
    line: at the first copy, with the spaces before it."""
    text = doc.text
    core_start = end - len(text[start:end].lstrip())
    core = text[core_start:end].rstrip()
    if not core:
        return start
    line_start = doc.lines.line(doc.lines.line_of(start)).start
    first = first_copy(text, core_start, core, line_start)
    if first == core_start:
        return start
    return line_start + len(text[line_start:first].rstrip(" \t\u3000"))


def _gate_sources(rule: Rule, pattern: Pattern, declared: tuple[str, ...] | None) -> tuple[str, ...]:
    """The regexes of the rule's gate: the declared ones, else the literal strings that every
    match contains (``literal_anchors``); none when the patterns may read past a line break (a
    declared gate then is an error) or have no such strings."""
    if declared is not None:
        return checked_gate(rule, declared, pattern, "gate")
    if not line_confined(pattern):
        return ()
    anchors = literal_anchors(pattern)
    if not anchors:
        return ()
    strings = sorted(set().union(*(a[2] for a in anchors)), key=lambda s: (-len(s), s))
    if any(len(s) == 1 and (s.isdigit() or s.isspace()) for s in strings):
        return ()  # a digit or a space is on nearly every line: the gate would only cost
    return ("|".join(re.escape(s) for s in strings),)


def _check_group(pattern: Pattern, group: int | str, key: str) -> None:
    """Reject a group number or name the pattern does not define (a load-time error)."""
    if isinstance(group, int) and not 0 <= group <= pattern.groups:
        raise ValueError(f"{key} refers to group {group}, but the pattern has {pattern.groups}")
    if isinstance(group, str) and not group.isdigit() and group not in pattern.groupindex:
        raise ValueError(f"{key} refers to unknown group {group!r}")
# a backtick span without Chinese sentence punctuation: some digitised texts use ` as a quote mark
_HAN = regex.compile(r"\p{Han}")


def _in_chinese(text: str, start: int, end: int) -> bool:
    """Whether ``start..end`` has Chinese on both sides: prose in a code comment or string."""
    return start > 0 and end < len(text) and bool(_HAN.match(text[start - 1])) and bool(_HAN.match(text[end]))
