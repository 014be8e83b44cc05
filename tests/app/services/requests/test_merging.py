"""The same matter raised twice: similar requests are found, a duplicate is merged into the
request that is handled (both raisers told the one outcome), and "me too" is counted only on
open improvements."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.models import Notification
from app.services import requests
from app.services.requests.similar import likeness
from tests import factories as f

pytestmark = pytest.mark.integration

S = RequestStatus


def _templates(db_session: Session, request_id: int) -> list[str]:
    return list(db_session.scalars(select(Notification.template)
                                   .where(Notification.resident_request_id == request_id)
                                   .order_by(Notification.id)))


def test_likeness_finds_the_same_matter_in_other_words() -> None:
    same = likeness("小区花园想搭一个花架，种些爬藤植物", "12号楼前能不能搭个花架种爬藤")
    other = likeness("小区花园想搭一个花架，种些爬藤植物", "楼道灯坏了三天没人修")
    assert same > 0.15 > other
    assert likeness("", "花架") == 0.0


def test_similar_open_prefers_the_same_building_and_skips_closed(
        app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    b12, b3 = f.make_building(db_session, neighbourhood=n), f.make_building(db_session,
                                                                             neighbourhood=n)
    here = f.make_resident_request(db_session, neighbourhood=n, building_id=b12.id,
                                   text="12号楼前能不能搭个花架")
    elsewhere = f.make_resident_request(db_session, neighbourhood=n, building_id=b3.id,
                                        text="3号楼前想搭个花架")
    unrelated = f.make_resident_request(db_session, neighbourhood=n, building_id=b12.id,
                                        text="楼道灯坏了三天没人修")
    closed = f.make_resident_request(db_session, neighbourhood=n, building_id=b12.id,
                                     text="搭个花架种爬藤", status=S.resolved)
    f.make_resident_request(db_session, text="想搭个花架种爬藤植物")  # another neighbourhood
    found = requests.similar_open(db_session, neighbourhood_id=n.id, building_id=b12.id,
                                  text="想在楼前搭个花架种爬藤植物")
    assert found[0] == here and unrelated not in found and closed not in found
    assert all(r.neighbourhood_id == n.id for r in found)
    assert elsewhere in found
    assert requests.similar_open(db_session, neighbourhood_id=n.id, building_id=b12.id,
                                 text="12号楼前能不能搭个花架",
                                 exclude_id=here.id) == [elsewhere]


def test_a_merged_request_is_closed_and_both_raisers_hear_the_outcome(
        app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    coordinator = f.make_user(db_session, role="coordinator", neighbourhoods=[n])
    with app.test_request_context():
        first, second = f.pergola_raised_twice(db_session, n, user=coordinator,
                                               email="li@example.com")
        third = f.raise_request(db_session, n, "花架什么时候搭", phone="13900139000")
        requests.add_me_too(db_session, first.id)
        requests.merge(db_session, third, second, user=coordinator, note="同一件事")
        change = requests.merge(db_session, second, first, user=coordinator,
                                expected=S.received.value)
        f.build_pergola(db_session, first, user=coordinator)
    db_session.expire_all()
    assert change.to_status == S.merged and change.actor == coordinator.display_name
    assert (second.status, second.merged_into_id, second.text) == (S.merged, first.id,
                                                                    "我也想要花架")
    # what was merged into the merged request follows it to the survivor
    assert third.merged_into_id == first.id and third.status == S.merged
    assert second.resolved_at is None and first.status == S.resolved
    assert _templates(db_session, second.id) == [
        "requests/received", "requests/progress", "requests/resolved"]
    assert _templates(db_session, third.id)[-1] == "requests/resolved"
    resolved = db_session.scalars(select(Notification).where(
        Notification.resident_request_id == second.id).order_by(Notification.id.desc())).first()
    assert first.reference_code in resolved.body and "花架已建成" in resolved.body
    assert second.follow_token in resolved.body and first.follow_token not in resolved.body
    assert _templates(db_session, first.id)[-1] == "requests/resolved"


def test_merging_refuses_what_it_cannot_do_and_changes_nothing(
        app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    a = f.make_resident_request(db_session, neighbourhood=n)
    b = f.make_resident_request(db_session, neighbourhood=n)
    foreign = f.make_resident_request(db_session)
    done = f.make_resident_request(db_session, neighbourhood=n, status=S.explained)
    with app.test_request_context():
        for source, target, code in ((a, a, "invalid"), (a, foreign, "invalid"),
                                     (a, done, "not_allowed"), (done, a, "not_allowed")):
            with pytest.raises(requests.RequestError) as refused:
                requests.merge(db_session, source, target, user=None)
            assert refused.value.code == code
        with pytest.raises(requests.RequestError) as changed:
            requests.merge(db_session, a, b, user=None, expected=S.handling.value)
        assert changed.value.code == "changed"
    db_session.expire_all()
    assert a.status == S.received and a.merged_into_id is None and len(a.changes) == 1


def test_me_too_counts_on_open_improvements_only(app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    building = f.make_building(db_session, neighbourhood=n)
    improving = f.make_resident_request(db_session, neighbourhood=n, status=S.improving,
                                        building_id=building.id, board_title="12号楼前的花架")
    merged_in = f.make_resident_request(db_session, neighbourhood=n)
    received = f.make_resident_request(db_session, neighbourhood=n, building_id=building.id)
    with app.test_request_context():
        requests.change_status(db_session, merged_in, S.handling, user=None)
        requests.merge(db_session, merged_in, improving, user=None)
    assert requests.add_me_too(db_session, improving.id) == 3
    assert requests.add_me_too(db_session, improving.id) == 4
    assert requests.add_me_too(db_session, received.id) is None
    assert requests.add_me_too(db_session, 10**9) is None
    db_session.expire_all()
    assert received.me_too == 0 and improving.me_too == 2
    [match] = requests.public_matches(db_session, neighbourhood_id=n.id,
                                      building_id=building.id)
    assert (match.id, match.title, match.residents) == (improving.id, "12号楼前的花架", 4)
    assert not hasattr(match, "text") and not hasattr(match, "name")
