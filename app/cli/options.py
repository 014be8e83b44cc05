"""What several `flask …` groups parse the same way."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood


def neighbourhood_scope(name: str | None) -> frozenset[int] | None:
    """`--neighbourhood NAME` as the ids a service filters by; None (every one) without it."""
    if not name:
        return None
    found = db.session.scalars(select(Neighbourhood.id).where(Neighbourhood.name == name)).all()
    if not found:
        raise click.ClickException(f"no neighbourhood named {name!r}")
    return frozenset(found)
