"""Lines changed since a git revision, for ``docclean check --diff-base REV`` / ``--changed-only``.

``changed_lines(files, rev)`` runs ``git diff --unified=0 REV -- FILE…`` (the working tree
against ``REV``) and maps each file to the set of its changed (added or modified) 1-based line
numbers, or to ``ALL`` when the whole file counts as changed (a file git does not track:
untracked, or outside any repository), or to ``BINARY`` for a tracked binary file such as a .docx
that differs; ``old_version`` then gives its bytes at ``REV`` so that the findings can be compared
by content instead of by line.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from .errors import DoccleanError

ALL: frozenset[int] = frozenset({-1})
BINARY: frozenset[int] = frozenset({-2})
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise DoccleanError(f"cannot run git ({exc})") from None


def repo_root(start: Path) -> Path | None:
    """The top of the git work tree holding ``start``, or None."""
    proc = _git(["rev-parse", "--show-toplevel"], start)
    if proc.returncode != 0:
        return None
    return Path(proc.stdout.decode("utf-8", "surrogateescape").strip())


def default_base(cwd: Path) -> str:
    """What ``--changed-only`` compares with: the merge-base of HEAD and the default branch
    (``origin/HEAD``, else ``origin/main``/``origin/master``/``main``/``master``), or HEAD when
    none exists or HEAD is on it."""
    candidates = []
    head = _git(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], cwd)
    if head.returncode == 0:
        candidates.append(head.stdout.decode().strip())
    candidates += ["refs/remotes/origin/main", "refs/remotes/origin/master", "refs/heads/main", "refs/heads/master"]
    for ref in candidates:
        if _git(["rev-parse", "--verify", "--quiet", ref], cwd).returncode == 0:
            base = _git(["merge-base", "HEAD", ref], cwd)
            if base.returncode == 0:
                return base.stdout.decode().strip()
    return "HEAD"


def changed_lines(files: Sequence[str], rev: str, cwd: Path | None = None) -> dict[str, frozenset[int]]:
    """Map each of ``files`` (as given) to its changed lines since ``rev`` (``ALL``: every line)."""
    here = cwd or Path.cwd()
    out: dict[str, frozenset[int]] = {}
    by_root: dict[Path, list[str]] = {}
    for f in files:
        if f == "-":
            out[f] = ALL
            continue
        root = repo_root((here / f).resolve().parent)
        if root is None:
            out[f] = ALL
        else:
            by_root.setdefault(root, []).append(f)
    for root, group in by_root.items():
        if _git(["rev-parse", "--verify", "--quiet", rev + "^{commit}"], root).returncode != 0:
            raise DoccleanError(f"--diff-base: unknown git revision {rev!r}")
        rel = {f: Path(os.path.relpath((here / f).resolve(), root)).as_posix() for f in group}
        tracked_proc = _git(["ls-files", "-z", "--", *rel.values()], root)
        tracked = set(tracked_proc.stdout.decode("utf-8", "surrogateescape").split("\0"))
        proc = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", rev, "--",
                     *rel.values()], root)
        if proc.returncode != 0:
            raise DoccleanError(f"git diff failed: {proc.stderr.decode(errors='replace').strip()}")
        per_file = _parse(proc.stdout.decode("utf-8", "surrogateescape"))
        for f, r in rel.items():
            if r not in tracked:
                out[f] = ALL
            else:
                out[f] = per_file.get(r, frozenset())
    return out


def _parse(diff: str) -> dict[str, frozenset[int]]:
    result: dict[str, set[int]] = {}
    binary: set[str] = set()
    current: str | None = None
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            current = None
            m = re.match(r"diff --git a/(.*) b/(.*)$", line)
            if m:
                current = m.group(2)
                result.setdefault(current, set())
        elif line.startswith("+++ "):
            name = line[4:]
            if name.startswith("b/"):
                current = name[2:]
                result.setdefault(current, set())
        elif line.startswith("Binary files") and current is not None:
            binary.add(current)
        elif current is not None:
            m = _HUNK.match(line)
            if m:
                start = int(m.group(1))
                count = int(m.group(2)) if m.group(2) is not None else 1
                result[current].update(range(start, start + count))
    out = {k: frozenset(v) for k, v in result.items()}
    for k in binary:
        out[k] = BINARY
    return out


def old_version(path: str, rev: str, cwd: Path | None = None) -> bytes | None:
    """The bytes of ``path`` at ``rev``, or None when it did not exist there."""
    here = cwd or Path.cwd()
    absolute = (here / path).resolve()
    root = repo_root(absolute.parent)
    if root is None:
        return None
    rel = Path(os.path.relpath(absolute, root)).as_posix()
    proc = _git(["show", f"{rev}:{rel}"], root)
    return proc.stdout if proc.returncode == 0 else None


def touches(line: int, end_line: int, end_column: int, changed: frozenset[int]) -> bool:
    """True when a finding on lines ``line``..``end_line`` touches a changed line."""
    if changed is ALL or changed is BINARY:
        return True
    last = end_line - 1 if end_column == 1 and end_line > line else end_line
    return any(n in changed for n in range(line, last + 1))
