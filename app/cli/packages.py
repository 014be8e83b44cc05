"""`flask packages …`: service packages' visits (服务套餐).

Thin: parse options, call a service, commit, print.
"""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, gettext

from app.extensions import db
from app.i18n import deployment_zone
from app.models import utcnow
from app.services.packages import generation, listing, missed

packages_cli = AppGroup("packages", help="Service packages for elderly people (服务套餐).")


@packages_cli.command("visits")
@click.option("--household", "household_id", type=int, help="Only this household (its id).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def visits(household_id: int | None, as_json: bool) -> None:
    """The package visits ahead with their helper, who holds the seat, and why a visit was
    left for the scheduler."""
    zone = deployment_zone()
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        rows = listing.upcoming(db.session, now=utcnow(), household_id=household_id)
        data = [{
            "id": r.visit_id, "household_id": r.household_id, "family": r.family,
            "service": r.service, "due_on": r.due_on.isoformat(),
            "start": r.start.astimezone(zone).isoformat(), "helper": r.helper,
            "on_duty": r.on_duty, "status": r.status.value if r.status else None,
            "left_reason": r.left_reason.value if r.left_reason else None,
            "left_because": r.left_reason.label if r.left_reason else None,
            "makes_up_for": (r.makes_up_for.astimezone(zone).isoformat()
                             if r.makes_up_for else None),
            "makeup_note": (gettext("make-up for the visit of %(start)s",
                                    start=f"{r.makes_up_for.astimezone(zone):%Y-%m-%d %H:%M}")
                            if r.makes_up_for else None),
        } for r in rows]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    with_helper = sum(1 for r in rows if r.helper and r.on_duty == r.helper)
    click.echo(f"{len(rows)} package visits ahead, {with_helper} with their helper")
    for row in data:
        who = row["on_duty"] or "—"
        why = f"  ({row['left_because']})" if row["left_because"] else ""
        makeup = f"  [{row['makeup_note']}]" if row["makeup_note"] else ""
        click.echo(f"  {row['start'][:16].replace('T', ' ')}  {row['family']} · "
                   f"{row['service']}  {who}{why}{makeup}")


@packages_cli.command("sync")
@click.option("--household", "household_ids", type=int, multiple=True,
              help="Only this household (its id; repeat for several). Default: every package.")
def sync(household_ids: tuple[int, ...]) -> None:
    """Generate the package visits now, as the task queued after a save does."""
    zone = deployment_zone()
    ids = list(household_ids) or generation.households_with_packages(db.session)
    result = generation.sync(db.session, ids, today=utcnow().astimezone(zone).date(),
                             zone=zone)
    db.session.commit()
    click.echo(f"{result.created} visits created ({result.assigned} with their helper, "
               f"{len(result.left)} left for the scheduler), {result.replaced} replaced, "
               f"{result.kept} confirmed kept, {len(result.notifications)} messages to helpers "
               "queued")


@packages_cli.command("missed")
@click.option("--days", type=int, default=missed.MISSED_AFTER_DAYS, show_default=True,
              help="Days after a visit's end within which it must be recorded as done.")
def missed_command(days: int) -> None:
    """Escalate the package visits not recorded as done in time (as the hourly task does):
    the coordinators are told and a make-up visit is made, once per visit."""
    result = missed.escalate(db.session, now=utcnow(), zone=deployment_zone(), days=days)
    db.session.commit()
    with_helper = sum(1 for m in result.makeups if m.left_reason is None)
    click.echo(f"{len(result.missed)} missed visits escalated, {len(result.makeups)} make-up "
               f"visits ({with_helper} with the same helper), {len(result.notifications)} "
               "messages to coordinators queued")
