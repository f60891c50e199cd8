"""Project configuration: ``[tool.docclean]`` in pyproject.toml or a ``docclean.toml``, found upwards."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import RuleError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

KEYS = frozenset({"select", "ignore", "rules", "allow", "overrides", "fail-on", "max-removal",
                  "exclude", "include", "per-file-ignores"})


@dataclass(frozen=True, slots=True)
class Config:
    """Settings read from a config file; paths in ``rules`` are resolved against its folder."""

    path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: tuple[Path, ...] = ()
    allow: tuple[str, ...] = ()
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fail_on: str | None = None
    max_removal: float | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def find_config(start: Path) -> Path | None:
    """The nearest ``docclean.toml``, or ``pyproject.toml`` with ``[tool.docclean]``, at or above ``start``."""
    for folder in (start, *start.parents):
        own = folder / "docclean.toml"
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.docclean" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def load_config(path: Path | None) -> Config:
    """Read ``path`` (None gives the empty config); errors name the file and key."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read config ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("docclean", {})
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise RuleError(f"{path}: unknown docclean setting(s): {', '.join(unknown)}")
    base = path.parent

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RuleError(f"{path}: '{key}' must be a list of strings")
        return tuple(value)

    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in ("info", "warning", "error", "never"):
        raise RuleError(f"{path}: 'fail-on' must be info, warning, error or never")
    max_removal = data.get("max-removal")
    if max_removal is not None and not (isinstance(max_removal, (int, float)) and 0 < max_removal <= 1):
        raise RuleError(f"{path}: 'max-removal' must be a number in (0, 1]")
    overrides = data.get("overrides", {})
    if not isinstance(overrides, Mapping):
        raise RuleError(f"{path}: 'overrides' must be a table of rule tables")
    pfi = data.get("per-file-ignores", {})
    if not isinstance(pfi, Mapping):
        raise RuleError(f"{path}: 'per-file-ignores' must be a table of glob = [rules]")
    return Config(
        path=path,
        select=strings("select"),
        ignore=strings("ignore"),
        rules=tuple(base / r for r in strings("rules")),
        allow=strings("allow"),
        overrides=overrides,
        fail_on=fail_on,
        max_removal=float(max_removal) if max_removal is not None else None,
        include=strings("include"),
        exclude=strings("exclude"),
        per_file_ignores={str(k): (v,) if isinstance(v, str) else tuple(v) for k, v in pfi.items()},
    )
