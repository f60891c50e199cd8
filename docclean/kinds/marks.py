"""Punctuation shapes that several kinds read: a finished sentence, one pair of brackets, a run of
one note repeated."""

from __future__ import annotations

import re

# a text that ends a sentence (a headline's question, a greeting), closing quotes allowed
ENDS_SENTENCE = re.compile("[。！？!?][”’」』）)]*$")
# one pair of brackets, from an opening bracket to a closing one, with none inside, on one line
ONE_BRACKET_PAIR = re.compile("[（(【〔［\\[「][^（()）【】〔〕［］\\[\\]「」\n]*[）)】〕］\\]」]")


def first_copy(text: str, start: int, note: str, lo: int) -> int:
    """Where the run of copies of ``note`` that ends with the copy at ``start`` begins (the copies
    side by side or set apart by spaces, none before ``lo``): the first copy's start, or ``start``
    when no copy comes right before it."""
    if not note:
        return start
    while True:
        k = start
        while k > lo and text[k - 1] in " \t\u3000":
            k -= 1
        if k - len(note) < lo or not text.startswith(note, k - len(note)):
            return start
        start = k - len(note)
