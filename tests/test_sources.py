"""Tests for docclean.sources: decoding, exact re-encoding, newline detection, atomic writes."""

from __future__ import annotations

import codecs
import os
import stat
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from docclean.errors import DecodeError, InputError
from docclean.sources import (
    SAMPLE_SIZE,
    Decoded,
    decode_bytes,
    detect_newline,
    encode_text,
    read_text_file,
    write_atomic,
)

SIMPLIFIED = (
    "2023年度个人工作总结\n"
    "今年以来，在部门领导的正确指导和同事们的大力支持下，我认真履行岗位职责，较好地完成了各项工作任务。"
    "一是加强政治理论学习，不断提高自身综合素质；二是扎实推进重点项目建设，确保按期保质完成；"
    "三是规范档案管理流程，提升服务水平。\n"
    "在取得成绩的同时，也存在一些不足：业务知识还不够全面，创新意识有待加强。"
    "明年我将继续努力，查漏补缺，争取在新的一年里取得更好的成绩。\n"
)

TRADITIONAL = (
    "二零二三年度個人工作總結\n"
    "今年以來，在部門領導的正確指導和同事們的大力支持下，我認真履行崗位職責，較好地完成了各項工作任務。"
    "一是加強政治理論學習，不斷提高自身綜合素質；二是紮實推進重點項目建設，確保按期保質完成；"
    "三是規範檔案管理流程，提升服務水準。\n"
    "在取得成績的同時，也存在一些不足：業務知識還不夠全面，創新意識有待加強。"
    "明年我將繼續努力，查漏補缺，爭取在新的一年裡取得更好的成績。\n"
    "附件：「年度考核表」一份，請於十二月三十一日前交回人事部門。\n"
)

# Characters GB18030 encodes and GBK does not: a CJK Extension B character and the euro sign.
GB18030_ONLY = "𠀀€"

HINT = "cannot detect the text encoding (try --encoding, e.g. --encoding gb18030)"


def assert_one_line(message: str) -> None:
    assert message
    assert "\n" not in message and "\r" not in message


# --- round trips ------------------------------------------------------------------------------


def test_gbk_cannot_encode_the_gb18030_only_characters() -> None:
    for char in GB18030_ONLY:
        with pytest.raises(UnicodeEncodeError):
            char.encode("gbk")
        char.encode("gb18030")


@pytest.mark.parametrize(
    ("text", "data", "encoding", "bom"),
    [
        pytest.param(
            SIMPLIFIED + "附：" + GB18030_ONLY + "\n",
            (SIMPLIFIED + "附：" + GB18030_ONLY + "\n").encode("gb18030"),
            "gb18030",
            False,
            id="gb18030",
        ),
        pytest.param(SIMPLIFIED, SIMPLIFIED.encode("gbk"), "gb18030", False, id="gbk"),
        pytest.param(SIMPLIFIED, SIMPLIFIED.encode("gb2312"), "gb18030", False, id="gb2312"),
        pytest.param(TRADITIONAL, TRADITIONAL.encode("big5"), "cp950", False, id="big5"),
        pytest.param(SIMPLIFIED, SIMPLIFIED.encode("utf-8"), "utf-8", False, id="utf-8"),
        pytest.param(SIMPLIFIED, codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8", True, id="utf-8-bom"),
        pytest.param(
            SIMPLIFIED,
            codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"),
            "utf-16-le",
            True,
            id="utf-16-le-bom",
        ),
        pytest.param(
            SIMPLIFIED,
            codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"),
            "utf-16-be",
            True,
            id="utf-16-be-bom",
        ),
        pytest.param(
            SIMPLIFIED,
            codecs.BOM_UTF32_LE + SIMPLIFIED.encode("utf-32-le"),
            "utf-32-le",
            True,
            id="utf-32-le-bom",
        ),
    ],
)
def test_round_trip_gives_identical_bytes(text: str, data: bytes, encoding: str, bom: bool) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert decoded.bom is bom
    assert decoded.newline == "\n"
    assert encode_text(decoded.text, decoded) == data


def test_big5_with_a_cp950_only_character_is_decoded_as_cp950() -> None:
    text = TRADITIONAL + "差旅費合計€1,280元。\n"
    data = text.encode("cp950")
    with pytest.raises(UnicodeDecodeError):
        data.decode("big5hkscs")
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding) == (text, "cp950")
    assert encode_text(decoded.text, decoded) == data


def test_big5_with_a_hong_kong_character_is_decoded_as_big5hkscs() -> None:
    text = TRADITIONAL + "佢哋話呢份報告幾好嘅。\n"
    data = text.encode("big5hkscs")
    with pytest.raises(UnicodeDecodeError):
        data.decode("cp950")
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding) == (text, "big5hkscs")
    assert encode_text(decoded.text, decoded) == data


@pytest.mark.parametrize(
    ("newline", "encoding"),
    [("\r\n", "gbk"), ("\r", "gbk"), ("\r\n", "utf-8"), ("\r", "utf-8"), ("\r\n", "big5")],
)
def test_crlf_and_cr_line_endings_are_kept_exactly(newline: str, encoding: str) -> None:
    source = TRADITIONAL if encoding == "big5" else SIMPLIFIED
    text = source.replace("\n", newline)
    data = text.encode(encoding)
    decoded = decode_bytes(data)
    assert decoded.text == text  # no newline normalisation: offsets stay exact
    assert decoded.newline == newline
    assert encode_text(decoded.text, decoded) == data


def test_utf16_crlf_round_trip() -> None:
    text = SIMPLIFIED.replace("\n", "\r\n")
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    decoded = decode_bytes(data)
    assert decoded.text == text and decoded.newline == "\r\n"
    assert encode_text(decoded.text, decoded) == data


def test_edited_text_is_written_in_the_original_encoding() -> None:
    decoded = decode_bytes(SIMPLIFIED.encode("gbk"))
    edited = decoded.text.replace("2023", "2024")
    assert encode_text(edited, decoded) == edited.encode("gb18030")


@pytest.mark.parametrize(
    "data",
    [
        SIMPLIFIED.encode("gbk"),
        TRADITIONAL.encode("big5"),
        codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"),
        codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"),
    ],
    ids=["gbk", "big5", "utf-16-be-bom", "utf-8-bom"],
)
def test_to_utf8_writes_plain_utf8(data: bytes) -> None:
    decoded = decode_bytes(data)
    out = encode_text(decoded.text, decoded, to_utf8=True)
    assert out == decoded.text.encode("utf-8")
    assert not out.startswith(codecs.BOM_UTF8)


def test_encode_text_reports_a_character_the_encoding_lacks() -> None:
    decoded = decode_bytes(TRADITIONAL.encode("big5"))
    with pytest.raises(DecodeError) as info:
        encode_text(decoded.text + "同事们", decoded)
    message = str(info.value)
    assert_one_line(message)
    assert "cp950" in message and "U+4EEC" in message


# --- empty, BOM only, UTF-16 without BOM --------------------------------------------------------


def test_empty_bytes_decode_to_empty_utf8() -> None:
    assert decode_bytes(b"") == Decoded(text="", encoding="utf-8", bom=False, newline="\n")


def test_bom_only_round_trips() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8)
    assert (decoded.text, decoded.encoding, decoded.bom) == ("", "utf-8", True)
    assert encode_text("", decoded) == codecs.BOM_UTF8


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(encoding: str) -> None:
    text = "2023年度工作总结\r\nSummary of the year\r\n" + SIMPLIFIED.replace("\n", "\r\n")
    data = text.encode(encoding)
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding, decoded.bom) == (text, encoding, False)
    assert encode_text(decoded.text, decoded) == data


def test_bad_data_after_a_utf8_bom_is_an_error() -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(codecs.BOM_UTF8 + SIMPLIFIED.encode("gbk"), name="a.txt")
    assert_one_line(str(info.value))
    assert str(info.value).startswith("a.txt: ")
    assert "--encoding" in str(info.value)


# --- detection of short and tricky texts --------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "关于2023年度工作总结的报告\n",
        "甲方：XXX有限公司  乙方：__________\n",
        "姓名：张三\n部门：销售部\n",
        "Name: 张三, Dept: Sales, Date: 2023-12-31\n",
        "工作总结",
    ],
)
def test_one_line_of_gbk_decodes(line: str) -> None:
    decoded = decode_bytes(line.encode("gbk"))
    assert (decoded.text, decoded.encoding) == (line, "gb18030")


@pytest.mark.parametrize(
    "line", ["一、工作完成情況\n", "個人工作總結報告", "甲方：某某有限公司　乙方：＿＿＿＿\n"]
)
def test_one_line_of_big5_decodes(line: str) -> None:
    decoded = decode_bytes(line.encode("big5"))
    assert decoded.text == line
    assert decoded.encoding in ("cp950", "big5hkscs")


def test_every_sentence_of_the_samples_decodes_on_its_own() -> None:
    for text, encoding in ((SIMPLIFIED, "gbk"), (TRADITIONAL, "big5")):
        for sentence in text.replace("。", "。\n").splitlines(keepends=True):
            if sentence.strip():
                assert decode_bytes(sentence.encode(encoding)).text == sentence


def test_chinese_after_a_long_ascii_start_is_detected() -> None:
    text = "# report\n" * (SAMPLE_SIZE // 9 + 100) + SIMPLIFIED
    data = text.encode("gbk")
    assert data.find(SIMPLIFIED.encode("gbk")) > SAMPLE_SIZE
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding) == (text, "gb18030")


def test_chardet_sees_a_bounded_sample_cut_at_a_newline(monkeypatch: pytest.MonkeyPatch) -> None:
    import chardet

    seen: list[bytes] = []
    real_detect = chardet.detect

    def spy(data: bytes, *args: Any, **kwargs: Any) -> Any:
        seen.append(bytes(data))
        return real_detect(data, *args, **kwargs)

    monkeypatch.setattr(chardet, "detect", spy)
    text = SIMPLIFIED * 400
    data = text.encode("gbk")
    assert len(data) > 2 * SAMPLE_SIZE
    assert decode_bytes(data).text == text
    assert len(seen) == 1
    assert 0 < len(seen[0]) <= SAMPLE_SIZE
    assert seen[0].endswith(b"\n")


def test_chardet_is_not_imported_for_utf8() -> None:
    code = (
        "import sys\n"
        "from docclean.sources import decode_bytes\n"
        f"decode_bytes({SIMPLIFIED.encode('utf-8')!r})\n"
        "print('chardet' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=root
    )
    assert out.stdout.strip() == "False"


# --- forced encodings ---------------------------------------------------------------------------


def test_forced_encoding_is_used() -> None:
    text = "Die Größe des Büros: 20 m²\n"
    decoded = decode_bytes(text.encode("cp1252"), encoding="cp1252")
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


def test_forced_encoding_wins_over_detection() -> None:
    data = SIMPLIFIED.encode("gbk")
    decoded = decode_bytes(data, encoding="GBK")
    assert (decoded.text, decoded.encoding) == (SIMPLIFIED, "gbk")
    assert encode_text(decoded.text, decoded) == data


def test_forced_utf8_drops_and_remembers_the_bom() -> None:
    data = codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8")
    decoded = decode_bytes(data, encoding="utf-8")
    assert (decoded.text, decoded.bom) == (SIMPLIFIED, True)
    assert encode_text(decoded.text, decoded) == data


def test_forced_utf16_reads_the_bom() -> None:
    data = codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be")
    decoded = decode_bytes(data, encoding="utf-16")
    assert (decoded.text, decoded.encoding, decoded.bom) == (SIMPLIFIED, "utf-16-be", True)
    assert encode_text(decoded.text, decoded) == data


@pytest.mark.parametrize("codec", ["no-such-codec", "base64", "rot13", ""])
def test_unknown_forced_codec_is_a_decode_error_naming_it(codec: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(b"abc", encoding=codec, name="in.txt")
    message = str(info.value)
    assert_one_line(message)
    assert repr(codec) in message
    assert message.startswith("in.txt: ")


def test_forced_codec_that_cannot_decode_is_a_decode_error() -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(SIMPLIFIED.encode("gbk"), encoding="utf-8", name="report.txt")
    message = str(info.value)
    assert_one_line(message)
    assert message.startswith("report.txt: ") and "utf-8" in message


# --- undecodable and binary input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("Die Größe des Büros ist über zwanzig Quadratmeter.\n".encode("cp1252"), id="latin1"),
        pytest.param(bytes(range(0x80, 0x100)) * 3, id="high-bytes"),
        pytest.param(
            zlib.compress(SIMPLIFIED.encode("utf-8") * 3, 9).replace(b"\x00", b"\x01"), id="deflate"
        ),
    ],
)
def test_undetectable_input_is_a_one_line_decode_error_with_the_hint(data: bytes) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data, name="x.txt")
    assert str(info.value) == f"x.txt: {HINT}"


def test_latin1_that_decodes_as_common_chinese_characters_is_not_taken_for_gb18030() -> None:
    # Each "Ét" is a valid GB18030 pair for a common character, so the bytes decode strictly
    # into "蓆ude, 蓆ape et 蓆at"; only the lone characters between Latin letters give it away.
    data = "Étude, Étape et État\n".encode("cp1252")
    assert data.decode("gb18030").count("蓆") == 3
    with pytest.raises(DecodeError) as info:
        decode_bytes(data, name="x.txt")
    assert str(info.value) == f"x.txt: {HINT}"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06", id="png"
        ),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"word/document.xml", id="zip"),
        pytest.param(b"plain ascii\x00with a nul\n", id="nul-in-ascii"),
    ],
)
def test_binary_input_is_a_one_line_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data, name="doc.bin")
    message = str(info.value)
    assert_one_line(message)
    assert message.startswith("doc.bin: ")
    assert "binary" in message and "--encoding" in message


def test_a_name_with_a_newline_still_gives_a_one_line_message() -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes("Größe\n".encode("cp1252"), name="bad\nname.txt")
    assert_one_line(str(info.value))


# --- newline detection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "\n"),
        ("一行没有换行", "\n"),
        ("a\nb\n", "\n"),
        ("a\r\nb\r\n", "\r\n"),
        ("a\rb\r", "\r"),
        ("a\r\nb\r\nc\n", "\r\n"),
        ("a\nb\nc\r\n", "\n"),
        ("a\rb\rc\r\n", "\r"),
        ("a\r\nb\n", "\r\n"),  # a tie goes to the ending seen first
        ("a\nb\r\n", "\n"),
        ("a\rb\n", "\r"),
        ("\r\n\r\n\r\n\n\n", "\r\n"),  # \r\n is one ending, not \r plus \n
    ],
)
def test_detect_newline(text: str, expected: str) -> None:
    assert detect_newline(text) == expected


# --- the UTF-8 property -------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00")))
@example("工作总结\r\n一、完成情况\r二、不足\n")
@example("\ufeff工作总结")
def test_any_utf8_text_decodes_to_itself(text: str) -> None:
    # NUL is left out: NUL bytes outside UTF-16/UTF-32 mark binary data by design.
    # A leading U+FEFF is the UTF-8 byte order mark: it comes back as bom=True, not as text.
    data = text.encode("utf-8")
    decoded = decode_bytes(data)
    assert decoded.text == text.removeprefix("\ufeff")
    assert decoded.encoding == "utf-8"
    assert decoded.bom is text.startswith("\ufeff")
    assert decoded.newline == detect_newline(text)
    assert encode_text(decoded.text, decoded) == data


# --- reading files ------------------------------------------------------------------------------


def test_read_text_file_decodes(tmp_path: Path) -> None:
    path = tmp_path / "总结.txt"
    path.write_bytes(SIMPLIFIED.replace("\n", "\r\n").encode("gbk"))
    decoded = read_text_file(path)
    assert decoded.text == SIMPLIFIED.replace("\n", "\r\n")
    assert (decoded.encoding, decoded.newline) == ("gb18030", "\r\n")
    assert read_text_file(str(path), encoding="gbk").encoding == "gbk"


def test_read_text_file_missing_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_text_file(tmp_path / "nope.txt")
    assert_one_line(str(info.value))
    assert "nope.txt" in str(info.value)


def test_read_text_file_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        read_text_file(tmp_path)


@pytest.mark.skipif(sys.platform == "win32", reason="needs /dev/null")
def test_read_text_file_device_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_text_file("/dev/null")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_read_text_file_unreadable_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_bytes(b"text\n")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            read_text_file(path)
    finally:
        path.chmod(0o600)


def test_read_text_file_permission_error_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.txt"
    path.write_bytes(b"text\n")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(InputError) as info:
        read_text_file(path)
    assert str(info.value) == f"{path}: permission denied"


def test_read_text_file_undecodable_is_a_decode_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    with pytest.raises(DecodeError) as info:
        read_text_file(path)
    assert str(info.value).startswith(f"{path}: ")


# --- atomic writes ------------------------------------------------------------------------------


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_write_atomic_replaces_content_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"old content\n")
    path.chmod(0o640)
    new = "新的内容\r\n".encode("gb18030")
    write_atomic(path, new)
    assert path.read_bytes() == new
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(tmp_path, {"report.txt"}) == []


def test_write_atomic_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old_mask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.txt", b"x")
    finally:
        os.umask(old_mask)
    assert (tmp_path / "new.txt").read_bytes() == b"x"
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_write_atomic_failure_leaves_the_original_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "report.txt"
    original = SIMPLIFIED.encode("gbk")
    path.write_bytes(original)

    def boom(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, b"new bytes that must not land")
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert leftovers(tmp_path, {"report.txt"}) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_write_atomic_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, b"new\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"new\n"


def test_decoded_is_frozen() -> None:
    decoded = decode_bytes(b"abc")
    with pytest.raises((AttributeError, TypeError)):
        decoded.text = "x"  # type: ignore[misc]
