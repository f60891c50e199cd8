"""Exceptions raised by docclean; every one carries a one-line message for the user."""

from __future__ import annotations


class DoccleanError(Exception):
    """Base class of every error docclean raises on purpose."""


class RuleError(DoccleanError):
    """A rule file is invalid, or a rule failed while running (e.g. its regex timed out)."""


class DecodeError(DoccleanError):
    """A file's bytes could not be decoded as text."""


class InputError(DoccleanError):
    """An input file is unreadable, of an unsupported type, or unsafe to open."""


class RemovalLimitError(DoccleanError):
    """Cleaning would remove more of the document than the configured limit allows."""

    def __init__(self, share: float, limit: float) -> None:
        super().__init__(
            f"cleaning would remove {share:.0%} of the document, above the limit of {limit:.0%} "
            "(raise it with max_removal / --max-removal)"
        )
        self.share = share
        self.limit = limit
