"""The narrow error every low-level field parser raises; the readers turn it into issue codes."""

from __future__ import annotations


class InvalidField(ValueError):
    """Text that is not a valid value; ``code`` says why (stable, machine-readable)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
