"""huey tasks of visit rounds: planning a round in the background (`flask visits plan`)."""

from __future__ import annotations

from datetime import date

from app.extensions import db
from app.i18n import deployment_zone
from app.services.visits import rounds
from app.tasks.queue import huey, in_transaction


@huey.task(retries=0, context=False)
def plan_visits(group_id: int, starts_on: str, weeks: int) -> dict[str, int]:
    """Plan a group's round; returns the round id and counts."""

    def work() -> dict[str, int]:
        result = rounds.plan_round(db.session, group_id=group_id,
                                   starts_on=date.fromisoformat(starts_on), weeks=weeks,
                                   zone=deployment_zone())
        return {"round": result.round.id, "proposed": result.proposed,
                "assigned": result.assigned}

    return in_transaction(work)
