"""Hours certificates: issued only for a past period with hours, drawn as an A4 PDF whose
Chinese text survives (embedded font, text extracted back, a rendered page), and checked by
its code on a public page that shows the figures and a masked name only."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.enums import AssignmentStatus, AttendanceStatus
from app.models import HoursCertificate
from app.services.attendance import certificates, hours, recording
from app.services.attendance.recording import Mark
from tests import factories as f
from tests.app.portal.test_portal import open_portal
from tests.app.services.attendance.test_recording import ZONE
from tests.helpers import csrf_token_from, in_english

pytestmark = pytest.mark.integration

#: Saturday 2026-11-28, 09:00–12:00 in Shanghai.
START = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed; `make browser` installs it")
    return found


@pytest.fixture
def served(db_session):
    """王芳 served 3 hours on 2026-11-28 and got a 1.5-hour correction on 2026-11-29."""
    coordinator = f.make_user(db_session)
    n = f.make_neighbourhood(db_session, name="佳虹证明", town="金桥镇")
    volunteer = f.make_volunteer(db_session, neighbourhood=n, name="王芳")
    event = f.make_event(db_session, neighbourhood=n, start_at=START,
                         end_at=START + timedelta(hours=3), title="学雷锋便民服务日")
    shift = f.make_shift(db_session, event, title="量血压")
    seat = f.make_assignment(db_session, shift, volunteer, status=AssignmentStatus.confirmed)
    recording.record_roster(db_session, shift, [Mark(seat.id, AttendanceStatus.present)],
                            zone=ZONE, actor_id=coordinator.id, now=START + timedelta(hours=4))
    hours.add_correction(db_session, hours.Correction(
        volunteer_id=volunteer.id, minutes=90, service_on=date(2026, 11, 29),
        reason="纸质签到表", activity="社区环境整治"), actor_id=coordinator.id,
        today=date(2026, 12, 1))
    db_session.flush()
    return volunteer


@pytest.mark.parametrize("start, end, message", [
    (date(2026, 11, 30), date(2026, 11, 1), "ends before it starts"),
    (date(2026, 11, 1), date(2027, 1, 1), "no later than today"),
    (date(2026, 1, 1), date(2026, 10, 31), "No service hours"),
    (date(2020, 1, 1), date(2026, 11, 30), "at most five years"),
])
def test_refusals_write_nothing(app, db_session, served, start, end, message) -> None:
    with in_english(app), pytest.raises(certificates.CertificateError, match=message):
        certificates.issue(db_session, served, start, end, town="金桥镇",
                           today=date(2026, 12, 1))
    assert db_session.scalar(select(func.count()).select_from(HoursCertificate)) == 0


def test_the_pdf_is_chinese_a4_with_the_total_and_the_code(app, db_session, served,
                                                           tmp_path: Path) -> None:
    pdftotext, pdffonts, pdftoppm = (_poppler(t) for t in ("pdftotext", "pdffonts", "pdftoppm"))
    with app.test_request_context():
        certificate, pdf = certificates.make(db_session, served, date(2026, 11, 1),
                                             date(2026, 11, 30), issued_by_id=None)
    assert certificate.minutes == 270 and certificate.town == "金桥镇"
    assert len(certificate.code) == 10
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)

    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "志愿服务时长证明" in text
    assert "王芳" in text and "4.5" in text and "金桥镇" in text
    assert "学雷锋便民服务日 · 量血压" in text and "社区环境整治" in text
    assert certificate.code in text and f"/verify/{certificate.code}" in text

    fonts = subprocess.run([pdffonts, str(path)], capture_output=True, text=True,
                           check=True).stdout
    [cjk] = [line for line in fonts.splitlines() if "WenQuanYi" in line or "Noto" in line]
    assert cjk.split()[-5] == "yes"  # embedded: readers need no Chinese font of their own

    subprocess.run([pdftoppm, "-png", "-r", "40", "-singlefile", str(path),
                    str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.png").convert("L")
    width, height = page.size
    assert abs(height / width - 297 / 210) < 0.01  # A4 portrait
    # The title band is drawn: dark pixels where the Chinese title is.
    title = page.crop((0, int(height * 0.10), width, int(height * 0.17)))
    dark = title.point(lambda p: 255 if p < 128 else 0).histogram()[255]
    assert dark > 100


def test_the_public_check_confirms_the_figures_only(app, client, db_session, served) -> None:
    with app.test_request_context():
        certificate, _pdf = certificates.make(db_session, served, date(2026, 11, 1),
                                              date(2026, 11, 30), issued_by_id=None)
    body = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert 'id="certificate-valid"' in body and "4.5" in body and "王*" in body
    assert "王芳" not in body and served.phone not in body
    lowered = client.get(f"/verify/?code={certificate.code.lower()}")
    assert lowered.status_code == 200
    unknown = client.get("/verify/ABCDEFGHJK")
    assert unknown.status_code == 404 and 'id="certificate-unknown"' in unknown.get_data(
        as_text=True)
    assert client.get("/verify/<script>").status_code == 404


def test_without_a_font_nothing_is_issued(app, db_session, served, monkeypatch) -> None:
    monkeypatch.setattr(certificates, "FONT_CANDIDATES", ("/nonexistent/font.ttc",))
    app.config["LINLI_CJK_FONT"] = "/nonexistent/other.ttc"
    try:
        with in_english(app), pytest.raises(certificates.CertificateError,
                                            match="fonts-wqy-microhei"):
            certificates.make(db_session, served, date(2026, 11, 1), date(2026, 11, 30),
                              issued_by_id=None)
    finally:
        app.config["LINLI_CJK_FONT"] = None
    assert db_session.scalar(select(func.count()).select_from(HoursCertificate)) == 0


def test_a_volunteer_downloads_their_own_certificate(app, client, db_session, served) -> None:
    open_portal(client, app, served)
    page = client.get("/portal/hours").get_data(as_text=True)
    assert 'id="hours-certificate"' in page
    token = csrf_token_from(page)
    refused = client.post("/portal/hours/certificate", data={
        "csrf_token": token, "starts_on": "2026-01-01", "ends_on": "2026-10-31"},
        follow_redirects=True)
    assert "该时间段内没有服务时长记录" in refused.get_data(as_text=True)
    response = client.post("/portal/hours/certificate", data={
        "csrf_token": token, "starts_on": "2026-11-01", "ends_on": "2026-11-30"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    [issued] = db_session.scalars(select(HoursCertificate)).all()
    assert (issued.volunteer_id, issued.minutes, issued.issued_by_id) == (served.id, 270, None)
    no_token = client.post("/portal/hours/certificate", data={
        "starts_on": "2026-11-01", "ends_on": "2026-11-30"})
    assert no_token.status_code in (302, 400)
    assert db_session.scalar(select(func.count()).select_from(HoursCertificate)) == 1
