"""`flask feeds url|rotate`: for a coordinator helping a volunteer on the phone."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models import Team, Volunteer
from app.services import feeds, links

feeds_cli = AppGroup("feeds", help="Calendar feed links.")


def _target(volunteer_id: int | None, team_id: int | None) -> Volunteer | Team:
    if (volunteer_id is None) == (team_id is None):
        raise click.UsageError("give exactly one of --volunteer ID or --team ID")
    if volunteer_id is not None:
        volunteer = db.session.get(Volunteer, volunteer_id)
        if volunteer is None:
            raise click.ClickException(f"no volunteer with id {volunteer_id}")
        if not volunteer.active:
            click.echo(f"warning: volunteer {volunteer_id} is inactive; the link answers 404 "
                       "until they are active again", err=True)
        return volunteer
    team = db.session.get(Team, team_id)
    if team is None:
        raise click.ClickException(f"no team with id {team_id}")
    return team


def _url(target: Volunteer | Team) -> str:
    if isinstance(target, Volunteer):
        return links.volunteer_feed_url(target.feed_token)
    return links.team_feed_url(target.feed_token)


@feeds_cli.command("url")
@click.option("--volunteer", "volunteer_id", type=int, help="Volunteer id.")
@click.option("--team", "team_id", type=int, help="Team id (the lead's team feed).")
def url_command(volunteer_id: int | None, team_id: int | None) -> None:
    """Print the current feed URL (built from LINLI_EXTERNAL_URL)."""
    click.echo(_url(_target(volunteer_id, team_id)))


@feeds_cli.command("rotate")
@click.option("--volunteer", "volunteer_id", type=int, help="Volunteer id.")
@click.option("--team", "team_id", type=int, help="Team id.")
def rotate_command(volunteer_id: int | None, team_id: int | None) -> None:
    """Replace the feed link (the old one stops working) and print the new one."""
    target = _target(volunteer_id, team_id)
    if isinstance(target, Volunteer):
        feeds.rotate_volunteer_token(db.session, target)
    else:
        feeds.rotate_team_token(db.session, target)
    db.session.commit()
    click.echo(_url(target))
