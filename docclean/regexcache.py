"""A cache of compiled ``regex`` patterns kept between runs, so that a command-line run does not
spend most of its start-up parsing the rule packs' regexes again.

``regex`` parses patterns in Python (slow) and builds them in C (fast); a compiled pattern can be
rebuilt from its compiled form without parsing (that is how ``regex`` pickles patterns). The
cache keeps those forms, and other results worked out from patterns (``remember``), in one
file per ``regex`` and Python version under
``$DOCCLEAN_CACHE_DIR`` (default ``$XDG_CACHE_HOME/docclean`` or ``~/.cache/docclean``); set
``DOCCLEAN_NO_CACHE=1`` to neither read nor write it. The file is written atomically and checked
by its digest when read; anything unexpected is ignored and the patterns are compiled afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import regex

_MAGIC = b"docclean-regex-cache-1\n"
MAX_ENTRIES = 1500  # beyond this, the cache is rewritten with this run's patterns only (a run of the
# bundled rules uses 300-600 entries; every entry costs reading time at every start)
_loaded: dict[tuple[Any, ...], Any] | None = None  # (source, flags) → compiled form; other keys: see ``remember``
_used: set[tuple[Any, ...]] = set()
_added = False


def cache_file() -> Path | None:
    """Where the cache lives, or ``None`` when it is switched off."""
    if os.environ.get("DOCCLEAN_NO_CACHE"):
        return None
    base = os.environ.get("DOCCLEAN_CACHE_DIR")
    if base:
        folder = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        folder = (Path(xdg) if xdg else Path.home() / ".cache") / "docclean"
    version = f"{regex.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
    return folder / f"regex-{version}.bin"


def compile_regex(source: str, flags: int) -> Any:
    """``regex.compile(source, flags)``, rebuilt from the cache when it holds the pattern."""
    global _added
    cache = _cache()
    key = (source, int(flags))
    _used.add(key)
    data = cache.get(key)
    if data is not None:
        with contextlib.suppress(Exception):  # a stale or foreign entry: compile afresh
            pattern = regex._regex.compile(*data)  # type: ignore[attr-defined]
            if pattern.pattern == source:
                return pattern
    pattern = regex.compile(source, flags)
    try:
        form = tuple(int(x) if isinstance(x, int) and not isinstance(x, bool) else x
                     for x in pattern._pickled_data)  # type: ignore[attr-defined]
        marshal.dumps(form)
    except (AttributeError, ValueError):  # another regex release: nothing to keep
        return pattern
    cache[key] = form
    _added = True
    return pattern


MISSING = object()


def recall(key: tuple[Any, ...]) -> Any:
    """What ``remember(key, …)`` kept, in this run or an earlier one; ``MISSING`` when nothing."""
    _used.add(key)
    return _cache().get(key, MISSING)


def remember(key: tuple[Any, ...], value: Any) -> None:
    """Keep ``value`` (anything ``marshal`` writes) under ``key`` for later runs."""
    global _added
    try:
        marshal.dumps(value)
    except ValueError:
        return
    _cache()[key] = value
    _used.add(key)
    _added = True


def save() -> None:
    """Write the cache when patterns were added since it was read (quietly does nothing when the
    folder cannot be written)."""
    global _added
    if not _added or _loaded is None:  # the common case: every clean() call asks
        return
    path = cache_file()
    if path is None:
        return
    if len(_loaded) > MAX_ENTRIES:  # rule files come and go: drop what this run did not use
        for key in [k for k in _loaded if k not in _used]:
            del _loaded[key]
    else:  # parsed rule files are large and an edited file's old text never comes back
        for key in [k for k in _loaded if k[0] == "toml" and k not in _used]:
            del _loaded[key]
    if write_blob(path, _MAGIC, marshal.dumps(_loaded)):
        _added = False


def _cache() -> dict[tuple[Any, ...], Any]:
    global _loaded
    if _loaded is None:
        _loaded = _read(cache_file())
    return _loaded


def _read(path: Path | None) -> dict[tuple[Any, ...], Any]:
    payload = read_blob(path, _MAGIC) if path is not None else None
    if payload is None:
        return {}
    try:
        data = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def write_blob(path: Path, magic: bytes, payload: bytes) -> bool:
    """Write ``magic``, the SHA-256 of ``payload`` and ``payload`` to ``path`` atomically (a
    temporary file, then a rename); False when the folder cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(magic + hashlib.sha256(payload).digest() + payload)
            Path(tmp).replace(path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
            raise
    except OSError:
        return False
    return True


def read_blob(path: Path, magic: bytes) -> memoryview | None:
    """The payload ``write_blob`` wrote to ``path`` (without copying it), or ``None`` when the
    file is missing, foreign or damaged."""
    try:
        view = memoryview(path.read_bytes())
    except OSError:
        return None
    head, digest, payload = view[: len(magic)], view[len(magic) : len(magic) + 32], view[len(magic) + 32 :]
    if head != magic or hashlib.sha256(payload).digest() != digest:
        return None
    return payload
