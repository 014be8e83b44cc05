"""A project's figures on a small hand-built project, and its rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from app.enums import EventStatus, ProjectTarget, RegistrationStatus
from app.models import Project
from app.services import projects
from tests import factories as f

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _chinese_request(app):
    with app.test_request_context():
        yield


def _project(session: Session, n, **kw) -> Project:
    kw.setdefault("title", "少儿绘画比赛")
    kw.setdefault("target", ProjectTarget.children_families)
    kw.setdefault("starts_on", date(2026, 11, 1))
    project = Project(neighbourhood=n, **kw)
    session.add(project)
    session.flush()
    return project


def test_results_count_held_events_and_people_who_came(db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    held = f.make_event(db_session, neighbourhood=n, start_at=f.future(-10),
                        end_at=f.future(-10) + timedelta(hours=2))
    cancelled = f.make_event(db_session, neighbourhood=n, start_at=f.future(-5),
                             end_at=f.future(-5) + timedelta(hours=2),
                             status=EventStatus.cancelled)
    ahead = f.make_event(db_session, neighbourhood=n, start_at=f.future(5),
                         end_at=f.future(5) + timedelta(hours=2))
    # Held: 2 attended (a parent and child) + 1 confirmed = 3; waitlisted and cancelled out.
    for status, size in ((RegistrationStatus.attended, 2), (RegistrationStatus.confirmed, 1),
                         (RegistrationStatus.waitlisted, 1), (RegistrationStatus.cancelled, 3)):
        f.make_registration(db_session, held, status=status, party_size=size)
    f.make_registration(db_session, cancelled, status=RegistrationStatus.attended)
    f.make_registration(db_session, ahead, status=RegistrationStatus.confirmed, party_size=2)
    project = _project(db_session, n, goal_events=4, goal_participants=150,
                       events=[held, cancelled, ahead])
    empty = _project(db_session, n, title="空项目")
    results = projects.project_results(db_session, [project.id, empty.id])
    assert results[project.id] == projects.ProjectResults(events=2, held=1, participants=3)
    assert results[empty.id] == projects.ProjectResults()


def test_rules(db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    other = f.make_neighbourhood(db_session)
    project = Project(neighbourhood=n, neighbourhood_id=n.id, title="宣讲",
                      target=ProjectTarget.new_residents, starts_on=date(2026, 12, 1))
    projects.check_project(project)
    project.events.append(f.make_event(db_session, neighbourhood=other, title="别处的活动"))
    with pytest.raises(projects.ProjectError, match="别处的活动"):
        projects.check_project(project)
    project.events.clear()
    project.organisers.append(f.make_volunteer(db_session, neighbourhood=other, name="外人"))
    with pytest.raises(projects.ProjectError, match="外人 不是本项目"):
        projects.check_project(project)
    project.organisers.clear()
    project.ends_on = date(2026, 11, 1)
    with pytest.raises(projects.ProjectError, match="早于"):
        projects.check_project(project)
