"""`flask pairing …`: pairing proposals for a neighbourhood.

Thin: parse options, call a service, commit, print.
"""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.cli.options import neighbourhood_scope
from app.extensions import db
from app.i18n import deployment_zone
from app.models import utcnow
from app.services.pairing import PairingError, bridge, proposals

pairing_cli = AppGroup("pairing", help="Pairing members with families (结对).")


@pairing_cli.command("propose")
@click.option("--neighbourhood", "neighbourhood_name", required=True,
              help="The neighbourhood (its name).")
@click.option("--max-km", type=float, default=bridge.DEFAULT_MAX_KM, show_default=True,
              help="Walking distance limit in km.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def propose(neighbourhood_name: str, max_km: float, as_json: bool) -> None:
    """Propose members for the unpaired families of the six categories (a draft the
    coordinator confirms in the admin; it replaces the previous draft), and say why the
    families left over have nobody."""
    ids = neighbourhood_scope(neighbourhood_name) or frozenset()
    if len(ids) != 1:
        raise click.ClickException(f"{len(ids)} neighbourhoods named {neighbourhood_name!r}")
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        try:
            result = proposals.propose(db.session, next(iter(ids)), max_km=max_km,
                                       today=utcnow().astimezone(deployment_zone()).date())
        except PairingError as error:
            raise click.ClickException(str(error)) from error
        data = {
            "neighbourhood": neighbourhood_name, "max_km": max_km,
            "replaced": result.replaced,
            "proposed": [{"id": p.id, "household_id": p.household_id,
                          "family": p.household.contact_name, "member_id": p.volunteer_id,
                          "member": p.volunteer.name, "distance_km": p.distance_km,
                          "aim": p.aim} for p in result.proposed],
            "unpaired": [{"household_id": u.household.id, "family": u.household.contact_name,
                          "code": u.code, "reason": u.reason} for u in result.unpaired],
            "metrics": result.metrics,
        }
    db.session.commit()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{len(result.proposed)} proposed, {len(result.unpaired)} unpaired, "
               f"{result.replaced} earlier proposals replaced")
    for row in data["proposed"]:
        km = "—" if row["distance_km"] is None else f"{row['distance_km']:.2f} km"
        click.echo(f"  {row['member']} ↔ {row['family']}  ({km})")
    for row in data["unpaired"]:
        click.echo(f"  ✗ {row['family']}: {row['reason']}")
