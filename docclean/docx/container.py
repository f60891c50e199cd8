"""Opening a .docx safely: zip checks, size limits and a parser that never resolves entities.

Every problem is raised as :class:`docclean.errors.InputError` with one line naming the file and
the reason. The input file is only ever opened for reading.

Checks, in order: OLE2/CFB magic (encrypted packages and legacy binary files), zip structure,
entry count, duplicate names, per-entry and total uncompressed size, compression ratio, encrypted
entries, CRC of every entry (all entries are read once, within the limits), the presence of
``[Content_Types].xml``, and finally no ``<!DOCTYPE`` in any XML part (OPC forbids DTDs, and lxml
would otherwise keep unresolved entity references that make the saved part unreadable).
"""

from __future__ import annotations

import codecs
import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from docclean.errors import InputError

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Refusal thresholds checked on the zip directory before anything is expanded."""

    max_entries: int = 5000
    max_total_size: int = 512 * MiB  # sum of declared uncompressed sizes
    max_entry_size: int = 256 * MiB  # one entry, uncompressed
    max_xml_size: int = 128 * MiB  # one XML part, uncompressed
    max_ratio: float = 100.0  # uncompressed / compressed, for entries above ratio_floor
    ratio_floor: int = 1 * MiB


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Entry:
    """One zip entry: its directory record and its uncompressed bytes."""

    info: zipfile.ZipInfo
    data: bytes

    @property
    def name(self) -> str:
        return self.info.filename


def fail(path: str | os.PathLike[str], reason: str) -> InputError:
    """An :class:`InputError` whose message is one line: ``<file>: <reason>``."""
    line = f"{os.fspath(path)}: {reason}"
    return InputError(" ".join(line.split()))


def sniff(path: str | os.PathLike[str]) -> bytes:
    """The first 8 bytes of the file (raises InputError when it cannot be read)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(8)
    except OSError as exc:
        raise fail(path, f"cannot read file ({exc.strerror or exc})") from None


def read_entries(
    source: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS, *, name: str | None = None
) -> tuple[bytes, list[Entry]]:
    """The file's bytes and every zip entry, in directory order, after all safety checks.

    Errors name ``name`` (default: ``source``), e.g. the user's .doc when ``source`` is its conversion.
    """
    path = name if name is not None else os.fspath(source)
    head = sniff(source)
    if head.startswith(CFB_MAGIC):
        raise fail(
            path,
            "encrypted (password-protected) document or legacy binary Word file (OLE2 container); "
            "remove the password or save it as .docx first",
        )
    if not head.startswith(ZIP_MAGICS):
        raise fail(path, "not a .docx file (not a zip archive)")
    try:
        size = Path(source).stat().st_size
        if size > limits.max_total_size:
            raise fail(path, f"refused: file is larger than {limits.max_total_size} bytes")
        raw = Path(source).read_bytes()
    except OSError as exc:
        raise fail(path, f"cannot read file ({exc.strerror or exc})") from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise fail(path, f"corrupted zip archive ({exc})") from None
    except (OSError, ValueError, EOFError) as exc:
        raise fail(path, f"unreadable zip archive ({exc})") from None
    with archive:
        infos = archive.infolist()
        _check_directory(path, infos, limits)
        entries: list[Entry] = []
        for info in infos:
            if info.is_dir():
                entries.append(Entry(info, b""))
                continue
            try:
                data = archive.read(info)
            except zipfile.BadZipFile as exc:
                raise fail(path, f"corrupted zip archive ({exc})") from None
            except (zlib.error, EOFError, OSError, ValueError) as exc:
                raise fail(path, f"corrupted zip entry {info.filename!r} ({exc})") from None
            except NotImplementedError as exc:
                raise fail(path, f"unsupported zip compression in {info.filename!r} ({exc})") from None
            except RuntimeError as exc:  # encrypted entry
                raise fail(path, f"encrypted zip entry {info.filename!r} ({exc})") from None
            if len(data) != info.file_size:
                raise fail(path, f"corrupted zip entry {info.filename!r} (size mismatch)")
            entries.append(Entry(info, data))
    names = {e.name for e in entries}
    if "[Content_Types].xml" not in names:
        raise fail(path, "not an Office Open XML package (no [Content_Types].xml)")
    for entry in entries:
        if is_xml_name(entry.name):
            check_no_dtd(path, entry.name, entry.data)
    return raw, entries


def _check_directory(path: str | os.PathLike[str], infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise fail(path, f"refused: {len(infos)} zip entries (limit {limits.max_entries}); possible zip bomb")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name in seen:
            raise fail(path, f"refused: duplicate zip entry {name!r}")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise fail(path, f"encrypted zip entry {name!r}")
        size = info.file_size
        if size > limits.max_entry_size or (is_xml_name(name) and size > limits.max_xml_size):
            raise fail(path, f"refused: entry {name!r} expands to {size} bytes; possible zip bomb")
        total += size
        if total > limits.max_total_size:
            raise fail(path, f"refused: entries expand to more than {limits.max_total_size} bytes; possible zip bomb")
        if size > limits.ratio_floor:
            ratio = size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise fail(path, f"refused: entry {name!r} has compression ratio {ratio:.0f}:1; possible zip bomb")


def is_xml_name(name: str) -> bool:
    """True for the package's XML parts (by name)."""
    lower = name.lower()
    return lower.endswith((".xml", ".rels", ".vml"))


_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def check_no_dtd(path: str | os.PathLike[str], name: str, data: bytes) -> None:
    """Refuse an XML part that declares a DTD or entities (also in UTF-16/32 encodings)."""
    text: bytes = data
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:4] in (
        b"<\x00?\x00",
        b"\x00<\x00?",
    ):
        try:
            text = data.decode("utf-16").encode("utf-8", "replace")
        except UnicodeDecodeError:
            raise fail(path, f"XML part {name!r} has invalid UTF-16 encoding") from None
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise fail(path, f"XML part {name!r} uses an unsupported encoding (UTF-32)")
    for marker in _DTD_MARKERS:
        if marker in text:
            raise fail(
                path,
                f"refused: XML part {name!r} contains a DOCTYPE/entity declaration (DTDs are not allowed)",
            )


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
    )


def parse_xml(path: str | os.PathLike[str], name: str, data: bytes) -> etree._Element:
    """Parse one XML part with a parser that loads no DTD, resolves no entity and uses no network."""
    check_no_dtd(path, name, data)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise fail(path, f"malformed XML in {name!r} ({exc})") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise fail(path, f"refused: XML part {name!r} has a DOCTYPE (DTDs are not allowed)")
    for node in root.iter(etree.Entity):
        raise fail(path, f"refused: XML part {name!r} contains an entity reference &{node.name};")
    return root
