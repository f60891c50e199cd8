"""One pass over a document that finds, for many rules at once, the lines worth scanning.

A rule's *gate* is a set of regexes of which one matches on every line where the rule can
match (see ``kinds.anchored``). Run one by one, gates would cost a scan of the text each; here
every gate of every loaded rule is compiled into one Hyperscan database and the text is scanned
once. Without Hyperscan (a platform it has no wheel for) each gate is a stdlib ``re`` scan: the
same lines, more slowly. With Hyperscan every text is prescanned: a seed-sized document (5,000
characters) is cleaned four times faster with the prescan than with every rule scanning it whole.
Without it, texts shorter than ``MIN_SIZE`` characters are not prescanned: their rules scan them
whole, which then costs less than the ``re`` scans of the gates.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import re
import threading
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import regexcache
from .document import Document
from .edits import EditMap

MIN_SIZE = 0 if importlib.util.find_spec("hyperscan") is not None else 1 << 14

_gates: list[tuple[str, ...]] = []  # every gate registered so far; its index is its key
_keys: dict[tuple[str, ...], int] = {}
_database: dict[int, Any] = {}  # number of gates compiled -> (database or None, fallback patterns)


@contextmanager
def always() -> Iterator[None]:
    """Prescan texts of any length while inside (rule self-tests check gates on short examples)."""
    with _min_size(0):
        yield


@contextmanager
def never() -> Iterator[None]:
    """Prescan no text while inside: every rule scans the whole text (the reference that a
    prescanned run is checked against)."""
    with _min_size(1 << 62):
        yield


@contextmanager
def _min_size(size: int) -> Iterator[None]:
    global MIN_SIZE
    saved, MIN_SIZE = MIN_SIZE, size
    try:
        yield
    finally:
        MIN_SIZE = saved


def register(sources: tuple[str, ...]) -> int:
    """The key of the gate made of the regexes ``sources`` (stdlib syntax, multi-line)."""
    key = _keys.get(sources)
    if key is None:
        key = _keys[sources] = len(_gates)
        _gates.append(sources)
    return key


def gated_lines(doc: Document, key: int) -> list[tuple[int, int]] | None:
    """The lines of ``doc`` where gate ``key`` matches, adjacent ones merged, as ``(start, end)``
    offsets of their texts (the last line's break excluded); ``None`` when the text is short
    enough to be scanned whole. All registered gates are worked out together, once per text;
    for an edited copy of an earlier text (``Document.base``) only the lines the edits touched
    are scanned again."""
    if len(doc.text) < MIN_SIZE:
        return None
    cache_key = ("prescan", len(_gates))
    found: tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]] | None = doc.cache.get(cache_key)
    if found is None:
        earlier = doc.base[0].get(cache_key) if doc.base is not None else None
        if earlier is not None and doc.base is not None:
            numbers = _carried(doc, len(_gates), earlier[1], doc.base[1])
        else:
            numbers = _line_numbers(doc, len(_gates), [(0, len(doc.text))])
        found = ([], [])
        for lines in numbers:
            ranges, spans = _ranges(doc, sorted(lines))
            found[0].append(ranges)
            found[1].append(spans)
        doc.cache[cache_key] = found
    return found[0][key]


_SCAN_LOCK = threading.Lock()  # a database's scratch space serves one scan at a time
CHUNK = 1 << 16  # characters scanned at a time (cut at a line break), to keep memory low


def _line_numbers(doc: Document, count: int, spans: list[tuple[int, int]]) -> list[set[int]]:
    """For each of the first ``count`` gates, the lines it matches within ``spans`` (sorted
    ranges of whole lines)."""
    database, fallback = _compiled(count)
    lines: list[set[int]] = [set() for _ in range(count)]
    text = doc.text
    if database is not None:
        db, _size, owner = database
        events: list[tuple[int, int]] = []

        def on_match(expr: int, _start: int, end: int, _flags: int, _ctx: Any) -> None:
            events.append((end, expr))

        for lo, hi in _chunks(text, spans):
            try:
                data = text[lo:hi].encode("utf-8")
            except UnicodeEncodeError:  # lone surrogates: Hyperscan needs valid UTF-8, re takes it
                for key in set(owner):
                    found = _stdlib(_gates[key]).finditer(text, lo, hi)
                    lines[key].update(doc.lines.line_of(m.start()) for m in found)
                continue
            with _SCAN_LOCK:
                db.scan(data, match_event_handler=on_match)
            if events:
                # Line numbers by counting the breaks before each match's last byte, in order.
                line, counted = doc.lines.line_of(lo), 0
                for end, expr in sorted(events):
                    line += data.count(b"\n", counted, end - 1)
                    counted = max(counted, end - 1)
                    lines[owner[expr]].add(line)
                events.clear()
    for key, pattern in fallback.items():
        for lo, hi in spans:
            lines[key].update(doc.lines.line_of(m.start()) for m in pattern.finditer(text, lo, hi))
    return lines


def _chunks(text: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """``spans`` cut at line breaks into pieces of about ``CHUNK`` characters or fewer (gates
    never read past a line break, so a piece is scanned on its own)."""
    for lo, hi in spans:
        pos = lo
        while pos < hi:
            cut = text.find("\n", pos + CHUNK, hi)
            stop = hi if cut < 0 else cut + 1
            yield pos, stop
            pos = stop


def _carried(doc: Document, count: int, earlier: list[list[tuple[int, int]]],
             edits: list[tuple[int, int, str]]) -> list[set[int]]:
    """The gated lines of ``doc``, an edited copy of a text whose gated lines (``earlier``:
    each line's ``(start, end)`` there) are known: a line no edit touched keeps its status (a
    gate reads its own line only), the lines the edits touched are scanned."""
    moved = EditMap(edits)
    touched = doc.lines.ranges_touching([(max(0, a - 1), b + 1) for a, b in moved.spans])
    lines = _line_numbers(doc, count, touched)
    starts = [s for s, _, _ in edits]
    for key, old in enumerate(earlier[:count]):
        for s0, e0 in old:
            k = bisect_right(starts, e0 + 1) - 1  # the last edit that starts before the line ends
            if k >= 0 and edits[k][1] >= s0 - 1:
                continue  # touched (its text or a break next to it): scanned above
            shift = 0 if k < 0 else moved.spans[k][1] - edits[k][1]
            lines[key].add(doc.lines.line_of(s0 + shift))
    return lines


def _ranges(doc: Document, numbers: list[int]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Lines ``numbers`` (sorted) as merged ``(start, end)`` offsets, breaks excluded, and as
    one such span per line (the text's breaks are single ``\n``: rules see ``\r`` as ``\n``)."""
    starts = doc.lines.starts
    size = len(doc.text)
    last_line = len(starts) - 1
    merged: list[tuple[int, int]] = []
    each: list[tuple[int, int]] = []
    last = -2
    for i in numbers:
        end = starts[i + 1] - 1 if i < last_line else size - (doc.text.endswith("\n"))
        each.append((starts[i], end))
        if i == last + 1:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((starts[i], end))
        last = i
    return merged, each


def _compiled(count: int) -> tuple[Any, dict[int, re.Pattern[str]]]:
    """The Hyperscan database for the first ``count`` gates (as ``(database, expressions,
    gate of each expression)``, or ``None``) and stdlib patterns for the gates it cannot take."""
    if count in _database:
        return _database[count]  # type: ignore[no-any-return]
    gates = _gates[:count]
    fallback: dict[int, re.Pattern[str]] = {}
    hyperscan = _hyperscan()
    database = None
    if hyperscan is not None:
        flags = _flags(hyperscan)
        stored = _load(hyperscan, gates, flags)
        if stored is not None:
            taken, db = stored
        else:
            taken = list(range(len(gates)))
            db = _database_of(hyperscan, [gates[k] for k in taken], flags)
            if db is None:  # some gate uses syntax Hyperscan lacks: find which, scan those with ``re``
                taken = [k for k in taken if _database_of(hyperscan, [gates[k]], flags) is not None]
                db = _database_of(hyperscan, [gates[k] for k in taken], flags) if taken else None
            _store(hyperscan, gates, flags, taken, db)
        fallback = {k: _stdlib(gates[k]) for k in range(len(gates)) if k not in taken}
        if db is not None:
            owner = [k for k in taken for _ in gates[k]]
            database = (db, len(owner), owner)
    else:  # pragma: no cover - platforms without a hyperscan wheel
        fallback = {key: _stdlib(sources) for key, sources in enumerate(gates)}
    _database[count] = (database, fallback)
    return database, fallback


# Compiled databases are kept beside the regex cache (see ``regexcache``): compiling takes a
# moment and memory, loading one takes neither. One file per set of gates, written atomically
# and checked by its digest when read; anything unexpected is ignored and the gates compiled.
_MAGIC = b"docclean-prescan-1\n"


def _store_path(hyperscan: Any, gates: list[tuple[str, ...]], flags: int) -> Path | None:
    base = regexcache.cache_file()
    if base is None:
        return None
    key = hashlib.sha256(repr((gates, flags, getattr(hyperscan, "__version__", ""))).encode()).hexdigest()
    return base.parent / f"prescan-{key[:32]}.bin"


def _load(hyperscan: Any, gates: list[tuple[str, ...]], flags: int) -> tuple[list[int], Any] | None:
    path = _store_path(hyperscan, gates, flags)
    payload = regexcache.read_blob(path, _MAGIC) if path is not None else None
    if payload is None:
        return None
    try:
        taken, data = marshal.loads(payload)
        db = hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK) if data else None
        if db is not None:
            db.scratch = hyperscan.Scratch(db)  # a loaded database comes without one
    except Exception:  # a foreign or damaged file: compile afresh
        return None
    return list(taken), db


def _store(hyperscan: Any, gates: list[tuple[str, ...]], flags: int, taken: list[int], db: Any) -> None:
    path = _store_path(hyperscan, gates, flags)
    if path is None:
        return
    try:
        payload = marshal.dumps((taken, bytes(hyperscan.dumpb(db)) if db is not None else b""))
    except (ValueError, TypeError):
        return
    if regexcache.write_blob(path, _MAGIC, payload):
        _prune(path.parent)


KEEP = 16  # compiled databases kept; older ones (other rule sets) are deleted


def _prune(folder: Path) -> None:
    def age(path: Path) -> float:
        try:
            return -path.stat().st_mtime
        except OSError:  # deleted meanwhile by another process pruning the same folder
            return 0.0

    files = sorted(folder.glob("prescan-*.bin"), key=age)
    for old in files[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


_literal_databases: dict[tuple[str, ...], Any] = {}


def literal_occurrences(text: str, strings: tuple[str, ...]) -> list[int] | None:
    """Every offset of ``text`` where one of ``strings`` starts (overlapping occurrences too),
    sorted, found in one Hyperscan pass; ``None`` without Hyperscan. The text is scanned as
    UTF-32, so a match's byte offset divided by four is its character offset."""
    hyperscan = _hyperscan()
    if hyperscan is None or not strings:
        return None
    db = _literal_databases.get(strings)
    if db is None:
        stored = _load(hyperscan, [strings], 0)
        db = stored[1] if stored is not None else _database_of_exprs(hyperscan, [_utf32(s) for s in strings], 0)
        if db is None:  # pragma: no cover - literals always compile
            return None
        if stored is None:
            _store(hyperscan, [strings], 0, [0], db)
        _literal_databases[strings] = db
    lengths = [len(s) for s in strings]
    reach = max(lengths) - 1  # an occurrence starting in a chunk may end this far past it
    found: list[int] = []
    add = found.append
    base = 0

    def on_match(expr: int, _start: int, end: int, _flags: int, _ctx: Any) -> None:
        if not end & 3:  # a match across the bytes of two characters is no occurrence
            add(base + (end >> 2) - lengths[expr])

    for base in range(0, len(text), CHUNK):
        data = text[base : base + CHUNK + reach].encode("utf-32-le", "surrogatepass")
        with _SCAN_LOCK:
            db.scan(data, match_event_handler=on_match)
    return sorted({p for p in found if p >= 0})


def _utf32(literal: str) -> bytes:
    return "".join(f"\\x{b:02x}" for b in literal.encode("utf-32-le", "surrogatepass")).encode("ascii")


def _hyperscan() -> Any:
    """The ``hyperscan`` module, or ``None`` where it is not installed."""
    try:
        import hyperscan
    except ImportError:  # pragma: no cover - platforms without a hyperscan wheel
        return None
    return hyperscan


def rejected(key: int) -> list[str]:
    """The regexes of gate ``key`` that Hyperscan cannot compile (they are scanned with ``re``,
    which costs seconds per 10 MB); empty when Hyperscan is not installed."""
    hyperscan = _hyperscan()
    if hyperscan is None:
        return []
    return [source for source in _gates[key] if _database_of(hyperscan, [(source,)], _flags(hyperscan)) is None]


def _flags(hyperscan: Any) -> int:
    """The flags every gate is compiled with: UTF-8 text, Unicode classes, ``^``/``$`` at lines."""
    return int(hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE)


def _database_of(hyperscan: Any, gates: list[tuple[str, ...]], flags: int) -> Any:
    """A Hyperscan database of every regex of ``gates``, each its own expression; ``None`` when
    Hyperscan rejects one of them."""
    return _database_of_exprs(hyperscan, [_pcre(s) for sources in gates for s in sources], flags)


def _database_of_exprs(hyperscan: Any, exprs: list[bytes], flags: int) -> Any:
    if not exprs:
        return None
    db = hyperscan.Database()
    try:
        db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs),
                   flags=[flags] * len(exprs))
    except hyperscan.error:
        return None
    return db


def _stdlib(sources: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{s})" for s in sources), re.MULTILINE)


_ESCAPE = re.compile(r"\\\\|\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")


def _pcre(source: str) -> bytes:
    """A stdlib regex in the syntax Hyperscan reads: ``\\uXXXX`` and ``\\UXXXXXXXX`` become
    ``\\x{…}``; the rest of the syntax gates use is shared."""
    def swap(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        return m.group() if code is None else f"\\x{{{int(code, 16):x}}}"

    return _ESCAPE.sub(swap, source).encode("utf-8")
