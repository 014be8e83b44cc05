"""Qualifications 资质: which volunteers may use a licensed skill on a given day, what expires
soon, and telling people before it does.

A skill with `requires_qualification` counts for a volunteer on a day only when one of their
qualifications for it is valid that day (`Qualification.valid_on`). The scheduler's bridge asks
`Gates` for every (volunteer, skill, day) of a problem; hand assignment asks `lapse` so the
warning can say the licence expired and when.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.enums import NotificationChannel, Role
from app.models import Qualification, Skill, User, Volunteer, user_neighbourhoods
from app.services.notify import delivery

#: Volunteers and their coordinators are told this many days before a licence expires.
ALERT_DAYS = 30


@dataclass
class Gates:
    """The licensed skills and every qualification for them, loaded once per problem."""

    codes: frozenset[str]
    spans: dict[tuple[int, str], list[tuple[date | None, date | None]]] = field(
        default_factory=dict)

    def usable(self, volunteer_id: int, code: str, day: date) -> bool:
        if code not in self.codes:
            return True
        return any((start is None or start <= day) and (end is None or day <= end)
                   for start, end in self.spans.get((volunteer_id, code), ()))

    def lapsed(self, volunteer_id: int, code: str,
               needs: list[tuple[str, date]]) -> list[str] | None:
        """Of the (shift, day) pairs that need the skill, the shifts no licence covers; None
        when none is covered (the skill is of no use to the volunteer there)."""
        out = [shift for shift, day in needs if not self.usable(volunteer_id, code, day)]
        return None if needs and len(out) == len(needs) else out

    def expired_on(self, volunteer_id: int, code: str, day: date) -> date | None:
        """The latest expiry before `day` of this volunteer's qualifications for the skill."""
        ends = [end for _start, end in self.spans.get((volunteer_id, code), ())
                if end is not None and end < day]
        return max(ends) if ends else None


def gates(session: Session, volunteer_ids: list[int] | None = None) -> Gates:
    """Two queries: the licensed skills, then their qualifications (of these volunteers)."""
    codes = frozenset(session.scalars(select(Skill.code).where(
        Skill.requires_qualification.is_(True))))
    if not codes:
        return Gates(codes)
    statement = (select(Qualification.volunteer_id, Skill.code, Qualification.valid_from,
                        Qualification.valid_until)
                 .join(Skill, Skill.id == Qualification.skill_id)
                 .where(Skill.code.in_(codes)))
    if volunteer_ids is not None:
        statement = statement.where(Qualification.volunteer_id.in_(volunteer_ids))
    spans: dict[tuple[int, str], list[tuple[date | None, date | None]]] = defaultdict(list)
    for volunteer_id, code, start, end in session.execute(statement):
        spans[(volunteer_id, code)].append((start, end))
    return Gates(codes, dict(spans))


@dataclass(frozen=True)
class Lapse:
    """Why a volunteer with a licensed skill may not use it on a day."""

    skill: Skill
    #: The last day the latest earlier qualification was valid; None when there never was one.
    expired_on: date | None


def lapse(session: Session, volunteer: Volunteer, skill: Skill | None, day: date) -> Lapse | None:
    """None when the skill needs no licence, the volunteer lacks the skill itself, or a valid
    qualification covers `day`."""
    if skill is None or not skill.requires_qualification or skill not in volunteer.skills:
        return None
    found = gates(session, [volunteer.id])
    if found.usable(volunteer.id, skill.code, day):
        return None
    return Lapse(skill, found.expired_on(volunteer.id, skill.code, day))


def expiring(session: Session, today: date, *, within_days: int = ALERT_DAYS,
             neighbourhood_ids: frozenset[int] | None = None) -> list[Qualification]:
    """Qualifications of licensed skills that end within `within_days` days (today included),
    soonest first — unless the volunteer already holds one for the same skill that runs on."""
    until = today + timedelta(days=within_days)
    statement = (select(Qualification).join(Qualification.skill).join(Qualification.volunteer)
                 .where(Skill.requires_qualification.is_(True),
                        Qualification.valid_until >= today, Qualification.valid_until <= until,
                        Volunteer.active.is_(True))
                 .options(joinedload(Qualification.skill), joinedload(Qualification.volunteer))
                 .order_by(Qualification.valid_until, Qualification.id))
    if neighbourhood_ids is not None:
        statement = statement.where(Volunteer.neighbourhood_id.in_(neighbourhood_ids))
    found = list(session.scalars(statement))
    if not found:
        return []
    later = {(vid, sk) for vid, sk in session.execute(
        select(Qualification.volunteer_id, Qualification.skill_id).where(
            Qualification.volunteer_id.in_({q.volunteer_id for q in found}),
            (Qualification.valid_until.is_(None)) | (Qualification.valid_until > until)))}
    return [q for q in found if (q.volunteer_id, q.skill_id) not in later]


def renewed(qualification: Qualification) -> None:
    """A changed expiry is a new one: its alert is due again."""
    qualification.expiry_alerted_at = None


def send_expiry_alerts(session: Session, today: date, *, now: datetime) -> int:
    """Tell each volunteer whose licence expires within `ALERT_DAYS`, and the coordinators of
    their neighbourhood, once per expiry. Returns the number of messages queued with a way to
    reach the person (e-mail or SMS); the notification queue delivers them and records each
    one sent or failed."""
    queued = 0
    for qualification in expiring(session, today):
        if qualification.expiry_alerted_at is not None:
            continue
        volunteer = qualification.volunteer
        values = {"volunteer_name": volunteer.name, "skill": qualification.skill.name_zh,
                  "licence": qualification.licence_number,
                  "valid_until": qualification.valid_until.isoformat()
                  if qualification.valid_until else ""}
        sent = [delivery.to_volunteer(session, volunteer, "qualifications/expiring", **values)]
        coordinators = session.scalars(
            select(User).join(user_neighbourhoods, user_neighbourhoods.c.user_id == User.id)
            .where(User.role == Role.coordinator, User.active.is_(True),
                   user_neighbourhoods.c.neighbourhood_id == volunteer.neighbourhood_id))
        sent += [delivery.to_staff(session, user, "qualifications/expiring_staff", **values)
                 for user in coordinators]
        queued += sum(n.channel != NotificationChannel.none for n in sent)
        qualification.expiry_alerted_at = now
    session.flush()
    return queued
