"""Finding personal data in a text meant for the public (the notice board, its feeds, the
Open311 API): phone numbers, ID numbers, e-mail addresses and the number of somebody's flat.

A building alone ("12号楼前搭建花架") is how a board names a place, so it is allowed; a room
("302室"), a unit and room ("2单元302室") or a building and room ("3号楼502") points at one
household and is not. The patterns read the text after NFKC normalisation, so full-width
digits and "＠" are caught too. A name cannot be told from other words in general, but the
names a text must not hold can be given (`find_names`: the notice board is given the people of
its request) and are found as written, whatever the case or width.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

#: Digits may be grouped by spaces or dashes ("138 0013 8000", "138-0013-8000").
_SEP = r"[\s\-]?"
#: Checked in this order; a span found by one pattern is not looked at again (an ID number
#: holds what looks like a mobile number).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id_number", re.compile(rf"(?<!\d)\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx](?![\dA-Za-z])")),
    ("email", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    ("mobile", re.compile(rf"(?<!\d)(?:\+?86{_SEP})?1[3-9]\d(?:{_SEP}\d){{8}}(?!\d)")),
    ("landline", re.compile(
        rf"(?<!\d)(?:\(0\d{{2,3}}\)|（0\d{{2,3}}）|0\d{{2,3}}){_SEP}[2-9]\d{{2,3}}{_SEP}\d{{4}}"
        r"(?!\d)|(?<!\d)[2-9]\d{3}-\d{4}(?!\d)"
        r"|(?:电话|座机|手机|联系方式|tel|phone)[:：\s]*\d[\d\s\-]{5,}\d")),
    ("room", re.compile(
        r"\d+\s*单元\s*\d{2,4}(?:\s*(?:室|房间?|号))?"
        r"|\d+\s*(?:号楼|号|栋|幢|座)\s*-?\s*\d{3,4}(?:\s*(?:室|房间?))?(?!\d)"
        r"|(?<!\d)\d{3,4}\s*(?:室|房间?)")),
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str


def _labels() -> dict[str, Any]:
    return {
        "id_number": _l("ID number"),
        "email": _l("e-mail address"),
        "mobile": _l("mobile number"),
        "landline": _l("phone number"),
        "room": _l("room or flat number"),
        "name": _l("the name of someone in this request"),
    }


def find_personal_data(text: str | None) -> list[Finding]:
    """What in `text` looks like somebody's phone, ID number, e-mail or flat, in order."""
    value = unicodedata.normalize("NFKC", text or "")
    found: list[tuple[int, Finding]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(value):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append((start, Finding(kind, match.group().strip())))
    return [finding for _start, finding in sorted(found, key=lambda item: item[0])]


def find_names(text: str | None, names: Iterable[str]) -> list[Finding]:
    """Which of `names` (people's names: two characters or more) `text` holds."""
    value = unicodedata.normalize("NFKC", text or "").casefold()
    found = []
    for name in dict.fromkeys(" ".join(n.split()) for n in names if n):
        if len(name) >= 2 and unicodedata.normalize("NFKC", name).casefold() in value:
            found.append(Finding("name", name))
    return found


def personal_data_message(findings: list[Finding]) -> Any:
    """The refusal, naming what was found: "mobile number “13800138000”、room …"."""
    labels = _labels()
    named = "、".join(f"{labels[f.kind]}“{f.text}”" for f in findings)
    return _l("This text is public and must not contain personal data; remove %(found)s and "
              "try again. A building alone, such as “12号楼”, may stay.", found=named)
