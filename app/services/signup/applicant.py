"""What a resident enters, checked and normalised; the refusals the sign-up service raises."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.enums import RegistrationStatus

#: Statuses that hold a place (and count against capacity).
HOLDING = (RegistrationStatus.confirmed, RegistrationStatus.attended)
#: Statuses that block a second sign-up with the same number.
ACTIVE = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)

_PHONE = re.compile(r"1[3-9][0-9]{9}")
_PHONE_NOISE = re.compile(r"[\s\-()（）\u00a0]")

NAME_MAX = 80
MAX_ID = 2**31 - 1
SLOT_NOT_FOUND = _l("This time slot does not exist.")
EVENT_NOT_FOUND = _l("This event does not exist.")
ROOM_MAX = 40
EMAIL_MAX = 254


class SignupError(Exception):
    """A sign-up or cancellation refused for a reason the user can understand.

    `code` is stable (API clients switch on it); `message` is in the user's language;
    `field` names the form field at fault, when there is one.
    """

    #: code → HTTP status for the API and the pages.
    STATUS = {
        "invalid": 422,
        "not_found": 404,
        "not_open": 409,
        "closed": 409,
        "full": 409,
        "duplicate": 409,
        "busy": 503,
        "below_bookings": 409,
    }

    def __init__(self, code: str, message: Any, field: str | None = None, **details: Any):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.details = details

    @property
    def status(self) -> int:
        return self.STATUS.get(self.code, 400)


class SignupInvalid(SignupError):
    """One or more fields are wrong; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, Any]):
        first_field, first = next(iter(errors.items()))
        super().__init__("invalid", first, first_field)
        self.errors = errors


# -- Input -------------------------------------------------------------------------------

def normalise_phone(raw: str | None) -> str:
    """A mainland mobile number as 11 digits; spaces, dashes and +86/0086 are accepted."""
    value = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", raw or ""))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif len(value) == 13 and value.startswith("86"):
        value = value[2:]
    if not _PHONE.fullmatch(value):
        raise SignupInvalid(
            {"phone": _l("Please enter a mainland mobile number: 11 digits starting with 1.")}
        )
    return value


def mask_name(name: str) -> str:
    """张三丰 → 张**, Alice → A****: names on any public list show the first character only."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def _has_control(value: str | None) -> bool:
    return bool(value) and any(
        unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in value or ""
    )


@dataclass
class Applicant:
    """What a resident gives: only what is needed."""

    name: str
    phone: str
    building: str | None = None
    room: str | None = None
    party_size: int | str | None = 1
    consent: bool = False
    email: str | None = None
    locale: str | None = None
    #: A course participant's wish to be told before each session.
    session_notices: bool = False

    def cleaned(self, max_party_size: int) -> Applicant:
        """Validated and normalised copy; raises `SignupInvalid` listing every bad field."""
        errors: dict[str, Any] = {}
        for key in ("name", "building", "room", "email"):
            if _has_control(getattr(self, key)):
                errors[key] = _l("Please remove the invisible control characters.")
        if errors:
            raise SignupInvalid(errors)
        name = " ".join((self.name or "").split())
        if not name:
            errors["name"] = _l("Please enter your name.")
        elif len(name) > NAME_MAX:
            errors["name"] = _l("The name is too long (at most %(n)s characters).", n=NAME_MAX)
        phone = ""
        try:
            phone = normalise_phone(self.phone)
        except SignupInvalid as error:
            errors.update(error.errors)
        building = (self.building or "").strip() or None
        room = (self.room or "").strip() or None
        for key, value in (("building", building), ("room", room)):
            if value and len(value) > ROOM_MAX:
                errors[key] = _l("At most %(n)s characters, please.", n=ROOM_MAX)
        try:
            party = int(str(self.party_size if self.party_size is not None else 1).strip())
        except ValueError:
            party = 0
        if not 1 <= party <= max_party_size:
            errors["party_size"] = _l(
                "The number of people must be between 1 and %(n)s.", n=max_party_size
            )
        email = (self.email or "").strip() or None
        if email and (len(email) > EMAIL_MAX or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+",
                                                                  email)):
            errors["email"] = _l("Please enter a valid e-mail address, or leave it empty.")
        if self.consent is not True:
            errors["consent"] = _l(
                "Please agree to the use of your details for this sign-up."
            )
        if errors:
            raise SignupInvalid(errors)
        return Applicant(name, phone, building, room, party, True, email, self.locale,
                         bool(self.session_notices))


