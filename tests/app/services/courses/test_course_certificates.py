"""Course completion certificates: only for completers, one per place, drawn as the hours
certificates are, and checked on the public page without anything personal."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import AttendanceMethod, EventKind, EventStatus, RegistrationStatus, Role
from app.models import CourseCertificate, Event, Registration
from app.services import courses
from app.services.attendance.certificates import CertificateError
from tests.factories import PASSWORD, make_event, make_neighbourhood, make_slot, make_user
from tests.helpers import csrf_token_from, in_english, login

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOPICS = ("美容", "营养", "社交礼仪", "插花")
#: Four Saturdays, 14:00 in Shanghai, the last one a fortnight ago.
FIRST = datetime(2026, 10, 31, 6, 0, tzinfo=UTC)


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed; `make browser` installs it")
    return found


@pytest.fixture
def course(db_session: Session) -> Event:
    here = make_neighbourhood(db_session, name="城市家园结业", town="金桥镇")
    event = make_event(db_session, neighbourhood=here, kind=EventKind.training,
                       status=EventStatus.published, title="来沪女性素质提升培训(第二期)",
                       capacity=200, completion_sessions=3, start_at=FIRST,
                       end_at=FIRST + timedelta(days=21, hours=2))
    for n, topic in enumerate(TOPICS):
        start = FIRST + timedelta(days=7 * n)
        make_slot(db_session, event, label=f"第{n + 1}期 {topic}", start_at=start,
                  end_at=start + timedelta(hours=2), capacity=0)
    db_session.refresh(event)
    return event


def _participant(db_session: Session, course: Event, name: str, phone: str,
                 sessions: int) -> Registration:
    registration = Registration(event=course, name=name, phone=phone,
                                status=RegistrationStatus.confirmed)
    db_session.add(registration)
    db_session.flush()
    for slot in course.slots[:sessions]:
        courses.mark_present(db_session, course, registration, slot,
                             method=AttendanceMethod.staff, now=slot.start_at)
    return registration


def test_only_completers_get_one_and_asking_again_gives_the_same(app, db_session, course) -> None:
    done = _participant(db_session, course, "王秀英", "13900000001", 3)
    short = _participant(db_session, course, "李梅", "13900000002", 2)
    with in_english(app), pytest.raises(CertificateError, match="attended 2 sessions"):
        courses.issue_certificate(db_session, short, zone=SHANGHAI)
    first = courses.issue_certificate(db_session, done, zone=SHANGHAI)
    assert (first.sessions_attended, first.sessions_total) == (3, 4)
    assert first.starts_on.isoformat() == "2026-10-31" and first.ends_on.isoformat() == "2026-11-21"
    assert courses.issue_certificate(db_session, done, zone=SHANGHAI).id == first.id
    assert db_session.scalar(select(func.count()).select_from(CourseCertificate)) == 1


def test_the_pdf_says_who_completed_what_and_the_page_confirms_it_masked(
        app, client: FlaskClient, db_session: Session, course, tmp_path: Path) -> None:
    pdftotext = _poppler("pdftotext")
    done = _participant(db_session, course, "王秀英", "13900000001", 4)
    with app.test_request_context():
        certificate, pdf = courses.make_certificate(db_session, done, issued_by_id=None)
    db_session.commit()
    path = tmp_path / "completion.pdf"
    path.write_bytes(pdf)
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = "".join(text.split())  # the sentence wraps between any two characters
    assert "结业证明" in flat and "王秀英" in flat and "来沪女性素质提升培训(第二期)" in flat
    assert "共4期，出席4期" in flat and "金桥镇" in flat and "第3期 社交礼仪" in text
    assert certificate.code in text and f"/verify/{certificate.code}" in text
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "王**" in page and "王秀英" not in page and "13900000001" not in page
    assert "来沪女性素质提升培训(第二期)" in page and "金桥镇" in page
    assert client.get("/verify/ZZZZZZZZZZ").status_code == 404


def test_residents_and_coordinators_download_it(client: FlaskClient, db_session: Session,
                                                course) -> None:
    done = _participant(db_session, course, "王秀英", "13900000001", 3)
    short = _participant(db_session, course, "李梅", "13900000002", 1)
    coordinator = make_user(db_session, Role.coordinator, neighbourhoods=[course.neighbourhood])
    elsewhere = make_neighbourhood(db_session)
    stranger = make_user(db_session, Role.coordinator, neighbourhoods=[elsewhere])
    theirs = make_event(db_session, neighbourhood=elsewhere)
    db_session.commit()
    page = client.get(f"/r/{done.cancel_token}").get_data(as_text=True)
    assert f"/r/{done.cancel_token}/certificate" in page and "您已完成本课程" in page
    response = client.post(f"/r/{done.cancel_token}/certificate",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    page = client.get(f"/r/{short.cancel_token}").get_data(as_text=True)
    assert f"/r/{short.cancel_token}/certificate" not in page
    refused = client.post(f"/r/{short.cancel_token}/certificate",
                          data={"csrf_token": csrf_token_from(page)})
    assert refused.status_code == 409
    path = f"/staff/events/{course.id}/certificates/{done.id}"
    outsider = client.application.test_client()
    login(outsider, stranger.username, PASSWORD)
    token = csrf_token_from(outsider.get(f"/staff/events/{theirs.id}/attendance")
                            .get_data(as_text=True))
    assert outsider.post(path, data={"csrf_token": token}).status_code == 404
    staff = client.application.test_client()
    login(staff, coordinator.username, PASSWORD)
    roster = staff.get(f"/staff/events/{course.id}/attendance?session={course.slots[0].id}")
    token = csrf_token_from(roster.get_data(as_text=True))
    assert path in roster.get_data(as_text=True)
    assert f"/staff/events/{course.id}/certificates/{short.id}" not in roster.get_data(
        as_text=True)
    response = staff.post(path, data={"csrf_token": token})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert db_session.scalar(select(func.count()).select_from(CourseCertificate)) == 1
