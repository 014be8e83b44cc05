"""Photos of a request: checked (size, type, dimensions, readable), re-encoded without EXIF
(no GPS position), at most five per request, and public only when published for a request on
the notice board."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.services.requests import photos
from app.services.requests.errors import RequestError
from tests import factories as f

pytestmark = pytest.mark.integration


def jpeg_with_gps(size: tuple[int, int] = (400, 300), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 30.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def test_a_photo_is_kept_without_its_location(app: Flask) -> None:
    raw = jpeg_with_gps(orientation=6)  # taken on its side
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)
    with app.test_request_context():
        clean = photos.clean_photo(raw)
    kept = Image.open(io.BytesIO(clean.data))
    assert clean.content_type == "image/jpeg" and kept.format == "JPEG"
    assert dict(kept.getexif()) == {} and b"PhoneMaker" not in clean.data
    assert (clean.width, clean.height) == (300, 400) == kept.size  # stood upright


@pytest.mark.parametrize(("raw", "message"), [
    (b"", "empty"),
    (b"GIF89a" + b"\0" * 100, "not a photo"),
    (b"%PDF-1.4 not an image", "not a photo"),
    (_png((20, 20)), "pixels a side"),
    (b"\xff\xd8" + b"\0" * (5 * 1024 * 1024), "at most 5 MB"),
])
def test_what_is_not_a_usable_photo_is_refused(app: Flask, raw: bytes, message: str) -> None:
    from tests.helpers import in_english

    with in_english(app), pytest.raises(RequestError) as refused:
        photos.clean_photo(raw)
    assert refused.value.field == "photo" and message in str(refused.value.message)


def test_five_photos_at_most_and_only_published_ones_are_public(
        app: Flask, db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=RequestStatus.resolved)
    with app.test_request_context():
        kept = [photos.add_photo(db_session, req, photos.clean_photo(jpeg_with_gps()),
                                 user=None) for _ in range(photos.MAX_PHOTOS)]
        with pytest.raises(RequestError):
            photos.add_photo(db_session, req, photos.clean_photo(jpeg_with_gps()), user=None)
        with pytest.raises(RequestError):
            photos.publish(db_session, kept[0], no_people=False)
        photos.publish(db_session, kept[0], no_people=True)
    assert photos.board_photo(db_session, kept[0].id) is None  # the request is not posted
    req.posted_at, req.board_title, req.result = req.resolved_at or req.received_at, "花架", "建成"
    db_session.flush()
    assert photos.board_photo(db_session, kept[0].id) == kept[0]
    assert photos.board_photo(db_session, kept[1].id) is None  # not published
    photos.unpublish(db_session, kept[0])
    assert photos.board_photo(db_session, kept[0].id) is None
