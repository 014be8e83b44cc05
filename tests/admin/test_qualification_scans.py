"""A qualification's scan (issue 16): uploaded on the qualification's form (a photo kept
without its metadata, or a PDF; anything else refused with nothing saved), and opened only by
the coordinators in scope and the volunteer herself."""

from __future__ import annotations

import io
from io import BytesIO

import pytest
from PIL import Image

from app.models import Qualification
from app.services import qualification_scans
from tests.admin.conftest import as_text, quick_login
from tests.app.portal.test_portal import open_portal
from tests.app.services.requests.test_photos import jpeg_with_gps
from tests.factories import make_volunteer

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _form(row: Qualification, token: str, upload: tuple[bytes, str] | None) -> dict:
    data = {"csrf_token": token, "volunteer": str(row.volunteer_id),
            "skill": str(row.skill_id), "licence_number": row.licence_number,
            "issued_by": row.issued_by or "", "valid_from": "",
            "valid_until": row.valid_until.isoformat() if row.valid_until else ""}
    if upload is not None:
        data["scan_upload"] = (BytesIO(upload[0]), upload[1])
    return data


def _upload(client, row: Qualification, token: str, upload: tuple[bytes, str]):  # type: ignore[no-untyped-def]
    return client.post(f"/admin/qualification/edit/?id={row.id}",
                       content_type="multipart/form-data", data=_form(row, token, upload))


def _scan_url(row: Qualification) -> str:
    return f"/admin/qualification/scan/?id={row.id}"


def test_a_photo_scan_is_kept_without_its_location(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["qualification"]
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)  # the phone's GPS position
    response = _upload(client, row, token, (raw, "licence.jpg"))
    assert response.status_code == 302, as_text(response)
    shown = client.get(_scan_url(row))
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert "no-store" in shown.headers["Cache-Control"]
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    kept = Image.open(io.BytesIO(shown.data))
    assert dict(kept.getexif()) == {} and b"PhoneMaker" not in shown.data
    listing = as_text(client.get("/admin/qualification/"))
    assert _scan_url(row).replace("&", "&amp;") in listing or _scan_url(row) in listing


def test_a_pdf_scan_is_downloaded_not_shown(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["qualification"]
    assert _upload(client, row, token, (PDF, "licence.pdf")).status_code == 302
    shown = client.get(_scan_url(row))
    assert shown.status_code == 200 and shown.mimetype == "application/pdf"
    assert shown.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    assert shown.data == PDF


@pytest.mark.parametrize(("raw", "name", "message"), [
    (b"GIF89a" + b"\0" * 100, "a.gif", "photo (JPEG, PNG or WebP) or a PDF"),
    (b"%PDF-1.4 cut short", "a.pdf", "incomplete or damaged"),
])
def test_what_is_not_a_scan_is_refused_and_nothing_changes(client, db_session, world, raw,
                                                           name, message) -> None:
    token = quick_login(client, world.users["coordinator"])
    with client.session_transaction() as session:
        session["locale"] = "en"
    row = world.jiahong.rows["qualification"]
    before = row.licence_number
    data = _form(row, token, (raw, name))
    data["licence_number"] = "changed-001"
    response = client.post(f"/admin/qualification/edit/?id={row.id}",
                           content_type="multipart/form-data", data=data)
    assert message in as_text(response)
    db_session.expire_all()
    again = db_session.get(Qualification, row.id)
    assert again.scan is None and again.licence_number == before
    assert client.get(_scan_url(row)).status_code == 404


@pytest.mark.parametrize("raw", [b"%PDF-1.4\n" + b"\0" * (5 * 1024 * 1024) + b"%%EOF",
                                 b"\xff\xd8" + b"\0" * (5 * 1024 * 1024)])
def test_a_scan_over_5_mb_is_refused(app, raw: bytes) -> None:
    # (the form reads at most one byte more than the limit; the rule is the service's)
    from tests.helpers import in_english

    with in_english(app), pytest.raises(qualification_scans.ScanError, match="at most 5 MB"):
        qualification_scans.clean_scan(raw)


def test_only_coordinators_in_scope_open_a_scan(app, client, db_session, world) -> None:
    token = quick_login(client, world.users["admin"])
    own = world.jiahong.rows["qualification"]
    foreign = world.yongye.rows["qualification"]
    for row in (own, foreign):
        assert _upload(client, row, token, (jpeg_with_gps(), "a.jpg")).status_code == 302
    assert client.get(_scan_url(foreign)).status_code == 200  # the town admin sees all
    coordinator = app.test_client()
    quick_login(coordinator, world.users["coordinator"])
    assert coordinator.get(_scan_url(own)).status_code == 200
    assert coordinator.get(_scan_url(foreign)).status_code == 404
    assert coordinator.get("/admin/qualification/scan/?id=x").status_code == 404
    for role in ("team_lead", "volunteer", "department"):
        other = app.test_client()
        quick_login(other, world.users[role])
        assert other.get(_scan_url(own)).status_code in (302, 403), role
    assert app.test_client().get(_scan_url(own)).status_code in (302, 403)


def test_the_volunteer_opens_her_own_scan_and_nobody_elses(app, client, db_session,
                                                          world) -> None:
    token = quick_login(client, world.users["admin"])
    own = world.jiahong.rows["qualification"]
    assert _upload(client, own, token, (PDF, "licence.pdf")).status_code == 302
    herself = app.test_client()
    open_portal(herself, app, own.volunteer)
    page = herself.get("/portal/qualifications")
    assert page.status_code == 200 and own.licence_number in as_text(page)
    url = f"/portal/qualifications/{own.id}/scan"
    assert url in as_text(page)
    answer = herself.get(url)
    assert answer.status_code == 200 and answer.data == PDF
    assert "no-store" in answer.headers["Cache-Control"]
    stranger = app.test_client()
    open_portal(stranger, app, make_volunteer(db_session))
    assert stranger.get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # not logged in: to the login
