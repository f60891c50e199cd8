"""Rule files (TOML) → validated ``Rule`` values, collected in an explicit ``RuleSet``."""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import string
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from . import regexcache
from .errors import RuleError
from .model import CATEGORIES, Action, FixSafety, RuleDoc, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

KINDS = ("pattern", "line-score", "block", "recurring", "repetition", "sequence", "repeated-tail", "repeated-line",
         "echo-tail")
_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_RULE_KEYS = frozenset(
    {"id", "name", "category", "kind", "severity", "action", "safety", "message", "since", "enabled",
     "removed", "doc", "params", "tests"}
)
_DOC_KEYS = frozenset({"summary", "why", "example", "instead", "fix_safety"})
_TEST_KEYS = frozenset({"text", "fixed", "note", "unsafe_fixed", "todo"})
_OVERRIDE_KEYS = frozenset({"severity", "action", "safety", "enabled"})


@dataclass(frozen=True, slots=True)
class RuleTest:
    """A self-test: ``text`` with ⟦ ⟧ around each span the rule must report; ``fixed`` after safe fixes."""

    text: str
    fixed: str | None = None
    unsafe_fixed: str | None = None
    note: str = ""
    todo: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: identity, behaviour (kind + params), documentation and self-tests."""

    id: str
    name: str
    category: str
    kind: str
    severity: Severity
    action: Action
    safety: FixSafety | None
    message: str
    doc: RuleDoc
    params: Mapping[str, Any] = field(default_factory=dict)
    tests: tuple[RuleTest, ...] = ()
    since: str = "0.1.0"
    enabled: bool = True
    path: str = "<memory>"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """An ordered, immutable collection of rules; the order breaks ties between equal edits."""

    rules: tuple[Rule, ...]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        """The rule with this id; ``KeyError`` when unknown."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def enabled(self) -> tuple[Rule, ...]:
        """Rules that run."""
        return tuple(r for r in self.rules if r.enabled)

    def select(self, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> RuleSet:
        """Keep rules matching any ``select`` key (all when empty) and none of ``ignore``.

        A key is a rule id, an id prefix (``BP``, ``bp``), a rule name or a category; a key that
        names no rule is an error.
        """
        def hit(rule: Rule, keys: Sequence[str]) -> bool:
            return any(matches(rule, key) for key in keys)

        unknown = [k for k in (*select, *ignore) if not any(matches(r, k) for r in self.rules)]
        if unknown:
            raise RuleError(f"no rule matches {', '.join(map(repr, unknown))} (see 'docclean rules')")

        kept = []
        for rule in self.rules:
            on = rule.enabled if not select else hit(rule, select)
            if ignore and hit(rule, ignore):
                on = False
            kept.append(replace(rule, enabled=on) if on != rule.enabled else rule)
        return RuleSet(tuple(kept))

    def override(self, overrides: Mapping[str, Mapping[str, Any]], source: str = "<config>") -> RuleSet:
        """Change severity, action, safety or enabled state of rules named by id, prefix or category."""
        out = list(self.rules)
        for key, values in overrides.items():
            _check_keys(values, _OVERRIDE_KEYS, f"{source}: override {key}")
            matched = False
            for i, rule in enumerate(out):
                if matches(rule, key):
                    out[i] = _apply_override(rule, values, f"{source}: override {key}")
                    matched = True
            if not matched:
                raise RuleError(f"{source}: override names no known rule: {key!r}")
        return RuleSet(tuple(out))

    def extend(self, rules: Iterable[Rule]) -> RuleSet:
        """A rule set with ``rules`` added; an id that exists already is an error."""
        known = {r.id for r in self.rules}
        added = []
        for rule in rules:
            if rule.id in known:
                raise RuleError(f"{rule.path}: rule id {rule.id} is already defined")
            known.add(rule.id)
            added.append(rule)
        return RuleSet(self.rules + tuple(added))


def matches(rule: Rule, key: str) -> bool:
    """True when ``key`` names the rule: its id, an id prefix (any case), its name or category."""
    lowered = key.lower()
    if lowered in (rule.name, rule.category):
        return True
    upper = key.upper()
    return bool(upper) and upper.isalnum() and rule.id.startswith(upper)


def _apply_override(rule: Rule, values: Mapping[str, Any], where: str) -> Rule:
    changes: dict[str, Any] = {}
    if "severity" in values:
        changes["severity"] = _enum(Severity, values["severity"], where, "severity")
    if "action" in values:
        changes["action"] = _enum(Action, values["action"], where, "action")
        if changes["action"] is Action.FLAG:
            changes["safety"] = None
        elif rule.safety is None:
            changes["safety"] = FixSafety.UNSAFE
    if "safety" in values:
        changes["safety"] = _enum(FixSafety, values["safety"], where, "safety")
    if "enabled" in values:
        if not isinstance(values["enabled"], bool):
            raise RuleError(f"{where}: 'enabled' must be true or false")
        changes["enabled"] = values["enabled"]
    return replace(rule, **changes)


def bundled_rules_dir() -> Path:
    """The folder of rule packs shipped with docclean (inside the wheel, or the checkout's ``rules/``)."""
    packaged = Path(str(resources.files("docclean"))) / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def load_rules(
    *paths: str | os.PathLike[str],
    bundled: bool = True,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> RuleSet:
    """Load the bundled rule packs (unless ``bundled=False``) plus rule files or folders in ``paths``.

    A user file holds ``[[rules]]`` (new rules) and/or ``[overrides.ID]`` tables
    (``severity``, ``action``, ``safety``, ``enabled``); a bundled file holds one rule.
    """
    ruleset = RuleSet(())
    if bundled:
        folder = bundled_rules_dir()
        files = sorted(folder.rglob("*.toml"))
        if not files:
            raise RuleError(f"{folder}: no bundled rule files found")
        ruleset = ruleset.extend(_rules_in_file(p) for p in files)
    for path in paths:
        p = Path(path)
        files = sorted(p.rglob("*.toml")) if p.is_dir() else [p]
        for file in files:
            data = _read_toml(file)
            if "id" in data:
                ruleset = ruleset.extend([parse_rule(data, str(file))])
                continue
            _check_keys(data, frozenset({"rules", "overrides"}), str(file))
            ruleset = ruleset.extend(parse_rule(r, str(file)) for r in data.get("rules", []))
            if data.get("overrides"):
                ruleset = ruleset.override(data["overrides"], str(file))
    if overrides:
        ruleset = ruleset.override(overrides)
    _compile_all(ruleset)
    return ruleset


def _compile_all(ruleset: RuleSet) -> None:
    from .kinds import compile_rule  # local import: kinds import this module
    from .kinds.block import BlockMatcher, bind_scorers
    from .kinds.recurring import RecurringMatcher
    from .regexcache import save

    lookup = {r.id: r for r in ruleset}
    for rule in ruleset:
        matcher = compile_rule(rule)
        if isinstance(matcher, (BlockMatcher, RecurringMatcher)):
            try:
                bind_scorers(matcher, lookup)
            except ValueError as exc:
                raise RuleError(f"{rule.path}: rule {rule.id}: {exc}") from None
    save()  # keep the compiled regexes for the next run


def _read_toml(path: Path) -> dict[str, Any]:
    """The table in the TOML file ``path``; a file read before (same bytes) comes from the cache
    of compiled patterns (``regexcache``), which skips parsing it again."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule file ({exc.strerror or exc})") from None
    key = ("toml", hashlib.sha256(raw).digest())
    kept = regexcache.recall(key)
    if isinstance(kept, bytes):
        with contextlib.suppress(EOFError, ValueError, TypeError):
            table = marshal.loads(kept)  # a fresh copy: callers may change what they get
            if isinstance(table, dict):
                return table
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: rule file is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: invalid TOML: {exc}") from None
    with contextlib.suppress(ValueError):  # dates and times have no marshal form: not kept
        regexcache.remember(key, marshal.dumps(data))
    return data


def _rules_in_file(path: Path) -> Rule:
    return parse_rule(_read_toml(path), str(path))


def _check_keys(data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    if not isinstance(data, Mapping):
        raise RuleError(f"{where}: expected a table")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _enum(kind: Any, value: Any, where: str, key: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise RuleError(f"{where}: {key} must be one of {allowed}, not {value!r}") from None


def _text(data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise RuleError(f"{where}: '{key}' must be a non-empty string")
    return value


def parse_rule(data: Mapping[str, Any], path: str = "<memory>") -> Rule:
    """Validate one rule table and build a ``Rule``; errors name the file, rule and key."""
    _check_keys(data, _RULE_KEYS, path)
    rule_id = _text(data, "id", path)
    where = f"{path}: rule {rule_id}"
    if not (2 <= len(rule_id) <= 12 and set(rule_id) <= _ID_CHARS and rule_id[0].isalpha()):
        raise RuleError(f"{where}: id must be upper-case letters then digits, e.g. BP001")
    category = _text(data, "category", where)
    if category not in CATEGORIES and not category.isidentifier():
        raise RuleError(f"{where}: category must be one of {', '.join(CATEGORIES)} or a plain word")
    kind = _text(data, "kind", where)
    if kind not in KINDS:
        raise RuleError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    action = _enum(Action, data.get("action", "flag"), where, "action")
    safety = None
    if action is not Action.FLAG:
        safety = _enum(FixSafety, data.get("safety", "unsafe"), where, "safety")
    doc_data = data.get("doc")
    if not isinstance(doc_data, Mapping):
        raise RuleError(f"{where}: a [doc] table with at least 'summary' is required")
    _check_keys(doc_data, _DOC_KEYS, f"{where} [doc]")
    doc = RuleDoc(**{k: str(v).strip() for k, v in doc_data.items()})
    if not doc.summary:
        raise RuleError(f"{where}: [doc] summary is required")
    tests = []
    for i, t in enumerate(data.get("tests", [])):
        _check_keys(t, _TEST_KEYS, f"{where} tests[{i}]")
        tests.append(RuleTest(**{k: v for k, v in t.items()}))
    params = data.get("params", {})
    if not isinstance(params, Mapping):
        raise RuleError(f"{where}: 'params' must be a table")
    message = _text(data, "message", where)
    try:
        for _, name, spec, conversion in string.Formatter().parse(message):
            if conversion not in (None, "r", "s", "a") or (name is not None and spec and "{" in spec):
                raise ValueError(f"bad conversion or format spec in field {name!r}")
    except ValueError as exc:
        raise RuleError(f"{where}: invalid message template: {exc}") from None
    enabled = data.get("enabled", True)
    if data.get("removed"):
        enabled = False
    return Rule(
        id=rule_id,
        name=_text(data, "name", where),
        category=category,
        kind=kind,
        severity=_enum(Severity, data.get("severity", "warning"), where, "severity"),
        action=action,
        safety=safety,
        message=message,
        doc=doc,
        params=params,
        tests=tuple(tests),
        since=str(data.get("since", "0.1.0")),
        enabled=bool(enabled),
        path=path,
    )
