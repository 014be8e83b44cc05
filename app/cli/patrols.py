"""`flask patrols …`: seasons, their figures, and a season's rota built by the engine (queued
for a huey consumer, followed with --wait; or previewed here with --dry-run).

Thin: parse options, call a service, print.
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.cli.schedule import follow_run, run_summary
from app.database import writing
from app.enums import RunStatus
from app.extensions import db
from app.i18n import deployment_zone
from app.models import PatrolSeason
from app.services.patrols import rota, rota_builds, stats
from app.services.patrols.log import PatrolError
from app.tasks import patrols as patrol_tasks

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
    season = _season(season_id)
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


def _season(season_id: int) -> PatrolSeason:
    season = db.session.get(PatrolSeason, season_id) if 0 < season_id < 2**31 else None
    if season is None:
        raise click.ClickException(f"no patrol season with id {season_id}")
    return season


@patrols_cli.command("rota")
@click.option("--season", "season_id", type=int, required=True, help="The season's id.")
@click.option("--seconds", type=float, default=rota_builds.DEFAULT_SECONDS,
              show_default=True,
              help="The rota's deadline from queued to done (with --dry-run: the engine's "
                   "time).")
@click.option("--wait", is_flag=True,
              help="Wait for the rota to be built and print it: per site the inspections "
                   "planned against those required, and why any are missing.")
@click.option("--timeout", type=float, default=600.0, show_default=True,
              help="Give up waiting after this many seconds (the build goes on).")
@click.option("--dry-run", is_flag=True,
              help="Build it here and now, print it, and keep nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def season_rota(season_id: int, seconds: float, wait: bool, timeout: float, dry_run: bool,
                as_json: bool) -> None:
    """Queue the season's rota for the scheduling engine (a huey consumer builds it as a run
    to review and publish in the admin) and print the run's id; refused while the season has
    a rota being built, awaiting review or published."""
    season = _season(season_id)
    seconds = max(1.0, min(seconds, 600.0))
    if dry_run:
        _preview(season, seconds, as_json)
        return
    try:
        db.session.rollback()  # the check and the new run in one write transaction
        with writing():
            run = rota_builds.queue_rota(db.session, season, seconds=seconds)
            db.session.commit()
    except PatrolError as error:
        db.session.rollback()
        raise click.ClickException(_in_default_locale(error.message)) from error
    patrol_tasks.enqueue_rota(run.id)
    if not wait:
        click.echo(json.dumps({"run_id": run.id, "status": run.status.value})
                   if as_json else f"run {run.id} queued: {season.name}")
        return
    if not as_json:
        click.echo(f"run {run.id} queued: {season.name}")
    data = run_summary(follow_run(run.id, timeout))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        _print_run(data)
    if data["status"] == RunStatus.failed.value:
        raise SystemExit(1)


def _in_default_locale(message: object) -> str:
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        return str(message)


def _print_run(data: dict[str, Any]) -> None:
    click.echo(f"run {data['id']}: {data['status']}")
    if data["error"]:
        click.echo(f"  error: {data['error']}")
    sites = data["sites"]
    planned = sum(s["planned"] or 0 for s in sites)
    required = sum(s["required"] or 0 for s in sites)
    click.echo(f"  {planned} of {required} inspections planned "
               f"({data['filled']}/{data['needed']} seats)")
    for site in sites:
        reasons = f"  — {'; '.join(site['reasons'])}" if site["reasons"] else ""
        click.echo(f"{site['planned']:>4}/{site['required']:<4} {site['site']}{reasons}")
        click.echo(f"          {site['group'] or '—'}: {site['reason']}")


def _preview(season: PatrolSeason, seconds: float, as_json: bool) -> None:
    """The rota built in this process and printed; nothing is kept."""
    locale = current_app.config["LINLI_DEFAULT_LOCALE"]
    with force_locale(locale):
        result, names = rota.build_rota(db.session, season, zone=deployment_zone(),
                                        seconds=seconds, locale=locale)
    db.session.rollback()
    if as_json:
        click.echo(json.dumps(result.to_json(names), ensure_ascii=False, indent=2))
        return
    click.echo(f"{season.name}: {result.planned} of {result.required} inspections planned "
               f"({result.filled_seats}/{result.total_seats} seats, {result.solver})")
    for site in result.per_site:
        reasons = f"  — {'; '.join(site.reasons)}" if site.shortfall or site.reasons else ""
        click.echo(f"{site.planned:>4}/{site.required:<4} {site.name}{reasons}")
        click.echo(f"          {site.group or '—'}: {site.territory}")
