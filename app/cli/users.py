"""`flask users …`: login accounts."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.enums import Role
from app.extensions import db
from app.models import Department, Neighbourhood, Team
from app.services.accounts import AccountError, create_user, generate_password

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
@click.option("--department", "department_name", default=None,
              help="Department name (department handlers).")
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
    department_name: str | None,
    password: str | None,
) -> None:
    """Create a login account. No account or password exists until someone runs this."""
    neighbourhoods = list(
        db.session.scalars(select(Neighbourhood).where(Neighbourhood.name.in_(neighbourhood_names)))
    )
    missing = set(neighbourhood_names) - {n.name for n in neighbourhoods}
    teams = list(db.session.scalars(select(Team).where(Team.name.in_(team_names))))
    missing |= set(team_names) - {t.name for t in teams}
    department = None
    if department_name:
        department = db.session.scalar(select(Department).where(
            Department.name == department_name))
        if department is None:
            missing.add(department_name)
    if missing:
        raise click.ClickException(f"not found: {', '.join(sorted(missing))}")
    generated = password is None
    password = password or generate_password()
    try:
        user = create_user(
            db.session, username=username, password=password, role=Role(role),
            display_name=display_name, email=email, neighbourhoods=neighbourhoods, teams=teams,
            department=department,
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {user.role} {user.username} (id {user.id})")
    if generated:
        click.echo(f"password: {password}")
