"""A paired member's contacts count as effective contacts: the household is no longer due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from app.enums import HouseholdCategory, PairingStatus, VisitKind, VisitOutcome
from app.models import VisitPolicy
from app.services.households.due import due_rows
from app.services.pairing import PairingError, contacts
from tests import factories as f

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _chinese_request(app):
    with app.test_request_context():
        yield


def test_contact_makes_the_family_no_longer_due(db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    member = f.make_volunteer(db_session, neighbourhood=n)
    other = f.make_volunteer(db_session, neighbourhood=n)
    household = f.make_household(db_session, neighbourhood=n,
                                 categories=[HouseholdCategory.poor_and_ill],
                                 created_at=NOW - timedelta(days=60))
    db_session.add(VisitPolicy(category=HouseholdCategory.poor_and_ill, interval_days=14))
    pairing = f.make_pairing(db_session, household, member, status=PairingStatus.confirmed)
    proposed = f.make_pairing(db_session, household, other)

    def due() -> set[int]:
        return {r.household_id for r in due_rows(db_session, neighbourhood_ids=frozenset({n.id}),
                                                 now=NOW)}

    assert household.id in due()
    with pytest.raises(PairingError, match="不是您的结对家庭"):
        contacts.record_contact(db_session, pairing, other.id, "door", now=NOW)
    with pytest.raises(PairingError, match="不是您的结对家庭"):  # proposed, not confirmed
        contacts.record_contact(db_session, proposed, other.id, "door", now=NOW)
    with pytest.raises(PairingError, match="上门走访还是电话联系"):
        contacts.record_contact(db_session, pairing, member.id, "care_package", now=NOW)
    assert household.id in due()  # nothing recorded by the refusals

    visit = contacts.record_contact(db_session, pairing, member.id, "phone",
                                    notes="  帮忙交了水电费 ", now=NOW - timedelta(hours=1))
    assert (visit.kind, visit.outcome, visit.notes) == (VisitKind.phone, VisitOutcome.done,
                                                       "帮忙交了水电费")
    assert household.id not in due()
    assert contacts.last_contacts(db_session, member.id, [household.id]) == {
        household.id: NOW - timedelta(hours=1)}
