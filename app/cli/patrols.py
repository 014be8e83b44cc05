"""`flask patrols …`: seasons, their figures, and a season's rota proposed by the engine.

Thin: parse options, call a service, print.
"""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.extensions import db
from app.i18n import deployment_zone
from app.models import PatrolSeason
from app.services.patrols import rota, rota_runs, stats
from app.services.patrols.log import PatrolError

patrols_cli = AppGroup("patrols", help="Patrols: seasons, inspection figures.")


@patrols_cli.command("seasons")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def seasons(as_json: bool) -> None:
    """Patrol seasons, latest first."""
    rows = db.session.scalars(stats.seasons(db.session)).all()
    data = [{"id": s.id, "name": s.name, "town": s.town,
             "neighbourhood": s.neighbourhood.name if s.neighbourhood else None,
             "starts_on": s.starts_on.isoformat(), "ends_on": s.ends_on.isoformat(),
             "required_per_site": s.required_per_site, "min_per_week": s.min_per_week}
            for s in rows]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for s in data:
        click.echo(f"{s['id']:>5}  {s['starts_on']} … {s['ends_on']}  "
                   f"{s['required_per_site']:>3}/site  {s['town']} "
                   f"{s['neighbourhood'] or '*'}  {s['name']}")
    click.echo(f"{len(data)} seasons")


@patrols_cli.command("stats")
@click.option("--season", "season_id", type=int, required=True, help="The season's id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def season_stats(season_id: int, as_json: bool) -> None:
    """A season's inspections, certified group inspections and person-visits, per site."""
    season = db.session.get(PatrolSeason, season_id) if 0 < season_id < 2**31 else None
    if season is None:
        raise click.ClickException(f"no patrol season with id {season_id}")
    figures = stats.season_figures(db.session, season)
    if as_json:
        click.echo(json.dumps(figures.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{figures.name} ({figures.starts_on} … {figures.ends_on})")
    click.echo(f"{'inspections':>12} {'certified':>10} {'visits':>8} {'short':>6}  site")
    for site in figures.per_site:
        click.echo(f"{site.inspections:>12} {site.certified_group_inspections:>10} "
                   f"{site.person_visits:>8} {site.shortfall:>6}  {site.name}")
    click.echo(f"{figures.inspections:>12} {figures.certified_group_inspections:>10} "
               f"{figures.person_visits:>8} {'':>6}  total, {figures.sites} sites, "
               f"{figures.inspections_per_site} inspections and "
               f"{figures.certified_per_site} certified group inspections per site")


@patrols_cli.command("rota")
@click.option("--season", "season_id", type=int, required=True, help="The season's id.")
@click.option("--seconds", type=float, default=10.0, show_default=True,
              help="The engine's time budget.")
@click.option("--save", is_flag=True,
              help="Keep it as draft patrol events and a scheduler run to review and publish.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def season_rota(season_id: int, seconds: float, save: bool, as_json: bool) -> None:
    """Propose the season's rota with the scheduling engine: per site the inspections
    planned against those required, and why any are missing. Saved only with --save."""
    season = db.session.get(PatrolSeason, season_id) if 0 < season_id < 2**31 else None
    if season is None:
        raise click.ClickException(f"no patrol season with id {season_id}")
    locale = current_app.config["LINLI_DEFAULT_LOCALE"]
    run_id = None
    with force_locale(locale):
        result, names = rota.build_rota(db.session, season, zone=deployment_zone(),
                                        seconds=max(1.0, min(seconds, 600.0)), locale=locale)
        if save:
            try:
                run_id = rota_runs.save_rota(db.session, season, result).id
            except PatrolError as error:
                db.session.rollback()
                raise click.ClickException(str(error.message)) from error
    if run_id is None:
        db.session.rollback()  # a proposal only
    else:
        db.session.commit()
    if as_json:
        click.echo(json.dumps({**result.to_json(names), "run_id": run_id},
                              ensure_ascii=False, indent=2))
        return
    if run_id is not None:
        click.echo(f"saved as run {run_id}: review and publish it in the admin")
    click.echo(f"{season.name}: {result.planned} of {result.required} inspections planned "
               f"({result.filled_seats}/{result.total_seats} seats, {result.solver})")
    for site in result.per_site:
        reasons = f"  — {'; '.join(site.reasons)}" if site.shortfall or site.reasons else ""
        click.echo(f"{site.planned:>4}/{site.required:<4} {site.name}{reasons}")
        click.echo(f"          {site.group or '—'}: {site.territory}")
