"""`flask visits …`: contacts due, planning a round.

Thin: parse options, call a service, commit, print.
"""

from __future__ import annotations

import json
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.cli.options import neighbourhood_scope
from app.extensions import db
from app.i18n import deployment_zone
from app.models import utcnow
from app.services.households.due import due_rows
from app.services.visits import rounds
from app.tasks import visits as visit_tasks

visits_cli = AppGroup("visits", help="Follow-up visits: contacts due, visit rounds.")


def _locale() -> force_locale:
    return force_locale(current_app.config["LINLI_DEFAULT_LOCALE"])


@visits_cli.command("due")
@click.option("--neighbourhood", "neighbourhood_name", default=None,
              help="Only this neighbourhood (its name).")
@click.option("--group", "group_id", type=int, default=None, help="Only this service group.")
@click.option("--within", type=int, default=0, help="Also those due within this many days.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def due(neighbourhood_name: str | None, group_id: int | None, within: int,
        as_json: bool) -> None:
    """Households whose next contact is due (or overdue), latest first."""
    ids = neighbourhood_scope(neighbourhood_name)
    rows = due_rows(db.session, neighbourhood_ids=ids, group_id=group_id,
                    within_days=max(0, within))
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
        return
    tz = deployment_zone()
    for r in rows:
        click.echo(f"{r.household_id:>7} {r.days_late:>5}d  {r.due_at.astimezone(tz):%Y-%m-%d}"
                   f"  {r.group_name or '-':<12} {r.building_number or '-':>5}  "
                   f"{r.contact_name} · {r.address}")
    click.echo(f"{len(rows)} due, {sum(r.overdue for r in rows)} overdue")


@visits_cli.command("plan")
@click.option("--group", "group_id", type=int, required=True, help="The service group's id.")
@click.option("--weeks", type=int, default=4, show_default=True)
@click.option("--from", "starts_on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="First day (default: tomorrow).")
@click.option("--wait", is_flag=True, help="Plan here and now instead of on the queue.")
def plan(group_id: int, weeks: int, starts_on, wait: bool) -> None:
    """Propose a round of visits for a group (a draft the coordinator reviews and
    publishes in the admin)."""
    first = starts_on.date() if starts_on else (
        utcnow().astimezone(deployment_zone()).date() + timedelta(days=1))
    if not wait:
        visit_tasks.plan_visits(group_id, first.isoformat(), weeks)
        click.echo(f"queued: group {group_id}, {first.isoformat()} + {weeks} weeks")
        return
    try:
        with _locale():
            result = rounds.plan_round(db.session, group_id=group_id, starts_on=first,
                                       weeks=weeks, zone=deployment_zone())
    except rounds.RoundError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"round {result.round.id}: {result.proposed} contacts proposed, "
               f"{result.assigned} with a member ({result.solver})")
