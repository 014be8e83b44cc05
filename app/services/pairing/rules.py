"""The rules of one pairing: who may be paired with whom, how many families a member holds,
confirming and ending. Every path that writes a pairing (admin form, proposals, demo) checks
here; the database keeps the same rules as constraints."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.enums import OPEN_PAIRING, PairingStatus
from app.models import Household, Pairing, Volunteer, utcnow

MAX_AIM = 300


class PairingError(ValueError):
    """A pairing refused for a reason the user can read (in the user's language)."""


def open_counts(session: Session, volunteer_ids: Iterable[int], *,
                exclude_id: int | None = None) -> dict[int, int]:
    """How many families each member holds now (proposed or confirmed pairings)."""
    ids = list(volunteer_ids)
    if not ids:
        return {}
    statement = (select(Pairing.volunteer_id, func.count())
                 .where(Pairing.volunteer_id.in_(ids), Pairing.status.in_(OPEN_PAIRING))
                 .group_by(Pairing.volunteer_id))
    if exclude_id is not None:
        statement = statement.where(Pairing.id != exclude_id)
    return dict(session.execute(statement).tuples().all())


def check_pairing(session: Session, pairing: Pairing) -> None:
    """Refuse a pairing that breaks a rule, with the reason; changes nothing (nothing is
    flushed while checking, so the unsaved pairing does not count against itself)."""
    with session.no_autoflush:
        _check(session, pairing)


def _check(session: Session, pairing: Pairing) -> None:
    household = pairing.household or (session.get(Household, pairing.household_id)
                                      if pairing.household_id else None)
    volunteer = pairing.volunteer or (session.get(Volunteer, pairing.volunteer_id)
                                      if pairing.volunteer_id else None)
    if household is None:
        raise PairingError(str(_l("Choose the family to pair.")))
    if volunteer is None:
        raise PairingError(str(_l("Choose the member to pair.")))
    if volunteer.neighbourhood_id != household.neighbourhood_id:
        raise PairingError(str(_l("The member and the family live in different "
                                  "neighbourhoods: pair a member of the family's own "
                                  "neighbourhood.")))
    aim = (pairing.aim or "").strip()
    if not aim:
        raise PairingError(str(_l("State the aim of the pairing (what the member will do "
                                  "for the family).")))
    if len(aim) > MAX_AIM:
        raise PairingError(str(_l("The aim is too long (at most %(n)s characters).",
                                  n=MAX_AIM)))
    pairing.aim = aim
    if pairing.starts_on is None:
        raise PairingError(str(_l("Give the date the pairing starts.")))
    if pairing.ends_on is not None and pairing.ends_on < pairing.starts_on:
        raise PairingError(str(_l("The pairing cannot end before it starts.")))
    status = PairingStatus(pairing.status or PairingStatus.proposed)
    if status == PairingStatus.ended:
        if pairing.ends_on is None:
            raise PairingError(str(_l("An ended pairing needs the date it ended.")))
        return
    if not volunteer.active:
        raise PairingError(str(_l("%(name)s is not an active member.", name=volunteer.name)))
    others = select(Pairing.id).where(
        Pairing.household_id == household.id, Pairing.volunteer_id == volunteer.id,
        Pairing.status.in_(OPEN_PAIRING))
    if pairing.id is not None:
        others = others.where(Pairing.id != pairing.id)
    if session.scalar(others) is not None:
        raise PairingError(str(_l("%(name)s is already paired with this family.",
                                  name=volunteer.name)))
    held = open_counts(session, [volunteer.id], exclude_id=pairing.id).get(volunteer.id, 0)
    if held + 1 > volunteer.max_families:
        raise PairingError(str(_l(
            "%(name)s already holds %(held)s of at most %(max)s families: raise the member's "
            "limit or end another pairing first.",
            name=volunteer.name, held=held, max=volunteer.max_families)))


def confirm(session: Session, pairing: Pairing, *, now: datetime | None = None) -> bool:
    """A proposed pairing becomes confirmed (checked again: a limit may have changed).
    Returns whether it changed."""
    if pairing.status != PairingStatus.proposed:
        return False
    check_pairing(session, pairing)
    pairing.status = PairingStatus.confirmed
    pairing.confirmed_at = now or utcnow()
    session.flush()
    return True


def end(session: Session, pairing: Pairing, ends_on: date) -> bool:
    """End an open pairing on `ends_on` (not before it started). Returns whether it changed."""
    if pairing.status == PairingStatus.ended:
        return False
    if ends_on < pairing.starts_on:
        raise PairingError(str(_l("The pairing cannot end before it starts.")))
    pairing.status = PairingStatus.ended
    pairing.ends_on = ends_on
    session.flush()
    return True


def member_families(session: Session, volunteer_id: int) -> list[Pairing]:
    """The member's confirmed pairings that have not ended, for the member's own portal."""
    return list(session.scalars(
        select(Pairing)
        .where(Pairing.volunteer_id == volunteer_id,
               Pairing.status == PairingStatus.confirmed)
        .options(joinedload(Pairing.household))
        .order_by(Pairing.starts_on, Pairing.id)
    ))


def end_expired(session: Session, today: date) -> int:
    """Open pairings whose period ended before `today` become ended (their end date stays
    the one set); returns how many. Run each night (`app.tasks.pairing`)."""
    rows = session.scalars(select(Pairing).where(
        Pairing.status.in_(OPEN_PAIRING), Pairing.ends_on.is_not(None),
        Pairing.ends_on < today)).all()
    for row in rows:
        row.status = PairingStatus.ended
    session.flush()
    return len(rows)
