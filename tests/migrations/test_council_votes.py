"""The council votes migration keeps every decision recorded as free text before it (on the
request, on the notice board, with no tally made up), and from then on the database refuses
a negative count and a second adopted option; the downgrade drops the votes and keeps the
decisions."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.orm import Session

from app.database import MIGRATIONS_DIR
from app.extensions import db
from app.services.requests import board_entries
from tests.conftest import temporary_app
from tests.migrations import insert_row, revision_before

pytestmark = pytest.mark.integration

REVISION = "cv1v0tes0001"
WHEN = "2026-12-01 08:00:00+00:00"
DECISION = "31名居民代表到会，27票赞成、3票反对、1票弃权：同意搭建花架"


def _decided(conn: Any) -> tuple[int, int, int]:
    """A neighbourhood and a council decision posted before votes were recorded: the
    neighbourhood, the request and the step that left the council."""
    place = insert_row(conn, "neighbourhoods", town="金桥镇", name="佳虹")
    request = insert_row(
        conn, "resident_requests", neighbourhood_id=place, reference_code="QPERGOLA",
        follow_token="token-pergola", category="public_facilities", channel="form",
        status="resolved", text="想搭花架", received_at=WHEN, resolved_at=WHEN,
        board_title="小花园搭建花架", result="花架已建成", posted_at=WHEN,
        council_decision=DECISION, council_decided_at=WHEN, me_too=0,
        created_at=WHEN, updated_at=WHEN)
    change = None
    for before, after in ((None, "received"), ("received", "handling"),
                          ("handling", "council"), ("council", "improving"),
                          ("improving", "resolved")):
        step = insert_row(conn, "resident_request_changes", request_id=request, at=WHEN,
                          from_status=before, to_status=after, actor="")
        change = step if before == "council" else change
    return place, request, change


def _decisions(conn: Any) -> list[tuple[str, str | None]]:
    return conn.execute(sa.text(
        "SELECT reference_code, council_decision FROM resident_requests")).all()


def test_free_text_decisions_stay_and_counts_are_checked(empty_database_url: str) -> None:
    before = revision_before(REVISION)
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=before)
        with db.engine.begin() as conn:
            place, request, change = _decided(conn)

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.begin() as conn:
            assert _decisions(conn) == [("QPERGOLA", DECISION)]
            assert conn.execute(sa.text("SELECT count(*) FROM council_votes")).scalar() == 0
            vote = insert_row(conn, "council_votes", change_id=change, abstentions=1)
            insert_row(conn, "council_vote_options", vote_id=vote, position=1, label="同意",
                       votes=27, adopted=True)
        for table, values in (
                ("council_vote_options", {"vote_id": vote, "position": 2, "label": "不同意",
                                          "votes": -3, "adopted": False}),
                ("council_vote_options", {"vote_id": vote, "position": 2, "label": "不同意",
                                          "votes": 3, "adopted": True}),
                ("council_votes", {"change_id": change, "abstentions": 0}),
                ("council_votes", {"change_id": change - 1, "abstentions": -1})):
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
                insert_row(conn, table, **values)

        downgrade(directory=str(MIGRATIONS_DIR), revision=before)
        with db.engine.connect() as conn:
            assert _decisions(conn) == [("QPERGOLA", DECISION)]
            assert "council_votes" not in sa.inspect(conn).get_table_names()
        upgrade(directory=str(MIGRATIONS_DIR))

        # The board shows the decision as it was written, with no tally.
        with app.test_request_context(), Session(db.engine) as session:
            [entry] = board_entries(session, place)
            assert entry.id == request and entry.council_decision == DECISION
            assert entry.vote is None
