"""`flask report …`: the town's reports on the command line.

Thin: parse options, call a service, print. Every report takes the same period and scope
options (`period_options`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.cli.options import neighbourhood_scope
from app.extensions import db
from app.i18n import deployment_zone
from app.services.reports import activity
from app.services.reports.columns import COLUMNS, format_value
from app.services.reports.five_comparisons import Period, compare

report_cli = AppGroup("report", help="Reports: the five comparisons of service groups, hours, "
                                     "shift coverage, contacts and requests.")


def period_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--from, --to, --neighbourhood and --json."""
    for option in reversed((
        click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]),
                     help="First day (YYYY-MM-DD, local)."),
        click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]),
                     help="Last day, included (YYYY-MM-DD, local)."),
        click.option("--neighbourhood", "neighbourhood_name", default=None,
                     help="Only this neighbourhood (its name)."),
        click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table."),
    )):
        command = option(command)
    return command


def _scope(first: datetime, last: datetime,
           neighbourhood_name: str | None) -> tuple[Period, frozenset[int] | None]:
    if last.date() < first.date():
        raise click.UsageError("--to is before --from")
    ids = neighbourhood_scope(neighbourhood_name)
    return Period.of_days(first.date(), last.date(), deployment_zone()), ids


@report_cli.command("five-comparisons")
@period_options
def five_comparisons_command(first: datetime, last: datetime, neighbourhood_name: str | None,
                             as_json: bool) -> None:
    """Per service group: the five measures, the combined rank, and the previous period's."""
    period, ids = _scope(first, last, neighbourhood_name)
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


def _cell(value: Any, key: str) -> str:
    if value is None:
        return "—"
    if key == "share":
        return f"{value * 100:.1f}%"
    return str(value)


def _report_command(name: str, report: activity.Report) -> None:
    @period_options
    def command(first: datetime, last: datetime, neighbourhood_name: str | None,
                as_json: bool) -> None:
        period, ids = _scope(first, last, neighbourhood_name)
        with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
            table = report.build(db.session, period, deployment_zone(), ids)
            if as_json:
                click.echo(json.dumps({"report": name, "from": period.first.isoformat(),
                                       "to": period.last.isoformat(), **table.to_json()},
                                      ensure_ascii=False, indent=2))
                return
            click.echo(f"{report.title}, {period.first} – {period.last}")
            click.echo("\t".join(["", *(str(label) for _key, label in table.columns)]))
            for row in table.rows:
                click.echo("\t".join([row.label, *(_cell(row.values.get(key), key)
                                                   for key, _label in table.columns)]))

    report_cli.command(name, help=str(report.title))(command)


for _name, _report in activity.REPORTS.items():
    _report_command(_name, _report)
