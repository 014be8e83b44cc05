"""The .ics upload steps shared by the portal and the admin: read, preview, confirm."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from app.models import Volunteer
from app.services import ics_import, links
from app.services.ics_import import BusyInterval, IcsImportError


def read_upload(upload: FileStorage | None) -> bytes:
    if upload is None or not upload.filename:
        raise IcsImportError(_l("Choose an .ics file to upload."))
    try:
        data = upload.stream.read(ics_import.MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    if len(data) > ics_import.MAX_BYTES:
        raise IcsImportError(_l("The file is larger than 1 MB. Export a shorter period."))
    return data


def preview(volunteer: Volunteer, data: bytes, now: datetime) -> tuple[list[BusyInterval], str]:
    """Busy times of the file and the signed token that the confirm step carries back."""
    zone = ZoneInfo(current_app.config["LINLI_TIMEZONE"])
    intervals = ics_import.parse_busy_times(data, zone=zone, start=now)
    token = links.preview_token(current_app.config["SECRET_KEY"], volunteer.id,
                                ics_import.dump_intervals(intervals))
    return intervals, token


def confirm(session: Session, volunteer: Volunteer, token: str) -> tuple[int, int]:
    rows = links.read_preview_token(current_app.config["SECRET_KEY"], token, volunteer.id)
    if rows is None:
        raise IcsImportError(_l("The preview has expired or is not valid; upload the file again."))
    return ics_import.create_blackouts(session, volunteer, ics_import.load_intervals(rows))
