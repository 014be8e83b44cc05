"""Import volunteers from a spreadsheet: check every row, then create all of them or none.

The caller reads the file (XLSX or CSV) into rows of text; `plan` matches the header row to
the columns below (the Chinese or English labels, as the admin's own export writes them),
checks every row and says, in the user's language, why a row is refused; `apply` creates the
volunteers of a plan with no refused row, and only flushes (the request commits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Neighbourhood, Skill, Volunteer
from app.services.signup import SignupInvalid, normalise_phone

MAX_ROWS = 2000

#: Column → the header texts that name it (compared without spaces, case-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "name"),
    "phone": ("电话", "手机", "手机号", "手机号码", "phone"),
    "neighbourhood": ("居民区", "小区", "社区", "neighbourhood"),
    "email": ("电子邮箱", "邮箱", "email"),
    "skills": ("技能", "skills"),
    "hours": ("每周最多小时数", "每周小时数", "max.hoursperweek"),
    "shifts": ("每周最多班次数", "每周班次数", "max.shiftsperweek"),
    "party_member": ("党员责任岗", "partymember(responsibilitypost)"),
    "dual_registered": ("双报到党员", "dual-registeredpartymember"),
    "notes": ("备注", "notes"),
}
REQUIRED = ("name", "phone", "neighbourhood")
LABELS = {
    "name": _l("Name"), "phone": _l("Phone"), "neighbourhood": _l("Neighbourhood"),
    "email": _l("Email"), "skills": _l("Skills"), "hours": _l("Max. hours per week"),
    "shifts": _l("Max. shifts per week"),
    "party_member": _l("Party member (responsibility post)"),
    "dual_registered": _l("Dual-registered party member"), "notes": _l("Notes"),
}
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIST_SEPARATORS = re.compile(r"[,，、;；/\s]+")


class VolunteerImportError(ValueError):
    """The file cannot be imported at all (no header, no rows, too many rows)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class PlannedRow:
    line: int
    values: dict[str, str]
    errors: list[Any] = field(default_factory=list)
    neighbourhood_id: int | None = None
    skill_ids: list[int] = field(default_factory=list)
    minutes: int | None = None
    shifts: int | None = None
    party_member: bool = False
    dual_registered: bool = False


@dataclass
class ImportPlan:
    columns: list[str]
    rows: list[PlannedRow]

    @property
    def refused(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.refused


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def _header_map(header: Sequence[str]) -> dict[str, int]:
    names = {_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        column = names.get(_key(text))
        if column and column not in found:
            found[column] = index
    return found


def _flag(row: PlannedRow, column: str) -> bool:
    raw = row.values.get(column, "").strip().lower()
    if raw in YES:
        return True
    if raw not in NO:
        row.errors.append(_l("%(column)s must be 是 or 否, not “%(value)s”.",
                             column=LABELS[column], value=row.values[column]))
    return False


def _number(row: PlannedRow, column: str, *, maximum: int) -> Decimal | None:
    raw = row.values.get(column, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > maximum:
        row.errors.append(_l("%(column)s must be a number from 0 to %(max)s, not “%(value)s”.",
                             column=LABELS[column], max=maximum, value=raw))
        return None
    return value


def plan(session: Session, rows: Sequence[Sequence[str]], *,
         neighbourhood_ids: frozenset[int] | None) -> ImportPlan:
    """Check the rows (the first non-empty one is the header). `neighbourhood_ids` are those
    the importing user may add volunteers to (None: all)."""
    rows = [list(r) for r in rows if any((c or "").strip() for c in r)]
    if not rows:
        raise VolunteerImportError(_l("The file has no rows."))
    columns = _header_map(rows[0])
    missing = [LABELS[c] for c in REQUIRED if c not in columns]
    if missing:
        raise VolunteerImportError(_l(
            "The first row must name the columns; missing: %(columns)s.",
            columns="、".join(str(m) for m in missing)))
    if len(rows) - 1 > MAX_ROWS:
        raise VolunteerImportError(
            _l("At most %(n)s volunteers can be imported at once.", n=MAX_ROWS))

    neighbourhoods: dict[str, Neighbourhood] = {}
    for n in session.scalars(select(Neighbourhood)):
        for name in (n.name, n.name_en):
            if name:
                neighbourhoods[_key(name)] = n
    skills: dict[str, Skill] = {}
    for s in session.scalars(select(Skill)):
        for name in (s.code, s.name_zh, s.name_en):
            if name:
                skills[_key(name)] = s
    known_phones = {
        phone: name for phone, name in session.execute(
            select(Volunteer.phone, Volunteer.name).where(Volunteer.phone.is_not(None)))
    }

    planned: list[PlannedRow] = []
    seen_phones: dict[str, int] = {}
    for offset, raw in enumerate(rows[1:], start=2):
        values = {c: (raw[i] if i < len(raw) else "").strip() for c, i in columns.items()}
        row = PlannedRow(line=offset, values=values)
        if not values["name"]:
            row.errors.append(_l("The name is missing."))
        elif len(values["name"]) > 80:
            row.errors.append(_l("The name is longer than 80 characters."))
        phone = ""
        try:
            phone = normalise_phone(values["phone"])
        except SignupInvalid:  # the message here names the value the file holds
            row.errors.append(_l("“%(value)s” is not a mainland mobile number (11 digits "
                                 "starting with 1).", value=values["phone"]))
        if phone:
            values["phone"] = phone
            if phone in known_phones:
                row.errors.append(_l("A volunteer with this phone number already exists: "
                                     "%(name)s.", name=known_phones[phone]))
            elif phone in seen_phones:
                row.errors.append(_l("The same phone number is already in row %(line)s.",
                                     line=seen_phones[phone]))
            else:
                seen_phones[phone] = offset
        n = neighbourhoods.get(_key(values["neighbourhood"]))
        if not values["neighbourhood"]:
            row.errors.append(_l("The neighbourhood is missing."))
        elif n is None:
            row.errors.append(_l("There is no neighbourhood called “%(value)s”.",
                                 value=values["neighbourhood"]))
        elif neighbourhood_ids is not None and n.id not in neighbourhood_ids:
            row.errors.append(_l("You may not add volunteers to %(name)s.", name=n.name))
        else:
            row.neighbourhood_id = n.id
        email = values.get("email", "")
        if email and not EMAIL.match(email):
            row.errors.append(_l("“%(value)s” is not an e-mail address.", value=email))
        for name in LIST_SEPARATORS.split(values.get("skills", "")):
            if not name:
                continue
            skill = skills.get(_key(name))
            if skill is None:
                row.errors.append(_l("There is no skill called “%(value)s”.", value=name))
            elif skill.id not in row.skill_ids:
                row.skill_ids.append(skill.id)
        hours = _number(row, "hours", maximum=168)
        row.minutes = None if hours is None else round(hours * 60)
        shifts = _number(row, "shifts", maximum=50)
        if shifts is not None and shifts != shifts.to_integral_value():
            row.errors.append(_l("%(column)s must be a whole number.",
                                 column=LABELS["shifts"]))
        row.shifts = None if shifts is None else int(shifts)
        row.party_member = _flag(row, "party_member")
        row.dual_registered = _flag(row, "dual_registered")
        planned.append(row)
    return ImportPlan(columns=list(columns), rows=planned)


class ImportRefused(ValueError):
    """A plan with refused rows: nothing is imported."""


def apply(session: Session, import_plan: ImportPlan) -> list[Volunteer]:
    """Create every volunteer of the plan, or none if any row was refused; flushes only."""
    if not import_plan.ok:
        raise ImportRefused(str(_l("Nothing was imported: correct the refused rows first.")))
    skills = {s.id: s for s in session.scalars(select(Skill))}
    created = []
    for row in import_plan.rows:
        volunteer = Volunteer(
            name=row.values["name"], phone=row.values["phone"],
            email=row.values.get("email") or None, neighbourhood_id=row.neighbourhood_id,
            is_party_member=row.party_member, is_dual_registered=row.dual_registered,
            notes=row.values.get("notes") or None,
        )
        if row.minutes is not None:
            volunteer.max_minutes_per_week = row.minutes
        if row.shifts is not None:
            volunteer.max_shifts_per_week = row.shifts
        volunteer.skills = [skills[i] for i in row.skill_ids]
        session.add(volunteer)
        created.append(volunteer)
    session.flush()
    return created
