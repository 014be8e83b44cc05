"""The refusal every scheduler operation raises, with a message the coordinator can read."""

from __future__ import annotations


class RunError(Exception):
    """A run operation refused for a reason the coordinator can understand."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
