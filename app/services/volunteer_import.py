"""Import volunteers from a spreadsheet: check every row, then create all of them or none.

The caller reads the file (XLSX or CSV) into rows of text; `plan` matches the header row to
the columns below (the Chinese or English labels, as the admin's own export writes them),
checks every row and says, in the user's language, why a row is refused; `apply` creates the
volunteers of a plan with no refused row, and only flushes (the request commits). The header,
line numbers and common checks are `app.services.spreadsheet_import`'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Skill, Volunteer
from app.services.signup import SignupInvalid, normalise_phone
from app.services.spreadsheet_import import (
    LIST_SEPARATORS,
    ImportPlan,
    ImportRow,
    Layout,
    flag,
    key,
    neighbourhood_names,
    number,
    read_table,
    refuse_unless_ok,
    whole_number,
)

LAYOUT = Layout(
    columns={
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
    },
    required=("name", "phone", "neighbourhood"),
    labels={
        "name": _l("Name"), "phone": _l("Phone"), "neighbourhood": _l("Neighbourhood"),
        "email": _l("Email"), "skills": _l("Skills"), "hours": _l("Max. hours per week"),
        "shifts": _l("Max. shifts per week"),
        "party_member": _l("Party member (responsibility post)"),
        "dual_registered": _l("Dual-registered party member"), "notes": _l("Notes"),
    },
)
MAX_ROWS = LAYOUT.max_rows
LABELS = LAYOUT.labels
REQUIRED = LAYOUT.required
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class PlannedRow(ImportRow):
    neighbourhood_id: int | None = None
    skill_ids: list[int] = field(default_factory=list)
    minutes: int | None = None
    shifts: int | None = None
    party_member: bool = False
    dual_registered: bool = False


def plan(session: Session, rows: Sequence[Sequence[str]], *,
         neighbourhood_ids: frozenset[int] | None) -> ImportPlan[PlannedRow]:
    """Check the rows (the first non-empty one is the header). `neighbourhood_ids` are those
    the importing user may add volunteers to (None: all)."""
    table = read_table(rows, LAYOUT)

    neighbourhoods = neighbourhood_names(session)
    skills: dict[str, Skill] = {}
    for s in session.scalars(select(Skill)):
        for name in (s.code, s.name_zh, s.name_en):
            if name:
                skills[key(name)] = s
    known_phones = {
        phone: name for phone, name in session.execute(
            select(Volunteer.phone, Volunteer.name).where(Volunteer.phone.is_not(None)))
    }

    planned: list[PlannedRow] = []
    seen_phones: dict[str, int] = {}
    for read in table.rows:
        row = PlannedRow(line=read.line, values=read.values, errors=read.errors)
        values = row.values
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
                seen_phones[phone] = row.line
        n = neighbourhoods.get(key(values["neighbourhood"]))
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
            skill = skills.get(key(name))
            if skill is None:
                row.errors.append(_l("There is no skill called “%(value)s”.", value=name))
            elif skill.id not in row.skill_ids:
                row.skill_ids.append(skill.id)
        hours = number(row, "hours", LAYOUT, maximum=168)
        row.minutes = None if hours is None else round(hours * 60)
        row.shifts = whole_number(row, "shifts", LAYOUT, maximum=50)
        row.party_member = flag(row, "party_member", LAYOUT)
        row.dual_registered = flag(row, "dual_registered", LAYOUT)
        planned.append(row)
    return ImportPlan(columns=list(table.columns), rows=planned, ignored=table.ignored)


def apply(session: Session, import_plan: ImportPlan[PlannedRow]) -> list[Volunteer]:
    """Create every volunteer of the plan, or none if any row was refused; flushes only."""
    refuse_unless_ok(import_plan)
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
