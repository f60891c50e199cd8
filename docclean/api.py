"""The public entry points: ``clean`` for text, ``clean_file`` for files, ``load_rules``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import engine
from .errors import InputError
from .model import Finding, FixMode, Result
from .rules import RuleSet, load_rules

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".rst", ".text")

_DEFAULT_RULES: RuleSet | None = None


def default_rules() -> RuleSet:
    """The bundled rules, loaded once per process."""
    global _DEFAULT_RULES
    if _DEFAULT_RULES is None:
        _DEFAULT_RULES = load_rules()
    return _DEFAULT_RULES


def clean(
    text: str,
    *,
    rules: RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fix: FixMode | str = FixMode.SAFE,
    max_removal: float = 0.3,
    allow: Sequence[str] = (),
) -> Result:
    """Clean ``text`` (always text, never a path) and report every finding.

    ``fix`` is ``"safe"`` (default), ``"unsafe"`` (also apply unsafe fixes) or ``"none"``
    (detect only). ``allow`` lists words never reported (e.g. a product called "X科技").
    Raises ``RemovalLimitError`` when the applied edits would remove more than ``max_removal``
    of the text, and ``RuleError`` when a rule fails.

    >>> clean("清楚地认识清楚地认识到不足。").text
    '清楚地认识到不足。'
    """
    if not isinstance(text, str):
        raise TypeError(f"clean() takes text (str), not {type(text).__name__}; use clean_file() for files")
    ruleset = rules if rules is not None else default_rules()
    if select or ignore:
        ruleset = ruleset.select(select, ignore)
    return engine.run(text, ruleset, mode=FixMode(fix), max_removal=max_removal, allow=allow)


@dataclass(frozen=True, slots=True)
class CleanedFile:
    """The result of cleaning a file: the text result plus how to write it back."""

    path: str
    result: Result
    encoding: str | None
    _write: object  # callable(out_path: Path) -> None, kept private

    @property
    def text(self) -> str:
        """The cleaned text (for .docx: the cleaned body text)."""
        return self.result.text

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding, applied or not."""
        return self.result.findings

    @property
    def changed(self) -> bool:
        """True when cleaning changed anything."""
        return self.result.changed

    def write(self, out: str | os.PathLike[str] | None = None) -> None:
        """Write the cleaned file atomically to ``out`` (default: over the input)."""
        target = Path(out) if out is not None else Path(self.path)
        self._write(target)  # type: ignore[operator]


def clean_file(
    path: str | os.PathLike[str],
    *,
    rules: RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fix: FixMode | str = FixMode.SAFE,
    max_removal: float = 0.3,
    allow: Sequence[str] = (),
    encoding: str | None = None,
    to_utf8: bool = False,
    remove_picture_watermarks: bool = False,
) -> CleanedFile:
    """Clean a .txt/.md/.rst (any common encoding) or .docx file; nothing is written until
    ``CleanedFile.write()`` is called. In .md/.markdown files only the prose is checked (see
    ``docclean.markdown``); suppression comments are honoured in every text file. Raises ``InputError`` or
    ``DecodeError`` for bad input. For .docx, picture watermarks are reported and removed only with
    ``remove_picture_watermarks=True`` (or when their alt text is reseller text)."""
    from .sources import encode_text, read_text_file, write_atomic

    p = Path(path)
    suffix = p.suffix.lower()
    ruleset = rules if rules is not None else default_rules()
    if select or ignore:
        ruleset = ruleset.select(select, ignore)
    if suffix in (".docx", ".docm", ".doc", ".wps"):
        return _clean_docx(p, ruleset, FixMode(fix), max_removal, allow=allow,
                           remove_picture_watermarks=remove_picture_watermarks)
    if suffix and suffix not in TEXT_SUFFIXES:
        raise InputError(f"{p}: unsupported file type {suffix!r} (docclean reads .txt, .md, .rst and .docx)")
    decoded = read_text_file(p, encoding=encoding)
    from .markdown import MARKDOWN_SUFFIXES, run

    result = run(decoded.text, ruleset, mode=FixMode(fix), max_removal=max_removal, allow=allow,
                 markdown=suffix in MARKDOWN_SUFFIXES)

    def write(target: Path) -> None:
        write_atomic(target, encode_text(result.text, decoded, to_utf8=to_utf8))

    return CleanedFile(str(p), result, decoded.encoding, write)


def _clean_docx(path: Path, ruleset: RuleSet, mode: FixMode, max_removal: float, *,
                allow: Sequence[str] = (), remove_picture_watermarks: bool = False) -> CleanedFile:
    try:
        from .docx import clean_docx  # type: ignore[import-not-found, unused-ignore]
    except ImportError:  # pragma: no cover - the docx package ships with docclean
        raise InputError(f"{path}: .docx support is not available in this installation") from None
    res = clean_docx(path, rules=ruleset, fix=mode.value, max_removal=max_removal, allow=tuple(allow),
                     remove_picture_watermarks=remove_picture_watermarks)
    result = Result(text=res.text, findings=tuple(res.findings), original=res.text if not res.changed else "")
    return CleanedFile(str(path), result, None, res.save)
