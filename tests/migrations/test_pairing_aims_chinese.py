"""Aims proposed in English become Chinese; an aim a coordinator wrote stays as it is."""

from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from app.database import MIGRATIONS_DIR
from app.enums import PairingStatus
from app.extensions import db
from app.models import Pairing
from tests import factories as f
from tests.conftest import temporary_app
from tests.migrations import revision_before

pytestmark = pytest.mark.integration

REVISION = "p41r1ng4im01"


def test_english_proposed_aims_become_chinese(empty_database_url: str) -> None:
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        f.make_skill(db.session, code="grocery_delivery", name_zh="买菜送米",
                     name_en="Grocery delivery")
        aims = ["Regular contact and help (Elderly living alone、Very old); help with: 陪伴聊天",
                "Regular contact and help (Poor and ill); help with: Grocery delivery",
                "Regular contact and help (Laid-off)",
                "每周看望一次，陪她去菜场"]
        neighbourhood = f.make_neighbourhood(db.session)
        volunteer = f.make_volunteer(db.session, neighbourhood=neighbourhood)
        for aim in aims:
            db.session.add(Pairing(household=f.make_household(
                db.session, neighbourhood=neighbourhood), volunteer=volunteer,
                status=PairingStatus.confirmed, starts_on=date(2026, 12, 1), aim=aim))
        db.session.commit()
        previous = revision_before(REVISION)
        db.session.remove()
        downgrade(directory=str(MIGRATIONS_DIR), revision=previous)
        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        assert list(db.session.scalars(select(Pairing.aim).order_by(Pairing.id))) == [
            "定期联系帮扶（独居老人、高龄老人）；需要帮助：陪伴聊天",
            "定期联系帮扶（贫病交加）；需要帮助：买菜送米",
            "定期联系帮扶（下岗协保）",
            "每周看望一次，陪她去菜场",
        ]
        db.session.remove()
