"""`flask events …` and `flask schedule …`: schedule from cron, inspect a run for support.

Thin: parse options, call a service, commit, print.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from app.enums import EventKind, EventStatus, RunStatus
from app.extensions import db
from app.i18n import deployment_zone
from app.models import Event, Neighbourhood, ScheduleRun
from app.services import reminders
from app.services.scheduler import changes, publish, review, runs
from app.services.scheduler.errors import RunError
from app.services.scheduler.scope import Scope
from app.tasks import scheduler as scheduler_tasks

events_cli = AppGroup("events", help="Events and their ids.")
schedule_cli = AppGroup("schedule", help="Scheduler runs.")


@events_cli.command("list")
@click.option("--kind", type=click.Choice([k.value for k in EventKind]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_events(kind: str | None, as_json: bool) -> None:
    """List events with their ids, kinds, times and shift counts."""
    statement = select(Event).order_by(Event.start_at, Event.id)
    if kind:
        statement = statement.where(Event.kind == EventKind(kind))
    tz = deployment_zone()
    rows = [
        {
            "id": e.id,
            "kind": e.kind.value,
            "status": e.status.value,
            "title": e.title,
            "neighbourhood": e.neighbourhood.name,
            "start": e.start_at.astimezone(tz).isoformat(),
            "end": e.end_at.astimezone(tz).isoformat(),
            "shifts": len(e.shifts),
            "seats": sum(s.max_volunteers for s in e.shifts),
        }
        for e in db.session.scalars(statement)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:>6}  {r['kind']:<12} {r['start'][:16]:<17} {r['shifts']:>3} shifts"
                   f" {r['seats']:>4} seats  {r['neighbourhood']}  {r['title']}")


def follow_run(run_id: int, timeout: float) -> ScheduleRun:
    """Wait for a queued run to end (a lost worker's run is ended as failed meanwhile);
    gives up after `timeout` seconds, the run going on."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        runs.fail_stale_runs(db.session)
        db.session.commit()
        current = db.session.get(ScheduleRun, run_id)
        assert current is not None
        if current.status not in (RunStatus.queued, RunStatus.running):
            return current
        if time.monotonic() > deadline:
            raise click.ClickException(f"run {run_id} still {current.status.value}; "
                                       f"see `flask schedule show {run_id}`")
        time.sleep(1.0)


def run_summary(run: ScheduleRun) -> dict[str, Any]:
    """The run's review (`review.report_json`) in the deployment's language."""
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        return review.report_json(review.run_report(db.session, run))


def _print_summary(data: dict[str, Any]) -> None:
    click.echo(f"run {data['id']}: {data['status']}")
    if data["error"]:
        click.echo(f"  error: {data['error']}")
    coverage = f"{data['coverage']:.1%}" if data["coverage"] is not None else "—"
    click.echo(f"  coverage: {data['filled']}/{data['needed']} seats ({coverage})")
    if data["bound"] is not None:
        of_bound = f"{data['of_bound']:.1%}" if data["of_bound"] is not None else "—"
        click.echo(f"  bound: {data['bound']:g} seats (filled {of_bound} of the bound)")
    diff = data["diff"]
    click.echo(f"  drafts: {diff['added']} new, {diff['kept']} published kept, "
               f"{diff['removed']} published to remove, {diff['declined']} declined")
    if data["unfilled"]:
        click.echo("  unfilled seats:")
        for u in data["unfilled"]:
            click.echo(f"    [{u['shift_id']}] {u['label']}: {u['empty']} empty — {u['reason']}")


@schedule_cli.command("run")
@click.option("--event", "event_ids", type=int, multiple=True, help="Event id; repeat.")
@click.option("--neighbourhood", "neighbourhoods", multiple=True,
              help="Neighbourhood name (or id); repeat.")
@click.option("--from", "date_from", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--to", "date_to", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--seconds", type=float, default=runs.DEFAULT_SECONDS, show_default=True,
              help="Solver time limit.")
@click.option("--wait", is_flag=True, help="Wait for the run to finish and print the summary.")
@click.option("--timeout", type=float, default=600.0, show_default=True,
              help="Give up waiting after this many seconds (the run goes on).")
@click.option("--json", "as_json", is_flag=True, help="With --wait: print the summary as JSON.")
def run_command(event_ids: tuple[int, ...], neighbourhoods: tuple[str, ...],
                date_from: datetime | None, date_to: datetime | None, seconds: float,
                wait: bool, timeout: float, as_json: bool) -> None:
    """Create a scheduler run and queue it, as the admin's "Auto-schedule" does."""
    if event_ids and (neighbourhoods or date_from or date_to):
        raise click.UsageError("give either --event or --neighbourhood/--from/--to")
    if event_ids:
        found = set(db.session.scalars(select(Event.id).where(Event.id.in_(event_ids))))
        missing = sorted(set(event_ids) - found)
        if missing:
            raise click.ClickException(f"no such event: {', '.join(map(str, missing))}")
        scope = Scope(event_ids=tuple(event_ids))
    else:
        if not (date_from and date_to):
            raise click.UsageError("--from and --to are required with --neighbourhood")
        ids: list[int] = []
        for name in neighbourhoods:
            n = db.session.scalar(select(Neighbourhood).where(
                (Neighbourhood.name == name) | (Neighbourhood.name_en == name)
                | (Neighbourhood.id == (int(name) if name.isdigit() else -1))))
            if n is None:
                raise click.ClickException(f"no such neighbourhood: {name}")
            ids.append(n.id)
        scope = Scope(neighbourhood_ids=tuple(ids), date_from=date_from.date(),
                      date_to=date_to.date())
    run = runs.create_run(db.session, scope, seconds=seconds)
    db.session.commit()
    scheduler_tasks.enqueue_run(run.id)
    click.echo(f"run {run.id} queued ({run_summary(run)['needed']} seats)")
    if not wait:
        return
    current = follow_run(run.id, timeout)
    data = run_summary(current)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        _print_summary(data)
    if current.status == RunStatus.failed:
        raise SystemExit(1)


@schedule_cli.command("show")
@click.argument("run_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def show_command(run_id: int, as_json: bool) -> None:
    """Print a run's status, coverage, bound and unfilled seats with reasons."""
    runs.fail_stale_runs(db.session)
    db.session.commit()
    run = db.session.get(ScheduleRun, run_id)
    if run is None:
        raise click.ClickException(f"no such run: {run_id}")
    data = run_summary(run)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        _print_summary(data)


@schedule_cli.command("reminders")
def reminders_command() -> None:
    """Send the day-before reminders that are due (each at most once)."""
    sent = reminders.send_due_reminders(db.session)
    db.session.commit()
    click.echo(f"{sent} reminders sent")


@schedule_cli.command("publish")
@click.argument("run_id", type=int)
def publish_command(run_id: int) -> None:
    """Publish a reviewed run, as the admin's "Publish" button does."""
    run = db.session.get(ScheduleRun, run_id)
    if run is None:
        raise click.ClickException(f"no such run: {run_id}")
    try:
        result = publish.publish_run(db.session, run)
    except RunError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    m = result.messages
    held = (f", {result.inspections_held} patrol inspections left unpublished (fewer than two "
            f"members; {result.proposals_withdrawn} proposals withdrawn)"
            if result.inspections_held else "")
    click.echo(f"run {run_id}: {result.published} assignments published, "
               f"{result.cancelled} cancelled, {result.events_published} events published"
               f"{held}; "
               f"messages queued: {m.email} e-mail, {m.sms} SMS, {m.unreachable} without "
               "contact details")


@events_cli.command("cancel")
@click.argument("event_id", type=int)
def cancel_event_command(event_id: int) -> None:
    """Call an event off: assignments cancelled, volunteers and residents told."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"no such event: {event_id}")
    if event.status == EventStatus.cancelled:
        raise click.ClickException(f"event {event_id} is already cancelled")
    counts = changes.cancel_event(db.session, event).counts
    db.session.commit()
    click.echo(f"event {event_id} cancelled; messages queued: {counts.email} e-mail, "
               f"{counts.sms} SMS, {counts.unreachable} without contact details")


@events_cli.command("reschedule")
@click.argument("event_id", type=int)
@click.option("--to", "new_start", required=True,
              type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              help="New start, local time: YYYY-MM-DDTHH:MM.")
def reschedule_event_command(event_id: int, new_start: datetime) -> None:
    """Move an event day (event, shifts, slots) to a new start; people are told."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"no such event: {event_id}")
    if event.status == EventStatus.cancelled:
        raise click.ClickException(f"event {event_id} is cancelled")
    report = changes.reschedule_event(db.session, event,
                                      new_start.replace(tzinfo=deployment_zone()))
    db.session.commit()
    counts = report.counts
    click.echo(f"event {event_id} moved to {new_start:%Y-%m-%d %H:%M}; "
               f"{len(report.released)} volunteers released, {len(report.refilled)} seats "
               f"filled again; messages queued: {counts.email} e-mail, {counts.sms} SMS, "
               f"{counts.unreachable} without contact details")
