"""`flask pairing propose`: the draft written, every family left out named with its reason."""

from __future__ import annotations

import json

import pytest

from app.enums import HouseholdCategory, PairingStatus
from app.models import Pairing
from tests import factories as f

pytestmark = pytest.mark.integration


def test_propose_json_and_table(app, db_session) -> None:
    n = f.make_neighbourhood(db_session, name="命令行小区")
    member = f.make_volunteer(db_session, neighbourhood=n, name="命令行党员", x_km=0.0,
                              y_km=0.0, max_families=1)
    near = f.make_household(db_session, neighbourhood=n, contact_name="近处阿婆", x_km=0.3,
                            y_km=0.4, categories=[HouseholdCategory.living_alone])
    far = f.make_household(db_session, neighbourhood=n, contact_name="远处阿公", x_km=3.0,
                           y_km=4.0, categories=[HouseholdCategory.very_old])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pairing", "propose", "--neighbourhood", "命令行小区",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(p["family"], p["member"], p["distance_km"]) for p in data["proposed"]] == [
        ("近处阿婆", "命令行党员", 0.5)]
    assert data["unpaired"] == [{
        "household_id": far.id, "family": "远处阿公", "code": "too_far",
        "reason": "1 公里内没有党员居住：最近的党员在 5 公里外。"}]
    row = db_session.get(Pairing, data["proposed"][0]["id"])
    assert (row.household_id, row.volunteer_id, row.status) == (near.id, member.id,
                                                               PairingStatus.proposed)

    table = runner.invoke(args=["pairing", "propose", "--neighbourhood", "命令行小区",
                                "--max-km", "5"])
    assert table.exit_code == 0, table.output
    assert "1 proposed, 1 unpaired, 1 earlier proposals replaced" in table.output
    assert "✗ 远处阿公: 合适的 1 名党员结对户数均已达上限（命令行党员）。" in table.output

    assert runner.invoke(args=["pairing", "propose", "--neighbourhood", "没有这个"]
                         ).exit_code != 0
    bad = runner.invoke(args=["pairing", "propose", "--neighbourhood", "命令行小区",
                              "--max-km", "0"])
    assert bad.exit_code != 0 and "0.1 至 5.0 公里" in bad.output
