"""`flask hours …`, `flask attendance …` and `flask certificates …`: the service-hours report,
a shift's sheet and hours certificates.

Thin: parse options, call `app.services.attendance`, print.
"""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.cli.options import neighbourhood_scope
from app.extensions import db
from app.i18n import deployment_zone
from app.models import Event, Shift, Volunteer
from app.services import courses
from app.services.attendance import certificates, hours, recording

hours_cli = AppGroup("hours", help="Service hours (服务时长): the ledger's totals.")
attendance_cli = AppGroup("attendance", help="Attendance on shifts.")

_DAY = click.DateTime(["%Y-%m-%d"])


@hours_cli.command("report")
@click.option("--from", "start", type=_DAY, default=None, help="First day of service.")
@click.option("--to", "end", type=_DAY, default=None, help="Last day of service (included).")
@click.option("--neighbourhood", "neighbourhood_name", default=None,
              help="Only this neighbourhood's volunteers (its name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def report(start, end, neighbourhood_name: str | None, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Hours per volunteer over a period, most first."""
    first, last = (start.date() if start else None), (end.date() if end else None)
    if first and last and last < first:
        raise click.ClickException("--to is before --from")
    rows = hours.report(db.session, neighbourhood_ids=neighbourhood_scope(neighbourhood_name),
                        start=first, end=last)
    if as_json:
        click.echo(json.dumps({"from": first and first.isoformat(),
                               "to": last and last.isoformat(),
                               "total_minutes": sum(r.minutes for r in rows),
                               "volunteers": [r.to_json() for r in rows]},
                              ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r.volunteer_id:>7} {hours.hours_text(r.minutes):>8} h {r.shifts:>4} shifts"
                   f"  {r.neighbourhood or '-':<10} {r.name}")
    click.echo(f"{len(rows)} volunteers, "
               f"{hours.hours_text(sum(r.minutes for r in rows))} hours")


@attendance_cli.command("sheet")
@click.option("--event", "event_id", type=int, required=True, help="The event's id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def sheet(event_id: int, as_json: bool) -> None:
    """Who is on each shift of an event and what was recorded; the residents expected at each
    session (people, not sign-ups) and how many were present."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"no event with id {event_id}")
    shifts = db.session.scalars(select(Shift).where(Shift.event_id == event.id)
                                .options(joinedload(Shift.event))
                                .order_by(Shift.start_at, Shift.id)).all()
    zone = deployment_zone()
    out = []
    for shift in shifts:
        lines = []
        for line in recording.roster(db.session, shift):
            a = line.attendance
            lines.append({
                "assignment_id": line.assignment.id, "volunteer": line.assignment.volunteer.name,
                "status": a.status.value if a else None,
                "checked_in_at": a.checked_in_at.astimezone(zone).isoformat()
                if a and a.checked_in_at else None,
                "checked_out_at": a.checked_out_at.astimezone(zone).isoformat()
                if a and a.checked_out_at else None,
                "credited_minutes": a.credited_minutes if a else 0})
        out.append({"shift_id": shift.id, "title": shift.title,
                    "start_at": shift.start_at.astimezone(zone).isoformat(),
                    "end_at": shift.end_at.astimezone(zone).isoformat(), "lines": lines})
    residents = courses.sign_in_sheet(db.session, event)
    sessions = [{"slot_id": section.slot.id if section.slot else None,
                 "label": section.slot.label if section.slot else event.title,
                 "people": section.people, "present": section.present}
                for section in residents.sections]
    if as_json:
        click.echo(json.dumps({"event_id": event.id, "title": event.title, "shifts": out,
                               "residents": {"people": residents.people,
                                             "registrations": residents.registrations,
                                             "sessions": sessions}},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"{event.title}")
    for s in out:
        click.echo(f"  {s['start_at'][:16]} {s['title']}")
        for ln in s["lines"]:
            click.echo(f"    {ln['volunteer']:<10} {ln['status'] or '-':<8} "
                       f"{hours.hours_text(ln['credited_minutes'])} h")
    click.echo(f"  residents: {residents.people} people ({residents.registrations} sign-ups)")
    for session in sessions:
        click.echo(f"    {session['label']:<20} {session['present']:>4} of "
                   f"{session['people']} present")


certificates_cli = AppGroup("certificates", help="Service-hours certificates (PDF).")


@certificates_cli.command("make")
@click.option("--volunteer", "volunteer_id", type=int, required=True, help="The volunteer's id.")
@click.option("--from", "start", type=_DAY, required=True, help="First day of the period.")
@click.option("--to", "end", type=_DAY, required=True, help="Last day of the period.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the PDF.")
def make_certificate(volunteer_id: int, start, end, out: str) -> None:  # type: ignore[no-untyped-def]
    """Issue a certificate of the volunteer's hours over a period and write it as a PDF."""
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise click.ClickException(f"no volunteer with id {volunteer_id}")
    try:
        certificate, pdf = certificates.make(db.session, volunteer, start.date(), end.date(),
                                             issued_by_id=None)
    except certificates.CertificateError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    with open(out, "wb") as file:
        file.write(pdf)
    db.session.commit()
    click.echo(f"{certificate.code}: {hours.hours_text(certificate.minutes)} hours, "
               f"{certificate.starts_on} – {certificate.ends_on} → {out}")
