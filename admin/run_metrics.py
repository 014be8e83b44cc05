"""A scheduler run's scope, settings and results as small tables a coordinator can read
(instead of the JSON the run stores)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from app.extensions import db
from app.models import Event, Neighbourhood


def _table(rows: list[tuple[Any, Any]]) -> Markup:
    if not rows:
        return Markup('<span class="text-muted">—</span>')
    body = Markup("").join(
        Markup("<tr><th scope=\"row\" class=\"font-weight-normal text-muted\">{}</th>"
               "<td>{}</td></tr>").format(label, value)
        for label, value in rows
    )
    return Markup('<table class="table table-sm mb-0 run-facts">{}</table>').format(body)


def _percent(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _outcome(status: str) -> Any:
    if status.startswith("OPTIMAL"):
        return _l("The best possible plan")
    if status:
        return _l("A good plan (the time allowed ran out before it was proven best)")
    return "—"


def metrics_formatter(view: Any, context: Any, model: Any, name: str) -> Markup:
    m = model.metrics or {}
    if "filled_seats" not in m:  # still running, or failed before a plan existed
        rows: list[tuple[Any, Any]] = []
        if m.get("elapsed") is not None:
            rows.append((_("Running for"), _("%(seconds)s seconds", seconds=m["elapsed"])))
        if m.get("seats_filled") is not None and m.get("seats_total"):
            rows.append((_("Seats filled so far"),
                         f"{m['seats_filled']} / {m['seats_total']} "
                         f"({_percent(m['seats_filled'] / m['seats_total'])})"))
        return _table(rows)
    bounds = [b for b in (m.get("upper_bound_flow"), m.get("upper_bound_lp"),
                          m.get("best_bound")) if b is not None]
    rows = [
        (_("Result"), _outcome(str(m.get("status") or ""))),
        (_("Seats filled"), f"{m['filled_seats']} / {m.get('total_seats', 0)}"),
        (_("Minimum staffing met"),
         f"{m.get('filled_min_seats', 0)} / {m.get('min_seats', 0)}"),
        (_("Most seats anyone could fill"), int(min(bounds)) if bounds else "—"),
        (_("Shifts still short of people"), len(m.get("unfilled") or ())),
        (_("Volunteers considered"), m.get("volunteers", "—")),
        (_("Shifts planned"), m.get("shifts", "—")),
    ]
    if m.get("continuity_rate") is not None:
        rows.append((_("Same people as last time"), _percent(m["continuity_rate"])))
    if m.get("solve_seconds") is not None:
        rows.append((_("Time taken"), _("%(seconds)s seconds",
                                        seconds=round(float(m["solve_seconds"]), 1))))
    return _table(rows)


def parameters_formatter(view: Any, context: Any, model: Any, name: str) -> Markup:
    p = model.parameters or {}
    rows = []
    if p.get("seconds") is not None:
        rows.append((_("Time allowed for planning"),
                     _("%(seconds)s seconds", seconds=int(p["seconds"]))))
    return _table(rows)


def scope_formatter(view: Any, context: Any, model: Any, name: str) -> Markup:
    s = model.scope or {}
    rows: list[tuple[Any, Any]] = []
    if s.get("events"):
        titles = db.session.scalars(select(Event.title).where(Event.id.in_(s["events"])))
        rows.append((_("Events"), "、".join(titles)))
    if s.get("neighbourhoods"):
        names = db.session.scalars(
            select(Neighbourhood.name).where(Neighbourhood.id.in_(s["neighbourhoods"])))
        rows.append((_("Neighbourhoods"), "、".join(names)))
    if s.get("from") or s.get("to"):
        rows.append((_("Period"), f"{s.get('from') or '…'} – {s.get('to') or '…'}"))
    return _table(rows)
