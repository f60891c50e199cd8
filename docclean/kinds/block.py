"""Kind ``block``: the reseller block at the head or tail of a document.

Anchors are lines a ``line-score`` rule (``scorer``) scores at least ``anchor`` points. Starting at
the document edge, the block runs through anchors and absorbs up to ``max_gap`` consecutive short
unscored lines (at most ``gap_max_len`` characters, no negative signal) between two of them, or
between the edge and the first anchor; one such line between two anchors may end a sentence
(網盤不定時被和諧，請盡快轉存！). A line with a positive score below ``anchor`` (a weaker reseller line, such as a
long numbered download disclaimer) may be a gap line of any length, and does not count towards
``max_gap``; other gap lines must be short, must not end a sentence and must carry no negative
signal of the scorer (such as a title shape). A gap is absorbed only when the anchor that closes it
occurs once in the document (a recurring line says nothing about its neighbours), unless every line
of the gap has a positive score of its own. A line matching one of ``keep`` (whole-line shapes of a
document's own title or sign-off: a date, the issuing body, a signature; by default the scorer's
``own_lines``) is never part of the block, and the block goes on past it; unscored lines between it
and the first anchor are not absorbed (only lines with a positive score of their own are). So a
reseller line pasted inside a title block or before a sign-off goes, and the title or the sign-off
stays. A line of the text with junk appended (kept below the threshold by the scorer, see
``prose_head``, or with a junk tail the scorer found) is treated the same way: only its junk
goes, as the scorer's finding. Two
neighbouring lines that each score at least ``pair_anchor`` points (when set) with a telling
signal, not a mere form (a bracket, recurrence), vouch for each other and count as anchors; so do
``run_anchor`` lines in a row (when set) that each score a point or more with a telling signal. A
block never reaches past the middle of the document. Where the block ends at lines that are not
absorbed, up to two of them close it after all when a blank line sets them off from the text, the
block holds at least ``edge_min_block`` lines and each carries one of the ``edge_form`` marks of a
reseller's line (某某法务 · 让法律服务触手可及, then a blank line, then the title): a document's own title has
none. Blank lines inside the block, and between the block and the text, go with it. Each non-blank
line of the block is one finding; blank lines ride with the nearest block line.

With ``after_form`` the rule reports, instead of the block, up to ``after_lines`` lines right after
it (away from the edge) that the block left and that carry one of those marks: each at most
``after_max_len`` characters, not ending a sentence, not a kept line, a heading or prose with junk
appended, with no negative signal (see ``_after``).

Params: ``scorer``, ``region`` (``head`` | ``tail``), ``anchor``, ``max_gap``, ``gap_max_len``,
``window`` (how many non-blank lines from the edge are examined), ``keep`` (optional regexes;
default: the scorer's ``own_lines``), ``pair_anchor`` and ``run_anchor`` (optional), ``edge_form`` (optional regexes)
``edge_min_block`` (default 2), ``after_form`` (optional regexes), ``after_lines`` (default 2) and
``after_max_len`` (default 80).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol

from ..document import Document
from ..rules import Rule
from . import Hit, compile_rule
from .linescore import LineScore, LineScorer, line_counts, nearest_nonblank, nonblank_lines
from .regexes import Pattern, compile_patterns

_SENTENCE_END = frozenset("。！？；…!?;")


class BlockMatcher:
    """Matcher for kind ``block``."""

    def __init__(self, rule: Rule) -> None:
        p = rule.params
        self.rule = rule
        self.scorer_id = str(p["scorer"])
        self.region = p.get("region", "head")
        if self.region not in ("head", "tail"):
            raise ValueError("region must be 'head' or 'tail'")
        self.anchor = int(p["anchor"])
        self.max_gap = int(p.get("max_gap", 3))
        self.gap_max_len = int(p.get("gap_max_len", 40))
        self.window = int(p.get("window", 30))
        self.pair_anchor = int(p.get("pair_anchor", 0))
        self.run_anchor = int(p.get("run_anchor", 0))
        keep = p.get("keep", [])
        self.keep = compile_patterns(rule, keep, key="keep") if keep else None
        edge_form = p.get("edge_form", [])
        self.edge_form = compile_patterns(rule, edge_form, key="edge_form") if edge_form else None
        self.edge_min_block = int(p.get("edge_min_block", 2))
        # with ``after_form``, the rule reports the lines right after the block instead (see
        # ``_after``): up to ``after_lines`` lines of at most ``after_max_len`` characters
        after_form = p.get("after_form", [])
        self.after_form = compile_patterns(rule, after_form, key="after_form") if after_form else None
        self.after_lines = int(p.get("after_lines", 2))
        self.after_max_len = int(p.get("after_max_len", 80))
        self._scorer: LineScorer | None = None

    def bind(self, scorer: LineScorer) -> None:
        """Use ``scorer`` for line scores (the engine binds the rule named by ``scorer``)."""
        self._scorer = scorer

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield one hit per non-blank line of the block (blank neighbours included)."""
        scorer = self._scorer
        if scorer is None:
            return
        scores = scorer.scores(doc)
        if not scores:
            return
        keep = self.keep if self.keep is not None else scorer.own_lines
        lines = doc.lines.lines
        text = doc.text
        counts = line_counts(doc)
        order = range(len(lines)) if self.region == "head" else range(len(lines) - 1, -1, -1)
        nonblank = len(nonblank_lines(doc))  # shared with the scorer, counted once per text
        limit = min(self.window, nonblank // 2)  # a block never reaches the middle of the document
        block: list[int] = []  # non-blank line indices in the block, edge first
        pending: list[int] = []  # gap lines waiting for an anchor
        weak: set[int] = set()  # gap lines with a positive score below the anchor
        fenced = False  # a kept line came before the first anchor: the edge gap is the document's
        edge: list[int] | None = None  # lines closing the block at a blank line (see ``_edge_gap``)
        seen = 0
        for i in order:
            body = text[lines[i].start : lines[i].end].strip()
            if not body:
                continue
            seen += 1
            if seen > limit:
                break
            s = scores.get(i)
            if s is not None and s.score >= self.anchor:
                if pending and (all(j in weak for j in pending)
                                or (counts[body] == 1 and (block or not fenced))):
                    block.extend(pending)
                pending = []
                block.append(i)
                continue
            if (keep is not None and keep.fullmatch(body)) or (s is not None and scorer.kept_prose(doc, i, s)):
                # the document's own line (a title, a sign-off, prose with junk appended, whose
                # junk alone goes): not absorbed, and the gap lines on its far side are not
                # absorbed through it either
                if edge is None and block:
                    edge = self._edge_gap(pending, doc, len(block))
                pending = []
                fenced = fenced or not block
                continue
            if s is not None and s.score > 0:
                weak.add(i)
                if (self.pair_anchor and s.score >= self.pair_anchor and pending
                        and all(j in weak for j in pending)
                        and scores[pending[-1]].score >= self.pair_anchor
                        and scorer.telling(s) and scorer.telling(scores[pending[-1]])):
                    # two neighbouring weaker reseller lines vouch for each other
                    block.extend(pending)
                    block.append(i)
                    pending = []
                    continue
                if (self.run_anchor and len(pending) + 1 >= self.run_anchor and scorer.telling(s)
                        and all(j in weak and scorer.telling(scores[j]) for j in pending)):
                    # a run of weaker reseller lines, each with a telling signal, vouch for each other
                    block.extend(pending)
                    block.append(i)
                    pending = []
                    continue
            elif (len(body) > self.gap_max_len
                  or (body[-1] in _SENTENCE_END and not (block and not pending and self._anchor_next(i, doc, scores)))
                  or (s is not None and s.score < 0) or scorer.penalty(body, doc) < 0
                  or sum(j not in weak for j in pending) >= self.max_gap):
                if edge is None and block:
                    edge = self._edge_gap([*pending, i], doc, len(block))
                break
            pending.append(i)
        if edge is None and block:
            edge = self._edge_gap(pending, doc, len(block))
        if not block:
            return
        block.extend(edge or ())
        if self.after_form is not None:
            last = max(block) if self.region == "head" else min(block)
            yield from self._after(doc, last, scores, keep, self.after_form)
            return
        yield from self._hits(doc, sorted(block), scores)

    def _after(self, doc: Document, last: int, scores: Mapping[int, LineScore],
               keep: Pattern | None, form: Pattern) -> Iterator[Hit]:
        """The lines right after the block (from its line ``last``, away from the edge) that the
        block did not take and that look like a reseller's, not the document's start: up to
        ``after_lines`` of them, each short, not ending a sentence, not the document's own line
        (``keep``, a heading, prose with junk appended), with no negative signal and with one of
        the ``after_form`` marks, ``form`` (a pictograph, Latin words beside Chinese, a tilde …).
        The first line that fails ends the run."""
        scorer = self._scorer
        assert scorer is not None
        bodies = doc.lines.bodies
        step = 1 if self.region == "head" else -1
        i, taken = last + step, 0
        while 0 <= i < len(bodies) and taken < self.after_lines:
            body = bodies[i].strip()
            if not body:
                i += step
                continue
            s = scores.get(i)
            if (len(body) > self.after_max_len or body[-1] in _SENTENCE_END
                    or (keep is not None and keep.fullmatch(body))
                    or (s is not None and (s.score < 0 or scorer.kept_prose(doc, i, s)))
                    or scorer.penalty(body, doc) < 0 or scorer.heading(doc, i)
                    or not form.search(body)):
                return
            line = doc.lines.lines[i]
            yield Hit(line.start, line.start + len(bodies[i].rstrip()), None,
                      {"match": body, "reasons": "right after a reseller block"})
            taken += 1
            i += step

    def _edge_gap(self, pending: list[int], doc: Document, anchors: int) -> list[int]:
        """The gap lines after the block's last anchor that close the block: up to the first one
        set off from the text by a blank line, when there are at most two, the block holds at
        least ``edge_min_block`` lines, and each has one of the ``edge_form`` marks of a
        reseller's line (a pictograph, a spaced separator, a label in 【】) and does not end a
        sentence with a full stop (…客服 · 让法律服务触手可及, then a blank line, then the title)."""
        if self.edge_form is None or anchors < self.edge_min_block or not pending:
            return []
        bodies = doc.lines.bodies
        step = 1 if self.region == "head" else -1
        out: list[int] = []
        for i in pending[:2]:  # consecutive non-blank lines, away from the edge
            body = bodies[i].strip()
            if body.endswith(("。", ".", "；", ";")) or not self.edge_form.search(body):
                return []
            out.append(i)
            if 0 <= i + step < len(bodies) and not bodies[i + step].strip():
                return out
        return []

    def _anchor_next(self, i: int, doc: Document, scores: Mapping[int, LineScore]) -> bool:
        """Whether the next non-blank line after line ``i`` (away from the edge) is an anchor:
        a short sentence sandwiched between two anchors is part of the block."""
        j = nearest_nonblank(doc.lines.bodies, i, 1 if self.region == "head" else -1)
        s = scores.get(j) if j is not None else None
        return s is not None and s.score >= self.anchor

    def _hits(self, doc: Document, block: list[int], scores: Mapping[int, LineScore]) -> Iterator[Hit]:
        lines = doc.lines.lines
        text = doc.text
        first, last = block[0], block[-1]
        n = len(lines)

        def blank(i: int) -> bool:
            return 0 <= i < n and not text[lines[i].start : lines[i].end].strip()

        # Blank lines between the block and the text go with the block.
        lo, hi = first, last
        if self.region == "head":
            # the blank lines before the block, not a kept line (a title) before them
            while blank(lo - 1):
                lo -= 1
            while blank(hi + 1):
                hi += 1
        else:
            hi = n - 1
            while blank(lo - 1):
                lo -= 1
        members = set(block)

        # the document's own lines (a sign-off kept by ``keep``) inside or after a tail block: the
        # blank lines before the block then stay, to set the text off from them
        kept_inside = self.region == "tail" and any(
            not blank(j) and j not in members for j in range(first, n))
        starts = [i for i in range(lo, hi + 1) if i in members]
        # Leading blank lines (tail blocks, or blanks before a head block) form their own hit.
        if starts and starts[0] > lo and not kept_inside:
            yield Hit(lines[lo].start, lines[starts[0]].start, "",
                      {"match": "", "reasons": "blank lines next to a reseller block"})
        for k, i in enumerate(starts):
            stop = starts[k + 1] if k + 1 < len(starts) else hi + 1
            end = lines[stop - 1].next
            # Non-member, non-blank lines inside the range keep their own line.
            j = i + 1
            while j < stop and blank(j):
                j += 1
            if j < stop:
                end = lines[j].start
            s = scores.get(i)
            reason = s.explain() if s is not None else "inside the block"
            yield Hit(lines[i].start, end, None,
                      {"match": text[lines[i].start : lines[i].end], "reasons": reason})


class _NeedsScorer(Protocol):
    scorer_id: str

    def bind(self, scorer: LineScorer) -> None: ...


def bind_scorers(matcher: _NeedsScorer, rule_lookup: Mapping[str, Rule]) -> None:
    """Attach the scorer rule named in a block rule's params."""
    rule = rule_lookup.get(matcher.scorer_id)
    if rule is None:
        raise ValueError(f"scorer {matcher.scorer_id!r} is not a known rule")
    scorer = compile_rule(rule)
    if not isinstance(scorer, LineScorer):
        raise ValueError(f"scorer {matcher.scorer_id!r} is not a line-score rule")
    matcher.bind(scorer)
