"""`flask notifications list`: what was sent to whom, by which channel, and what became of it."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.i18n import deployment_zone
from app.models import Notification

notifications_cli = AppGroup("notifications", help="Messages sent to volunteers and residents.")


@notifications_cli.command("list")
@click.option("--volunteer", "volunteer_id", type=int, help="Only this volunteer's messages.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_command(volunteer_id: int | None, limit: int, as_json: bool) -> None:
    """The latest messages: recipient, channel, template, status, time."""
    statement = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if volunteer_id is not None:
        statement = statement.where(Notification.volunteer_id == volunteer_id)
    tz = deployment_zone()
    rows = [
        {
            "id": n.id,
            "created": n.created_at.astimezone(tz).isoformat(timespec="seconds"),
            "volunteer_id": n.volunteer_id,
            "registration_id": n.registration_id,
            "user_id": n.user_id,
            "channel": n.channel.value,
            "address": n.address,
            "template": n.template,
            "status": n.status.value,
            "attempts": n.attempts,
            "error": n.error,
        }
        for n in db.session.scalars(statement)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        who = (f"volunteer {r['volunteer_id']}" if r["volunteer_id"] else
               f"registration {r['registration_id']}" if r["registration_id"] else
               f"user {r['user_id']}")
        click.echo(f"{r['id']:>6}  {r['created'][:16]}  {r['channel']:<5} {r['status']:<11} "
                   f"{r['template']:<26} {who}" + (f"  ({r['error']})" if r["error"] else ""))
