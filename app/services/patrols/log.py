"""The inspection log's rules: who was present (and certified on the day), the checklist of
a site's kind, who may still change a record, and the history of every change.

A record is the members' own on its day: until a day after it ended (or started, while it is
under way) a member of its group may change it. After that only a coordinator or the town
admin may, and every change after creation is kept with who made it and each field's old and
new value. Functions flush only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from app.enums import ChecklistAnswer, PatrolSiteKind, Role
from app.i18n import deployment_zone
from app.models import (
    PatrolChecklistItem,
    PatrolInspection,
    PatrolInspectionChange,
    PatrolMember,
    User,
    Volunteer,
    patrol_inspection_members,
    utcnow,
)

#: How long members may change their own record.
MEMBERS_MAY_CHANGE_FOR = timedelta(days=1)

#: The fields of a record's history, with their labels.
FIELD_LABELS: dict[str, Any] = {
    "site": _l("Site"),
    "group": _l("Patrol group"),
    "started_at": _l("Started at"),
    "ended_at": _l("Ended at"),
    "present": _l("Members present"),
    "checklist": _l("Checklist"),
    "findings": _l("Findings"),
    "follow_up_needed": _l("Follow-up needed"),
}


class PatrolError(Exception):
    """A refused change: `message` says why in the user's language; nothing was changed."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def inspection_day(inspection: PatrolInspection, zone: ZoneInfo | None = None) -> date:
    """The local day of an inspection (the day certificates are checked against)."""
    return inspection.started_at.astimezone(zone or deployment_zone()).date()


def checklist_items(session: Session, kind: PatrolSiteKind) -> list[PatrolChecklistItem]:
    """The active checklist of a kind of site, in order."""
    return list(session.scalars(
        select(PatrolChecklistItem)
        .where(PatrolChecklistItem.site_kind == kind, PatrolChecklistItem.active.is_(True))
        .order_by(PatrolChecklistItem.position, PatrolChecklistItem.id)))


def refresh_certified(session: Session, inspection: PatrolInspection,
                      zone: ZoneInfo | None = None) -> None:
    """Mark each member present as certified or not on the inspection's day, from their
    membership of the inspection's group. One UPDATE; flush first."""
    session.flush()
    day = inspection_day(inspection, zone)
    rows = patrol_inspection_members
    certified = exists().where(
        PatrolMember.group_id == inspection.group_id,
        PatrolMember.volunteer_id == rows.c.volunteer_id,
        PatrolMember.certified.is_(True),
        (PatrolMember.certified_until.is_(None)) | (PatrolMember.certified_until >= day),
    )
    session.execute(update(rows).where(rows.c.inspection_id == inspection.id)
                    .values(certified=certified))


def certified_present(session: Session, inspection: PatrolInspection) -> int:
    """How many members present were certified on the day (after `refresh_certified`)."""
    rows = patrol_inspection_members
    return len(session.scalars(select(rows.c.volunteer_id).where(
        rows.c.inspection_id == inspection.id, rows.c.certified.is_(True))).all())


def check_present(session: Session, inspection: PatrolInspection,
                  present: list[Volunteer]) -> None:
    """Every member present is a member of the inspection's group."""
    members = set(session.scalars(select(PatrolMember.volunteer_id).where(
        PatrolMember.group_id == inspection.group_id)))
    strangers = [v.name for v in present if v.id not in members]
    if strangers:
        raise PatrolError(_l("Not members of this patrol group: %(names)s.",
                             names="、".join(strangers)), "present")


def locked_for_members(inspection: PatrolInspection, now: datetime | None = None) -> bool:
    """Whether the day in which members may change the record is over."""
    since = inspection.ended_at or inspection.started_at
    return (now or utcnow()) >= since + MEMBERS_MAY_CHANGE_FOR


def may_change(session: Session, inspection: PatrolInspection, *, user: User | None = None,
               volunteer: Volunteer | None = None, now: datetime | None = None) -> bool:
    """A coordinator or the town admin always may (their row scope is the caller's check);
    a member of the inspection's group only within the day."""
    if user is not None and user.role in (Role.admin, Role.coordinator):
        return True
    if volunteer is None or locked_for_members(inspection, now):
        return False
    return session.scalar(select(PatrolMember.id).where(
        PatrolMember.group_id == inspection.group_id,
        PatrolMember.volunteer_id == volunteer.id)) is not None


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


def checklist_text(checklist: list[dict[str, Any]] | None) -> str:
    """The answers as one line each: "question: answer" (answers in the reader's language)."""
    lines = []
    for entry in checklist or []:
        try:
            answer = ChecklistAnswer(entry.get("answer")).label
        except ValueError:
            answer = str(entry.get("answer") or "")
        lines.append(f"{entry.get('question', '')}: {answer}")
    return "\n".join(lines)


def snapshot(inspection: PatrolInspection, zone: ZoneInfo | None = None) -> dict[str, str]:
    """The record as people read it: names, local times, answers, one string per field."""
    zone = zone or deployment_zone()
    return {
        "site": str(inspection.site) if inspection.site else "",
        "group": str(inspection.group) if inspection.group else "",
        "started_at": _local(inspection.started_at, zone),
        "ended_at": _local(inspection.ended_at, zone),
        "present": "、".join(sorted(v.name for v in inspection.present)),
        "checklist": checklist_text(inspection.checklist).replace("\n", "; "),
        "findings": inspection.findings or "",
        "follow_up_needed": str(ChecklistAnswer.yes.label if inspection.follow_up_needed
                                else ChecklistAnswer.no.label),
    }


def record_change(session: Session, inspection: PatrolInspection, before: dict[str, str], *,
                  user: User | None = None, volunteer: Volunteer | None = None,
                  zone: ZoneInfo | None = None) -> PatrolInspectionChange | None:
    """Add a history entry with each field that differs from `before` (None if nothing
    did). Flush only."""
    session.flush()
    session.refresh(inspection, ["site", "group", "present"])
    after = snapshot(inspection, zone)
    fields = {name: [before.get(name, ""), value] for name, value in after.items()
              if before.get(name, "") != value}
    if not fields:
        return None
    actor = user.display_name if user is not None else (volunteer.name if volunteer else "")
    change = PatrolInspectionChange(
        inspection=inspection, user_id=user.id if user else None,
        volunteer_id=volunteer.id if volunteer else None, actor=actor[:80], fields=fields)
    session.add(change)
    session.flush()
    return change


def history_lines(inspection: PatrolInspection, zone: ZoneInfo | None = None) -> list[str]:
    """Each change as one line: when, who, and field: before → after."""
    zone = zone or deployment_zone()
    lines = []
    for change in inspection.changes:
        parts = [f"{FIELD_LABELS.get(name, name)}: {old or '—'} → {new or '—'}"
                 for name, (old, new) in (change.fields or {}).items()]
        lines.append(f"{_local(change.at, zone)} {change.actor} · " + "; ".join(parts))
    return lines
