"""An OPC package held in memory: original zip entries, parsed XML parts on demand, relationships,
and writing back where untouched entries keep their exact bytes."""

from __future__ import annotations

import os
import posixpath
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from docclean.docx.container import fail, parse_xml, read_entries
from docclean.docx.ns import STRICT_W, Ns, flavour, local

PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
WORD_MAINS = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    MACRO_MAIN,
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


@dataclass(frozen=True, slots=True)
class Rel:
    """One relationship of a source part."""

    rid: str
    kind: str  # last segment of the relationship type URI, e.g. "header", "image", "hyperlink"
    target: str  # raw Target attribute
    external: bool
    part: str | None  # resolved part name for internal targets


def rels_name(part: str) -> str:
    """Name of the rels part of ``part`` (``""`` = the package itself)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


class Package:
    """A .docx read fully into memory after the container checks."""

    def __init__(self, path: str | os.PathLike[str], *, name: str | None = None) -> None:
        self.path = name if name is not None else os.fspath(path)  # what messages and results call it
        self.raw, self._entries = read_entries(path, name=self.path)
        path = self.path
        self.data: dict[str, bytes] = {e.name: e.data for e in self._entries}
        self._trees: dict[str, etree._Element] = {}
        self.dirty: set[str] = set()
        self.removed: set[str] = set()
        root_rels = self.rels("")
        mains = [r for r in root_rels if r.kind == "officeDocument" and r.part]
        if not mains or mains[0].part not in self.data:
            raise fail(path, "not a Word document (no main document part)")
        self.main: str = mains[0].part or ""
        self.main_content_type = self.content_type(self.main)
        if self.main_content_type not in WORD_MAINS:
            raise fail(path, f"not a Word document (main part type {self.main_content_type or 'unknown'})")
        root = self.xml(self.main)
        self.ns: Ns = flavour(strict=root.tag.startswith("{" + STRICT_W))
        if local(root.tag) != "document":
            raise fail(path, "not a Word document (main part is not w:document)")
        self._reachable_before = self.reachable()

    # -- parts --------
    def xml(self, name: str) -> etree._Element:
        """The parsed root element of an XML part (parsed once, then shared)."""
        tree = self._trees.get(name)
        if tree is None:
            tree = parse_xml(self.path, name, self.data[name])
            self._trees[name] = tree
        return tree

    def has(self, name: str) -> bool:
        return name in self.data and name not in self.removed

    def mark_dirty(self, name: str) -> None:
        """Record that the parsed tree of ``name`` was edited and must be re-serialised."""
        self.dirty.add(name)

    @property
    def macro_enabled(self) -> bool:
        return self.main_content_type == MACRO_MAIN or any(r.kind == "vbaProject" for r in self.rels(self.main))

    # -- content types --------
    def content_type(self, part: str) -> str | None:
        root = self.xml("[Content_Types].xml")
        for node in root:
            if local(node.tag) == "Override" and node.get("PartName", "").lstrip("/") == part:
                return str(node.get("ContentType", ""))
        ext = part.rpartition(".")[2].lower()
        for node in root:
            if local(node.tag) == "Default" and node.get("Extension", "").lower() == ext:
                return str(node.get("ContentType", ""))
        return None

    def parts_of_type(self, suffix: str) -> list[str]:
        """Parts whose Override content type ends with ``suffix`` (e.g. ``"header+xml"``), in zip order."""
        root = self.xml("[Content_Types].xml")
        wanted = {
            node.get("PartName", "").lstrip("/")
            for node in root
            if local(node.tag) == "Override" and node.get("ContentType", "").endswith(suffix)
        }
        return [e.name for e in self._entries if e.name in wanted and self.has(e.name)]

    # -- relationships --------
    def rels_root(self, part: str) -> etree._Element | None:
        name = rels_name(part)
        if name not in self.data:
            return None
        return self.xml(name)

    def rels(self, part: str) -> list[Rel]:
        root = self.rels_root(part)
        if root is None:
            return []
        out: list[Rel] = []
        base = posixpath.dirname(part)
        for node in root:
            if local(node.tag) != "Relationship":
                continue
            target = node.get("Target", "")
            external = node.get("TargetMode") == "External"
            resolved: str | None = None
            if not external and target:
                joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
                resolved = posixpath.normpath(joined)
            out.append(Rel(node.get("Id", ""), node.get("Type", "").rpartition("/")[2], target, external, resolved))
        return out

    def rel(self, part: str, rid: str) -> Rel | None:
        for item in self.rels(part):
            if item.rid == rid:
                return item
        return None

    def related(self, part: str, kind: str) -> list[str]:
        """Internal parts that ``part`` reaches through relationships of type ``kind``."""
        return [r.part for r in self.rels(part) if r.kind == kind and r.part and self.has(r.part)]

    def ref_count(self, part: str, rid: str) -> int:
        """How many attributes in ``part`` refer to relationship ``rid`` (r:id, r:embed, r:link, o:relid…)."""
        root = self.xml(part)
        r_uri = "{" + self.ns.r_uri + "}"
        relid = self.ns.q("o:relid")
        count = 0
        for node in root.iter():
            for key, value in node.attrib.items():
                if value == rid and (key.startswith(r_uri) or key == relid):
                    count += 1
        return count

    def drop_rel_if_unused(self, part: str, rid: str) -> bool:
        """Remove relationship ``rid`` of ``part`` when nothing in ``part`` refers to it any more."""
        if not rid or self.ref_count(part, rid):
            return False
        root = self.rels_root(part)
        if root is None:
            return False
        for node in list(root):
            if node.get("Id") == rid:
                root.remove(node)
                self.mark_dirty(rels_name(part))
                return True
        return False

    def reachable(self) -> set[str]:
        """Parts reachable from the package relationships."""
        seen: set[str] = set()
        todo = [""]
        while todo:
            source = todo.pop()
            for item in self.rels(source):
                if item.part and item.part in self.data and item.part not in seen:
                    seen.add(item.part)
                    todo.append(item.part)
        return seen

    def prune(self) -> list[str]:
        """Drop parts that edits made unreachable (with their rels and content-type overrides)."""
        lost = sorted((self._reachable_before - self.reachable()) - self.removed)
        if not lost:
            return []
        types = self.xml("[Content_Types].xml")
        for name in lost:
            self.removed.add(name)
            rn = rels_name(name)
            if rn in self.data:
                self.removed.add(rn)
            for node in list(types):
                if local(node.tag) == "Override" and node.get("PartName", "").lstrip("/") == name:
                    types.remove(node)
                    self.mark_dirty("[Content_Types].xml")
        return lost

    # -- writing --------
    @property
    def changed(self) -> bool:
        return bool(self.dirty or self.removed)

    def serialise(self, name: str) -> bytes:
        root = self._trees[name]
        tree = root.getroottree()
        standalone = tree.docinfo.standalone
        if standalone is None:
            return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
        return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=standalone))

    def entries(self) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
        """Entries of the output package: untouched ones with their original bytes."""
        for entry in self._entries:
            if entry.name in self.removed:
                continue
            if entry.name in self.dirty:
                yield entry.info, self.serialise(entry.name)
            else:
                yield entry.info, entry.data

    def write(self, out_path: str | os.PathLike[str]) -> None:
        """Write the package atomically (temp file in the target folder, then ``os.replace``)."""
        target = Path(out_path)
        fd, tmp_name = tempfile.mkstemp(prefix=".docclean-", suffix=".tmp", dir=target.resolve().parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                if not self.changed:
                    handle.write(self.raw)
                else:
                    with zipfile.ZipFile(handle, "w") as out:
                        for info, data in self.entries():
                            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                            copy.compress_type = info.compress_type
                            copy.external_attr = info.external_attr
                            copy.create_system = info.create_system
                            out.writestr(copy, data)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.chmod(_file_mode(target))
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _file_mode(target: Path) -> int:
    """Mode for the written file: the existing target's, else 0o666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
