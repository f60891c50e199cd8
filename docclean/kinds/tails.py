"""Kind ``repeated-tail``: the same short note glued to the end of several different lines.

A reseller who stamps a copy paragraph by paragraph appends one note over and over: （码住！）,
【注：以当地口径为准】, ✨✨, [/hide]. A note is a line's end that starts at a set-off (a
bracket, a symbol, an emoji, a dash or a run of spaces, matched by ``set_off``) no more than
``max_len`` characters before the end; ``entry`` lists short regexes for what a set-off starts
with, to find the lines worth a look (an ASCII bracket or dash glued to a Latin word or number
is code: f(x), x--). A note is reported when the same note (white space dropped, digits folded)
ends at least ``min_lines`` lines whose texts before it differ, at least one of them holding a
Chinese character. Notes that differ only where a reseller fills in a variable count as one:
what ``variable`` matches (an account, an ID, a web address) is folded to one mark, and a
note in one pair of brackets longer than ``opening`` + 3 characters whose words open in
Chinese is known by its first ``opening`` characters and its closing bracket (（资料来自某某网）,
（资料来自某某群）); a note led by a mark also counts with the notes that share its mark, first word
character and last ``frame`` word characters ([由某某续写], [由某某AI续写]) and, out of brackets,
its mark and first three word characters (～资源来自某某) and its mark and last ``frame`` word
characters (——某某文书坊敬錄); such a group needs ``min_lines`` lines, and a line counts once in
it. A note with at least ``pair_han`` Chinese characters (in one closed pair of
brackets when it opens with one) needs only two lines: a worded insert, not a mark or a count.
Where several notes of a line qualify, the longest is reported. Never
counted: a note with no character of a word, symbol or emoji (a closing quote, an ellipsis), a
note that ``exclude`` matches from end to end (a news item's photo credit, a footnote mark), a
lead-in ending in a colon, a note holding the end of a sentence, Markdown headings, and a note
in Markdown code unless it cannot be the code's own (it opens with a wide mark or character after
code with no comment, no open string and no Chinese: ``let x = 1;【某某代写】``); a note that
recurs after other lines is reported after a heading or a line of code too.

With ``after_sentence`` (and ``min_lines = 1``) the kind finds a lone note instead: a note counts
only where the text before it ends a sentence and holds at least ``min_head`` characters (…任务。
(Certified Translation Available); a headline's annotation follows a short line), unless it starts
with one of ``unended`` (an emoji, a left arrow: no heading ends with one), and one line is enough.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import Document
from ..rules import Rule
from . import Hit
from .codespans import code_spans, inside, merged
from .marks import ENDS_SENTENCE, ONE_BRACKET_PAIR
from .recurring import normalised
from .regexes import compile_patterns, search

# what a note must hold: a character of a word, a symbol or an emoji
_CONTENT = re.compile("[\\w\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff\u2661\u2665]")
_HAN = re.compile("[\u4e00-\u9fff]")
# an ASCII bracket or dash glued to a Latin word or number is code or a formula: f(x), a[1], x--
_ASCII_MARK = frozenset("([{<-~")
_CODE_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.")
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]")
# spaces that follow spaces or a line break indent a line: no set-off
_SPACE = frozenset(" \t\u3000\n")
# what a note set off by spaces alone must hold (unless a finished sentence comes before the
# spaces): a digit, a sign or a symbol (积分+12)
_MARKED = re.compile("[0-9０-９+＋\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff]")
# the brackets a note known by its opening starts and ends with
_OPENERS = frozenset("（(【[〔［「")
_CLOSERS = frozenset("）)】]〕］」")
_HAN_OPENING = re.compile("[\u4e00-\u9fff]+")
_WORD_RUN = re.compile("[^\\W_]+")
# bars that set off a headline's column
_BARS = frozenset("｜|")
# marks that lead a note in twos
_DOUBLE_MARKS = frozenset({"——", "--", "~~", "～～", "==", "//"})
# what opens a title or a quotation, not a note
_QUOTING = frozenset("<《〈“‘「『\"'")
# a code fence's own line (```js), whose words never hold a wide character
_FENCE_LINE = re.compile(r"[ \t]{0,3}(?:`{3,}|~{3,})[A-Za-z0-9_+.#-]*[ \t]*")
# where a comment starts in a line of code
_COMMENT = re.compile(r"//|/\*|#|<!--|(?:^|\s)--(?:\s|$)|(?:^|\s);")
# a lead-in (诗曰：) or a clause that goes on (，)
_LEAD_IN = ("：", ":", "，", ",", "、")
# a note holds no end of a sentence outside brackets: text after one is the line's own
_SENTENCE_END = re.compile("[。；;](?![^（(【\\[〔［]*[）)】\\]〕］])|[。；;]$")


class RepeatedTailMatcher:
    """Matcher for kind ``repeated-tail``."""

    def __init__(self, rule: Rule) -> None:
        p = rule.params
        self.rule = rule
        self.min_lines = int(p.get("min_lines", 3))
        self.max_len = int(p.get("max_len", 30))
        self.set_off = re.compile(str(p["set_off"]))
        # the lines worth a look: what a set-off starts with (``entry``, short regexes, each
        # scanned on its own) no more than max_len characters before the end
        n = self.max_len
        self.entries = [re.compile(f"(?m){e}[^\n]{{0,{n}}}$") for e in p["entry"]]
        excl = p.get("exclude", [])
        self.exclude = compile_patterns(rule, [f"^(?:{x})$" for x in excl], key="exclude") if excl else None
        self.variable = re.compile(str(p["variable"])) if "variable" in p else None
        self.opening = int(p.get("opening", 0))
        # a note led by a mark is also grouped by its frame, its lead and its tail (see ``_keys``)
        self.frame = int(p.get("frame", 0))
        # a note with at least this many Chinese characters (in one closed pair of brackets when
        # it opens with one) needs only two lines: a worded insert, not a mark or a count
        self.pair_han = int(p.get("pair_han", 0))
        # only a note after a finished sentence counts (a lone note, set off from the text)
        self.after_sentence = bool(p.get("after_sentence", False))
        # with ``after_sentence``: notes that start with one of these marks count after any line
        self.unended = re.compile(str(p["unended"])) if "unended" in p else None
        self.min_head = int(p.get("min_head", 0))
        # with ``after_sentence``: how the text before a lone note ends (default: a sentence's end)
        self.head_end = re.compile(str(p["head_end"])) if "head_end" in p else ENDS_SENTENCE

    def find(self, doc: Document) -> Iterator[Hit]:
        """Yield the note of every line whose note recurs on enough different lines."""
        text = doc.text
        code = merged(code_spans(doc))
        code_starts = [a for a, _ in code]
        notes: dict[int, list[tuple[int, tuple[str, ...]]]] = {}  # line index -> [(start, keys)], longest first
        hosts: dict[str, set[str]] = {}
        han: set[str] = set()
        worded: set[str] = set()
        line_of = doc.lines.line_of
        candidates = {line_of(p) for rx in self.entries for m in rx.finditer(text)
                      if (p := m.start()) and not _glued_to_code(text, p)
                      and not (text[p] in _SPACE and text[p - 1] in _SPACE)}
        for i in sorted(candidates):
            line = doc.lines.line(i)
            body = text[line.start : line.end].rstrip()
            # a Markdown heading's own annotation (## 类装饰器（新语法）) and code are no evidence,
            # but a note that recurs after other lines is reported after them too
            heading = bool(_HEADING.match(body))
            lo = max(1, len(body) - self.max_len)
            found = []
            counted: set[str] = set()
            for m in self.set_off.finditer(body, lo):
                start = m.start()
                head = body[:start].rstrip()
                note = body[start:].strip()
                if not head or not self._counts(note, doc):
                    continue
                if _glued_to_code(body, start):
                    continue  # code or a formula: len(devices)}'), a[1]
                in_code = inside(code, code_starts, line.start + start, line.start + start + 1)
                foreign = in_code and _foreign_to_code(head, note)
                if self.after_sentence and not foreign and not self._lone_place(head, note):
                    continue
                if body[start].isspace() and not _MARKED.search(note) and not ENDS_SENTENCE.search(head):
                    continue  # set off by spaces alone: a heading's words (第七章　附则), not after a full stop
                keys = self._keys(note)
                found.append((line.start + start, keys))
                if heading:
                    continue
                if in_code and not foreign:
                    continue
                # a lone note foreign to the code it is glued to needs no Chinese before it
                is_worded = self._worded(note)
                has_han = _HAN.search(head) is not None or (foreign and self.after_sentence)
                for j, key in enumerate(keys):
                    if key in counted:
                        continue  # a line counts once for a group (two of its notes may share a frame)
                    counted.add(key)
                    hosts.setdefault(key, set()).add(head)
                    if is_worded and j == 0:  # a frame, a lead or a tail always needs min_lines
                        worded.add(key)
                    if has_han:
                        han.add(key)
            if found:
                notes[i] = found
        qualified = {k for k, h in hosts.items()
                     if k in han and (len(h) >= self.min_lines or (len(h) >= 2 and k in worded))}
        for i, found in notes.items():
            for start, keys in found:  # set-offs in order: the first qualifying note is the longest
                counts = [len(hosts[k]) for k in keys if k in qualified]
                if counts:
                    end = doc.lines.lines[i].end
                    while end > start and text[end - 1].isspace():
                        end -= 1
                    yield Hit(start, end, None, {"match": text[start:end], "count": max(counts)})
                    break

    def _lone_place(self, head: str, note: str) -> bool:
        """Whether ``note`` sits where a lone note counts (``after_sentence``): after a text of at
        least ``min_head`` characters that ends as ``head_end`` says, or after any text but a
        label's colon (姓名：[Your Name] is a template's field) when it starts with ``unended``. (A
        note in Markdown code that cannot be the code's own counts too: see ``find``.)"""
        if self.unended is not None and self.unended.match(note) and not head.endswith(_LEAD_IN):
            return True
        return len(head) >= self.min_head and self.head_end.search(head) is not None

    def _keys(self, note: str) -> tuple[str, ...]:
        """The groups ``note`` counts in: its own key and, for a note led by a mark (one or two
        characters) and long enough, its frame (the mark and first word character with the last
        ``frame`` characters: [由某某AI续写], ～关注某某学更多) and, for a note not in one pair of
        brackets, its lead (the mark and three word characters: ～资源来自某某, ｜FB搜尋：某某) and its
        tail (the mark and the last ``frame`` characters: ——某某文书坊敬錄, —某某农场助农); a
        seller fills a name in."""
        plain = self._plain(note)
        key = self._opening(plain)
        n = self.frame
        m = 2 if plain[:2] in _DOUBLE_MARKS else 1
        if not n or len(plain) < m + 1 + n + 2 or plain[0].isalnum() or plain[0] in _QUOTING \
                or not plain[m].isalnum():
            return (key,)
        keys = [key]
        end = len(plain) - (plain[-1] in _CLOSERS)
        tail = _WORD_RUN.fullmatch(plain, end - n, end) is not None
        if tail:
            keys.append("\0" + plain[: m + 1] + "…" + plain[end - n :])
        if plain[0] not in _OPENERS:
            if _WORD_RUN.fullmatch(plain, m, m + 3):
                keys.append("\0" + plain[: m + 3] + "…")
            if tail:
                keys.append("\0" + plain[:m] + "…" + plain[end - n :])
        return tuple(keys)

    def _plain(self, note: str) -> str:
        """``note`` with white space dropped, digits and variables folded."""
        key = normalised(note)
        return key if self.variable is None else self.variable.sub("…", key)

    def _opening(self, key: str) -> str:
        """``key`` known by its opening, if it is a long note in one pair of brackets opening
        with Chinese words (see ``opening``)."""
        n = self.opening
        if n and len(key) > n + 3 and key[0] in _OPENERS and key[-1] in _CLOSERS \
                and _HAN_OPENING.fullmatch(key, 1, n) \
                and not any(c in _OPENERS or c in _CLOSERS for c in key[1:-1]):
            return key[:n] + "…" + key[-1]
        return key

    def _worded(self, note: str) -> bool:
        """Whether ``note`` is worded enough to count after two lines (see ``pair_han``); a name
        after a bar is a headline's column (…｜某某财经), never worded."""
        if not self.pair_han or note[0] in _BARS or len(_HAN.findall(note)) < self.pair_han:
            return False
        return note[0] not in _OPENERS or ONE_BRACKET_PAIR.fullmatch(note) is not None

    def _counts(self, note: str, doc: Document) -> bool:
        if not note or len(note) > self.max_len or not _CONTENT.search(note):
            return False
        if note.endswith(_LEAD_IN) or _SENTENCE_END.search(note):
            return False
        return self.exclude is None or search(self.rule, self.exclude, note, doc.time_budget) is None


def _foreign_to_code(head: str, note: str) -> bool:
    """Whether ``note``, glued to the line of code ``head``, cannot be the code's own: it opens
    with a wide mark or character, after a fence's line or after code with no comment, no string
    left open and no Chinese (a comment's or a string's words would be the code's own)."""
    if note[0].isascii():
        return False
    if _FENCE_LINE.fullmatch(head):
        return True
    if _HAN.search(head) or _COMMENT.search(head):
        return False
    return all(head.count(q) % 2 == 0 for q in "'\"`")


def _glued_to_code(text: str, p: int) -> bool:
    """Whether the set-off at ``text[p]`` is an ASCII bracket or dash glued to a Latin word or a
    number (``p`` > 0): code or a formula, f(x), a[1], x--, not a note."""
    return text[p] in _ASCII_MARK and text[p - 1] in _CODE_BEFORE
