"""The public request form's building list, in Debian's chromium on a phone: buildings in
number order ("2" before "10"), and once a neighbourhood is chosen only its buildings are
offered (a building of another one chosen before is cleared); without JavaScript all are
offered, grouped by neighbourhood."""

from __future__ import annotations

import pytest
from flask import Flask

from app.extensions import db
from tests.e2e.test_residents_browser import PHONE, shoot

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")


def _two_neighbourhoods(app: Flask) -> tuple[int, int, dict[str, int]]:
    from app.models import Building, Neighbourhood

    with app.app_context():
        jiahong = Neighbourhood(town="金桥镇", name="佳虹居民区")
        yongye = Neighbourhood(town="金桥镇", name="永业居民区")
        db.session.add_all([jiahong, yongye])
        db.session.flush()
        buildings = {f"佳虹{n}": Building(neighbourhood_id=jiahong.id, number=n,
                                         address=f"佳虹路{n}号楼")
                     for n in ("10", "2", "12A", "12")}
        buildings["永业3"] = Building(neighbourhood_id=yongye.id, number="3", address="永业路3号楼")
        db.session.add_all(buildings.values())
        db.session.commit()
        return jiahong.id, yongye.id, {k: b.id for k, b in buildings.items()}


def _offered(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "#building optgroup:not([disabled]) option:not([value=\"\"])",
        "options => options.map(o => o.text)")


@pytest.mark.parametrize("javascript", [True, False])
def test_only_the_chosen_neighbourhoods_buildings_in_number_order(
        browser, site, javascript: bool) -> None:
    app, base = site
    jiahong, yongye, buildings = _two_neighbourhoods(app)
    context = browser.new_context(viewport=PHONE, locale="zh-CN",
                                  java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(f"{base}/requests/new")
        everything = ["佳虹路2号楼", "佳虹路10号楼", "佳虹路12号楼", "佳虹路12A号楼", "永业路3号楼"]
        assert _offered(page) == everything
        page.select_option("#building", str(buildings["永业3"]))
        page.select_option("#neighbourhood", str(jiahong))
        if javascript:
            assert _offered(page) == everything[:4]
            assert page.input_value("#building") == ""  # another neighbourhood's: cleared
            page.select_option("#building", str(buildings["佳虹12A"]))
            page.select_option("#neighbourhood", str(yongye))
            assert _offered(page) == ["永业路3号楼"] and page.input_value("#building") == ""
        else:
            assert _offered(page) == everything
        shoot(page, f"zh-21-request-buildings-{'js' if javascript else 'nojs'}")
    finally:
        context.close()
