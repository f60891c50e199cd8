"""Legacy binary files (.doc, .wps): converted to .docx with LibreOffice before cleaning."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from docclean.docx.container import fail

LEGACY_SUFFIXES = frozenset({".doc", ".wps", ".dot"})
INSTALL_HINT = "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui) or save it as .docx"
TIMEOUT = 180


def soffice() -> str | None:
    """Path of the LibreOffice command-line binary, if installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def is_legacy(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in LEGACY_SUFFIXES


def convert_to_docx(path: str | os.PathLike[str], workdir: str) -> str:
    """Convert a legacy file into ``workdir`` with ``soffice --headless``; return the .docx path."""
    binary = soffice()
    if binary is None:
        raise fail(path, f"legacy {Path(path).suffix.lower()} file needs LibreOffice to be converted; {INSTALL_HINT}")
    profile = tempfile.mkdtemp(prefix="profile-", dir=workdir)
    source = Path(path).resolve()
    # copy first: LibreOffice names its output after the input and must never write near the input
    staged = Path(workdir) / f"input{source.suffix.lower()}"
    shutil.copyfile(source, staged)
    command = [
        binary,
        f"-env:UserInstallation={Path(profile).as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        workdir,
        str(staged),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise fail(path, f"LibreOffice did not convert the file within {TIMEOUT} s") from None
    except OSError as exc:
        raise fail(path, f"cannot run LibreOffice ({exc})") from None
    out = Path(workdir) / "input.docx"
    if done.returncode != 0 or not out.exists():
        detail = " ".join((done.stderr or done.stdout or "no output").split())[:200]
        raise fail(path, f"LibreOffice could not convert the file (encrypted or damaged?): {detail}")
    return str(out)
