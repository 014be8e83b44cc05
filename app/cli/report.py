"""`flask report …`: the town's reports on the command line.

Thin: parse options, call a service, print.
"""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.cli.options import neighbourhood_scope
from app.extensions import db
from app.i18n import deployment_zone
from app.services.reports.columns import COLUMNS, format_value
from app.services.reports.five_comparisons import Period, compare

report_cli = AppGroup("report", help="Reports: the five comparisons of service groups.")


@report_cli.command("five-comparisons")
@click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First day (YYYY-MM-DD, local).")
@click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last day, included (YYYY-MM-DD, local).")
@click.option("--neighbourhood", "neighbourhood_name", default=None,
              help="Only this neighbourhood's groups (its name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def five_comparisons_command(first: datetime, last: datetime, neighbourhood_name: str | None,
                             as_json: bool) -> None:
    """Per service group: the five measures, the combined rank, and the previous period's."""
    if last.date() < first.date():
        raise click.UsageError("--to is before --from")
    ids = neighbourhood_scope(neighbourhood_name)
    period = Period.of_days(first.date(), last.date(), deployment_zone())
    report = compare(db.session, period, neighbourhood_ids=ids)
    if as_json:
        click.echo(json.dumps({
            "from": period.first.isoformat(), "to": period.last.isoformat(),
            "previous": {"from": report.previous_period.first.isoformat(),
                         "to": report.previous_period.last.isoformat()},
            "weights": report.weights,
            "groups": [{**g.to_json(), "trend": report.trend(g)} for g in report.groups],
        }, ensure_ascii=False, indent=2))
        return
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        for group in report.groups:
            click.echo(f"{group.rank:>3}  {group.neighbourhood} · {group.group}")
            for column in COLUMNS[3:]:
                click.echo(f"       {column.label}: {format_value(column, column.value(group))}")
        click.echo(f"{len(report.groups)} groups, {period.first} – {period.last}")
