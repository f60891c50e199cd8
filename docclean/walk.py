"""Which files a command checks: folder walking, include/exclude globs, ``.gitignore`` and
``.doccleanignore``.

Folders are walked recursively; hidden files and folders (names starting with ``.``) are
skipped, and so are files ``.gitignore`` ignores: inside a git work tree git itself answers
(``git check-ignore``), elsewhere the ``.gitignore`` files in the walked folder are read with the
same rules. ``.doccleanignore`` (gitignore syntax) is read from each walked folder and from the
working folder, and applies to files named on the command line too.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

IGNORE_FILE = ".doccleanignore"


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


def _translate(pat: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("/**", i) and i + 3 == len(pat):
            out.append("/.*")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pat.find("]", i + 2)
            if j == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = pat[i + 1 : j].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = j + 1
        elif c == "\\" and i + 1 < len(pat):
            out.append(re.escape(pat[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


class IgnoreFile:
    """Patterns in gitignore syntax, relative to ``base``."""

    def __init__(self, base: Path, lines: Iterable[str]) -> None:
        self.base = base
        self.patterns: list[_Pattern] = []
        for raw in lines:
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            line = re.sub(r"(?<!\\)\s+$", "", line)
            negate = line.startswith("!")
            if negate or line.startswith("\\"):
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            if not line:
                continue
            anchored = "/" in line
            body = _translate(line.lstrip("/"))
            regex = ("^" if anchored else "^(?:.*/)?") + body + "$"
            self.patterns.append(_Pattern(re.compile(regex), negate, dir_only))

    @classmethod
    def read(cls, path: Path) -> IgnoreFile | None:
        """The ignore file at ``path``, or None when there is none."""
        try:
            return cls(path.parent, path.read_text(encoding="utf-8-sig", errors="replace").splitlines())
        except OSError:
            return None

    def decide(self, rel: str, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included by ``!``) or None (no pattern matches)."""
        result: bool | None = None
        for p in self.patterns:
            if p.dir_only and not is_dir:
                continue
            if p.regex.match(rel):
                result = not p.negate
        return result

    def ignores(self, path: Path) -> bool:
        """True when ``path`` (a file under ``base``) or one of its folders below ``base`` is ignored."""
        try:
            rel = Path(path).resolve().relative_to(self.base.resolve()).as_posix()
        except ValueError:
            return False
        parts = rel.split("/")
        for k in range(1, len(parts)):
            if self.decide("/".join(parts[:k]), True):
                return True
        return bool(self.decide(rel, False))


def _git_ignored(root: Path, files: Sequence[Path]) -> set[str] | None:
    """Absolute paths git ignores among ``files``; None when ``root`` is not in a git work tree."""
    try:
        inside = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True, check=False)
    except OSError:
        return None
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return None
    if not files:
        return set()
    data = "".join(str(Path(f).resolve()) + "\0" for f in files)
    proc = subprocess.run(["git", "-C", str(root), "check-ignore", "-z", "--stdin"],
                          input=data.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode not in (0, 1):
        return None
    return {p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p}


def _fallback_ignored(root: Path, files: Sequence[Path]) -> set[str]:
    ignore_files = [f for f in (IgnoreFile.read(p) for p in sorted(root.rglob(".gitignore"))) if f]
    out: set[str] = set()
    for f in files:
        if any(i.ignores(f) for i in ignore_files):
            out.add(str(Path(f).resolve()))
    return out


def _matches(path: Path, rel: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(path.name, g) for g in globs)


def _from(base: Path, f: Path) -> str:
    """``f`` relative to ``base`` in POSIX form (absolute when it lies elsewhere)."""
    try:
        return f.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return f.resolve().as_posix()


def walk(paths: Sequence[str], include: Sequence[str], exclude: Sequence[str], *,
         gitignore: bool = True, cwd: Path | None = None, base: Path | None = None) -> Iterator[str]:
    """The files to check for the command-line ``paths`` (``-`` is passed through).

    ``exclude`` globs also match paths relative to ``base`` (the config file's folder)."""
    here = cwd or Path.cwd()
    anchor = base or here
    ignore_files = {}
    for folder in (here, *(Path(p) for p in paths if p != "-" and Path(p).is_dir())):
        key = str(Path(folder).resolve())
        if key not in ignore_files:
            ignore_files[key] = IgnoreFile.read(folder / IGNORE_FILE)
    docclean_ignores = [i for i in ignore_files.values() if i is not None]

    def kept(f: Path) -> bool:
        return not any(i.ignores(f) for i in docclean_ignores)

    def excluded(f: Path, rel: str) -> bool:
        """``exclude`` globs match the path inside the walked folder, the path from ``anchor``,
        or the file name."""
        return _matches(f, rel, exclude) or _matches(f, _from(anchor, f), exclude)

    for raw in paths:
        if raw == "-":
            yield raw
            continue
        p = Path(raw)
        if not p.is_dir():
            if not p.exists() or (kept(p) and not excluded(p, p.name)):
                yield raw  # a missing file is reported by the reader
            continue
        found: list[Path] = []
        for f in sorted(p.rglob("*")):
            rel_parts = f.relative_to(p).parts
            if any(part.startswith(".") for part in rel_parts):
                continue
            rel = "/".join(rel_parts)
            if not f.is_file() or not any(fnmatch.fnmatch(f.name, g) for g in include):
                continue
            if excluded(f, rel) or not kept(f):
                continue
            found.append(f)
        if gitignore and found:
            ignored = _git_ignored(p, found)
            if ignored is None:
                ignored = _fallback_ignored(p, found)
            found = [f for f in found if str(Path(f).resolve()) not in ignored]
        yield from (str(f) for f in found)
