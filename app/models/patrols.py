"""Patrols: the places patrolled (sites), the groups of certified supervisors who patrol them,
seasons with a required number of inspections per site, the checklist per kind of site, and
the inspection log (who was there, the checklist's answers, findings, follow-up).

The Yuepu internet-café squad of the article is the model case: 14 supervisors in 4 groups,
12 cafés, a summer of certified group inspections. An inspection is a *certified group
inspection* when at least two members present were certified on its day; whether each member
present was certified is kept on the presence row, so a later change of a certificate does not
rewrite a past season's figures (`app.services.patrols.log.refresh_certified`).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import ChecklistAnswer, PatrolSiteKind
from app.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.geography import Neighbourhood
    from app.models.requests import ResidentRequest
    from app.models.users import User
    from app.models.volunteers import Volunteer


class PatrolGroup(Base):
    """A group of supervisors (巡查小组) who patrol the sites near them together."""

    __tablename__ = "patrol_groups"
    __table_args__ = (UniqueConstraint("neighbourhood_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    members: Mapped[list[PatrolMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="PatrolMember.id")
    sites: Mapped[list[PatrolSite]] = relationship(back_populates="group",
                                                   order_by="PatrolSite.name")

    def __str__(self) -> str:
        return self.name


class PatrolMember(Base):
    """A volunteer in a patrol group, with their supervisor's certificate.

    Until qualifications with expiry exist, the certificate is a flag with an optional end
    date: certified on a day when `certified` and (`certified_until` empty or not before it).
    """

    __tablename__ = "patrol_group_members"
    __table_args__ = (
        UniqueConstraint("group_id", "volunteer_id"),
        CheckConstraint("certified OR certified_until IS NULL",
                        name="until_only_when_certified"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("patrol_groups.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    certified: Mapped[bool] = mapped_column(default=False)
    #: The last day the certificate is valid; empty: no end date.
    certified_until: Mapped[date | None]

    group: Mapped[PatrolGroup] = relationship(back_populates="members")
    volunteer: Mapped[Volunteer] = relationship()

    def certified_on(self, day: date) -> bool:
        return self.certified and (self.certified_until is None or self.certified_until >= day)

    def __str__(self) -> str:
        return str(self.volunteer) if self.volunteer else str(self.volunteer_id)


class PatrolSite(TimestampMixin, Base):
    """A place to patrol: an internet café, a market, a neighbourhood's round."""

    __tablename__ = "patrol_sites"
    __table_args__ = (
        UniqueConstraint("neighbourhood_id", "name"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)",
                        name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
                        name="longitude_range"),
        CheckConstraint("(opens_at IS NULL AND closes_at IS NULL)"
                        " OR (opens_at IS NOT NULL AND closes_at IS NOT NULL)",
                        name="opening_hours_complete"),
        CheckConstraint("required_per_season IS NULL OR required_per_season >= 0",
                        name="required_non_negative"),
        CheckConstraint("min_per_week IS NULL OR min_per_week >= 0",
                        name="min_per_week_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[PatrolSiteKind] = mapped_column(
        enum_column_type(PatrolSiteKind, "patrol_site_kind"), default=PatrolSiteKind.other)
    address: Mapped[str] = mapped_column(String(200))
    #: WGS-84 degrees, as a phone's map shows them.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    #: Local opening hours; a closing time at or before the opening time is after midnight.
    opens_at: Mapped[time | None]
    closes_at: Mapped[time | None]
    #: The manager or owner to ask for on site. Personal: never on a public page.
    contact_name: Mapped[str | None] = mapped_column(String(80))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    #: The group that usually patrols it (continuity: it keeps the site unless impossible).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrol_groups.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: Certified group inspections this site needs in a season, and at least in each week of
    #: it; empty: the season's (a café with past findings may need more than the others).
    required_per_season: Mapped[int | None]
    min_per_week: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    group: Mapped[PatrolGroup | None] = relationship(back_populates="sites")

    def __str__(self) -> str:
        return self.name


class PatrolSeason(Base):
    """A period of patrolling (the summer holiday) with how often each site is inspected,
    unless the site says otherwise (`app.services.patrols.requirement`).

    Town-wide when it has no neighbourhood: it covers the sites of every neighbourhood of
    its town, as the Yuepu squad's summer does.
    """

    __tablename__ = "patrol_seasons"
    __table_args__ = (
        UniqueConstraint("town", "name"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("required_per_site >= 0", name="required_non_negative"),
        CheckConstraint("min_per_week >= 0", name="min_per_week_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    town: Mapped[str] = mapped_column(String(80))
    #: Empty for a town-wide season.
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: Certified group inspections each site needs over the season (the article: about 16
    #: per café); a member's own visit does not count toward it.
    required_per_site: Mapped[int] = mapped_column(default=16)
    #: And at least this many in every week of the season.
    min_per_week: Mapped[int] = mapped_column(default=1)
    notes: Mapped[str | None] = mapped_column(Text)

    neighbourhood: Mapped[Neighbourhood | None] = relationship()

    def __str__(self) -> str:
        return self.name


class PatrolChecklistItem(Base):
    """One question of the inspection checklist for a kind of site (town-wide setting)."""

    __tablename__ = "patrol_checklist_items"
    __table_args__ = (
        UniqueConstraint("site_kind", "question"),
        CheckConstraint("length(question) > 0", name="question_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_kind: Mapped[PatrolSiteKind] = mapped_column(
        enum_column_type(PatrolSiteKind, "patrol_checklist_kind"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: The question as supervisors read it (Chinese), and in English.
    question: Mapped[str] = mapped_column(String(200))
    question_en: Mapped[str | None] = mapped_column(String(200))
    #: The answer that is a finding ("minors present: yes"; "licence displayed: no").
    concern_answer: Mapped[ChecklistAnswer] = mapped_column(
        enum_column_type(ChecklistAnswer, "patrol_checklist_concern"),
        default=ChecklistAnswer.no)
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.question


#: Who was present at an inspection; `certified` is whether they were certified on its day.
patrol_inspection_members = Table(
    "patrol_inspection_members",
    Base.metadata,
    Column("inspection_id", ForeignKey("patrol_inspections.id", ondelete="CASCADE"),
           primary_key=True),
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
    Column("certified", Boolean(), nullable=False, default=False, server_default=false()),
)


class PatrolInspection(TimestampMixin, Base):
    """One inspection of a site by a group: started and ended on the phone at the site.

    Members change their own record on the day; after that only a coordinator does, and
    every change after creation is kept in `changes`.
    """

    __tablename__ = "patrol_inspections"
    __table_args__ = (
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        Index("ix_patrol_inspections_site_started", "site_id", "started_at"),
        Index("ix_patrol_inspections_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("patrol_sites.id", ondelete="RESTRICT"))
    group_id: Mapped[int] = mapped_column(
        ForeignKey("patrol_groups.id", ondelete="RESTRICT"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Empty while the inspection is under way.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The member who started it on the phone.
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)
    #: The coordinator who entered it in the admin (a paper form).
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: [{"item": id, "question": text as asked, "answer": "yes" | "no" | "not_applicable",
    #:   "concern": bool}], in checklist order; the question is copied so the record reads
    #: the same after the checklist changes.
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    findings: Mapped[str | None] = mapped_column(Text)
    follow_up_needed: Mapped[bool] = mapped_column(default=False)
    #: The residents' request the follow-up became (channel: patrol).
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident_requests.id", ondelete="SET NULL"), index=True)

    site: Mapped[PatrolSite] = relationship()
    group: Mapped[PatrolGroup] = relationship()
    started_by: Mapped[Volunteer | None] = relationship(foreign_keys=[started_by_id])
    recorded_by: Mapped[User | None] = relationship()
    request: Mapped[ResidentRequest | None] = relationship()
    present: Mapped[list[Volunteer]] = relationship(
        secondary=patrol_inspection_members, order_by="Volunteer.name_sort")
    photos: Mapped[list[PatrolInspectionPhoto]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan",
        order_by="PatrolInspectionPhoto.id")
    changes: Mapped[list[PatrolInspectionChange]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan",
        order_by="(PatrolInspectionChange.at, PatrolInspectionChange.id)")

    def __str__(self) -> str:
        return f"{self.site} {self.started_at:%Y-%m-%d %H:%M}"


class PatrolInspectionChange(Base):
    """One change of an inspection record: who, when, and each field's old and new value."""

    __tablename__ = "patrol_inspection_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("patrol_inspections.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)
    #: The name as it was, so the history still says who after an account is removed.
    actor: Mapped[str] = mapped_column(String(80), default="")
    #: {field: [before, after]} as shown to people (times in local time, names not ids).
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    inspection: Mapped[PatrolInspection] = relationship(back_populates="changes")


class PatrolInspectionPhoto(Base):
    """A photo of an inspection, checked and stripped of its metadata before it is kept
    (`app.services.patrols.photos`). Seen by the inspection's group and the staff in scope,
    never in public."""

    __tablename__ = "patrol_inspection_photos"
    __table_args__ = (
        CheckConstraint("size > 0 AND size <= 5242880", name="size_within_limit"),
        CheckConstraint("width > 0 AND height > 0", name="dimensions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("patrol_inspections.id", ondelete="CASCADE"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The member who took it on the phone, or the coordinator who added it in the admin.
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    #: The re-encoded image (no EXIF, no GPS). Deferred: lists never load it.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    inspection: Mapped[PatrolInspection] = relationship(back_populates="photos")
