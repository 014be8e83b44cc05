"""`flask incidents …`: incidents and their follow-up progress.

Thin: parse options, call a service, print.
"""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.i18n import deployment_zone
from app.models import Incident, utcnow
from app.services import incidents

incidents_cli = AppGroup("incidents", help="Incidents and their follow-up.")


@incidents_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_incidents(as_json: bool) -> None:
    """Incidents, latest first, with their follow-up progress."""
    rows = db.session.scalars(select(Incident).order_by(Incident.started_at.desc())).all()
    tz = deployment_zone()
    today = utcnow().astimezone(tz).date()
    progress = incidents.follow_up_progress(db.session, [i.id for i in rows], today=today)
    data = [{
        "id": i.id, "kind": i.kind.value, "title": i.title,
        "neighbourhood": i.neighbourhood.name,
        "started_at": i.started_at.astimezone(tz).isoformat(),
        "restored_at": i.restored_at.astimezone(tz).isoformat() if i.restored_at else None,
        "households": progress[i.id].total, "follow_up_done": progress[i.id].done,
        "follow_up_due": progress[i.id].due,
    } for i in rows]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        for i in rows:
            click.echo(f"{i.id:>5}  {i.started_at.astimezone(tz):%Y-%m-%d %H:%M}  "
                       f"{i.neighbourhood.name}  {i.title}  {progress[i.id]}")
