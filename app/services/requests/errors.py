"""The one error of the requests service: a refusal the user can read."""

from __future__ import annotations

from typing import Any


class RequestError(ValueError):
    """A request refused for a reason the user can read. `code` is stable; `message` is in the
    user's language; `field` names the form field at fault, if any."""

    STATUS = {"invalid": 422, "not_found": 404, "not_allowed": 409, "changed": 409}

    def __init__(self, code: str, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field

    @property
    def status(self) -> int:
        return self.STATUS.get(self.code, 400)
