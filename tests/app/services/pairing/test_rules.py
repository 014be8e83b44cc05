"""The rules of one pairing, and the database keeping the same rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import PairingStatus
from app.models import Pairing
from app.services import pairing
from tests import factories as f

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _chinese_request(app):
    """Refusals are read in the user's language: Chinese, the default, in a request."""
    with app.test_request_context():
        yield


def _pair(session: Session, household, volunteer, **kw) -> Pairing:
    kw.setdefault("starts_on", date(2026, 12, 1))
    kw.setdefault("aim", "每周看望一次")
    return Pairing(household=household, volunteer=volunteer, **kw)


def test_refusals_change_nothing(db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    other = f.make_neighbourhood(db_session)
    member = f.make_volunteer(db_session, neighbourhood=n, name="李党员", max_families=1)
    home = f.make_household(db_session, neighbourhood=n)
    second = f.make_household(db_session, neighbourhood=n)
    far = f.make_household(db_session, neighbourhood=other)

    with pytest.raises(pairing.PairingError, match="不在同一居民区"):
        pairing.check_pairing(db_session, _pair(db_session, far, member))
    with pytest.raises(pairing.PairingError, match="目标"):
        pairing.check_pairing(db_session, _pair(db_session, home, member, aim="   "))
    with pytest.raises(pairing.PairingError, match="早于"):
        pairing.check_pairing(db_session, _pair(db_session, home, member,
                                                ends_on=date(2026, 11, 30)))
    with pytest.raises(pairing.PairingError, match="结束日期"):
        pairing.check_pairing(db_session, _pair(db_session, home, member,
                                                status=PairingStatus.ended))

    first = _pair(db_session, home, member)
    pairing.check_pairing(db_session, first)
    db_session.add(first)
    db_session.flush()
    # The same pair again, and a second family over the member's limit of one.
    with pytest.raises(pairing.PairingError, match="已与该家庭结对"):
        pairing.check_pairing(db_session, _pair(db_session, home, member))
    with pytest.raises(pairing.PairingError, match=r"1 户.*最多 1 户"):
        pairing.check_pairing(db_session, _pair(db_session, second, member))
    # Ending the first frees the place.
    assert pairing.end(db_session, first, date(2026, 12, 31))
    assert (first.status, first.ends_on) == (PairingStatus.ended, date(2026, 12, 31))
    pairing.check_pairing(db_session, _pair(db_session, second, member))
    assert pairing.open_counts(db_session, [member.id]) == {}


def test_confirm_rechecks_the_limit(db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    member = f.make_volunteer(db_session, neighbourhood=n, max_families=2)
    a, b = (f.make_household(db_session, neighbourhood=n) for _ in range(2))
    first = f.make_pairing(db_session, a, member)
    second = f.make_pairing(db_session, b, member)
    assert pairing.open_counts(db_session, [member.id]) == {member.id: 2}
    assert pairing.confirm(db_session, first)
    assert first.status == PairingStatus.confirmed and first.confirmed_at is not None
    assert not pairing.confirm(db_session, first)  # already confirmed: nothing happens
    member.max_families = 1  # the coordinator lowered the limit meanwhile
    with pytest.raises(pairing.PairingError, match="最多 1 户"):
        pairing.confirm(db_session, second)
    assert second.status == PairingStatus.proposed
    assert [p.id for p in pairing.member_families(db_session, member.id)] == [first.id]


def test_database_refuses_a_second_open_pair_and_an_ended_pair_without_end(
        db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    member = f.make_volunteer(db_session, neighbourhood=n)
    home = f.make_household(db_session, neighbourhood=n)
    f.make_pairing(db_session, home, member, status=PairingStatus.ended,
                   ends_on=date(2026, 12, 2))
    f.make_pairing(db_session, home, member)  # an ended pair does not block a new one
    with db_session.begin_nested(), pytest.raises(IntegrityError):
        f.make_pairing(db_session, home, member, status=PairingStatus.confirmed)
    with db_session.begin_nested(), pytest.raises(IntegrityError):
        f.make_pairing(db_session, f.make_household(db_session, neighbourhood=n), member,
                       status=PairingStatus.ended)
    with db_session.begin_nested(), pytest.raises(IntegrityError):
        f.make_volunteer(db_session, neighbourhood=n, max_families=21)


def test_pairings_whose_period_is_over_are_ended(db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    member = f.make_volunteer(db_session, neighbourhood=n, max_families=3)
    over = f.make_pairing(db_session, f.make_household(db_session, neighbourhood=n), member,
                          status=PairingStatus.confirmed, ends_on=date(2026, 12, 1))
    last_day = f.make_pairing(db_session, f.make_household(db_session, neighbourhood=n),
                              member, status=PairingStatus.confirmed, ends_on=date(2026, 12, 2))
    open_ended = f.make_pairing(db_session, f.make_household(db_session, neighbourhood=n),
                                member, status=PairingStatus.confirmed)
    assert pairing.end_expired(db_session, date(2026, 12, 2)) == 1
    assert [p.status for p in (over, last_day, open_ended)] == [
        PairingStatus.ended, PairingStatus.confirmed, PairingStatus.confirmed]
    assert pairing.open_counts(db_session, [member.id]) == {member.id: 2}
    assert pairing.end_expired(db_session, date(2026, 12, 2)) == 0
