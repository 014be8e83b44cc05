"""Numbers and addresses refused for good, and clearing one (with a reason, audited).

A provider's or mail server's permanent refusal (an invalid or unsubscribed number, a mailbox
that does not exist) is recorded on the message (status ``refused``) and no message goes to
that address again (`delivery`). When the cause is gone (the resident fixed the mailbox, left
the do-not-disturb list), a coordinator clears the address: a `RefusalClearance` records who,
when and why, and refusals recorded before it stop counting.

A coordinator sees and clears only addresses of messages about their own neighbourhoods
(to a volunteer of theirs, about one of their events or residents' requests); the town
admin sees all, staff addresses included. Flush only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from app.enums import NotificationChannel, NotificationStatus
from app.models import (
    Event,
    Notification,
    RefusalClearance,
    Registration,
    ResidentRequest,
    User,
    Volunteer,
)
from app.services import scoping

REASON_MAX = 500


class ClearError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def still_refused() -> ColumnElement[bool]:
    """A refused message whose address has not been cleared since."""
    return and_(
        Notification.status == NotificationStatus.refused,
        ~exists().where(RefusalClearance.address == Notification.address,
                        RefusalClearance.at >= Notification.updated_at),
    )


def _in_scope(user: User) -> ColumnElement[bool] | None:
    ids = scoping.neighbourhood_ids(user)
    if ids is None:
        return None
    return or_(
        Notification.volunteer_id.in_(
            select(Volunteer.id).where(Volunteer.neighbourhood_id.in_(ids))),
        Notification.event_id.in_(select(Event.id).where(Event.neighbourhood_id.in_(ids))),
        Notification.resident_request_id.in_(
            select(ResidentRequest.id).where(ResidentRequest.neighbourhood_id.in_(ids))),
    )


@dataclass
class RefusedAddress:
    address: str
    channel: NotificationChannel
    #: When the last refusal was recorded, and what the provider or server said.
    refused_at: datetime
    error: str
    #: Messages not delivered to it since (each refused, or sent to nobody).
    refusals: int
    #: Whose it is, as far as the messages say ("郭琴", a resident's name).
    names: list[str]


def refused(session: Session, user: User) -> list[RefusedAddress]:
    """The addresses still refused that `user` may see, the latest refusal first."""
    statement = (
        select(Notification.address, Notification.channel, Notification.updated_at,
               Notification.error, Volunteer.name, Registration.name, User.display_name)
        .outerjoin(Volunteer, Volunteer.id == Notification.volunteer_id)
        .outerjoin(Registration, Registration.id == Notification.registration_id)
        .outerjoin(User, User.id == Notification.user_id)
        .where(still_refused())
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
    )
    scope = _in_scope(user)
    if scope is not None:
        statement = statement.where(scope)
    found: dict[str, RefusedAddress] = {}
    for address, channel, at, error, *names in session.execute(statement):
        row = found.get(address)
        if row is None:
            row = found[address] = RefusedAddress(address, channel, at, error or "", 0, [])
        row.refusals += 1
        for name in names:
            if name and name not in row.names:
                row.names.append(name)
    return list(found.values())


def clear(session: Session, user: User, address: str, reason: str) -> RefusalClearance:
    """Let messages go to `address` again. Refuses (`ClearError`, nothing written) an empty or
    over-long reason and an address the user may not see or that is not refused."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ClearError("reason", _("Please say why this address may be tried again (for "
                                     "example: the resident confirmed the number on the "
                                     "phone)."))
    if len(reason) > REASON_MAX:
        raise ClearError("reason", _("Please keep the reason under %(n)s characters.",
                                     n=REASON_MAX))
    if address not in {row.address for row in refused(session, user)}:
        raise ClearError("not_found", _("This address is not refused (or not yours to "
                                        "clear); nothing was changed."))
    clearance = RefusalClearance(address=address, reason=reason, user_id=user.id,
                                 user_name=user.username)
    session.add(clearance)
    session.flush()
    return clearance


def clearances(session: Session, user: User, limit: int = 50) -> list[RefusalClearance]:
    """The latest clearances of addresses `user` may see (the audit)."""
    statement = select(RefusalClearance)
    scope = _in_scope(user)
    if scope is not None:
        statement = statement.where(exists().where(
            Notification.address == RefusalClearance.address, scope))
    return list(session.scalars(
        statement.order_by(RefusalClearance.at.desc(), RefusalClearance.id.desc()).limit(limit)))
