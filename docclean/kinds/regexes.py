"""Compiling rule patterns and running them under a time limit."""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import regex

from ..errors import RuleError
from ..regexcache import MISSING, compile_regex, recall, remember
from ..rules import Rule, bundled_rules_dir

Pattern = Any  # regex.Pattern[str] | re.Pattern[str]


def compile_patterns(rule: Rule, patterns: Sequence[str] | str, *, key: str = "patterns",
                     ignore_case: bool = False) -> Pattern:
    """Join ``patterns`` with ``|`` and compile with the ``regex`` module (or stdlib ``re``
    when a bundled rule asks for ``engine = "re"``, which is faster for backreference scans)."""
    if isinstance(patterns, str):
        patterns = [patterns]
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise RuleError(f"{rule.path}: rule {rule.id}: '{key}' must be a non-empty list of regexes")
    source = patterns[0] if len(patterns) == 1 else "|".join(f"(?:{p})" for p in patterns)
    engine = rule.params.get("engine", "regex")
    try:
        if engine == "re":
            if not _is_bundled(rule):
                raise RuleError(f"{rule.path}: rule {rule.id}: engine 're' is reserved for bundled rules")
            return re.compile(source, re.IGNORECASE if ignore_case else 0)
        flags = regex.V0 | (regex.IGNORECASE if ignore_case else 0)
        return compile_regex(source, flags)
    except (re.error, regex.error) as exc:
        raise RuleError(f"{rule.path}: rule {rule.id}: invalid regex in '{key}': {exc}") from None


def _is_bundled(rule: Rule) -> bool:
    try:
        return Path(rule.path).resolve().is_relative_to(bundled_rules_dir().resolve())
    except OSError:  # pragma: no cover - unreadable paths are never bundled
        return False


def finditer(rule: Rule, pattern: Pattern, text: str, budget: float, pos: int = 0,
             endpos: int | None = None) -> Iterator[Any]:
    """``pattern.finditer`` that turns a regex timeout into a ``RuleError`` naming the rule."""
    end = len(text) if endpos is None else endpos
    if isinstance(pattern, re.Pattern):
        yield from pattern.finditer(text, pos, end)
        return
    try:
        yield from pattern.finditer(text, pos, end, timeout=budget)
    except TimeoutError:
        raise RuleError(
            f"rule {rule.id} ({rule.path}): regex matching took longer than {budget:.0f} s; "
            "simplify the pattern"
        ) from None


def match(rule: Rule, pattern: Pattern, text: str, pos: int, budget: float, endpos: int | None = None) -> Any:
    """``pattern.match(text, pos, endpos)`` under the same time limit."""
    end = len(text) if endpos is None else endpos
    if isinstance(pattern, re.Pattern):
        return pattern.match(text, pos, end)
    try:
        return pattern.match(text, pos, end, timeout=budget)
    except TimeoutError:
        raise RuleError(
            f"rule {rule.id} ({rule.path}): regex matching took longer than {budget:.0f} s; "
            "simplify the pattern"
        ) from None


def search(rule: Rule, pattern: Pattern, text: str, budget: float) -> Any:
    """``pattern.search`` under the same time limit."""
    if isinstance(pattern, re.Pattern):
        return pattern.search(text)
    try:
        return pattern.search(text, timeout=budget)
    except TimeoutError:
        raise RuleError(
            f"rule {rule.id} ({rule.path}): regex matching took longer than {budget:.0f} s; "
            "simplify the pattern"
        ) from None


# --- Literal anchors: a cheap prefilter derived from a pattern --------------------------------
#
# ``literal_anchor(pattern)`` finds literal strings that every match of the pattern contains at
# a bounded offset from the match start: every match starts at ``p - hi .. p - lo`` for some
# occurrence ``p`` of one of the strings. Scanning for the strings (fast) and trying the pattern
# only at those starts finds exactly the matches that ``finditer`` finds. The pattern is parsed
# with the stdlib parser; anything it cannot vouch for (``regex``-only syntax, classes like
# ``\s`` or ``[^…]`` at the front, unbounded widths before the literal) gives no anchor.

_ANCHOR_MAX_LEN = 3  # literal strings are cut to this many characters
_ANCHOR_MAX_LEN_ASCII = 6  # or this many, when ASCII throughout (three letters are common: "the")
_ANCHOR_MAX_STRINGS = 200
_ANCHOR_MAX_OFFSET = 16
_ANCHOR_MAX_SET = 64  # larger character classes are not expanded
_FOLDS_TO_ASCII = {"i": "İı", "k": "\u212a", "s": "ſ"}  # non-ASCII letters matching i, k, s


def _case_variants(ch: str, ignore_case: bool) -> set[str] | None:
    if not ignore_case or ch.lower() == ch.upper():
        return {ch}
    low = ch.lower()
    if ch.isascii():
        return {ch, ch.upper(), low, *_FOLDS_TO_ASCII.get(low, "")}
    if "\uff21" <= ch <= "\uff3a" or "\uff41" <= ch <= "\uff5a":  # full-width Latin letters
        return {ch, ch.upper(), low}
    return None


def _strings(items: Any, flags: int, sre: Any) -> tuple[set[str], bool] | None:
    """Strings every match of ``items`` starts with (cut to ``_ANCHOR_MAX_LEN``, or to
    ``_ANCHOR_MAX_LEN_ASCII`` while they are ASCII), and whether
    they are exactly the texts the items match. ``None`` when unknown."""
    c = sre
    acc = {""}
    done: set[str] = set()
    exact = True
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        got = _item_strings(op, av, flags, sre)
        if got is None:
            exact = False
            break
        strs, item_exact = got
        new = {a + s for a in acc for s in strs}
        if len(new) > _ANCHOR_MAX_STRINGS:
            exact = False
            break
        acc = set()
        for s in new:
            cut = _ANCHOR_MAX_LEN_ASCII if s.isascii() else _ANCHOR_MAX_LEN
            if len(s) >= cut:
                done.add(s[:cut])
            else:
                acc.add(s)
        if not item_exact:
            done |= acc
            acc = set()
        if not acc:
            exact = exact and item_exact and not done
            break
    else:
        return done | acc, exact and not done
    return done | acc, False


def _item_strings(op: Any, av: Any, flags: int, sre: Any) -> tuple[set[str], bool] | None:
    c = sre
    ignore_case = bool(flags & c.SRE_FLAG_IGNORECASE)
    if op is c.LITERAL:
        v = _case_variants(chr(av), ignore_case)
        return None if v is None else (v, True)
    if op is c.IN:
        chars: set[str] = set()
        for sop, sav in av:
            if sop is c.LITERAL:
                chars.add(chr(sav))
            elif sop is c.RANGE and sav[1] - sav[0] < _ANCHOR_MAX_SET:
                chars.update(chr(k) for k in range(sav[0], sav[1] + 1))
            else:
                return None
            if len(chars) > _ANCHOR_MAX_SET:
                return None
        out: set[str] = set()
        for ch in chars:
            v = _case_variants(ch, ignore_case)
            if v is None:
                return None
            out |= v
        return out, True
    if op is c.SUBPATTERN:
        _group, add, drop, sub = av
        return _strings(sub, (flags | add) & ~drop, sre)
    if op is c.BRANCH:
        union: set[str] = set()
        exact = True
        for alt in av[1]:
            got = _strings(alt, flags, sre)
            if got is None:
                return None
            union |= got[0]
            exact = exact and got[1]
        return union, exact
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        lo, hi, sub = av
        got = _strings(sub, flags, sre)
        if got is None:
            return None
        if lo == 0:
            return got[0] | {""}, got[1] and hi == 1
        return got[0], got[1] and lo == hi == 1
    return None


LINE_START = -1  # ``hi`` of an anchor whose matches start where the anchor's line starts
RUN_START = -2  # ``hi`` of an anchor whose matches start in the run of ``chars`` before it

# (lo, hi, strings, chars): see ``literal_anchors``.
Anchor = tuple[int, int, frozenset[str], frozenset[str] | None]
_ANCHOR_MAX_RUN_SET = 256


def _anchors_of(items: Any, flags: int, sre: Any, state: Any, line: bool = False, started: bool = False,
                lo: int = 0, hi: int = 0, chars: frozenset[str] | None = frozenset(),
                run: bool = False, weak_ok: bool = True) -> list[Anchor] | None:
    """Anchors of a sequence of parsed items. ``lo``/``hi`` is the width consumed so far,
    ``chars`` every character it may have consumed (``None``: unknown), ``run`` whether the
    width so far is unbounded. Single characters make weak anchors: a longer string further
    on is preferred (unless ``weak_ok`` is false, then only that is tried)."""
    c = sre
    for k, (op, av) in enumerate(items):
        if op is c.AT and av is c.AT_BEGINNING and not started:
            line = True  # ``^`` before anything else: matches start at a line start
            continue
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        got = _strings(items[k:], flags, sre) if weak_ok or k else None
        if got is not None and got[0] and "" not in got[0]:
            strings = frozenset(got[0])
            if weak_ok and min(map(len, strings)) < 2:
                stronger = _anchors_of(items[k:], flags, sre, state, line, started, lo, hi, chars, run,
                                       weak_ok=False)
                if stronger is not None and all(min(map(len, a[2])) >= 2 for a in stronger):
                    return stronger
            if line:
                return [(0, LINE_START, strings, None)]
            if run:
                return [(lo, RUN_START, strings, chars)]
            return [(lo, hi, strings, None)]
        state_now = (line, started, lo, hi, chars, run)
        if op is c.BRANCH:
            rest = list(items[k + 1 :])
            out: list[Anchor] = []
            for alt in av[1]:
                found = _anchors_of(list(alt) + rest, flags, sre, state, *state_now)
                if found is None:
                    return None
                out += found
            return out
        if op is c.SUBPATTERN and not (av[1] or av[2]):
            return _anchors_of(list(av[3]) + list(items[k + 1 :]), flags, sre, state, *state_now)
        if op in _repeats(c) and av[0] >= 1:
            # The first repetition starts here: an anchor inside it anchors the whole.
            found = _anchors_of(list(av[2]), flags, sre, state, *state_now, weak_ok=weak_ok)
            if found is not None:
                return found
        started = True
        if line:
            # Any width is fine as long as the match cannot leave the anchor's line.
            if not _no_newline(op, av, flags, sre):
                return None
            continue
        wlo, whi = sre.SubPattern(state, [(op, av)]).getwidth()
        item_chars = _class_chars(op, av, flags, sre)
        chars = None if chars is None or item_chars is None else chars | item_chars
        lo += wlo
        hi += whi
        if run or hi > _ANCHOR_MAX_OFFSET:
            # Unbounded: the match starts somewhere in the run of ``chars`` before the anchor.
            if chars is None or len(chars) > _ANCHOR_MAX_RUN_SET:
                return None
            run = True
    return None


def _class_chars(op: Any, av: Any, flags: int, sre: Any) -> frozenset[str] | None:
    """Every character the item can match, when it is a literal or a plain class (or a
    repetition of them); ``None`` otherwise."""
    c = sre
    if op in (c.LITERAL, c.IN):
        got = _item_strings(op, av, flags, sre)
        return None if got is None else frozenset(got[0])
    if op in _repeats(c):
        out: frozenset[str] = frozenset()
        for o, a in av[2]:
            sub = _class_chars(o, a, flags, sre)
            if sub is None:
                return None
            out |= sub
        return out
    return None


def _repeats(c: Any) -> tuple[Any, ...]:
    return (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))


def _no_newline(op: Any, av: Any, flags: int, sre: Any) -> bool:
    """True when the item can never match a ``\\n``."""
    c = sre
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return True
    if op is c.LITERAL:
        return bool(av != 10)
    if op is c.NOT_LITERAL:
        return bool(av == 10)
    if op is c.ANY:
        return not flags & c.SRE_FLAG_DOTALL
    if op is c.IN:
        if any(sop is c.NEGATE for sop, _ in av):
            return any((sop is c.LITERAL and sav == 10) or (sop is c.CATEGORY and sav is c.CATEGORY_SPACE)
                       for sop, sav in av)
        for sop, sav in av:
            if sop is c.LITERAL and sav == 10:
                return False
            if sop is c.RANGE and sav[0] <= 10 <= sav[1]:
                return False
            if sop is c.CATEGORY and sav not in (c.CATEGORY_DIGIT, c.CATEGORY_WORD, c.CATEGORY_NOT_SPACE):
                return False
            if sop not in (c.LITERAL, c.RANGE, c.CATEGORY):
                return False
        return True
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        return all(_no_newline(o, a, flags, sre) for o, a in av[2])
    if op is c.SUBPATTERN:
        sub_flags = (flags | av[1]) & ~av[2]
        return all(_no_newline(o, a, sub_flags, sre) for o, a in av[3])
    if op is c.BRANCH:
        return all(_no_newline(o, a, flags, sre) for alt in av[1] for o, a in alt)
    return False


def _stdlib_parser() -> Any:
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - Python 3.10
        return importlib.import_module("sre_parse")


def literal_anchors(pattern: Pattern) -> list[Anchor] | None:
    """Where ``pattern``'s matches can start, relative to literal strings they contain (see
    ``_literal_anchors``); worked out once per pattern text and flags in a process."""
    found: list[Anchor] | None = _analysis(pattern, "anchors", _literal_anchors)
    return None if found is None else list(found)


_ANALYSES: dict[tuple[Any, int, str], Any] = {}  # the analyses of patterns, by pattern text and flags
_CODE: list[str] = []  # a digest of this module, which the stored analyses depend on


def _analysis(pattern: Pattern, kind: str, analyse: Callable[[Pattern], Any]) -> Any:
    """``analyse(pattern)``, worked out once per pattern text and flags: in this process, and,
    through the regex cache (see ``regexcache``), once per version of this module."""
    key = (pattern.pattern, int(pattern.flags), kind)
    if key in _ANALYSES:
        return _ANALYSES[key]
    stored_key = ("analysis", _analysis_version(), *key)
    found = recall(stored_key)
    if found is MISSING:
        found = analyse(pattern)
        remember(stored_key, found)
    _ANALYSES[key] = found
    return found


def _analysis_version() -> str:
    if not _CODE:
        _CODE.append(hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16])
    return _CODE[0]


def _literal_anchors(pattern: Pattern) -> list[Anchor] | None:
    """Where ``pattern``'s matches can start, relative to literal strings they contain.

    Every match contains, for one of the anchors ``(lo, hi, strings, chars)``, an occurrence of
    one of ``strings`` at offset ``p`` such that the match starts at ``p - hi .. p - lo``; or,
    when ``hi`` is ``LINE_START``, at the start of the line (after a ``\\n``) that holds ``p``;
    or, when ``hi`` is ``RUN_START``, at least ``lo`` characters before ``p`` with only
    ``chars`` in between. ``None`` when no such anchors are known."""
    source = pattern.pattern
    if not isinstance(source, str):
        return None
    source, global_flags = _hoist_flags(source)
    source = _abstract_properties(source)
    if _unsupported(source):
        return None  # POSIX classes, fuzzy matching and \G mean something else to ``regex``
    sre = _stdlib_parser()
    flags = re.IGNORECASE if pattern.flags & regex.IGNORECASE or "i" in global_flags else 0
    if "x" in global_flags or "s" in global_flags:
        return None
    try:
        parsed = sre.parse(source, flags)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    try:
        found = _anchors_of(list(parsed), parsed.state.flags | flags, sre, parsed.state)
    except (RecursionError, OverflowError, ValueError, TypeError, AttributeError):
        return None
    if not found or any(not a[2] or "" in a[2] for a in found):
        return None
    return found


def literal_anchor(pattern: Pattern) -> tuple[int, int, frozenset[str]] | None:
    """The single fixed-offset or line anchor of ``pattern`` (see ``literal_anchors``): its
    branches merged into one ``(lo, hi, strings)``; ``None`` when there is none."""
    found = literal_anchors(pattern)
    if found is None or any(a[1] == RUN_START for a in found):
        return None
    strings = frozenset().union(*(a[2] for a in found))
    if all(a[1] == LINE_START for a in found):
        return 0, LINE_START, strings
    if any(a[1] == LINE_START for a in found):
        return None
    return min(a[0] for a in found), max(a[1] for a in found), strings


_GLOBAL_FLAGS = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|\(\?([imsx]+)\)", re.S)


def _hoist_flags(source: str) -> tuple[str, str]:
    """Move inline flags such as ``(?m)`` out of the pattern: ``regex`` applies them to the whole
    pattern wherever they stand, the stdlib parser only accepts them at the start."""
    flags: list[str] = []

    def drop(m: re.Match[str]) -> str:
        if m.group(1) is None:
            return m.group()
        flags.append(m.group(1))
        return ""

    return _GLOBAL_FLAGS.sub(drop, source), "".join(flags)


# Unicode properties that never match a line break; any other property is assumed to.
_NO_BREAK_PROPERTIES = {"han", "l", "lu", "ll", "lt", "lm", "lo", "m", "mn", "mc", "me", "n", "nd", "nl",
                        "no", "p", "pc", "pd", "ps", "pe", "pi", "pf", "po", "s", "sm", "sc", "sk", "so",
                        "zs", "latin", "greek", "cyrillic", "hiragana", "katakana", "hangul"}


def _abstract_properties(source: str) -> str:
    """Replace ``\\p{…}``/``\\P{…}`` (``regex`` syntax the stdlib parser lacks) by a stand-in
    of the same width that offers no literal and may match a line break unless the property
    cannot: ``[^\\n]`` or ``[\\s\\S]`` outside a class, ``\\w`` or ``\\s`` inside one."""
    out: list[str] = []
    i, n, in_class = 0, len(source), False
    while i < n:
        ch = source[i]
        if ch == "\\" and i + 1 < n:
            nxt = source[i + 1]
            if nxt in "pP" and i + 2 < n and source[i + 2] == "{":
                end = source.find("}", i + 3)
                if end == -1:
                    return source  # malformed: let the parser reject it
                name = source[i + 3 : end].strip().lower().replace("_", "").replace(" ", "")
                name = name.split("=")[-1].split(":")[-1]
                safe = nxt == "p" and not name.startswith("^") and name in _NO_BREAK_PROPERTIES
                if in_class:
                    out.append("\\w" if safe else "\\s")
                else:
                    out.append("[^\\n]" if safe else "[\\s\\S]")
                i = end + 1
                continue
            out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            # A ']' first in a class (after an optional '^') is a literal.
            if i < n and source[i] == "^":
                out.append("^")
                i += 1
            if i < n and source[i] == "]":
                out.append("]")
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def forward_reach(source: str) -> int | None:
    """An upper bound on how far past its start a match of ``source`` reads (its longest match
    plus every lookahead's reach); ``None`` when unbounded, when it reads before its start
    (lookbehind, ``\\b``, ``^``) or refers to groups."""
    source, global_flags = _hoist_flags(source)
    source = _abstract_properties(source)
    if global_flags or _unsupported(source):
        return None
    sre = _stdlib_parser()
    try:
        return _reach(list(sre.parse(source)))
    except (re.error, RecursionError, OverflowError, ValueError, TypeError, AttributeError):
        return None


def _reach(items: Any) -> int | None:
    """Sum of the items' reaches: a bound, since an item starts at most where the ones before
    it could reach."""
    c = _stdlib_parser()  # the parser module re-exports the opcodes
    total = 0
    for op, av in items:
        if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
            total += 1
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if av[0] < 0:
                return None
            r = _reach(list(av[1]))
            if r is None:
                return None
            total += r
        elif op is c.BRANCH:
            rs = [_reach(list(alt)) for alt in av[1]]
            if any(r is None for r in rs):
                return None
            total += max(r for r in rs if r is not None)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            if av[1] >= c.MAXREPEAT:
                return None
            r = _reach(list(av[2]))
            if r is None:
                return None
            total += r * av[1]
        elif op is c.SUBPATTERN:
            if av[1] or av[2]:  # scoped flags
                return None
            r = _reach(list(av[3]))
            if r is None:
                return None
            total += r
        else:  # anchors, group references, atomic groups and anything unknown
            return None
    return total


def line_confined(pattern: Pattern) -> bool:
    """``_line_confined(pattern)``, worked out once per pattern text and flags in a process
    (rules are compiled afresh for every selection of them, their patterns are the same)."""
    return bool(_analysis(pattern, "confined", _line_confined))


def _line_confined(pattern: Pattern) -> bool:
    """True when no match of ``pattern`` reads past a ``\\n``: nothing it consumes or looks at
    around can be a line break, and its only anchors are line starts and ends (multi-line
    ``^``/``$``) and word boundaries. Such a pattern finds in a line what it finds there in any
    text, so a line can be checked on its own."""
    source = pattern.pattern
    if not isinstance(source, str):
        return False
    flags = 0
    if pattern.flags & regex.MULTILINE:
        flags |= re.MULTILINE
    if pattern.flags & regex.DOTALL:
        flags |= re.DOTALL
    if pattern.flags & regex.IGNORECASE:
        flags |= re.IGNORECASE
    # ``\K`` (``regex``: the match starts here) changes what is reported, not what is read.
    got = _parsed(re.sub(r"(?<!\\)\\K", "", source), flags, dotall_ok=True)
    if got is None:
        return False
    parsed, all_flags, sre = got
    try:
        return _confined(list(parsed), all_flags, sre)
    except (RecursionError, OverflowError, ValueError, TypeError, AttributeError):
        return False


def _confined(items: Any, flags: int, sre: Any) -> bool:
    c = sre
    for op, av in items:
        if op is c.AT:
            if av in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY, c.AT_UNI_BOUNDARY, c.AT_UNI_NON_BOUNDARY):
                continue
            if av in (c.AT_BEGINNING, c.AT_END) and flags & c.SRE_FLAG_MULTILINE:
                continue
            return False
        if op in (c.ASSERT, c.ASSERT_NOT):
            if not _confined(list(av[1]), flags, sre):
                return False
        elif op is c.BRANCH:
            if not all(_confined(list(alt), flags, sre) for alt in av[1]):
                return False
        elif op in _repeats(c):
            if not _confined(list(av[2]), flags, sre):
                return False
        elif op is c.SUBPATTERN:
            if not _confined(list(av[3]), (flags | av[1]) & ~av[2], sre):
                return False
        elif op is c.GROUPREF:
            continue  # repeats text the pattern already read
        elif op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
            if op is c.NOT_LITERAL and av != 10:
                return False
            if op is not c.NOT_LITERAL and not _no_newline(op, av, flags, sre):
                return False
        else:
            return False
    return True


# --- First characters: which characters a match can begin with -----------------------------


def _parsed(source: str, flags: int = 0, *, dotall_ok: bool = False) -> tuple[Any, int, Any] | None:
    """``source`` parsed by the stdlib parser (``regex``-only properties abstracted, inline
    flags hoisted and added to the stdlib ``flags``), with its flags and the parser module;
    ``None`` when the stdlib parser cannot vouch for it (verbose patterns, and dot-all ones
    unless ``dotall_ok``)."""
    source, global_flags = _hoist_flags(source)
    source = _abstract_properties(source)
    if _unsupported(source) or "x" in global_flags or ("s" in global_flags and not dotall_ok):
        return None
    sre = _stdlib_parser()
    for letter, flag in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL)):
        if letter in global_flags:
            flags |= flag
    try:
        try:
            parsed = sre.parse(source, flags)
        except re.error:
            parsed = sre.parse(_unnamed(source), flags)
    except (re.error, RecursionError, OverflowError, ValueError, TypeError, AttributeError):
        return None
    return parsed, parsed.state.flags | flags, sre


def first_chars(source: str, *, ignore_case: bool = False) -> frozenset[str] | None:
    """The characters that the first character a match of ``source`` consumes can be
    (assertions before it are passed over); ``None`` when unknown or when a match may be empty."""
    got = _parsed(source, re.IGNORECASE if ignore_case else 0)
    if got is None:
        return None
    parsed, flags, sre = got
    try:
        found = _first(list(parsed), flags, sre)
    except (RecursionError, OverflowError, ValueError, TypeError, AttributeError):
        return None
    if found is None or found[1] or not found[0]:
        return None
    return found[0]


def _first(items: Any, flags: int, sre: Any) -> tuple[frozenset[str], bool] | None:
    """The characters a match of ``items`` can begin with, and whether it can be empty."""
    c = sre
    out: frozenset[str] = frozenset()
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op in (c.LITERAL, c.IN):
            chars = _class_chars(op, av, flags, sre)
            if chars is None:
                return None
            return out | chars, False
        if op in _repeats(c):
            got = _first(list(av[2]), flags, sre)
            nullable = av[0] == 0
        elif op is c.SUBPATTERN:
            got = _first(list(av[3]), (flags | av[1]) & ~av[2], sre)
            nullable = False
        elif op is c.BRANCH:
            alts = [_first(list(alt), flags, sre) for alt in av[1]]
            if any(a is None for a in alts):
                return None
            got = (frozenset().union(*(a[0] for a in alts if a)), any(a[1] for a in alts if a))
            nullable = False
        else:
            return None
        if got is None:
            return None
        out |= got[0]
        if not (nullable or got[1]):
            return out, False
    return out, True


def run_chars(source: str) -> frozenset[str] | None:
    """When ``source`` only matches runs of some characters (a sequence of repeated literals
    or plain classes, such as ``[ \\t]+[\\u3000]*``), those characters; else ``None``."""
    got = _parsed(source)
    if got is None:
        return None
    parsed, flags, sre = got
    out: frozenset[str] = frozenset()
    for op, av in list(parsed):
        chars = _class_chars(op, av, flags, sre)
        if chars is None:
            return None
        out |= chars
    return out


def _unnamed(source: str) -> str:
    """``source`` with named groups made non-capturing: ``regex`` allows a name twice (once per
    alternative), the stdlib parser does not; names do not matter to the analyses here (a
    reference to a group then fails to parse, and the analysis gives up)."""
    return re.sub(r"(?<!\\)\(\?P<\w+>", "(?:", source)


_POSIX_CLASS = re.compile(r"\[:\^?\w+:\]")
_QUANTIFIER = re.compile(r"\{\d*,?\d*\}")


def _unsupported(source: str) -> bool:
    """True when ``source`` uses ``regex`` syntax that means something else to the stdlib parser:
    POSIX classes (``[[:alpha:]]``), fuzzy matching (``{e<=1}``: a brace outside a class that is
    not a repeat count) or ``\\G``. A brace inside a class is a plain character."""
    i, n, in_class = 0, len(source), False
    while i < n:
        ch = source[i]
        if ch == "\\":
            if source.startswith("G", i + 1):
                return True
            i += 2
            continue
        if in_class:
            if ch == "[" and _POSIX_CLASS.match(source, i):
                return True
            if ch == "]":
                in_class = False
            i += 1
            continue
        if ch == "[":
            in_class = True
            i += 1
            if source.startswith("^", i):
                i += 1
            if source.startswith("]", i):
                i += 1
            continue
        if ch == "{" and not _QUANTIFIER.match(source, i):
            return True
        i += 1
    return False


# --- Stdlib twins: patterns that both engines read alike -----------------------------------

_TWIN_SYNTAX = re.compile(r"\\[^ntru\\.\[\](){}*+?|^$#&~\-/:;,<>=!\"'%@ ]|\(\?(?![:=!]|<[=!]|P<)")


def stdlib_twin(source: str, *, multiline: bool = True) -> re.Pattern[str] | None:
    """``source`` compiled by the stdlib ``re`` (multi-line unless not ``multiline`` and no
    ``(?m)`` stands in it, which ``regex`` applies to the whole pattern wherever it stands) when it
    uses only what the stdlib and ``regex`` (version 0) read alike, so that both find the same
    matches with the same groups: literals, escaped punctuation, classes of literals and ranges,
    ``.``, groups, alternatives, greedy and lazy repeats, lookarounds and ``^``/``$``.
    Properties, classes such as ``\\s`` or ``\\d``, inline flags other than ``(?m)``, group
    references, possessive or atomic parts and ``regex``-only syntax give ``None``."""
    if "(?m)" in source and _first_anchor(source) < source.index("(?m)"):
        return None  # ``regex`` reads a ``^``/``$`` before a later ``(?m)`` as not multi-line
    source, hoisted = _hoist_flags(source)
    if hoisted.replace("m", "") or _TWIN_SYNTAX.search(source) or _unsupported(source):
        return None
    sre = _stdlib_parser()
    flags = re.MULTILINE if multiline or hoisted else 0
    try:
        parsed = sre.parse(source, flags)
        compiled = re.compile(source, flags)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    if parsed.state.flags & ~(re.MULTILINE | re.UNICODE):
        return None
    return compiled if _twin_items(list(parsed), sre) else None


_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|([\^$])", re.S)


def _first_anchor(source: str) -> int:
    """Where the first ``^`` or ``$`` outside a class stands in ``source`` (its length if none)."""
    return next((m.start() for m in _TOKEN.finditer(source) if m.group(1)), len(source))


def _twin_items(items: Any, sre: Any) -> bool:
    c = sre
    for op, av in items:
        if op in (c.LITERAL, c.NOT_LITERAL, c.ANY):
            continue
        if op is c.IN:
            if not all(sop in (c.LITERAL, c.RANGE, c.NEGATE) for sop, _ in av):
                return False
        elif op is c.AT:
            if av not in (c.AT_BEGINNING, c.AT_END):
                return False
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if not _twin_items(list(av[1]), sre):
                return False
        elif op is c.BRANCH:
            if not all(_twin_items(list(alt), sre) for alt in av[1]):
                return False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            if not _twin_items(list(av[2]), sre):
                return False
        elif op is c.SUBPATTERN:
            if av[1] or av[2] or not _twin_items(list(av[3]), sre):
                return False
        else:
            return False
    return True
