"""The rows behind each figure of the five comparisons, on the hand-built town of
`tests.app.services.reports.town`: every drillable figure's list has as many rows as the
figure counts, and the rows are the ones the town's comments name."""

from __future__ import annotations

import pytest

from app.services.reports import drilldown
from app.services.reports.five_comparisons import five_comparisons
from tests.app.services.reports.town import MARCH, ZONE, build_town

#: The figures that are counts of rows, and the count their drill-down must have.
COUNTED = ("contacts", "households", "contacted", "never_contacted", "complete",
           "request_samples", "follow_up_samples", "follow_ups_pending", "resolved",
           "resolved_locally")


@pytest.fixture
def town(db_session):
    return build_town(db_session)


def _rows(db_session, figure, group, **kw):
    return drilldown.rows(db_session, figure, MARCH, group.id, ZONE, **kw)


def test_each_count_has_as_many_rows_as_it_says(db_session, town) -> None:
    figures = {g.group_id: g for g in five_comparisons(db_session, MARCH)}
    for key in ("a", "b", "c"):
        group = figures[town[key].id]
        for figure in COUNTED:
            found = _rows(db_session, figure, town[key])
            expected = getattr(group, figure)
            assert found.total == expected == len(found.rows), (key, figure)


def test_rows_are_the_ones_behind_the_figures(db_session, town) -> None:
    contacts = _rows(db_session, "contacts", town["a"])
    assert contacts.drill.columns[0].key == "when"
    when = [r[0] for r in contacts.rows]
    # h1's phone call, its 10:00 visit, its follow-up; h2's last evening of March (local).
    assert when == ["2026-03-05 09:00", "2026-03-10 10:00", "2026-03-16 08:00",
                    "2026-03-31 23:30"]
    never = _rows(db_session, "never_contacted", town["a"])
    assert [r[1] for r in never.rows] == ["301"]  # h3
    complete = _rows(db_session, "complete_share", town["a"])
    assert sorted(r[1] for r in complete.rows) == ["201", "301"]
    assert all(r[-1] == 1.0 for r in complete.rows)
    samples = _rows(db_session, "request_hours", town["a"])
    assert sorted(r[-1] for r in samples.rows) == [pytest.approx(2.0), pytest.approx(374.0)]
    pending = _rows(db_session, "follow_ups_pending", town["a"])
    assert [r[-1] for r in pending.rows] == [None]
    both = _rows(db_session, "promptness_hours", town["a"])
    assert sorted(r[-1] for r in both.rows) == [2.0, 24.0, 374.0]
    resolved = _rows(db_session, "resolution_days", town["b"])
    assert sorted(r[-1] for r in resolved.rows) == [0.5, 1.0, 4.0]


def test_pages_of_rows(db_session, town) -> None:
    first = _rows(db_session, "contacts", town["a"], offset=0, limit=3)
    rest = _rows(db_session, "contacts", town["a"], offset=3, limit=3)
    assert (first.total, len(first.rows), len(rest.rows)) == (4, 3, 1)
    every = _rows(db_session, "contacts", town["a"], limit=None).rows
    assert first.rows + rest.rows == every


def test_every_drill_names_a_figure_of_the_table() -> None:
    from app.services.reports.columns import COLUMNS

    keys = {c.key for c in COLUMNS}
    assert set(drilldown.DRILLS) <= keys
    assert {"rank", "group", "neighbourhood", "score"}.isdisjoint(drilldown.DRILLS)
