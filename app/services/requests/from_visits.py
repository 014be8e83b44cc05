"""Requests and suggestions a household raises on a visit (the article's step 2 begins on
visits): the member adds them while recording the visit, or later on the recorded visit.

Each is the visited household's request, filed by the member (the raiser of record the
per-volunteer figures count), routed and given its deadline by the intake like any other
(`intake.create_request`), and points back at the visit.

The household is told about it like any raiser only when it agreed, in front of the member,
and has a mobile number on file: the agreement stands for the consent a resident gives on the
public form. Otherwise nobody is messaged and the request still counts.

Everything is checked before anything is written: a refusal names its field and changes
nothing, so the page can give back all the member typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import EFFECTIVE, RECORDABLE, RequestChannel, VisitOutcome
from app.models import Household, ResidentRequest, Visit, utcnow
from app.services.requests import photos
from app.services.requests.errors import RequestError
from app.services.requests.intake import RequestInput, check_input, create_request
from app.services.signup.applicant import SignupInvalid, normalise_phone
from app.services.visits.recording import Recorded, record_outcome


@dataclass
class VisitRequestInput:
    """A request as the member typed it on the visit."""

    category: str | None = None
    text: str | None = None
    place: str | None = None
    #: The household agreed to be told about it by SMS at the mobile number on file.
    tell_household: bool = False
    photo: bytes | None = None
    #: The token of the photo chosen on a round of the form that was refused
    #: (`photos.hold_again`); a photo sent now replaces it.
    held_photo: str | None = None

    @property
    def given(self) -> bool:
        """Anything typed or chosen: then it must be a whole request."""
        return bool((self.category or "").strip() or (self.text or "").strip()
                    or (self.place or "").strip() or self.photo or self.held_photo)


@dataclass(frozen=True)
class Checked:
    """A request that passed every check, ready to be filed on its visit."""

    visit: Visit
    data: RequestInput
    photo: photos.CleanPhoto | None
    #: The held photo's token, forgotten once the request is filed.
    held_photo: str | None = None


@dataclass(frozen=True)
class Filed:
    request: ResidentRequest
    #: Whether the household will be told about it (agreed, with a mobile number on file).
    told: bool


def household_mobile(household: Household) -> str | None:
    """The household's mobile number on file (a landline cannot take an SMS), or None."""
    try:
        return normalise_phone(household.contact_phone) if household.contact_phone else None
    except SignupInvalid:
        return None


def _check_visit(visit: Visit, volunteer_id: int, outcome: VisitOutcome,
                 now: datetime) -> None:
    if visit.volunteer_id != volunteer_id:
        raise RequestError("not_found", _l("This contact is not on your list."), "visit")
    if outcome not in EFFECTIVE:
        raise RequestError("not_allowed", _l(
            "A request is added to a visit that reached the household: record the visit as "
            "done or as a phone call first."), "outcome")
    if outcome == visit.outcome and visit.visited_at > now:
        raise RequestError("not_allowed", _l("This visit has not happened yet."), "visit")


def check(session: Session, visit: Visit, volunteer_id: int, data: VisitRequestInput, *,
          outcome: VisitOutcome | None = None, now: datetime | None = None) -> Checked:
    """Refuse (`RequestError`, `RequestInvalid` per field) a request the member may not file
    on `visit` (not theirs, not reached, not happened yet) or that is not whole; write
    nothing. `outcome` is the one being recorded with it, if any (the visit's own else)."""
    now = now or utcnow()
    _check_visit(visit, volunteer_id, outcome or visit.outcome, now)
    household = visit.household
    mobile = household_mobile(household) if data.tell_household else None
    entered = RequestInput(
        neighbourhood_id=household.neighbourhood_id, category=data.category, text=data.text,
        place=data.place, name=household.contact_name if mobile else None, phone=mobile,
        consent=mobile is not None, building_id=household.building_id)
    check_input(session, entered)
    photo = photos.chosen(session, data.photo, data.held_photo)
    return Checked(visit, entered, photo, data.held_photo)


def file(session: Session, checked: Checked) -> Filed:
    """File a checked request on its visit (received, routed, due, the household told if
    it agreed); flush only."""
    request = create_request(session, checked.data, channel=RequestChannel.visit,
                             visit=checked.visit)
    if checked.photo is not None:
        photos.add_photo(session, request, checked.photo, user=None)
    photos.release(session, checked.held_photo)
    return Filed(request, told=request.phone is not None)


def record_with_request(session: Session, visit: Visit, volunteer_id: int, outcome: str, *,
                        notes: str | None, data: VisitRequestInput,
                        now: datetime | None = None) -> tuple[Recorded, Filed | None]:
    """Record the visit's outcome and, when the member typed one, the household's request
    with it: both or neither (the request is checked before the outcome is written)."""
    now = now or utcnow()
    checked = None
    if data.given:
        try:
            wanted = VisitOutcome(outcome)
        except ValueError:
            wanted = None
        if wanted in RECORDABLE:  # else the recording refuses it with its own message
            checked = check(session, visit, volunteer_id, data, outcome=wanted, now=now)
    recorded = record_outcome(session, visit, volunteer_id, outcome, notes=notes, now=now)
    return recorded, file(session, checked) if checked is not None else None


def raised_on(session: Session, visit_ids: list[int]) -> dict[int, list[ResidentRequest]]:
    """The requests raised on the given visits, by visit, oldest first: one query."""
    found: dict[int, list[ResidentRequest]] = {}
    if not visit_ids:
        return found
    for request in session.scalars(
            select(ResidentRequest).where(ResidentRequest.visit_id.in_(visit_ids))
            .order_by(ResidentRequest.received_at, ResidentRequest.id)):
        assert request.visit_id is not None
        found.setdefault(request.visit_id, []).append(request)
    return found
