"""`flask report hours|coverage|visits|requests` on the hand-built town: the same figures as
`app.services.reports.activity`, as JSON or a table, for every neighbourhood or one."""

from __future__ import annotations

import json

import pytest

from tests.app.services.reports.town import build_town

pytestmark = pytest.mark.integration

MARCH = ["--from", "2026-03-01", "--to", "2026-03-31"]


def test_requests_and_visits_as_json_and_tables(app, db_session) -> None:
    town = build_town(db_session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "requests", *MARCH, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["report"], data["from"], data["to"]) == ("requests", "2026-03-01",
                                                          "2026-03-31")
    rows = {r["key"]: r["values"] for r in data["rows"]}
    assert (rows["call"]["resolved"], rows["call"]["total"], rows["visit"]["total"]) == (5, 6, 3)
    assert "已解决" in [c["label"] for c in data["columns"]]

    visits = json.loads(runner.invoke(args=["report", "visits", *MARCH, "--json"]).output)
    done = {r["key"]: r["values"]["done"] for r in visits["rows"]}
    assert (done[town["a"].id], done[town["c"].id], done[None]) == (4, 4, 5)
    scoped = runner.invoke(args=["report", "visits", *MARCH, "--neighbourhood", "永业",
                                 "--json"])
    assert [r["key"] for r in json.loads(scoped.output)["rows"]] == [town["c"].id]

    table = runner.invoke(args=["report", "visits", *MARCH])
    assert table.exit_code == 0, table.output
    assert "佳虹 · A组\t4\t1\t1\t" in table.output


@pytest.mark.parametrize("name", ["hours", "coverage", "visits", "requests"])
def test_each_report_runs_and_refuses_bad_options(app, db_session, name) -> None:
    build_town(db_session)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["report", name, *MARCH]).exit_code == 0
    for bad in (["--from", "2026-03-01", "--to", "2026-02-01"],
                [*MARCH, "--neighbourhood", "nowhere"], ["--from", "2026-03-01"]):
        assert runner.invoke(args=["report", name, *bad]).exit_code != 0, bad
