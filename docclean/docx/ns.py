"""XML namespaces of WordprocessingML packages, in both the Transitional and the Strict flavour.

ISO Strict files use other URIs for the ``w``/``r``/``wp``/``a``/``pic`` vocabularies; everything
else (VML, markup compatibility, Word 2010+ extensions) is shared. Code never hard-codes a URI:
it asks an :class:`Ns` for qualified names and XPath namespace maps.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

_COMMON = {
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "xml": "http://www.w3.org/XML/1998/namespace",
}

_TRANSITIONAL = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
}

_STRICT = {
    "w": "http://purl.oclc.org/ooxml/wordprocessingml/main",
    "r": "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "wp": "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
    "a": "http://purl.oclc.org/ooxml/drawingml/main",
    "pic": "http://purl.oclc.org/ooxml/drawingml/picture",
    "m": "http://purl.oclc.org/ooxml/officeDocument/math",
}

STRICT_W = _STRICT["w"]
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class Ns:
    """Qualified names and XPath helpers for one package flavour."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self.map: dict[str, str] = {**_COMMON, **(_STRICT if strict else _TRANSITIONAL)}
        self._names: dict[str, str] = {}

    def q(self, name: str) -> str:
        """``"w:p"`` -> ``"{uri}p"`` (Clark notation), cached."""
        found = self._names.get(name)
        if found is None:
            prefix, _, local = name.partition(":")
            found = f"{{{self.map[prefix]}}}{local}"
            self._names[name] = found
        return found

    def xpath(self, node: etree._Element, path: str) -> list[etree._Element]:
        """Elements matched by ``path`` (prefixes from this flavour) below ``node``."""
        result = _compiled(path, self.strict)(node)
        assert isinstance(result, list)
        return [r for r in result if isinstance(r, etree._Element)]

    @property
    def r_uri(self) -> str:
        """URI of the relationship-reference attributes (``r:id``, ``r:embed``…)."""
        return self.map["r"]


_FLAVOURS = {False: Ns(strict=False), True: Ns(strict=True)}


def flavour(*, strict: bool) -> Ns:
    """The shared :class:`Ns` instance for a flavour."""
    return _FLAVOURS[strict]


@lru_cache(maxsize=256)
def _compiled(path: str, strict: bool) -> etree.XPath:
    namespaces = {**_COMMON, **(_STRICT if strict else _TRANSITIONAL)}
    namespaces.pop("xml")
    return etree.XPath(path, namespaces=namespaces)


def local(tag: object) -> str:
    """Local name of an element tag (``""`` for comments and processing instructions)."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]
