"""The public entry points: ``clean`` for text, ``clean_file`` for files, ``load_rules``."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from . import engine
from .errors import InputError
from .model import Finding, FixMode, Result
from .rules import RuleSet, load_rules
from .sources import Decoded

_DEFAULT_RULES: RuleSet | None = None


def default_rules() -> RuleSet:
    """The bundled rules, loaded once per process."""
    global _DEFAULT_RULES
    if _DEFAULT_RULES is None:
        _DEFAULT_RULES = load_rules()
    return _DEFAULT_RULES


def _ruleset(rules: RuleSet | None, select: Sequence[str], ignore: Sequence[str]) -> RuleSet:
    """``rules`` (default: the bundled rules) narrowed by ``select`` and ``ignore``."""
    ruleset = rules if rules is not None else default_rules()
    return ruleset.select(select, ignore) if select or ignore else ruleset


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
    ruleset = _ruleset(rules, select, ignore)
    return engine.run(text, ruleset, mode=FixMode(fix), max_removal=max_removal, allow=allow)


TYPE_OF_SUFFIX = {**{s: "txt" for s in (".txt", ".text", ".rst")}, ".md": "md", ".markdown": "md",
                  ".docx": "docx", ".docm": "docx", ".doc": "docx", ".wps": "docx"}
"""File type docclean reads for each file name suffix: plain text, Markdown, or Word."""


def file_type(path: str | os.PathLike[str], forced: str | None = None) -> str | None:
    """``txt``, ``md`` or ``docx`` for ``path`` (``-``, stdin, is text), or None when unknown."""
    if forced:
        return forced
    if str(path) == "-":
        return "txt"
    return TYPE_OF_SUFFIX.get(Path(path).suffix.lower())


class CleanedFile:
    """The result of cleaning a file: the text result plus how to write it back."""

    __slots__ = ("_data", "_save", "changed", "encoding", "notices", "path", "result")

    def __init__(self, path: str, result: Result, encoding: str | None, *, changed: bool,
                 save: Callable[[Path], None], data: Callable[[], bytes] | None = None,
                 notices: tuple[str, ...] = ()) -> None:
        self.path = path
        self.result = result
        self.encoding = encoding  # None for .docx
        self.changed = changed  # True when writing would produce something other than the input
        self.notices = notices  # one-line remarks about the file as a whole (.docx)
        self._save = save
        self._data = data

    @property
    def text(self) -> str:
        """The cleaned text (for .docx: the cleaned body text)."""
        return self.result.text

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding, applied or not."""
        return self.result.findings

    def data(self) -> bytes:
        """The cleaned file's bytes in its own encoding (text files only)."""
        if self._data is None:
            raise InputError(f"{self.path}: a Word document has no text form; write it to a file")
        return self._data()

    def write(self, out: str | os.PathLike[str] | None = None) -> None:
        """Write the cleaned file atomically to ``out`` (default: over the input)."""
        self._save(Path(out) if out is not None else Path(self.path))


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
    kind: str | None = None,
) -> CleanedFile:
    """Clean a .txt/.md/.rst (any common encoding) or .docx file; nothing is written until
    ``CleanedFile.write()`` is called. In .md/.markdown files only the prose is checked (see
    ``docclean.markdown``); suppression comments are honoured in every text file. ``kind``
    (``txt``, ``md``, ``docx``) overrides the type the suffix implies. For .docx, picture
    watermarks are reported and removed only with ``remove_picture_watermarks=True`` (or when
    their alt text is reseller text); legacy .doc/.wps go through LibreOffice. Raises
    ``InputError`` or ``DecodeError`` for bad input."""
    from .sources import read_text_file

    p = Path(path)
    ruleset = _ruleset(rules, select, ignore)
    kind = file_type(p, kind)
    if kind is None:
        raise InputError(f"{p}: unsupported file type {p.suffix!r} (docclean reads .txt, .md, .rst and .docx)")
    if kind == "docx":
        return _clean_word(p, ruleset, FixMode(fix), max_removal, allow, remove_picture_watermarks)
    decoded = read_text_file(p, encoding=encoding)
    return clean_decoded(decoded, str(p), rules=ruleset, fix=fix, max_removal=max_removal, allow=allow,
                         markdown=kind == "md", to_utf8=to_utf8)


def clean_decoded(decoded: Decoded, path: str, *, rules: RuleSet, fix: FixMode | str = FixMode.SAFE,
                  max_removal: float = 0.3, allow: Sequence[str] = (), markdown: bool = False,
                  to_utf8: bool = False) -> CleanedFile:
    """Clean text already decoded from a file (or stdin) and keep what is needed to write it back."""
    from .markdown import run
    from .sources import encode_text, write_atomic

    result = run(decoded.text, rules, mode=FixMode(fix), max_removal=max_removal, allow=allow,
                 markdown=markdown)

    def data() -> bytes:
        return encode_text(result.text, decoded, to_utf8=to_utf8)

    def save(target: Path) -> None:
        write_atomic(target, data())

    return CleanedFile(path, result, decoded.encoding, changed=result.changed or to_utf8, save=save, data=data)


def _clean_word(path: Path, ruleset: RuleSet, mode: FixMode, max_removal: float, allow: Sequence[str],
                remove_picture_watermarks: bool) -> CleanedFile:
    from .docx import clean_docx

    res = clean_docx(path, rules=ruleset, fix=mode.value, max_removal=max_removal, allow=tuple(allow),
                     remove_picture_watermarks=remove_picture_watermarks)
    result = Result(text=res.text, findings=tuple(res.findings), original=res.text)
    return CleanedFile(str(path), result, None, changed=res.changed, save=res.save, notices=res.notices)
