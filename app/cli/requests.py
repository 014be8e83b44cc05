"""`flask requests …`: residents' requests on the command line (list, figures).

Thin: parse options, call `app.services.requests`, print. Personal details (name, phone, the
resident's own words) are not printed.
"""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.cli.options import neighbourhood_scope
from app.enums import OPEN_REQUEST, RequestStatus
from app.extensions import db
from app.i18n import deployment_zone
from app.models import ResidentRequest, utcnow
from app.services.reports.five_comparisons import Period
from app.services.requests.stats import request_stats

requests_cli = AppGroup("requests", help="Residents' requests and suggestions (step 2).")
_DAY = click.DateTime(["%Y-%m-%d"])


@requests_cli.command("list")
@click.option("--neighbourhood", "neighbourhood_name", default=None, help="Its name.")
@click.option("--state", type=click.Choice([s.value for s in RequestStatus]), default=None)
@click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_requests(neighbourhood_name: str | None, state: str | None, limit: int,
                  as_json: bool) -> None:
    """Requests, newest first: code, state, category, group, received, deadline."""
    statement = (select(ResidentRequest)
                 .options(joinedload(ResidentRequest.service_group),
                          joinedload(ResidentRequest.neighbourhood))
                 .order_by(ResidentRequest.received_at.desc(), ResidentRequest.id.desc())
                 .limit(limit))
    ids = neighbourhood_scope(neighbourhood_name)
    if ids is not None:
        statement = statement.where(ResidentRequest.neighbourhood_id.in_(ids))
    if state:
        statement = statement.where(ResidentRequest.status == RequestStatus(state))
    now, zone = utcnow(), deployment_zone()
    rows = [{
        "id": r.id, "code": r.reference_code, "state": r.status.value,
        "category": r.category.value, "channel": r.channel.value,
        "neighbourhood": r.neighbourhood.name,
        "group": r.service_group.name if r.service_group else None,
        "received_at": r.received_at.astimezone(zone).isoformat(),
        "due_at": r.due_at.astimezone(zone).isoformat() if r.due_at else None,
        "overdue": bool(r.due_at and r.due_at < now and r.status in OPEN_REQUEST),
        "resolved_at": r.resolved_at.astimezone(zone).isoformat() if r.resolved_at else None,
        "on_board": r.posted_at is not None,
    } for r in db.session.scalars(statement)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['code']:<10} {r['state']:<10} {r['category']:<12} "
                   f"{r['received_at'][:10]} {'OVERDUE' if r['overdue'] else '':<7} "
                   f"{r['neighbourhood']} · {r['group'] or '-'}")
    click.echo(f"{len(rows)} requests")


@requests_cli.command("stats")
@click.option("--from", "first", type=_DAY, required=True, help="First day (local).")
@click.option("--to", "last", type=_DAY, required=True, help="Last day, included (local).")
@click.option("--neighbourhood", "neighbourhood_name", default=None, help="Its name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats(first: datetime, last: datetime, neighbourhood_name: str | None,
          as_json: bool) -> None:
    """Received, resolved (at neighbourhood level), median days, overdue; per group, and the
    suggestions each volunteer filed."""
    if last.date() < first.date():
        raise click.UsageError("--to is before --from")
    period = Period.of_days(first.date(), last.date(), deployment_zone())
    result = request_stats(db.session, period.start, period.end, now=utcnow(),
                           neighbourhood_ids=neighbourhood_scope(neighbourhood_name))
    if as_json:
        click.echo(json.dumps({
            "from": period.first.isoformat(), "to": period.last.isoformat(),
            **{k: v for k, v in result.total.to_json().items()
               if k not in ("group_id", "group", "neighbourhood")},
            "satisfied_pct": result.satisfied_pct, "answers": result.answers,
            "groups": [g.to_json() for g in result.groups],
            "volunteers": [{"volunteer_id": v.volunteer_id, "name": v.name, "filed": v.filed,
                            "resolved": v.resolved} for v in result.volunteers],
        }, ensure_ascii=False, indent=2))
        return
    for g in [*result.groups, result.total]:
        label = f"{g.neighbourhood} · {g.group}" if g.group else (
            "(all)" if g is result.total else "(no group)")
        click.echo(f"{label:<24} received {g.received:>5}  resolved {g.resolved:>5} "
                   f"(level 1 {g.resolved_locally_pct if g.resolved else '-'}%)  "
                   f"median {round(g.median_days, 1) if g.median_days is not None else '-'} d  "
                   f"overdue {g.overdue}")
    for v in result.volunteers:
        click.echo(f"{v.name:<24} filed {v.filed:>5}  resolved {v.resolved:>5}")
