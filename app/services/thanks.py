"""The public thank-you to donors (爱心捐赠鸣谢): what a neighbourhood may say in public about
the gifts it acknowledged.

Only acknowledged donations appear. A company or an organisation is thanked by name; an
individual only when they agreed to be named (`Donation.donor_named`), else as an anonymous
resident. What was given and its value are shown, the recipients only as a number: the
recipients' description, the acknowledgement text and the campaign's households never leave
the admin, since they can name or point at people.

The notice board lists the latest gifts of companies and organisations (`board_donors`): it
names no person, so an individual's gift is thanked on the thank-you page only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import DonorKind
from app.models import Donation, FestivalCampaign

#: At most this many on the page: a year and more of a neighbourhood's gifts.
LIMIT = 200
#: The latest gifts on the notice board; the thank-you page has them all.
BOARD_DONORS = 10


@dataclass(frozen=True)
class Thanks:
    """One line of the page: nothing here but what may be public."""

    donor: str
    named: bool
    kind: DonorKind
    items: str
    value_yuan: int
    recipients: int
    received_on: date
    #: The festival campaign's title, when the gift was for one.
    campaign: str
    #: The donation's id: a stable identity for the board's Atom entries.
    id: int


def public_name(donation: Donation) -> tuple[str, bool]:
    """The name shown, and whether it is the donor's own."""
    if donation.donor_kind != DonorKind.individual or donation.donor_named:
        return donation.donor, True
    return str(_l("A resident who asked not to be named")), False


def thanks(session: Session, neighbourhood_id: int, *, limit: int = LIMIT,
           companies_only: bool = False) -> list[Thanks]:
    """The neighbourhood's acknowledged donations, newest first, as the public may see them;
    `companies_only`: of companies and organisations only (the notice board)."""
    statement = (
        select(Donation, FestivalCampaign.title)
        .outerjoin(FestivalCampaign, FestivalCampaign.id == Donation.campaign_id)
        .where(Donation.neighbourhood_id == neighbourhood_id,
               Donation.acknowledged_on.is_not(None)))
    if companies_only:
        statement = statement.where(Donation.donor_kind != DonorKind.individual)
    rows = session.execute(
        statement.order_by(Donation.received_on.desc(), Donation.id.desc()).limit(limit)).all()
    out = []
    for donation, campaign in rows:
        name, named = public_name(donation)
        out.append(Thanks(name, named, donation.donor_kind, donation.items or "",
                          donation.value_yuan, donation.recipients_count, donation.received_on,
                          campaign or "", donation.id))
    return out


@dataclass(frozen=True)
class ThanksTotals:
    donations: int
    value_yuan: int
    recipients: int


def totals(lines: list[Thanks]) -> ThanksTotals:
    return ThanksTotals(len(lines), sum(t.value_yuan for t in lines),
                        sum(t.recipients for t in lines))


def board_donors(session: Session, neighbourhood_id: int) -> list[Thanks]:
    """The latest acknowledged gifts of companies and organisations, for the notice board."""
    return thanks(session, neighbourhood_id, limit=BOARD_DONORS, companies_only=True)


def donations_state(session: Session, neighbourhood_id: int) -> tuple[object, ...]:
    """What changes whenever the neighbourhood's public gifts may (the board's validator):
    their count and latest change."""
    return tuple(session.execute(
        select(func.count(), func.max(Donation.updated_at))
        .where(Donation.neighbourhood_id == neighbourhood_id)).one())
