"""Deleting comments whose whole text was reseller boilerplate.

A comment is one ``w:comment`` in ``comments.xml`` plus, in the stories, a
``w:commentRangeStart``/``w:commentRangeEnd`` pair and a ``w:commentReference`` run; Word 2013+
also keeps rows keyed by the last paragraph's ``w14:paraId`` in ``commentsExtended.xml`` and
``commentsIds.xml``, and by ``durableId`` in ``commentsExtensible.xml``. All of them go together.
"""

from __future__ import annotations

from lxml import etree

from docclean.docx.edit import has_content
from docclean.docx.ns import local
from docclean.docx.package import Package


def comment_texts(pkg: Package, part: str) -> dict[str, str]:
    """Visible text of each comment of a comments part, by ``w:id``."""
    root = pkg.xml(part)
    ns = pkg.ns
    w_id, w_t = ns.q("w:id"), ns.q("w:t")
    return {
        str(c.get(w_id)): "".join(t.text or "" for t in c.iter(w_t))
        for c in root
        if local(c.tag) == "comment" and c.get(w_id) is not None
    }


def _attr(elem: etree._Element, name: str) -> str | None:
    for key, value in elem.attrib.items():
        if key.rpartition("}")[2] == name:
            return str(value)
    return None


def delete_comments(pkg: Package, part: str, ids: set[str], story_parts: list[str]) -> None:
    """Remove the comments ``ids`` of ``part`` with their anchors, references and extension rows."""
    if not ids:
        return
    ns = pkg.ns
    w_id = ns.q("w:id")
    root = pkg.xml(part)
    para_ids: set[str] = set()
    for comment in list(root):
        if local(comment.tag) == "comment" and comment.get(w_id) in ids:
            for para in comment.iter(ns.q("w:p")):
                pid = _attr(para, "paraId")
                if pid:
                    para_ids.add(pid)
            root.remove(comment)
    pkg.mark_dirty(part)
    anchors = {ns.q("w:commentRangeStart"), ns.q("w:commentRangeEnd"), ns.q("w:commentReference")}
    for name in story_parts:
        story_root = pkg.xml(name)
        touched = False
        for node in [n for n in story_root.iter(*anchors) if n.get(w_id) in ids]:
            parent = node.getparent()
            if parent is None:
                continue
            parent.remove(node)
            touched = True
            if parent.tag == ns.q("w:r") and not has_content(parent, ns):
                holder = parent.getparent()
                if holder is not None:
                    holder.remove(parent)
        if touched:
            pkg.mark_dirty(name)
    durable: set[str] = set()
    for kind, row, key in (
        ("commentsExtended", "commentEx", "paraId"),
        ("commentsIds", "commentId", "paraId"),
    ):
        for ext in pkg.related(pkg.main, kind):
            ext_root = pkg.xml(ext)
            for node in [n for n in ext_root if local(n.tag) == row and _attr(n, key) in para_ids]:
                did = _attr(node, "durableId")
                if did:
                    durable.add(did)
                ext_root.remove(node)
                pkg.mark_dirty(ext)
    for ext in pkg.related(pkg.main, "commentsExtensible"):
        ext_root = pkg.xml(ext)
        for node in [n for n in ext_root if local(n.tag) == "commentExtensible" and _attr(n, "durableId") in durable]:
            ext_root.remove(node)
            pkg.mark_dirty(ext)
