"""Reliability for the scheduler (issue 16): each volunteer's attendance record and the town's
weight for it, and the review's words for a volunteer who often does not turn up.

The engine takes them as a soft preference (`scheduling.reliability`): between schedules of
equal fill it asks the volunteer who comes; it never leaves a seat empty for it.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ReliabilityRule
from app.services.attendance.recording import no_show_rates
from scheduling.reliability import DEFAULT_WEIGHT, often_absent

__all__ = ["no_show_rates", "note", "town_weight"]


def town_weight(session: Session, towns: Iterable[str]) -> int:
    """The weight of the towns a run covers; a run over several towns takes the largest (a
    town that cares about no-shows is not overruled by its neighbour)."""
    wanted = set(towns)
    if not wanted:
        return DEFAULT_WEIGHT
    set_by = dict(session.execute(select(ReliabilityRule.town, ReliabilityRule.no_show_weight)
                                  .where(ReliabilityRule.town.in_(wanted))).all())
    return max(set_by.get(town, DEFAULT_WEIGHT) for town in wanted)


def note(record: tuple[int, int] | None) -> str | None:
    """"Often does not turn up: 3 of 8" for a volunteer whose rate the engine weighs against
    them; None for everyone else."""
    if record is None or not often_absent(*record):
        return None
    absent, recorded = record
    return _("Often does not turn up: %(absent)s of %(recorded)s shifts", absent=absent,
             recorded=recorded)
