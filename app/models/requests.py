"""Residents' requests and suggestions (step 2 of the article) and the history of each.

A request is personal data while it is open: who raised it, their phone, their own words. What
may be shown publicly is written separately by the committee (`board_title`, `result`) and is
the only text the notice board reads.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import (
    FollowUpOutcome,
    LevelHandler,
    PhotoStage,
    RequestCategory,
    RequestChannel,
    RequestStatus,
    SatisfactionAnswer,
)
from app.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from app.models.linkage_levels import LinkageLevel
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.council import CouncilVote
    from app.models.departments import Department
    from app.models.events import Event
    from app.models.geography import Neighbourhood
    from app.models.households import Household, Visit
    from app.models.service_groups import Building, ServiceGroup
    from app.models.users import User
    from app.models.volunteers import Volunteer


def new_follow_token() -> str:
    return secrets.token_urlsafe(24)


def new_survey_token() -> str:
    # 64 random bits in 11 characters: short enough for an SMS, not guessable.
    return secrets.token_urlsafe(8)


def new_request_code() -> str:
    # Read over the phone: no 0/O, 1/I/L.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "Q" + "".join(secrets.choice(alphabet) for _ in range(7))


class ResidentRequest(TimestampMixin, Base):
    """A request or suggestion from a resident, a visit or a patrol, followed to resolution."""

    __tablename__ = "resident_requests"
    __table_args__ = (
        CheckConstraint("length(text) > 0", name="text_not_empty"),
        CheckConstraint("resolved_at IS NULL OR status = 'resolved'",
                        name="resolved_at_only_when_resolved"),
        CheckConstraint("merged_into_id IS NULL OR (status = 'merged' AND merged_into_id <> id)",
                        name="merged_into_only_when_merged"),
        CheckConstraint("me_too >= 0", name="me_too_not_negative"),
        CheckConstraint("follow_up_done_at IS NULL OR follow_up_due_on IS NOT NULL",
                        name="follow_up_done_only_when_planned"),
        Index("ix_resident_requests_neighbourhood_status", "neighbourhood_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    #: Short, readable over the phone; the resident quotes it (and the API looks it up).
    reference_code: Mapped[str] = mapped_column(String(12), unique=True, default=new_request_code)
    #: The secret of the resident's private link to follow the request.
    follow_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_follow_token)
    category: Mapped[RequestCategory] = mapped_column(
        enum_column_type(RequestCategory, "request_category")
    )
    channel: Mapped[RequestChannel] = mapped_column(
        enum_column_type(RequestChannel, "request_channel"), default=RequestChannel.form
    )
    status: Mapped[RequestStatus] = mapped_column(
        enum_column_type(RequestStatus, "request_status"), default=RequestStatus.received,
        index=True,
    )
    #: The resident's own words. Personal: never on a public page.
    text: Mapped[str] = mapped_column(Text)
    #: Where: a building number, a courtyard, a street corner.
    place: Mapped[str | None] = mapped_column(String(120))
    building_id: Mapped[int | None] = mapped_column(
        ForeignKey("buildings.id", ondelete="SET NULL"), index=True
    )
    #: The service group responsible (from the building's patch, or re-routed).
    service_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_groups.id", ondelete="SET NULL"), index=True
    )
    # Who raised it. All optional: a resident may stay anonymous.
    name: Mapped[str | None] = mapped_column(String(80))
    #: Normalised mainland mobile number, to tell the resident each step by SMS.
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    #: The language the resident wrote in; messages to them use it.
    locale: Mapped[str | None] = mapped_column(String(10))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    #: The member who filed it (on a visit or a patrol): the raiser of record whose
    #: suggestions the per-volunteer figures count.
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True
    )
    #: The household visit it was raised on (channel visit).
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    #: The coordinator who entered it (a phone call, a visit to the office).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: By when it should be resolved (from its category's deadline).
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What the notice board calls it ("Pergola in the courtyard of building 12"); the
    #: committee writes it, so the resident's own words stay private.
    board_title: Mapped[str | None] = mapped_column(String(200))
    #: The public result ("A pergola with climbing plants was built in May").
    result: Mapped[str | None] = mapped_column(Text)
    #: When the result went on the notice board (None: not posted).
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: The residents' council meeting that decides it, and its decision.
    council_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    council_decision: Mapped[str | None] = mapped_column(Text)
    council_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The request this one was merged into (the same matter, raised earlier): this one keeps
    #: its words and raiser, is closed as merged, and its raiser is told the survivor's result.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident_requests.id", ondelete="SET NULL"), index=True
    )
    #: Residents who said "me too" on the public form instead of raising it again (a count:
    #: nothing about them is kept).
    me_too: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The secret of the questionnaire's short link, given when it is resolved and the raiser
    #: can be asked (None: anonymous, or not resolved yet).
    survey_token: Mapped[str | None] = mapped_column(String(16), unique=True)
    #: When the questionnaire went to the raiser, some days after resolution (`survey`):
    #: it goes once.
    survey_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The linkage level handling it now; raised only by an escalation (`escalations`).
    #: Without one given, the neighbourhood committee's.
    level_id: Mapped[int] = mapped_column(
        ForeignKey("linkage_levels.id", ondelete="RESTRICT"), index=True,
        default=select(LinkageLevel.id).where(
            LinkageLevel.handled_by == LevelHandler.committee).scalar_subquery(),
    )
    #: The town or district department handling it now (escalated to it), if any.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    #: The day someone gets back in touch with the raiser after an explanation
    #: (`app.services.requests.follow_up`); a household's is also a planned visit.
    follow_up_due_on: Mapped[date | None] = mapped_column(index=True)
    #: When the follow-up reached the raiser (None: still to do, or none planned).
    follow_up_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    neighbourhood: Mapped[Neighbourhood] = relationship()
    building: Mapped[Building | None] = relationship()
    service_group: Mapped[ServiceGroup | None] = relationship()
    household: Mapped[Household | None] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()
    visit: Mapped[Visit | None] = relationship(foreign_keys=[visit_id])
    created_by: Mapped[User | None] = relationship()
    council_event: Mapped[Event | None] = relationship()
    merged_into: Mapped[ResidentRequest | None] = relationship(
        remote_side="ResidentRequest.id", back_populates="merged")
    merged: Mapped[list[ResidentRequest]] = relationship(
        back_populates="merged_into", order_by="ResidentRequest.id")
    level: Mapped[LinkageLevel] = relationship()
    department: Mapped[Department | None] = relationship()
    photos: Mapped[list[RequestPhoto]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestPhoto.id")
    answer: Mapped[RequestAnswer | None] = relationship(
        back_populates="request", cascade="all, delete-orphan", uselist=False)
    escalations: Mapped[list[RequestEscalation]] = relationship(
        back_populates="request", cascade="all, delete-orphan",
        order_by="(RequestEscalation.at, RequestEscalation.id)",
    )
    changes: Mapped[list[RequestChange]] = relationship(
        back_populates="request", cascade="all, delete-orphan",
        order_by="(RequestChange.at, RequestChange.id)",
    )

    def __str__(self) -> str:
        return self.reference_code


class RequestDeadline(Base):
    """How many working days a request of one category should take (the town admin's).

    A request's `due_at` is set from it when the request comes in or changes category
    (`app.services.requests.deadlines`); a category without a row has no deadline.
    """

    __tablename__ = "request_deadlines"
    __table_args__ = (
        CheckConstraint("working_days > 0 AND working_days <= 250", name="working_days_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[RequestCategory] = mapped_column(
        enum_column_type(RequestCategory, "deadline_category"), unique=True
    )
    #: Working days (weekdays and make-up days, public holidays off) after the day received.
    working_days: Mapped[int]

    def __str__(self) -> str:
        return str(RequestCategory(self.category).label)


class RequestChange(Base):
    """One step in a request's history: who moved it, when, from what to what, and what they
    said. Append-only; the resident reads the notes on their private page."""

    __tablename__ = "resident_request_changes"
    __table_args__ = (
        CheckConstraint("follow_up IS NULL OR from_status = to_status",
                        name="follow_up_keeps_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("resident_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: None for the first entry (the request was raised).
    from_status: Mapped[RequestStatus | None] = mapped_column(
        enum_column_type(RequestStatus, "request_change_from")
    )
    to_status: Mapped[RequestStatus] = mapped_column(
        enum_column_type(RequestStatus, "request_change_to")
    )
    #: The staff member who made the change; None when the resident did (raised, reopened).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The name as it was, so the history still says who after an account is removed.
    actor: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str | None] = mapped_column(Text)
    #: A re-routing (`app.services.requests.routing`): the service group the request left and
    #: the one it went to; the state stays (`from_status` equals `to_status`, as for a
    #: follow-up contact).
    from_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_groups.id", ondelete="SET NULL"), index=True
    )
    to_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_groups.id", ondelete="SET NULL"), index=True
    )
    #: A follow-up contact after an explanation (`app.services.requests.follow_up`): what it
    #: came to; the state stays, as for a re-routing.
    follow_up: Mapped[FollowUpOutcome | None] = mapped_column(
        enum_column_type(FollowUpOutcome, "request_follow_up"))
    #: On the first entry: how the request was routed on intake (the routing rule, or the
    #: building's patch), as it read then in the deployment's language; for staff only.
    routing: Mapped[str | None] = mapped_column(Text)

    request: Mapped[ResidentRequest] = relationship(back_populates="changes")
    user: Mapped[User | None] = relationship()
    from_group: Mapped[ServiceGroup | None] = relationship(foreign_keys=[from_group_id])
    to_group: Mapped[ServiceGroup | None] = relationship(foreign_keys=[to_group_id])
    #: The residents' council's vote, on the step that left the council (`council_vote`).
    council_vote: Mapped[CouncilVote | None] = relationship(
        back_populates="change", cascade="all, delete-orphan", uselist=False, lazy="selectin")

    @property
    def rerouted(self) -> bool:
        return self.from_status == self.to_status and self.follow_up is None


class RequestEscalation(Base):
    """One push of a request up the linkage (四级联动): who, when, from which level to which
    (and which department), and why. Append-only: "resolved at grassroots level" is a
    request resolved without one of these to a level that is not grassroots."""

    __tablename__ = "resident_request_escalations"
    __table_args__ = (
        CheckConstraint("length(reason) > 0", name="reason_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("resident_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    from_level_id: Mapped[int] = mapped_column(
        ForeignKey("linkage_levels.id", ondelete="RESTRICT"), index=True)
    #: A level handled by departments names the `department` (`escalation.escalate`).
    to_level_id: Mapped[int] = mapped_column(
        ForeignKey("linkage_levels.id", ondelete="RESTRICT"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The name as it was, so the record still says who after an account is removed.
    actor: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(Text)

    request: Mapped[ResidentRequest] = relationship(back_populates="escalations")
    from_level: Mapped[LinkageLevel] = relationship(foreign_keys=[from_level_id])
    to_level: Mapped[LinkageLevel] = relationship(foreign_keys=[to_level_id])
    department: Mapped[Department | None] = relationship()
    user: Mapped[User | None] = relationship()


class RequestAnswer(Base):
    """The raiser's answer to the questionnaire after resolution: one per request, kept."""

    __tablename__ = "resident_request_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("resident_requests.id", ondelete="CASCADE"), unique=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    answer: Mapped[SatisfactionAnswer] = mapped_column(
        enum_column_type(SatisfactionAnswer, "satisfaction_answer"))
    #: The resident's own words: personal, never on a public page.
    comment: Mapped[str | None] = mapped_column(Text)

    request: Mapped[ResidentRequest] = relationship(back_populates="answer")


class RequestPhoto(Base):
    """A photo of a request, checked and stripped of its metadata before it is kept
    (`app.services.requests.photos`). Personal data like the request; public only once a
    coordinator publishes it on the notice board."""

    __tablename__ = "resident_request_photos"
    __table_args__ = (
        CheckConstraint("size > 0 AND size <= 5242880", name="size_within_limit"),
        CheckConstraint("width > 0 AND height > 0", name="dimensions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("resident_requests.id", ondelete="CASCADE"), index=True
    )
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The staff member who added it; None for the resident's own photo.
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    #: The re-encoded image (no EXIF, no GPS). Deferred: lists never load it.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: When a coordinator put it on the notice board (None: not public).
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The matter as raised, or as resolved; the resident's own photo is always "before".
    stage: Mapped[PhotoStage] = mapped_column(
        enum_column_type(PhotoStage, "photo_stage"), default=PhotoStage.before,
        server_default=PhotoStage.before.value,
    )

    request: Mapped[ResidentRequest] = relationship(back_populates="photos")


class HeldRequestPhoto(Base):
    """A photo a resident chose on the public form while the form went back to them (a code
    to type, a mistake to correct, a matter already raised to look at): kept, checked and
    stripped like any request photo, under a random token the form carries, so it is not lost
    and need not be chosen again. Taken when the request is sent; forgotten after a few hours
    (`photos.purge_held`)."""

    __tablename__ = "held_request_photos"
    __table_args__ = (
        CheckConstraint("size > 0 AND size <= 5242880", name="size_within_limit"),
        CheckConstraint("width > 0 AND height > 0", name="dimensions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_follow_token)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
