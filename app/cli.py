"""`flask …` commands. Thin: parse options, call a service, commit, print."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.enums import Role
from app.extensions import db
from app.feeds.cli import feeds_cli
from app.models import Neighbourhood, Team
from app.schedule_cli import register as register_schedule_cli
from app.services.accounts import AccountError, create_user, generate_password
from app.services.demo import DEFAULT_SEED, DemoLogin, database_has_data, load_demo

users_cli = AppGroup("users", help="Manage login accounts.")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), required=True, help="Account role."
)
@click.option("--name", "display_name", help="Name shown in the admin.")
@click.option("--email")
@click.option(
    "--neighbourhood", "neighbourhood_names", multiple=True,
    help="Neighbourhood name (coordinators); repeat for several.",
)
@click.option("--team", "team_names", multiple=True, help="Team name (team leads).")
@click.option(
    "--password", help="Leave out to generate one, printed once.", default=None
)
def create_user_command(
    username: str,
    role: str,
    display_name: str | None,
    email: str | None,
    neighbourhood_names: tuple[str, ...],
    team_names: tuple[str, ...],
    password: str | None,
) -> None:
    """Create a login account. No account or password exists until someone runs this."""
    neighbourhoods = list(
        db.session.scalars(select(Neighbourhood).where(Neighbourhood.name.in_(neighbourhood_names)))
    )
    missing = set(neighbourhood_names) - {n.name for n in neighbourhoods}
    teams = list(db.session.scalars(select(Team).where(Team.name.in_(team_names))))
    missing |= set(team_names) - {t.name for t in teams}
    if missing:
        raise click.ClickException(f"not found: {', '.join(sorted(missing))}")
    generated = password is None
    password = password or generate_password()
    try:
        user = create_user(
            db.session, username=username, password=password, role=Role(role),
            display_name=display_name, email=email, neighbourhoods=neighbourhoods, teams=teams,
        )
    except AccountError as exc:
        with current_app.test_request_context():  # the message is translated per request
            message = str(exc)
        raise click.ClickException(message) from exc
    db.session.commit()
    click.echo(f"created {user.role} {user.username} (id {user.id})")
    if generated:
        click.echo(f"password: {password}")


demo_cli = AppGroup("demo", help="Demonstration data (Jinqiao town, from the source article).")

DEMO_LOGINS_FILE = "demo-logins.txt"


@demo_cli.command("load")
@click.option(
    "--if-empty", is_flag=True,
    help="Do nothing when the database already has a neighbourhood (used by `make run`).",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Seed of the random names, phones and windows.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date the demo is planned from (default: today in the deployment's zone).")
def load_demo_command(if_empty: bool, seed: int, today: datetime | None) -> None:
    """Load the demo town; idempotent, so running it again creates nothing twice."""
    if if_empty and database_has_data(db.session):
        click.echo("The database already has data; demo not loaded.")
        return
    zone = ZoneInfo(current_app.config["LINLI_TIMEZONE"])
    day = today.date() if today else datetime.now(zone).date()
    report = load_demo(db.session, zone=zone, today=day, seed=seed)
    db.session.commit()
    if report.total_created == 0:
        click.echo("Demo data already loaded; nothing created.")
    else:
        click.echo("Demo data loaded:")
        for kind, count in report.created.items():
            click.echo(f"  {kind.replace('_', ' '):<20}{count:>6}")
        click.echo(f"  Lei Feng service day on {report.lei_feng_day}, "
                   f"training from {report.training_day}.")
    if report.logins:
        path = _write_demo_logins(report.logins)
        click.echo("")
        click.echo("Demo logins (shown only this once; also written to "
                   f"{path}, readable only by you):")
        for login in report.logins:
            click.echo(f"  {login.username:<18}{login.password:<20}{login.role.value:<13}"
                       f"{login.display_name}")
        click.echo(f"Log in at {current_app.config['LINLI_EXTERNAL_URL']}/login")
    if report.existing_logins:
        click.echo(f"Demo logins already exist: {', '.join(report.existing_logins)} "
                   "(their passwords were shown when they were created and written to "
                   f"instance/{DEMO_LOGINS_FILE}).")


def _write_demo_logins(logins: list[DemoLogin]) -> Path:
    folder = Path(current_app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEMO_LOGINS_FILE
    lines = [
        f"# Linli demo logins, created {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}.",
        "# Passwords are stored hashed; this file is the only copy. Delete it when noted.",
        f"# Log in at {current_app.config['LINLI_EXTERNAL_URL']}/login",
        "# username\tpassword\trole\tname",
        *[f"{x.username}\t{x.password}\t{x.role.value}\t{x.display_name}" for x in logins],
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file keeps its mode otherwise
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(feeds_cli)
    register_schedule_cli(app)
