"""The admin's start page: a few counts for what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_admin import AdminIndexView, expose
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from admin import access
from admin.base import ProtectedView, acting_user
from app.enums import AssignmentStatus, EventStatus
from app.extensions import db
from app.models import Assignment, Event, Household, Shift, Volunteer, utcnow
from app.services import scoping
from app.services.households.due import DueCount, due_counts, due_rows


@dataclass(frozen=True)
class Tile:
    label: Any
    value: int
    endpoint: str


def _count(user: Any, model: type, *conditions: Any) -> int:
    statement = scoping.scoped(select(func.count()).select_from(model), user, model)
    for condition in conditions:
        statement = statement.where(condition)
    return db.session.scalar(statement) or 0


def dashboard_tiles(user: Any) -> list[Tile]:
    now = utcnow()
    candidates = [
        ("Volunteer", _l("Active volunteers"), "volunteer", (Volunteer.active.is_(True),)),
        ("Event", _l("Upcoming events"), "event",
         (Event.start_at >= now, Event.status != EventStatus.cancelled)),
        ("Shift", _l("Upcoming shifts"), "shift", (Shift.start_at >= now,)),
        ("Assignment", _l("Assignments awaiting an answer"), "assignment",
         (Assignment.status == AssignmentStatus.pending,)),
        ("Household", _l("Households"), "household", ()),
    ]
    models = {"Volunteer": Volunteer, "Event": Event, "Shift": Shift,
              "Assignment": Assignment, "Household": Household}
    return [
        Tile(label, _count(user, models[name], *conditions), endpoint)
        for name, label, endpoint, conditions in candidates
        if access.READ in access.permissions(user.role, name)
    ]


def due_counts_for(user: Any) -> list[DueCount] | None:
    """Contacts due and overdue per service group, for those who plan visits (3 queries)."""
    if access.READ not in access.permissions(user.role, "VisitRound"):
        return None
    return due_counts(due_rows(db.session, neighbourhood_ids=scoping.neighbourhood_ids(user)))


class LinliIndexView(ProtectedView, AdminIndexView):
    @expose("/")
    def index(self) -> str:
        user = acting_user()
        return self.render("linli_admin/index.html", tiles=dashboard_tiles(user),
                           due=due_counts_for(user))
