"""`flask festivals …`: festival visit campaigns and donations.

Thin: parse options, call `app.services.festivals`, commit, print.
"""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.cli.options import neighbourhood_scope
from app.extensions import db
from app.i18n import deployment_zone
from app.models import FestivalCampaign
from app.services import festivals

festivals_cli = AppGroup("festivals", help="Festival visits and donations (节日走访与捐赠).")

_DAY = click.DateTime(["%Y-%m-%d"])


@festivals_cli.command("plan")
@click.option("--campaign", "campaign_id", type=int, required=True, help="The campaign's id.")
def plan(campaign_id: int) -> None:
    """Plan a festival visit for every household of the campaign's categories that has none."""
    campaign = db.session.get(FestivalCampaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"no festival campaign {campaign_id}")
    planned = festivals.plan_visits(db.session, campaign, deployment_zone())
    db.session.commit()
    click.echo(f"{planned} festival visits planned for {campaign.title}")


@festivals_cli.command("report")
@click.option("--from", "start", type=_DAY, default=None, help="First day.")
@click.option("--to", "end", type=_DAY, default=None, help="Last day (included).")
@click.option("--neighbourhood", "neighbourhood_name", default=None,
              help="Only this neighbourhood (its name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def report(start, end, neighbourhood_name: str | None, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Campaigns in the period with their visits and donations, and the donations received."""
    first, last = (start.date() if start else None), (end.date() if end else None)
    if first and last and last < first:
        raise click.ClickException("--to is before --from")
    scope = neighbourhood_scope(neighbourhood_name)
    statement = (select(FestivalCampaign).options(joinedload(FestivalCampaign.neighbourhood))
                 .order_by(FestivalCampaign.starts_on, FestivalCampaign.id))
    if scope is not None:
        statement = statement.where(FestivalCampaign.neighbourhood_id.in_(scope))
    if first is not None:
        statement = statement.where(FestivalCampaign.ends_on >= first)
    if last is not None:
        statement = statement.where(FestivalCampaign.starts_on <= last)
    campaigns = db.session.scalars(statement).all()
    results = festivals.campaign_results(db.session, [c.id for c in campaigns])
    totals = festivals.donation_totals(db.session, neighbourhood_ids=scope, start=first,
                                       end=last)
    rows = [{"id": c.id, "title": c.title, "festival": c.festival.value,
             "neighbourhood": c.neighbourhood.name, "starts_on": c.starts_on.isoformat(),
             "ends_on": c.ends_on.isoformat(), "institution": c.institution,
             "households": results[c.id].households, "reached": results[c.id].reached,
             "not_reached": results[c.id].not_reached, "open": results[c.id].open,
             "donations": results[c.id].donations,
             "donated_yuan": results[c.id].donated_yuan} for c in campaigns]
    if as_json:
        click.echo(json.dumps({"from": first and first.isoformat(),
                               "to": last and last.isoformat(), "campaigns": rows,
                               "donations": totals.to_json()},
                              ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['starts_on']}  {row['neighbourhood']}  {row['title']}  "
                   f"visited {row['reached']}/{row['households']} "
                   f"(not reached {row['not_reached']}), "
                   f"donations {row['donations']} worth {row['donated_yuan']} yuan")
    click.echo(f"donations received: {totals.donations} worth {totals.value_yuan} yuan for "
               f"{totals.recipients} people; {totals.unacknowledged} not yet acknowledged")
