"""docclean: clean resold document templates.

Strips reseller boilerplate, fixes accidental duplication, and flags unfilled placeholders and
numbering slips, reporting every finding::

    >>> import docclean
    >>> result = docclean.clean("仅供学习 禁止外传 用后删除\\n年度工作总结\\n")
    >>> result.text
    '年度工作总结\\n'
"""

from __future__ import annotations

from .api import CleanedFile, clean, clean_file
from .errors import DecodeError, DoccleanError, InputError, RemovalLimitError, RuleError
from .model import Action, Finding, FixMode, FixSafety, Result, Severity
from .rules import Rule, RuleSet, load_rules

__version__ = "0.1.0"

__all__ = [
    "Action",
    "CleanedFile",
    "DecodeError",
    "DoccleanError",
    "Finding",
    "FixMode",
    "FixSafety",
    "InputError",
    "RemovalLimitError",
    "Result",
    "Rule",
    "RuleError",
    "RuleSet",
    "Severity",
    "__version__",
    "clean",
    "clean_file",
    "load_rules",
]
