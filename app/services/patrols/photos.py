"""Photos of an inspection, taken on the phone at the site (a licence not displayed, a blocked
fire exit).

Checked and cleaned as a request's photo is (`requests.photos.clean_photo`, over the shared
`app.services.images`: type, at most 5 MB, dimensions, the EXIF position and every other
metadata stripped). Added by whoever may change the record
(its group's members on the day, a coordinator later: `log.may_change`), at most MAX_PHOTOS
each. Seen only by the inspection's group and by the staff whose scope holds the site: a
photo of a café can show its customers, so it is never public. Flush only.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import PatrolInspection, PatrolInspectionPhoto, PatrolMember, User, Volunteer
from app.services.patrols.log import PatrolError, may_change
from app.services.requests.errors import RequestError
from app.services.requests.photos import clean_photo

MAX_PHOTOS = 10


def add_photo(session: Session, inspection: PatrolInspection, raw: bytes, *,
              volunteer: Volunteer | None = None, user: User | None = None
              ) -> PatrolInspectionPhoto:
    """Check, clean and keep a photo of the inspection; `PatrolError` (field "photo") when
    it is refused or the record may no longer be changed by this person."""
    if not may_change(session, inspection, user=user, volunteer=volunteer):
        raise PatrolError(_l("This inspection can no longer be changed by you: after its day "
                             "only a coordinator changes it."), "photo")
    try:  # the requests' checks and words: one rule for every photo from a phone
        clean = clean_photo(raw)
    except RequestError as refused:
        raise PatrolError(refused.message, "photo") from None
    count = session.scalar(select(func.count()).select_from(PatrolInspectionPhoto).where(
        PatrolInspectionPhoto.inspection_id == inspection.id)) or 0
    if count >= MAX_PHOTOS:
        raise PatrolError(_l("An inspection has at most %(n)s photos.", n=MAX_PHOTOS), "photo")
    photo = PatrolInspectionPhoto(
        inspection_id=inspection.id, content_type=clean.content_type, width=clean.width,
        height=clean.height, size=len(clean.data), data=clean.data,
        uploaded_by_id=volunteer.id if volunteer else None,
        recorded_by_id=user.id if user else None)
    session.add(photo)
    session.flush()
    return photo


def member_photo(session: Session, photo_id: int,
                 volunteer_id: int) -> PatrolInspectionPhoto | None:
    """A photo for a member of the inspection's group; None for anyone else."""
    return session.scalars(
        select(PatrolInspectionPhoto)
        .join(PatrolInspection, PatrolInspection.id == PatrolInspectionPhoto.inspection_id)
        .join(PatrolMember, PatrolMember.group_id == PatrolInspection.group_id)
        .where(PatrolInspectionPhoto.id == photo_id,
               PatrolMember.volunteer_id == volunteer_id)).first()


def photo_of(inspection: PatrolInspection, photo_id: int | None) -> PatrolInspectionPhoto | None:
    """One of the inspection's photos (the caller has checked the inspection is in scope)."""
    return next((p for p in inspection.photos if p.id == photo_id), None)
