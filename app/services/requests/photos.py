"""Photos of a request: a resident's on the public form, the committee's (before and after)
in the admin.

Every photo is checked before anything is kept (at most 5 MB) and re-encoded without its
metadata by `app.services.images`: EXIF (the phone's GPS position), XMP and comments are gone.
The bytes are kept in the database (a neighbourhood's photos are few), so every web worker and
host serves the same.

A photo is personal data like the request: shown to the staff who may see the request and,
on their private page, to the resident who sent it. It reaches the public notice board only
when a coordinator publishes it, confirming it shows no people and no personal data, and only
while the request is on the board. The photos of a request merged into another are handled
and published with the one it joined (its raiser's photo often shows the matter best), and
reach the board with that request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.enums import PhotoStage, RequestStatus
from app.models import HeldRequestPhoto, RequestPhoto, ResidentRequest, User, utcnow
from app.services.images import MAX_SIDE, MIN_SIDE, CleanImage, ImageRefused, clean_image
from app.services.requests.errors import RequestError

MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 5
#: A checked photo, re-encoded without its metadata.
CleanPhoto = CleanImage
#: How long a photo chosen on a form that went back to the resident is kept for them.
HELD_FOR = timedelta(hours=3)


def _refuse(message: object) -> RequestError:
    return RequestError("invalid", message, "photo")


def _refusal(reason: str) -> object:
    return {
        "too_large": _l("The photo is too large: at most 5 MB, please."),
        "empty": _l("The photo is empty."),
        "not_image": _l("Please send a photo (JPEG, PNG or WebP)."),
        "dimensions": _l("The photo must be between %(min)s and %(max)s pixels a side.",
                         min=MIN_SIDE, max=MAX_SIDE),
    }.get(reason, _l("This file is not a photo that can be read."))


def clean_photo(raw: bytes) -> CleanPhoto:
    """The photo checked and re-encoded without metadata (`app.services.images`);
    `RequestError` (field "photo") with a message the resident can read otherwise."""
    try:
        return clean_image(raw, max_bytes=MAX_BYTES)
    except ImageRefused as refused:
        raise _refuse(_refusal(refused.reason)) from None


def add_photo(session: Session, request: ResidentRequest, clean: CleanPhoto, *,
              user: User | None, stage: PhotoStage | str = PhotoStage.before) -> RequestPhoto:
    """Keep a checked photo (`clean_photo`) of the request, showing the matter as raised or
    as resolved (`stage`); flush only. At most MAX_PHOTOS per request."""
    stage = _stage(stage)
    count = session.scalar(select(func.count()).select_from(RequestPhoto)
                           .where(RequestPhoto.request_id == request.id)) or 0
    if count >= MAX_PHOTOS:
        raise _refuse(_l("A request has at most %(n)s photos.", n=MAX_PHOTOS))
    photo = RequestPhoto(request_id=request.id, content_type=clean.content_type,
                         width=clean.width, height=clean.height, size=len(clean.data),
                         data=clean.data, uploaded_by_id=user.id if user else None,
                         stage=stage)
    session.add(photo)
    session.flush()
    return photo


def _stage(value: PhotoStage | str | None) -> PhotoStage:
    try:
        return PhotoStage(value)
    except ValueError:
        raise _refuse(_l("Say whether the photo shows the matter as raised or as resolved.")
                      ) from None


def set_stage(session: Session, photo: RequestPhoto, stage: PhotoStage | str) -> None:
    """Correct whether a photo shows the matter as raised or as resolved; flush only."""
    photo.stage = _stage(stage)
    if photo.published_at is not None:
        _board_changed(photo)
    session.flush()


def publish(session: Session, photo: RequestPhoto, *, no_people: bool) -> None:
    """Show the photo on the notice board with its request; flush only. The coordinator
    confirms it shows no people and no personal data."""
    if not no_people:
        raise _refuse(_l("Confirm that the photo shows no people and no personal data "
                         "(faces, names, house numbers, number plates)."))
    photo.published_at = photo.published_at or utcnow()
    _board_changed(photo)
    session.flush()


def unpublish(session: Session, photo: RequestPhoto) -> None:
    photo.published_at = None
    _board_changed(photo)
    session.flush()


def _board_changed(photo: RequestPhoto) -> None:
    # The board's validator (`board.board_version`) follows the requests' `updated_at`; a
    # merged request's photo is shown with the request it joined.
    now = utcnow()
    photo.request.updated_at = now
    if photo.request.merged_into is not None:
        photo.request.merged_into.updated_at = now


def handled_photos(request: ResidentRequest) -> list[RequestPhoto]:
    """The request's photos, then those of the requests merged into it (handled with it)."""
    return [*request.photos, *(photo for merged in request.merged for photo in merged.photos)]


@dataclass(frozen=True)
class BoardPhoto:
    """A published photo as the board, its feeds and the API describe it (never its bytes,
    never who took it)."""

    id: int
    content_type: str
    width: int
    height: int
    size: int
    stage: PhotoStage


def board_photos(session: Session, request_ids: list[int]) -> dict[int, list[BoardPhoto]]:
    """The published photos of the given requests, by request: the "before" photos first,
    then the "after" ones, each in the order they were added; one query."""
    found: dict[int, list[BoardPhoto]] = {}
    P, R = RequestPhoto, ResidentRequest
    merged = and_(R.status == RequestStatus.merged, R.merged_into_id.in_(request_ids))
    owner = case((merged, R.merged_into_id), else_=P.request_id).label("owner")
    for row in session.execute(
            select(P.id, owner, P.content_type, P.width, P.height, P.size, P.stage)
            .join(R, R.id == P.request_id)
            .where(or_(P.request_id.in_(request_ids), merged), P.published_at.is_not(None))
            .order_by(P.id)):
        found.setdefault(row.owner, []).append(BoardPhoto(
            row.id, row.content_type, row.width, row.height, row.size, PhotoStage(row.stage)))
    order = list(PhotoStage)
    for photos in found.values():
        photos.sort(key=lambda photo: order.index(photo.stage))  # stable: ids stay in order
    return found


def board_photo(session: Session, photo_id: int) -> RequestPhoto | None:
    """A photo the public may see: published, of a request on the notice board (or of one
    merged into it)."""
    R = ResidentRequest
    joined = aliased(ResidentRequest)
    return session.scalars(
        select(RequestPhoto).join(R, R.id == RequestPhoto.request_id)
        .outerjoin(joined, and_(R.status == RequestStatus.merged,
                                joined.id == R.merged_into_id))
        .where(RequestPhoto.id == photo_id, RequestPhoto.published_at.is_not(None),
               or_(and_(R.posted_at.is_not(None), R.status == RequestStatus.resolved),
                   and_(joined.posted_at.is_not(None),
                        joined.status == RequestStatus.resolved)))).first()


# -- A photo held while the public form goes back to the resident --------------------------

def hold(session: Session, clean: CleanPhoto) -> str:
    """Keep a checked photo for a form that goes back to the resident; the token the form
    carries to find it again. Flush only."""
    held = HeldRequestPhoto(content_type=clean.content_type, width=clean.width,
                            height=clean.height, size=len(clean.data), data=clean.data)
    session.add(held)
    session.flush()
    return held.token


def chosen(session: Session, raw: bytes | None, held_token: str | None) -> CleanPhoto | None:
    """The photo sent with a form, checked; else the one held under `held_token` from an
    earlier round of it; None when neither. `RequestError` (field "photo") when the photo
    sent cannot be used, or the one held is no longer kept (kept only `HELD_FOR`): the person
    chooses it again or sends without."""
    if raw:
        return clean_photo(raw)
    clean = held(session, held_token)
    if held_token and clean is None:
        raise _refuse(_l("The photo you chose earlier is no longer kept (we keep it for "
                         "%(hours)s hours). Please choose it again, or send without it.",
                         hours=int(HELD_FOR.total_seconds() // 3600)))
    return clean


def hold_again(session: Session, raw: bytes | None, held_token: str | None) -> str | None:
    """After a refused form: keep the photo just sent (if it can be used) in place of the one
    held before, or keep holding that one; the token the form carries next, None when no
    photo is held. Flush only (the caller commits, though the form was refused)."""
    if raw:
        try:
            clean = clean_photo(raw)
        except RequestError:
            clean = None  # the refusal says why; the one held before (if any) stays
        if clean is not None:
            release(session, held_token)
            return hold(session, clean)
    return held_token if held(session, held_token) is not None else None


def held(session: Session, token: str | None, *, now: datetime | None = None
         ) -> CleanPhoto | None:
    """The photo held under `token`, if it is still kept (None for an unknown, used or
    expired token: the form then asks for the photo again, saying so)."""
    if not token or len(token) > 64:
        return None
    row = session.scalars(select(HeldRequestPhoto).where(
        HeldRequestPhoto.token == token,
        HeldRequestPhoto.held_at > (now or utcnow()) - HELD_FOR)).first()
    if row is None:
        return None
    return CleanPhoto(data=row.data, content_type=row.content_type, width=row.width,
                      height=row.height)


def release(session: Session, token: str | None) -> None:
    """Forget a held photo (it went with the request, or was replaced). Flush only."""
    if token:
        session.execute(delete(HeldRequestPhoto).where(HeldRequestPhoto.token == token)
                        .execution_options(synchronize_session=False))


def purge_held(session: Session, now: datetime | None = None) -> int:
    """Forget photos held longer than `HELD_FOR`: their forms were abandoned."""
    result = session.execute(
        delete(HeldRequestPhoto).where(HeldRequestPhoto.held_at <= (now or utcnow()) - HELD_FOR)
        .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
