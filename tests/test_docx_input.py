"""Bad and hostile inputs: every one raises InputError with one line naming the file."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
from docx_builder import reseller_document, rewrite_part
from docx_stub import stub_clean

import docclean
from docclean.docx import Limits, clean_docx
from docclean.docx.container import read_entries
from docclean.errors import InputError


@pytest.fixture(autouse=True)
def _stub_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docclean, "clean", stub_clean, raising=False)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return reseller_document(tmp_path / "good.docx")


def refused(path: Path, *words: str) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    with pytest.raises(InputError) as info:
        clean_docx(path, max_removal=1.0)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    for word in words:
        assert word in message.lower(), message
    if digest is not None:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    return message


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "nope.docx", "cannot read")


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    path.write_text("仅供学习 禁止外传\n", encoding="utf-8")
    refused(path, "not a .docx")


def test_encrypted_cfb(tmp_path: Path) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    refused(path, "encrypted")


def test_truncated_zip(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "truncated.docx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(path, "zip")


def test_bad_crc(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "badcrc.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/styles.xml")
        offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 100
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    refused(path, "crc")


def test_bad_central_directory(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "badcd.docx"
    data = bytearray(good.read_bytes())
    start = data.rfind(b"PK\x01\x02")
    data[start : start + 4] = b"XX\x01\x02"
    path.write_bytes(bytes(data))
    refused(path, "zip")


def _with_extra(good: Path, path: Path, entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    shutil.copyfile(good, path)
    with zipfile.ZipFile(path, "a", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_zip_bomb_ratio(good: Path, tmp_path: Path) -> None:
    bomb = _with_extra(good, tmp_path / "ratio.docx", {"word/media/big.bin": b"\0" * (20 * 1024 * 1024)})
    assert bomb.stat().st_size < 1024 * 1024
    refused(bomb, "zip bomb", "ratio")


def test_zip_bomb_total_size_is_refused_before_expanding(good: Path, tmp_path: Path) -> None:
    path = _with_extra(good, tmp_path / "total.docx", {f"word/media/x{i}.bin": b"\0" * 200_000 for i in range(4)})
    with pytest.raises(InputError, match="zip bomb"):
        read_entries(path, Limits(max_total_size=path.stat().st_size + 1000))


def test_zip_bomb_entry_count(good: Path, tmp_path: Path) -> None:
    path = _with_extra(good, tmp_path / "many.docx", {f"junk/{i}.txt": b"x" for i in range(5001)})
    refused(path, "zip entries", "zip bomb")


def test_duplicate_entries(good: Path, tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = _with_extra(good, tmp_path / "dup.docx", {"word/document.xml": b"<x/>"})
    refused(path, "duplicate")


def test_missing_content_types(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "noct.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            if info.filename != "[Content_Types].xml":
                out.writestr(info, src.read(info))
    refused(path, "content_types")


def test_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "book.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
        )
    refused(path, "not a word document")


XXE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY ad "更多资料请加微信：wx1">]>\n'
)


@pytest.mark.parametrize(
    "part", ["word/document.xml", "docProps/core.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"]
)
def test_dtd_and_external_entities_are_refused(good: Path, tmp_path: Path, part: str) -> None:
    path = tmp_path / "xxe.docx"
    shutil.copyfile(good, path)

    def inject(data: bytes) -> bytes:
        text = data.decode("utf-8")
        body = text[text.index("?>") + 2 :].lstrip()
        return (XXE + body.replace("</", "&xxe;&ad;</", 1)).encode("utf-8")

    rewrite_part(path, part, inject)
    refused(path, "doctype")


def test_dtd_in_utf16_part_is_refused(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "utf16.docx"
    shutil.copyfile(good, path)

    def inject(data: bytes) -> bytes:
        text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        head, _, rest = text.partition("?>")
        return (head + '?><!DOCTYPE x [<!ENTITY a "b">]>' + rest).encode("utf-16")

    rewrite_part(path, "word/styles.xml", inject)
    refused(path, "doctype")


def test_billion_laughs_is_refused_without_expanding(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "laughs.docx"
    shutil.copyfile(good, path)
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))

    def inject(data: bytes) -> bytes:
        text = data.decode("utf-8")
        head, _, rest = text.partition("?>")
        return (head + f"?><!DOCTYPE w:document [{entities}]>" + rest.replace("</w:body>", "&a9;</w:body>")).encode()

    rewrite_part(path, "word/document.xml", inject)
    refused(path, "doctype")


def test_malformed_xml(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    shutil.copyfile(good, path)
    rewrite_part(path, "word/document.xml", lambda data: data[: len(data) // 2])
    refused(path, "malformed xml")


def test_encrypted_zip_entry(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "zipcrypto.docx"
    shutil.copyfile(good, path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
    data[info.header_offset + 6] |= 1  # general purpose flag, local header
    central = data.find(b"PK\x01\x02", data.rfind(b"PK\x01\x02", 0, len(data)) - 10**6)
    while central != -1:
        name_len = int.from_bytes(data[central + 28 : central + 30], "little")
        name = bytes(data[central + 46 : central + 46 + name_len])
        if name == b"word/document.xml":
            data[central + 8] |= 1
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    refused(path, "encrypted")


def test_macro_enabled_document_keeps_macros(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "macro.docm"
    shutil.copyfile(good, path)
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    macro = "application/vnd.ms-word.document.macroEnabled.main+xml"
    rewrite_part(path, "[Content_Types].xml", lambda data: data.replace(main.encode(), macro.encode()))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\x01VBA-bytes")
    result = clean_docx(path, max_removal=1.0)
    assert any("macro" in n for n in result.notices)
    out = tmp_path / "out.docm"
    result.save(out)
    with zipfile.ZipFile(out) as archive:
        assert archive.read("word/vbaProject.bin") == b"\x01VBA-bytes"
        assert macro.encode() in archive.read("[Content_Types].xml")


def test_legacy_doc_without_libreoffice_says_how_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    message = refused(path, "libreoffice")
    assert "install" in message.lower()
