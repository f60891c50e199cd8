"""Bytes <-> text for text files: encoding detection, exact re-encoding and atomic writes.

Decoding keeps every line ending as it is (``\\r\\n``, ``\\r`` and ``\\n`` alike), so code-point
offsets into ``Decoded.text`` are offsets into the file's real text. ``encode_text`` writes text
back in the encoding (and with the byte order mark) it was read in, so an unchanged text gives
back the same bytes.

Detection order in ``decode_bytes``:

1. an ``encoding`` the caller forces;
2. a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
3. NUL bytes: UTF-16/UTF-32 without a byte order mark, otherwise binary data (an error);
4. strict UTF-8;
5. chardet on a bounded sample, GB2312/GBK promoted to GB18030 and the Big5 family decoded
   with cp950 or Big5-HKSCS, when chardet is sure;
6. otherwise GB18030 or Big5, if the bytes decode strictly into text that reads as Chinese
   (chardet is unsure of any Chinese text of a line or two).
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docclean.errors import DecodeError, InputError

__all__ = ["Decoded", "decode_bytes", "detect_newline", "encode_text", "read_text_file", "write_atomic"]

SAMPLE_SIZE = 64 * 1024  # bytes of the input chardet looks at
MIN_CONFIDENCE = 0.5  # chardet answers below this are only trusted for text that reads as Chinese

_GB_CODECS = frozenset({"gb2312", "gbk", "gb18030"})
_BIG5_CODECS = frozenset({"big5", "big5hkscs", "cp950"})
# Big5 data is decoded with the first of these that decodes it whole and re-encodes to the same
# bytes (else the first that decodes it): cp950 is Big5 as Windows writes it (with the euro sign
# and the ETEN extensions), Big5-HKSCS adds the Hong Kong characters.
_BIG5_ORDER = ("cp950", "big5hkscs")

_BOMS: dict[str, bytes] = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}
# UTF-32 first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOM_ORDER = ("utf-32-le", "utf-32-be", "utf-8", "utf-16-le", "utf-16-be")
_WIDE_CODECS = frozenset({"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"})

_HINT = "try --encoding, e.g. --encoding gb18030"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
# Punctuation and symbols that GB and Big5 documents use next to Chinese characters.
_CJK_SYMBOLS = (
    "\u00a7\u00b0\u00b7\u00d7\u00f7"  # § ° · × ÷
    "\u2010-\u2027\u2030-\u203b"  # dashes, quotes, ellipsis, ‰ ※
    "\u2103\u2116\u2160-\u217f\u2190-\u21ff\u2200-\u22ff"  # ℃ № Ⅰ arrows maths
    "\u2460-\u24ff\u2500-\u257f\u25a0-\u25ff\u2600-\u26ff"  # ① box drawing ■ ★
    "\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u32ff"  # 、。「」 kana bopomofo ㈠
    "\ufe30-\ufe4f\uff00-\uffef"  # vertical forms, fullwidth forms
)
_HAN_RE = re.compile(f"[{_HAN}]")
_CJK_RE = re.compile(f"[{_HAN}{_CJK_SYMBOLS}]")
_CJK_RUN_RE = re.compile(f"[{_HAN}{_CJK_SYMBOLS}]+")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")
_HIGH_BYTE_RE = re.compile(rb"[\x80-\xff]")
_LONE_CR_RE = re.compile(r"\r(?!\n)")
_LONE_LF_RE = re.compile(r"(?<!\r)\n")
_SCORED_CHARS = 65536  # code points of a text _chinese_score looks at


@dataclass(frozen=True, slots=True)
class Decoded:
    """A text file's text and how to write it back byte for byte."""

    text: str  # decoded text; line endings exactly as in the bytes
    encoding: str  # the Python codec that decoded it, e.g. "utf-8", "gb18030", "cp950", "utf-16-le"
    bom: bool  # True when the bytes started with a byte order mark
    newline: str  # dominant line ending: "\n", "\r\n" or "\r" ("\n" when there is none)


def detect_newline(text: str) -> str:
    """The dominant line ending of ``text``: ``"\\n"``, ``"\\r\\n"`` or ``"\\r"``.

    ``"\\r\\n"`` counts as one ending, not as a ``"\\r"`` and a ``"\\n"``. A tie goes to the
    ending that occurs first; a text without line endings gives ``"\\n"``.
    """
    crlf = text.count("\r\n")
    counts = {"\r\n": crlf, "\n": text.count("\n") - crlf, "\r": text.count("\r") - crlf}
    best = max(counts.values())
    if best == 0:
        return "\n"
    tied = [nl for nl, n in counts.items() if n == best]
    if len(tied) == 1:
        return tied[0]
    return min(tied, key=lambda nl: _first_index(text, nl))


def _first_index(text: str, newline: str) -> int:
    """Where the first ``newline`` that is a line ending of its own starts in ``text``."""
    if newline == "\r\n":
        return text.find("\r\n")
    found = (_LONE_CR_RE if newline == "\r" else _LONE_LF_RE).search(text)
    return found.start() if found else len(text)


def decode_bytes(data: bytes, *, encoding: str | None = None, name: str = "<bytes>") -> Decoded:
    """Decode a text file's bytes; ``name`` (a path, or ``"<stdin>"``) prefixes error messages.

    ``encoding`` forces a codec (a byte order mark matching it is still recognised and dropped).
    Raises ``DecodeError`` with a one-line message for an unknown codec, bytes the codec cannot
    decode, binary data, or text whose encoding cannot be told.
    """
    shown = _display_name(name)
    if encoding is not None:
        return _decode_forced(data, encoding, shown)
    if not data:
        return Decoded("", "utf-8", False, "\n")

    for codec in _BOM_ORDER:
        mark = _BOMS[codec]
        if data.startswith(mark):
            text = _strict(data[len(mark) :], codec)
            if text is not None:
                return _decoded(text, codec, bom=True)
            if codec.startswith("utf-32"):
                continue  # FF FE 00 00 may be a UTF-16 LE mark and a NUL character
            label = codec.upper()
            raise DecodeError(
                f"{shown}: starts with a {label} byte order mark but is not valid {label} ({_HINT})"
            )

    if b"\x00" in data:
        return _decode_wide(data, shown)

    text = _strict(data, "utf-8")
    if text is not None:
        return _decoded(text, "utf-8", bom=False)
    return _decode_detected(data, shown)


def _decode_forced(data: bytes, encoding: str, shown: str) -> Decoded:
    """Decode with the codec the caller named."""
    codec = _text_codec(encoding)
    if codec is None:
        raise DecodeError(f"{shown}: unknown text encoding {encoding!r} (e.g. utf-8, gb18030, big5)")
    if codec == "utf-8-sig":
        codec = "utf-8"
    elif codec in ("utf-16", "utf-32"):
        big_endian = data.startswith(_BOMS[f"{codec}-be"])
        codec = f"{codec}-be" if big_endian else f"{codec}-le"
    mark = _BOMS.get(codec, b"")
    bom = bool(mark) and data.startswith(mark)
    body = data[len(mark) :] if bom else data
    try:
        text = body.decode(codec)
    except LookupError:
        raise DecodeError(
            f"{shown}: unknown text encoding {encoding!r} (e.g. utf-8, gb18030, big5)"
        ) from None
    except UnicodeDecodeError as exc:
        where = exc.start + (len(mark) if bom else 0)
        raise DecodeError(
            f"{shown}: not valid {codec} text (byte 0x{exc.object[exc.start]:02x} at offset {where}; "
            "try another --encoding)"
        ) from None
    return _decoded(text, codec, bom=bom)


def _decode_wide(data: bytes, shown: str) -> Decoded:
    """Data with NUL bytes and no byte order mark: UTF-16/UTF-32 text, or binary data."""
    guess, confidence = _chardet_guess(data[:SAMPLE_SIZE])
    codec = _text_codec(guess) if guess else None
    if codec in ("utf-16", "utf-32"):
        codec = f"{codec}-le"
    if codec is not None and codec in _WIDE_CODECS and confidence >= MIN_CONFIDENCE:
        text = _strict(data, codec)
        if text is not None and not _CONTROL_RE.search(text):
            return _decoded(text, codec, bom=False)
    raise DecodeError(
        f"{shown}: looks like binary data, not text (it contains NUL bytes; "
        "if it is text, try --encoding, e.g. --encoding utf-16-le)"
    )


def _decode_detected(data: bytes, shown: str) -> Decoded:
    """Data that is neither UTF-8 nor binary: chardet's answer when it is sure, else Chinese."""
    guess, confidence = _chardet_guess(_sample(data))
    candidates = _codecs_for(guess)
    if confidence >= MIN_CONFIDENCE:
        found = _first_decoding(data, candidates)
        if found is not None:
            return _decoded(found[1], found[0], bom=False)
    found = _decode_chinese(data, candidates)
    if found is not None:
        return _decoded(found[1], found[0], bom=False)
    raise DecodeError(f"{shown}: cannot detect the text encoding ({_HINT})")


def _decode_chinese(data: bytes, named: tuple[str, ...]) -> tuple[str, str] | None:
    """``(codec, text)`` when ``data`` decodes strictly as GB18030 or Big5 into text that reads
    as Chinese; the better-reading one when both do.

    chardet is unsure of any Chinese text of a line or two, and it misses Big5 text holding a
    character only cp950 has (such as the euro sign). ``named`` is chardet's guess: its family
    is tried first and needs less evidence than the other.
    """
    groups = [("gb18030",), _BIG5_ORDER]
    if named == _BIG5_ORDER:
        groups.reverse()
    best: tuple[str, str] | None = None
    best_score = 0.0
    for index, group in enumerate(groups):
        found = _first_decoding(data, group)
        if found is None:
            continue
        is_named = index == 0 and named == group
        score = _chinese_score(found[1], strict=not is_named)
        if score >= (0.6 if is_named else 0.85) and score > best_score:
            best, best_score = found, score
    return best


def _chardet_guess(sample: bytes) -> tuple[str | None, float]:
    """chardet's encoding name and confidence for ``sample`` (``(None, 0.0)`` without chardet)."""
    try:
        import chardet  # imported here: it takes a noticeable time and UTF-8 input never needs it
    except ImportError:  # pragma: no cover - chardet is a dependency of docclean
        return None, 0.0
    result = chardet.detect(sample)
    return result.get("encoding"), float(result.get("confidence") or 0.0)


def _sample(data: bytes) -> bytes:
    """At most ``SAMPLE_SIZE`` bytes of ``data`` for chardet, ending at a line break.

    The sample starts at the beginning, unless the first non-ASCII byte lies past its first
    half: then it starts shortly before that byte, where the evidence is.
    """
    if len(data) <= SAMPLE_SIZE:
        return data
    start = 0
    first_high = _HIGH_BYTE_RE.search(data)
    if first_high is not None and first_high.start() >= SAMPLE_SIZE // 2:
        pos = first_high.start()
        start = max(data.rfind(b"\n", 0, pos) + 1, pos - 1024)
    window = data[start : start + SAMPLE_SIZE]
    cut = window.rfind(b"\n")
    return window[: cut + 1] if cut > 0 else window


def _codecs_for(label: str | None) -> tuple[str, ...]:
    """The codecs to try, in order, for an encoding name chardet reported."""
    codec = _text_codec(label) if label else None
    if codec is None:
        return ()
    if codec in _GB_CODECS:
        return ("gb18030",)  # GB18030 decodes GB2312 and GBK text to the same characters
    if codec in _BIG5_CODECS:
        return _BIG5_ORDER
    if codec == "utf-8-sig":
        return ("utf-8",)
    if codec in ("utf-16", "utf-32"):
        return (f"{codec}-le",)
    return (codec,)


def _first_decoding(data: bytes, candidates: tuple[str, ...]) -> tuple[str, str] | None:
    """``(codec, text)`` for the first codec that decodes ``data`` and re-encodes it exactly;
    failing that, for the first codec that decodes it; ``None`` when none decodes it."""
    fallback: tuple[str, str] | None = None
    for codec in candidates:
        text = _strict(data, codec)
        if text is None:
            continue
        if len(candidates) == 1 or _encodes_back(text, codec, data):
            return codec, text
        if fallback is None:
            fallback = (codec, text)
    return fallback


def _encodes_back(text: str, codec: str, data: bytes) -> bool:
    try:
        return text.encode(codec) == data
    except UnicodeEncodeError:
        return False


def _chinese_score(text: str, *, strict: bool) -> float:
    """How well ``text`` reads as Chinese, from 0.0 to 1.0: the share of its Chinese characters
    that are common ones (GB2312 level 1 or Big5 level 1), or 0.0 when it does not read as
    Chinese at all.

    Reading as Chinese means having Chinese characters, and CJK characters and punctuation for
    9 in 10 of the non-ASCII characters. ``strict`` also wants most Chinese characters next to
    another CJK character: Latin-1 text decoded as GB18030 turns each accented letter into a
    Chinese character between ASCII letters ("Größe" -> "Gr鲞e"). Text decoded with the wrong
    Chinese encoding is full of rare characters, so it scores about 0.5 where real text scores
    near 1.0.
    """
    text = text[:_SCORED_CHARS]
    han = _HAN_RE.findall(text)
    if not han:
        return 0.0
    if len(_CJK_RE.findall(text)) < 0.9 * len(_NON_ASCII_RE.findall(text)):
        return 0.0
    if strict:
        lone = sum(1 for run in _CJK_RUN_RE.findall(text) if len(run) == 1 and _HAN_RE.match(run))
        if lone > 0.5 * len(han):
            return 0.0
    common = _common_han()
    return sum(1 for char in han if char in common) / len(han)


@functools.cache
def _common_han() -> frozenset[str]:
    """The most used Chinese characters: GB2312 level 1 (simplified, 3755 characters) and
    Big5 level 1 (traditional, 5401 characters)."""
    chars: set[str] = set()
    trail_gb = range(0xA1, 0xFF)
    for lead in range(0xB0, 0xD8):
        chars.update(bytes((lead, trail)).decode("gb2312", "ignore") for trail in trail_gb)
    trail_big5 = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xA4, 0xC7):
        for trail in trail_big5:
            if lead == 0xC6 and trail > 0x7E:
                break
            chars.add(bytes((lead, trail)).decode("big5", "ignore"))
    chars.discard("")
    return frozenset(chars)


def _text_codec(label: str) -> str | None:
    """The canonical Python name of a text codec, or ``None`` if ``label`` names none."""
    try:
        info = codecs.lookup(label)
    except (LookupError, TypeError, ValueError):
        return None
    # bytes-to-bytes and str-to-str codecs (base64, rot13) are no text encodings
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _decoded(text: str, codec: str, *, bom: bool) -> Decoded:
    return Decoded(text=text, encoding=codec, bom=bom, newline=detect_newline(text))


def _display_name(name: str) -> str:
    """``name`` safe for a one-line message."""
    return name if name.isprintable() else repr(name)


def encode_text(text: str, decoded: Decoded, *, to_utf8: bool = False) -> bytes:
    """``text`` as bytes in the encoding and with the byte order mark ``decoded`` came from.

    With ``to_utf8`` the result is plain UTF-8 without a byte order mark. Raises ``DecodeError``
    when ``text`` holds a character the encoding cannot represent.
    """
    codec = "utf-8" if to_utf8 else decoded.encoding
    mark = _BOMS.get(codec, b"") if decoded.bom and not to_utf8 else b""
    try:
        return mark + text.encode(codec)
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        raise DecodeError(
            f"cannot write the text as {codec}: it has no form for {char!r} (U+{ord(char):04X}) "
            f"at offset {exc.start}; write it as UTF-8 instead"
        ) from None


def read_text_file(path: str | os.PathLike[str], *, encoding: str | None = None) -> Decoded:
    """Read and decode a text file.

    Raises ``InputError`` when the file is missing, a directory, not a regular file (or pipe),
    or unreadable, and ``DecodeError`` when its bytes cannot be decoded (see ``decode_bytes``).
    """
    name = os.fspath(path)
    shown = _display_name(name)
    try:
        info = Path(name).stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{shown}: is a directory")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            raise InputError(f"{shown}: not a regular file")
        data = Path(name).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{shown}: is a directory") from None
    except PermissionError:
        raise InputError(f"{shown}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    return decode_bytes(data, encoding=encoding, name=name)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` so readers see the old bytes or the new, never a mix.

    The bytes go to a temporary file in the same folder, are flushed to disk, take the old file's
    permission bits (or the usual ones for a new file) and then replace it in one rename. A
    symbolic link is followed, so the link stays and its target gets the new bytes. On any error
    the temporary file is removed and the error raised again; the old file stays untouched.
    """
    target = Path(os.fspath(path))
    if target.is_symlink():
        target = target.resolve()
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_current_umask()
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on success
        mode="wb", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    temp = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(mode)
        os.replace(temp, target)  # noqa: PTH105 - the one atomic step, spelled out
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_dir(target.parent)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    """Flush the folder entry of a rename to disk, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
