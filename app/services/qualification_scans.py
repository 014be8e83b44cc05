"""The scan of a qualification (资质证书扫描件): a photo or a PDF of the licence.

Checked before anything is kept: at most 5 MB; a JPEG, PNG or WebP image, re-encoded without
its metadata (EXIF with the phone's GPS position, XMP, comments — `app.services.images`), or a
PDF (by its signature and end marker, kept as sent). Anything else is refused with a message
and nothing changes. The bytes live in the database, never under static files; who may read
them is the caller's check: coordinators through the admin's scoping, the volunteer through her
own portal (`scan_of_volunteer`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from app.models import Qualification, QualificationScan, User, utcnow
from app.models.qualifications import SCAN_MAX_BYTES
from app.services.images import MAX_SIDE, MIN_SIDE, ImageRefused, clean_image

PDF = "application/pdf"


class ScanError(ValueError):
    """The upload is not kept; the message says why in the user's language."""


@dataclass(frozen=True)
class CleanScan:
    data: bytes
    content_type: str


def _refusal(reason: str) -> object:
    return {
        "too_large": _l("The scan is too large: at most 5 MB, please."),
        "empty": _l("The scan is empty."),
        "not_image": _l("A scan is a photo (JPEG, PNG or WebP) or a PDF file."),
        "dimensions": _l("The scan must be between %(min)s and %(max)s pixels a side.",
                         min=MIN_SIDE, max=MAX_SIDE),
    }.get(reason, _l("A scan is a photo (JPEG, PNG or WebP) or a PDF file."))


def clean_scan(raw: bytes) -> CleanScan:
    """The upload checked (and an image re-encoded without metadata); `ScanError` else."""
    if raw.startswith(b"%PDF-"):
        if len(raw) > SCAN_MAX_BYTES:
            raise ScanError(str(_refusal("too_large")))
        # a PDF ends with %%EOF (a few bytes of whitespace may follow)
        if b"%%EOF" not in raw[-1024:]:
            raise ScanError(str(_l("This PDF file is incomplete or damaged.")))
        return CleanScan(raw, PDF)
    try:
        image = clean_image(raw, max_bytes=SCAN_MAX_BYTES)
    except ImageRefused as refused:
        raise ScanError(str(_refusal(refused.reason))) from None
    if len(image.data) > SCAN_MAX_BYTES:  # re-encoding a PNG may grow it
        raise ScanError(str(_refusal("too_large")))
    return CleanScan(image.data, image.content_type)


def attach(session: Session, qualification: Qualification, clean: CleanScan, *,
           user: User | None) -> QualificationScan:
    """Keep the scan on the qualification, replacing an earlier one; flush only."""
    scan = qualification.scan
    if scan is None:
        scan = QualificationScan()
        qualification.scan = scan
    scan.content_type = clean.content_type
    scan.size = len(clean.data)
    scan.data = clean.data
    scan.uploaded_at = utcnow()
    scan.uploaded_by_id = user.id if user is not None else None
    session.flush()
    return scan


def scan_with_data(session: Session, qualification_id: int) -> QualificationScan | None:
    return session.scalar(select(QualificationScan)
                          .where(QualificationScan.qualification_id == qualification_id)
                          .options(undefer(QualificationScan.data)))


def scan_of_volunteer(session: Session, qualification_id: int,
                      volunteer_id: int) -> QualificationScan | None:
    """The scan of one of the volunteer's own qualifications; None for anyone else's."""
    return session.scalar(
        select(QualificationScan)
        .join(Qualification, Qualification.id == QualificationScan.qualification_id)
        .where(QualificationScan.qualification_id == qualification_id,
               Qualification.volunteer_id == volunteer_id)
        .options(undefer(QualificationScan.data)))


def file_name(scan: QualificationScan) -> str:
    suffix = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
              "image/webp": "webp"}.get(scan.content_type, "bin")
    return f"qualification-{scan.qualification_id}.{suffix}"
