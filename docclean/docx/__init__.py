"""Cleaning Word documents (.docx, .docm; .doc/.wps through LibreOffice) with the docclean text engine.

::

    from docclean.docx import clean_docx

    result = clean_docx("report.docx")          # fix="safe" by default
    for finding in result.findings:
        print(finding.part, finding.line, finding.rule, finding.text)
    if result.changed:
        result.save("report.clean.docx")        # atomic; the input file is never modified

Modules: :mod:`~docclean.docx.container` (safety checks, zip reading, safe XML parsing),
:mod:`~docclean.docx.package` (parts, relationships, writing), :mod:`~docclean.docx.textview`
(paragraphs to text with an offset map), :mod:`~docclean.docx.edit` (applying edits run by run),
:mod:`~docclean.docx.stories` (body, headers, footers, notes, comments, text boxes),
:mod:`~docclean.docx.links`, :mod:`~docclean.docx.watermark`, :mod:`~docclean.docx.properties`,
:mod:`~docclean.docx.legacy`, :mod:`~docclean.docx.document` (the pipeline).
"""

from __future__ import annotations

from docclean.docx.container import DEFAULT_LIMITS, Limits
from docclean.docx.document import DocxResult, clean_docx

__all__ = ["DEFAULT_LIMITS", "DocxResult", "Limits", "clean_docx"]
