"""Content fingerprints of findings, shared by baselines and the report formats.

A fingerprint identifies a finding by what it is, not where it is, so adding lines elsewhere in
a file leaves it unchanged: the SHA-256 of the rule id, the matched text and the text of the
finding's line(s), each normalised (NFKC, every white-space character removed), plus the
container part for a .docx, joined by NUL; the first 32 hex digits are kept. Identical findings
in one file are told apart by an occurrence number (1, 2, … in file order).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from .model import Finding

_SPACE = re.compile(r"\s+")
_BREAK = re.compile(r"[\r\n]")  # LF, CRLF and old Mac CR files alike


def normalise(text: str) -> str:
    """NFKC with every whitespace character removed."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def line_text(f: Finding, source: str | None) -> str:
    """The text of the line(s) the finding covers in ``source`` (any line-break convention), or
    its own text without one."""
    if source is None:
        return f.text
    start = max(source.rfind("\n", 0, f.start), source.rfind("\r", 0, f.start)) + 1
    found = _BREAK.search(source, max(f.start, f.end - 1))
    return source[start : len(source) if found is None else found.start()]


def fingerprint(f: Finding, source: str | None) -> str:
    """The content fingerprint of a finding (hex SHA-256, first 32 digits)."""
    key = "\0".join((f.rule, normalise(f.text), normalise(line_text(f, source)), f.part or ""))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def numbered(findings: Sequence[Finding], source: str | None) -> list[tuple[str, int]]:
    """Each finding's fingerprint and occurrence number, in order."""
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        fp = fingerprint(f, source)
        seen[fp] += 1
        out.append((fp, seen[fp]))
    return out
