"""`flask demo load`: the demonstration town from the source article."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.i18n import deployment_zone
from app.services.demo import DEFAULT_SEED, DemoLogin, database_has_data, load_demo

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
    zone = deployment_zone()
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
