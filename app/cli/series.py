"""`flask series …`: event series (repeat rules) and their occurrences.

Thin: parse options, call a service, commit, print.
"""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.extensions import db
from app.i18n import deployment_zone
from app.models import utcnow
from app.services.notify import ChannelCounts
from app.services.series import generation, listing

series_cli = AppGroup("series", help="Event series: repeat rules and their occurrences.")


def _today():  # type: ignore[no-untyped-def]
    return utcnow().astimezone(deployment_zone()).date()


@series_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_series(as_json: bool) -> None:
    """Every series with its rule in words, its regular volunteer, the occurrences made
    ahead and the next days it runs on."""
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        lines = listing.series_lines(db.session, _today())
    if as_json:
        click.echo(json.dumps([line.as_dict() for line in lines], ensure_ascii=False,
                              indent=2))
        return
    click.echo(f"{len(lines)} series")
    for line in lines:
        who = f" · {line.volunteer}" if line.volunteer else ""
        days = ", ".join(d.isoformat() for d in line.next_days) or "—"
        click.echo(f"  #{line.id} {line.neighbourhood} · {line.title}{who}\n"
                   f"      {line.rule}\n"
                   f"      {line.ahead} made ahead; next: {days}")


@series_cli.command("extend")
@click.option("--series", "series_ids", type=int, multiple=True,
              help="Only this series (its id; repeat for several). Default: every series.")
@click.option("--days", type=click.IntRange(1, 366),
              default=generation.DEFAULT_HORIZON_DAYS, show_default=True,
              help="How far ahead occurrences are made.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a line.")
def extend(series_ids: tuple[int, ...], days: int, as_json: bool) -> None:
    """Roll the horizon: make the occurrences now, as the nightly task does (running it again
    changes nothing more)."""
    ids = list(series_ids) or generation.all_series(db.session)
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        result = generation.sync(db.session, ids, today=_today(), zone=deployment_zone(),
                                 horizon_days=days)
    db.session.commit()
    data = result.as_dict()
    counts = ChannelCounts.of(result.notifications)
    data.update(email=counts.email, sms=counts.sms, unreachable=counts.unreachable)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo(f"{len(ids)} series: {data['created']} occurrences made "
               f"({data['assigned']} given to the regular volunteer), {data['updated']} "
               f"changed, {data['cancelled']} called off, {data['deleted']} drafts removed; "
               f"{data['messages']} messages going out ({counts.email} by e-mail, "
               f"{counts.sms} by SMS, {counts.unreachable} unreachable)")
