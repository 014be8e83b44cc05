"""`flask report five-comparisons` on the hand-built town."""

from __future__ import annotations

import json

import pytest

from tests.app.services.reports.town import build_town

pytestmark = pytest.mark.integration


def test_five_comparisons_json_table_and_scope(app, db_session) -> None:
    build_town(db_session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "five-comparisons", "--from", "2026-03-01",
                                 "--to", "2026-03-31", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["previous"] == {"from": "2026-01-29", "to": "2026-02-28"}
    groups = {g["group"]: g for g in data["groups"]}
    assert set(groups) == {"A组", "B组", "C组"}
    assert (groups["A组"]["contacts"], groups["A组"]["never_contacted"]) == (4, 1)
    assert groups["B组"]["resolution_days"] == pytest.approx(1.0)
    assert groups["A组"]["trend"] is not None

    scoped = runner.invoke(args=["report", "five-comparisons", "--from", "2026-03-01",
                                 "--to", "2026-03-31", "--neighbourhood", "佳虹", "--json"])
    assert [g["group"] for g in json.loads(scoped.output)["groups"]] == ["A组", "B组"]

    table = runner.invoke(args=["report", "five-comparisons", "--from", "2026-03-01",
                                "--to", "2026-03-31"])
    assert table.exit_code == 0, table.output
    assert "A组" in table.output and "3 groups" in table.output

    for bad in (["--to", "2026-02-01"], ["--to", "2026-03-31", "--neighbourhood", "nowhere"]):
        refused = runner.invoke(args=["report", "five-comparisons", "--from", "2026-03-01",
                                      *bad])
        assert refused.exit_code != 0
