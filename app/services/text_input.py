"""Checks shared by every form and service that stores what people type.

Control characters (a NUL byte, escapes) are never part of a name, an address or a note: they
break PostgreSQL (NUL), terminals, CSV files and mail headers. Tab and line breaks are allowed.
Households' phones are mainland numbers: a mobile (11 digits starting 13-19) or a landline
with its area code (0 + 2-3 digits, then 7-8 digits), stored as "13812345678" or "021-58881234".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

_PHONE_NOISE = re.compile(r"[\s()（）.]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
#: Beijing (010) and the 02x cities have three-digit area codes, every other one four: so
#: "02158881234" is Shanghai's 021-58881234, never "0215-8881234".
_LANDLINE = re.compile(r"(0[12]\d|0[3-9]\d{2})-?(\d{7,8})")


def has_control_characters(value: Any) -> bool:
    return isinstance(value, str) and any(
        unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in value)


def control_characters_message() -> LazyString:
    return _l("This text contains invisible control characters; remove them and try again.")


def normalise_contact_phone(raw: str | None) -> str | None:
    """A household's phone in one stored form; None when empty. ValueError with a message."""
    value = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", raw or ""))
    if not value:
        return None
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix):].lstrip("-")
    if _MOBILE.fullmatch(value.replace("-", "")):
        return value.replace("-", "")
    landline = _LANDLINE.fullmatch(value)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise ValueError(_l("Please enter a mainland phone number: a mobile (11 digits starting "
                        "with 1) or a landline with its area code, such as 021-58881234."))
