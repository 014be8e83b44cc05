"""A volunteer's inbox in the portal: every message Linli recorded for them, whatever became
of it — so a change reaches even someone whose e-mail bounced, whose number was refused, or
who left no contact details at all (the message is then shown only here)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Notification

#: How far back the inbox goes, and how many messages it shows at most.
INBOX_DAYS = 90
INBOX_LIMIT = 50
#: "New" on the portal's start page: messages of the last week.
RECENT = timedelta(days=7)


def inbox(session: Session, volunteer_id: int, *, now: datetime) -> list[Notification]:
    """The volunteer's messages of the last 90 days, newest first."""
    return list(session.scalars(
        select(Notification)
        .where(Notification.volunteer_id == volunteer_id,
               Notification.created_at > now - timedelta(days=INBOX_DAYS))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(INBOX_LIMIT)))


def recent_count(session: Session, volunteer_id: int, *, now: datetime) -> int:
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.volunteer_id == volunteer_id,
        Notification.created_at > now - RECENT)) or 0
