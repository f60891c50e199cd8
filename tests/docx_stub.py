"""A small stand-in for ``docclean.clean`` used by the .docx plumbing tests.

It knows a handful of reseller phrasings, strips whole junk lines with their line break, flags
placeholders, and honours ``fix`` and ``max_removal`` the way the engine's contract says.
"""

from __future__ import annotations

import re
from typing import Any

from docclean.errors import RemovalLimitError
from docclean.model import Action, Finding, FixSafety, Result, Severity

JUNK = re.compile(
    r"仅供学习|禁止外传|用后删除|QQ\s*\d{5,}|微信[:：]\s*\w+|整理，咨询|kulewx\.com|xxwenku\.com|文库整理"
)
PLACEHOLDER = re.compile(r"×××|X科技园")


def _finding(
    rule: str, category: str, text: str, start: int, end: int, action: Action, applied: bool
) -> Finding:
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    end_line = text.count("\n", 0, end) + 1
    end_col = end - (text.rfind("\n", 0, end) + 1) + 1
    return Finding(
        rule=rule,
        category=category,
        severity=Severity.WARNING,
        message=f"stub {rule}",
        start=start,
        end=end,
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col,
        text=text[start:end],
        action=action,
        replacement="" if action is Action.STRIP else None,
        applied=applied,
        safety=FixSafety.SAFE if action is Action.STRIP else None,
    )


def stub_clean(text: str, *, rules: Any = None, fix: str = "safe", max_removal: float = 0.3) -> Result:
    """Strip junk lines (with their "\\n"), flag placeholders."""
    findings: list[Finding] = []
    apply = fix != "none"
    pos = 0
    removed = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if JUNK.search(line):
            stop = end + 1 if end < len(text) else end
            findings.append(_finding("RES900", "boilerplate", text, pos, stop, Action.STRIP, apply))
            removed += stop - pos
        else:
            for match in PLACEHOLDER.finditer(line):
                findings.append(
                    _finding(
                        "PLH900",
                        "placeholder",
                        text,
                        pos + match.start(),
                        pos + match.end(),
                        Action.FLAG,
                        False,
                    )
                )
        pos = end + 1
    if apply and text and removed / len(text) > max_removal:
        raise RemovalLimitError(removed / len(text), max_removal)
    out = []
    last = 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.applied:
            out.append(text[last : f.start])
            last = f.end
    out.append(text[last:])
    return Result(text="".join(out), findings=tuple(findings), original=text)


def stress_clean(text: str, *, rules: Any = None, fix: str = "safe", max_removal: float = 0.3) -> Result:
    """A deterministic edit generator for structure tests: strips every third non-empty line with its
    line break, replaces the 2nd-4th characters of the others by "〔改〕", flags nothing."""
    findings: list[Finding] = []
    apply = fix != "none"
    pos = 0
    count = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            count += 1
            if count % 3 == 0:
                stop = end + 1 if end < len(text) else end
                findings.append(_finding("RES901", "boilerplate", text, pos, stop, Action.STRIP, apply))
            elif len(line) >= 5:
                f = _finding("DUP901", "duplicate", text, pos + 1, pos + 4, Action.REPLACE, apply)
                findings.append(
                    Finding(**{**{k: getattr(f, k) for k in f.__dataclass_fields__}, "replacement": "〔改〕"})
                )
        pos = end + 1
    out = []
    last = 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.applied:
            out.append(text[last : f.start])
            out.append(f.replacement or "")
            last = f.end
    out.append(text[last:])
    return Result(text="".join(out), findings=tuple(findings), original=text)


def make_cleaner(*, spans: dict[str, str] | None = None, lines: tuple[str, ...] = ()) -> Any:
    """A cleaner that replaces each match of the ``spans`` patterns by its value ("" strips) and
    strips whole lines (with their line break) matching one of ``lines``."""
    span_patterns = [(re.compile(p), r) for p, r in (spans or {}).items()]
    line_patterns = [re.compile(p) for p in lines]

    def clean(text: str, *, rules: Any = None, fix: str = "safe", max_removal: float = 0.3) -> Result:
        apply = fix != "none"
        findings: list[Finding] = []
        pos = 0
        for line in text.split("\n"):
            end = pos + len(line)
            if any(p.search(line) for p in line_patterns):
                stop = end + 1 if end < len(text) else end
                findings.append(_finding("RES902", "boilerplate", text, pos, stop, Action.STRIP, apply))
            else:
                for pattern, repl in span_patterns:
                    for m in pattern.finditer(line):
                        f = _finding(
                            "RES903",
                            "boilerplate",
                            text,
                            pos + m.start(),
                            pos + m.end(),
                            Action.STRIP if not repl else Action.REPLACE,
                            apply,
                        )
                        findings.append(
                            Finding(
                                **{**{k: getattr(f, k) for k in f.__dataclass_fields__}, "replacement": repl}
                            )
                        )
            pos = end + 1
        findings.sort(key=lambda f: f.start)
        out = []
        last = 0
        for f in findings:
            if f.applied:
                out.append(text[last : f.start])
                out.append(f.replacement or "")
                last = f.end
        out.append(text[last:])
        return Result(text="".join(out), findings=tuple(findings), original=text)

    return clean
