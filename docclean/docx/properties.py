"""Document properties: core (``docProps/core.xml``), extended (``app.xml``) and custom (``custom.xml``).

Each text value is cleaned like a one-line text. A value the engine cleans is replaced by the
cleaned text (usually empty: "某某文库整理 QQ123456" is cleared); other values stay as they are.
Findings are reported with ``part`` = ``"docProps/core.xml#creator"``,
``"docProps/app.xml#Company"``, ``"docProps/custom.xml#<property name>"``.
"""

from __future__ import annotations

from lxml import etree

from docclean.docx.engine import Cleaner, placed
from docclean.docx.ns import local
from docclean.docx.package import Package
from docclean.model import Finding

CORE_FIELDS = ("title", "subject", "creator", "lastModifiedBy", "keywords", "description", "category")
APP_FIELDS = ("Company", "Manager", "HyperlinkBase")
CUSTOM_VALUE_TYPES = ("lpwstr", "lpstr", "bstr")


def _clean_value(elem: etree._Element, label: str, cleaner: Cleaner, *, edit: bool) -> tuple[list[Finding], bool]:
    value = elem.text or ""
    if not value.strip():
        return [], False
    result = cleaner(value, 1.0)
    applied = edit and any(f.applied and f.fixable for f in result.findings)
    if applied:
        elem.text = " ".join(result.text.split())
    findings = [placed(f, label, applied=f.applied and applied) for f in result.findings]
    return findings, applied


def clean_properties(pkg: Package, cleaner: Cleaner, *, edit: bool) -> list[Finding]:
    """Clean the text values of the core, extended and custom property parts."""
    findings: list[Finding] = []
    for rel in pkg.rels(""):
        name = rel.part
        if not name or not pkg.has(name):
            continue
        if rel.kind == "core-properties":
            wanted: tuple[str, ...] = CORE_FIELDS
        elif rel.kind in ("extended-properties", "extendedProperties"):
            wanted = APP_FIELDS
        elif rel.kind in ("custom-properties", "customProperties"):
            findings.extend(_clean_custom(pkg, name, cleaner, edit=edit))
            continue
        else:
            continue
        root = pkg.xml(name)
        changed = False
        for child in root:
            key = local(child.tag)
            if key in wanted and len(child) == 0:
                found, did = _clean_value(child, f"{name}#{key}", cleaner, edit=edit)
                findings.extend(found)
                changed = changed or did
        if changed:
            pkg.mark_dirty(name)
    return findings


def _clean_custom(pkg: Package, name: str, cleaner: Cleaner, *, edit: bool) -> list[Finding]:
    root = pkg.xml(name)
    findings: list[Finding] = []
    changed = False
    for prop in root:
        if local(prop.tag) != "property":
            continue
        label = f"{name}#{prop.get('name', '')}"
        for value in prop:
            if local(value.tag) in CUSTOM_VALUE_TYPES:
                found, did = _clean_value(value, label, cleaner, edit=edit)
                findings.extend(found)
                changed = changed or did
    if changed:
        pkg.mark_dirty(name)
    return findings
