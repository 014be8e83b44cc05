"""`flask projects …`: service projects with their goals and results.

Thin: call a service, print.
"""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Project
from app.services import projects

projects_cli = AppGroup("projects", help="Service projects (服务项目).")


@projects_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_projects(as_json: bool) -> None:
    """Projects, latest first: target group, period, events held and participants against
    the goals."""
    rows = db.session.scalars(select(Project).options(joinedload(Project.neighbourhood))
                              .order_by(Project.starts_on.desc(), Project.id)).all()
    results = projects.project_results(db.session, [p.id for p in rows])
    data = [{
        "id": p.id, "title": p.title, "neighbourhood": p.neighbourhood.name,
        "target": p.target.value, "starts_on": p.starts_on.isoformat(),
        "ends_on": p.ends_on.isoformat() if p.ends_on else None,
        "events": results[p.id].events, "events_held": results[p.id].held,
        "goal_events": p.goal_events, "participants": results[p.id].participants,
        "goal_participants": p.goal_participants,
    } for p in rows]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for row in data:
        click.echo(f"{row['id']:>4}  {row['starts_on']}  {row['neighbourhood']}  {row['title']}  "
                   f"events {row['events_held']}/{row['goal_events'] or '-'} held "
                   f"({row['events']} in all), participants "
                   f"{row['participants']}/{row['goal_participants'] or '-'}")
