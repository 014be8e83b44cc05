"""Completion certificates 结业证明 for courses: issued once per participant who met the
course's rule, drawn by the hours certificates' machinery (A4, Chinese, embedded CJK font, a
code and QR for the public verification page, which shows the masked name and the figures)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.i18n import deployment_zone
from app.models import CourseCertificate, Event, Registration, SessionAttendance
from app.services import links
from app.services.attendance.certificates import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CertificateError,
    CertificatePage,
    draw,
    font_path,
    new_code,
)
from app.services.signup import HOLDING


@dataclass(frozen=True)
class Progress:
    attended: int
    needed: int
    sessions: int

    @property
    def completed(self) -> bool:
        return self.attended >= self.needed


def attended_counts(session: Session, event: Event) -> dict[int, int]:
    """Sessions attended per course place (registration id), in one grouped query."""
    rows = session.execute(
        select(SessionAttendance.registration_id, func.count())
        .join(Registration, SessionAttendance.registration_id == Registration.id)
        .where(SessionAttendance.event_id == event.id, Registration.slot_key == 0,
               SessionAttendance.slot_key != 0)
        .group_by(SessionAttendance.registration_id))
    return {registration_id: int(count) for registration_id, count in rows}


def progress(session: Session, registration: Registration) -> Progress | None:
    """How far a course place is towards completion; None when it is not a course place."""
    event = registration.event
    if not event.is_course or registration.slot_id is not None:
        return None
    attended = session.scalar(select(func.count()).select_from(SessionAttendance).where(
        SessionAttendance.registration_id == registration.id,
        SessionAttendance.slot_key != 0)) or 0
    assert event.completion_sessions is not None
    return Progress(attended, event.completion_sessions, len(event.slots))


def issue(session: Session, registration: Registration, *, zone: ZoneInfo,
          issued_by_id: int | None = None) -> CourseCertificate:
    """The participant's completion certificate: the one already issued, or a new one when
    the course's rule is met. Flushes only."""
    found = progress(session, registration)
    if found is None:
        raise CertificateError(str(_l("Only a place in a whole course earns a completion "
                                      "certificate.")))
    if registration.status not in HOLDING:
        raise CertificateError(str(_l("This sign-up is cancelled.")))
    existing = session.scalar(select(CourseCertificate).where(
        CourseCertificate.registration_id == registration.id))
    if existing is not None:
        return existing
    if not found.completed:
        raise CertificateError(str(_l(
            "%(name)s attended %(n)s sessions; the course is completed with %(needed)s.",
            name=registration.name, n=found.attended, needed=found.needed)))
    event = registration.event
    days = [slot.start_at.astimezone(zone).date() for slot in event.slots]
    certificate = CourseCertificate(
        code=new_code(), registration_id=registration.id, event_id=event.id,
        resident_name=registration.name, course_title=event.title[:200],
        town=event.neighbourhood.town, starts_on=min(days), ends_on=max(days),
        sessions_attended=found.attended, sessions_total=found.sessions,
        issued_by_id=issued_by_id)
    session.add(certificate)
    session.flush()
    return certificate


def make(session: Session, registration: Registration, *,
         issued_by_id: int | None) -> tuple[CourseCertificate, bytes]:
    """Issue (or find) the certificate and draw it; refused (nothing written) without a
    font."""
    config = current_app.config
    font = font_path(config.get("LINLI_CJK_FONT"))
    zone = deployment_zone()
    certificate = issue(session, registration, zone=zone, issued_by_id=issued_by_id)
    attended = set(session.scalars(select(SessionAttendance.slot_key).where(
        SessionAttendance.registration_id == registration.id)))
    with force_locale(config["LINLI_DEFAULT_LOCALE"]):
        rows = [(slot.start_at.astimezone(zone).date().isoformat(), slot.label,
                 _("Attended") if slot.id in attended else _("Absent"))
                for slot in registration.event.slots]
        page = CertificatePage(
            title=_("Certificate of course completion"),
            body=_("This certifies that %(name)s took part in %(course)s, held in %(town)s "
                   "from %(start)s to %(end)s, attended %(n)s of its %(total)s sessions and "
                   "completed the course.",
                   name=certificate.resident_name, course=certificate.course_title,
                   town=certificate.town, start=certificate.starts_on.isoformat(),
                   end=certificate.ends_on.isoformat(), n=certificate.sessions_attended,
                   total=certificate.sessions_total),
            columns=(_("Date"), _("Session"), _("Attendance")), rows=rows,
            town=certificate.town, issued_on=certificate.issued_at.date(),
            code=certificate.code)
        pdf = draw(page, verify_url=links.external_url("public.verify_certificate",
                                                       code=certificate.code), font=font)
    return certificate, pdf


def file_name(certificate: CourseCertificate) -> str:
    return f"结业证明-{certificate.resident_name}-{certificate.code}.pdf"


def find(session: Session, code: str) -> CourseCertificate | None:
    code = (code or "").strip().upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return session.scalar(select(CourseCertificate).where(CourseCertificate.code == code))
