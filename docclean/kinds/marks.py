"""Punctuation shapes that several kinds read: a finished sentence, one pair of brackets."""

from __future__ import annotations

import re

# a text that ends a sentence (a headline's question, a greeting), closing quotes allowed
ENDS_SENTENCE = re.compile("[。！？!?][”’」』）)]*$")
# one pair of brackets, from an opening bracket to a closing one, with none inside, on one line
ONE_BRACKET_PAIR = re.compile("[（(【〔［\\[「][^（()）【】〔〕［］\\[\\]「」\n]*[）)】〕］\\]」]")
