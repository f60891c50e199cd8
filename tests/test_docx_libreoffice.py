"""LibreOffice reads what docclean writes; legacy .doc files go through LibreOffice.

Needs ``soffice`` (Debian: ``apt-get install --no-install-recommends libreoffice-writer-nogui``);
the PDF checks also need ``pdftotext`` (``poppler-utils``). Skipped when they are missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx_builder import BANNER, CREDIT, EXPECTED_BODY, FOOTER_AD, PARA3, TEXTBOX_AD, TITLE, reseller_document
from docx_stub import stress_clean, stub_clean

import docclean
from docclean.docx import clean_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "docx"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")]


def convert(files: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """Convert ``files`` with one soffice run (private profile); return the outputs in order."""
    assert SOFFICE is not None
    profile = outdir / "lo-profile"
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    subprocess.run(command, capture_output=True, timeout=600, check=False)
    ext = fmt.split(":")[0]
    return [outdir / f"{f.stem}.{ext}" for f in files]


def squeeze(text: str) -> str:
    return "".join(text.replace("\ufeff", "").split())


@pytest.fixture(autouse=True)
def _stub_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docclean, "clean", stub_clean, raising=False)


@pytest.fixture
def cleaned(tmp_path: Path) -> tuple[Path, Path]:
    src = reseller_document(tmp_path / "resold.docx")
    out = tmp_path / "cleaned.docx"
    clean_docx(src).save(out)
    return src, out


def test_libreoffice_text_is_the_expected_text(cleaned: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = cleaned
    (txt,) = convert([out], "txt:Text (encoded):UTF8", tmp_path / "txt")
    text = txt.read_text(encoding="utf-8-sig")
    assert [line for line in text.splitlines() if line.strip()] == [
        line for line in EXPECTED_BODY.split("\n") if line.strip()
    ]


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_libreoffice_pdf_shows_no_junk(cleaned: tuple[Path, Path], tmp_path: Path) -> None:
    src, out = cleaned
    before, after = convert([src, out], "pdf", tmp_path / "pdf")

    def pdf_text(pdf: Path) -> str:
        done = subprocess.run([str(PDFTOTEXT), str(pdf), "-"], capture_output=True, text=True, check=True)
        return squeeze(done.stdout)

    old, new = pdf_text(before), pdf_text(after)
    for junk in (BANNER, CREDIT, FOOTER_AD, TEXTBOX_AD):
        assert squeeze(junk) in old  # the original really shows it…
        assert squeeze(junk) not in new  # …and the cleaned one does not
    for real in (TITLE, PARA3, "公司内部文件", "第1页"):
        assert squeeze(real) in new


def test_libreoffice_opens_heavily_edited_corpus_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/docx is not available")
    monkeypatch.setattr(docclean, "clean", stress_clean, raising=False)
    outs = []
    for path in sorted(CORPUS.glob("*.docx")):
        if path.name.startswith("malformed-"):
            continue
        out = tmp_path / "edited" / path.name
        out.parent.mkdir(exist_ok=True)
        clean_docx(path, max_removal=1.0).save(out)
        outs.append(out)
    texts = convert(outs, "txt:Text (encoded):UTF8", tmp_path / "txt")
    missing = [t.name for t in texts if not t.exists()]
    assert not missing


def test_legacy_doc_is_converted_and_cleaned(cleaned: tuple[Path, Path], tmp_path: Path) -> None:
    src, _ = cleaned
    (legacy,) = convert([src], "doc:MS Word 97", tmp_path / "doc")
    assert legacy.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    before = legacy.read_bytes()
    result = clean_docx(legacy)
    assert result.changed
    assert any("LibreOffice" in n for n in result.notices)
    assert BANNER not in result.text and TITLE in result.text
    out = tmp_path / "legacy-clean.docx"
    result.save(out)
    assert docx.Document(str(out)).paragraphs[0].text == TITLE
    assert legacy.read_bytes() == before


def test_wps_suffix_is_read_as_legacy(cleaned: tuple[Path, Path], tmp_path: Path) -> None:
    src, _ = cleaned
    (legacy,) = convert([src], "doc:MS Word 97", tmp_path / "doc")
    wps = legacy.with_suffix(".wps")
    legacy.rename(wps)
    result = clean_docx(wps)
    assert result.changed and TITLE in result.text
